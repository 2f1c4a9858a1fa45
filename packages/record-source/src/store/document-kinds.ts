import { DOCUMENT_KINDS } from '@hie/contract';
import type { Kysely, Migration } from 'kysely';
import { rewriteStoredDisclosure } from './stored-disclosure.js';

/**
 * Documents became one category per kind (退院時サマリ, 読影レポート …), `document` the catch-all
 * (その他文書). A facility whose stored disclosure settings disclosed `document` disclosed every
 * document, and still does: every kind is added. Settings that already name a kind were stored by
 * this release and are left as they are.
 */
export const documentKindsDisclosure: Migration = {
  async up(db: Kysely<unknown>) {
    await rewriteStoredDisclosure(db, (categories) =>
      categories.includes('document') &&
      !categories.some((c) => (DOCUMENT_KINDS as readonly unknown[]).includes(c))
        ? [...categories, ...DOCUMENT_KINDS]
        : undefined,
    );
  },
};
