import { ApiError } from '../../api/client';
import { errorMessage, type Lang } from '../../api/errors';
import { inLanguage } from './cabinet-state';

/**
 * A refusal in the user's words: the app's table for the codes it knows, else the hub's own bilingual
 * message ("English / 日本語") in the user's half.
 */
export function cabinetError(error: unknown, lang: Lang): string {
  const known = errorMessage(error, lang);
  if (error instanceof ApiError && known === `${error.message} (${error.code})`)
    return inLanguage(error.message, lang);
  return known;
}
