import type { Kysely, Migration } from 'kysely';
import { rewriteStoredDisclosure } from './stored-disclosure.js';

/**
 * Height, weight and blood type became a category of their own (`body-measurement`); a facility whose
 * stored disclosure settings disclosed `demographics` disclosed them too, and still does.
 */
export const bodyMeasurementDisclosure: Migration = {
  async up(db: Kysely<unknown>) {
    await rewriteStoredDisclosure(db, (categories) =>
      categories.includes('demographics') && !categories.includes('body-measurement')
        ? [...categories, 'body-measurement']
        : undefined,
    );
  },
};
