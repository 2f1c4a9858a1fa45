import { z } from 'zod';
import { CATEGORY_CODES, isCategory } from './categories.js';

/**
 * What a facility discloses, whatever the hub asks for (defence in depth at the gateway; the hub's
 * policy reads the same settings). The empty list — the default — discloses nothing.
 */
export interface DisclosureSettings {
  /** Categories (患者基本情報, 処方, 検体検査結果 …) this facility makes visible. */
  categories: string[];
}

export const NOTHING_DISCLOSED: DisclosureSettings = { categories: [] };

/** The body of a disclosure change: `{"categories": [...]}` and nothing else. */
export const disclosureBodySchema = z.object({ categories: z.array(z.string()) }).strict();

export type DisclosureCheck =
  | { ok: true; settings: DisclosureSettings }
  | { ok: false; unknown: string[]; message: string };

/** Known categories only, each once, sorted: an unknown name is an error, never silently widened. */
export function checkDisclosure(input: { categories: readonly string[] }): DisclosureCheck {
  const unknown = input.categories.filter((c) => !isCategory(c));
  if (unknown.length > 0) {
    return {
      ok: false,
      unknown,
      message: `unknown categories: ${unknown.join(', ')} (known: ${CATEGORY_CODES.join(', ')})`,
    };
  }
  return { ok: true, settings: { categories: [...new Set(input.categories)].sort() } };
}
