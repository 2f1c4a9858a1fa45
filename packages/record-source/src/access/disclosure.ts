import {
  checkDisclosure,
  type DisclosureCheck,
  type DisclosureSettings,
  NOTHING_DISCLOSED,
} from '@hie/contract';
import type { Store } from '@hie/platform';
import type { Schema } from '../store/schema.js';

export { checkDisclosure, type DisclosureCheck, type DisclosureSettings, NOTHING_DISCLOSED };

const STATE_NAME = 'disclosure';

export interface DisclosureSnapshot {
  settings: DisclosureSettings;
  /** `admin` once the admin API has set them (stored in gw_state), else `config`. */
  source: 'config' | 'admin';
  updatedAt: string | null;
}

/**
 * The facility's settings: from the config file until the admin API stores new ones in gw_state;
 * from then on the stored ones win (so a change survives restarts). Re-read after `ttlMs`, so a change
 * made by another process sharing the store applies within that time.
 */
export class DisclosureRegistry {
  private cached: { snapshot: DisclosureSnapshot; at: number } | undefined;

  constructor(
    private readonly store: Store<Schema>,
    private readonly configured: DisclosureSettings,
    private readonly ttlMs = 2000,
  ) {}

  async current(): Promise<DisclosureSnapshot> {
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.ttlMs) return this.cached.snapshot;
    const row = await this.store.db
      .selectFrom('gw_state')
      .select(['value', 'updated_at'])
      .where('name', '=', STATE_NAME)
      .executeTakeFirst();
    const snapshot = row ? storedSnapshot(row.value, row.updated_at) : this.fromConfig();
    this.cached = { snapshot, at: now };
    return snapshot;
  }

  async replace(settings: DisclosureSettings): Promise<DisclosureSnapshot> {
    const updatedAt = new Date().toISOString();
    const value = JSON.stringify(settings);
    await this.store.db
      .insertInto('gw_state')
      .values({ name: STATE_NAME, value, updated_at: updatedAt })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: updatedAt }))
      .execute();
    const snapshot: DisclosureSnapshot = { settings, source: 'admin', updatedAt };
    this.cached = { snapshot, at: Date.now() };
    return snapshot;
  }

  private fromConfig(): DisclosureSnapshot {
    const checked = checkDisclosure(this.configured);
    // Unknown names in the config are refused when the config is loaded; here they disclose nothing.
    return { settings: checked.ok ? checked.settings : NOTHING_DISCLOSED, source: 'config', updatedAt: null };
  }
}

/** A stored value that no longer parses discloses nothing: deny by default, never fall back to wider. */
function storedSnapshot(value: string, updatedAt: string): DisclosureSnapshot {
  let settings = NOTHING_DISCLOSED;
  try {
    const parsed = JSON.parse(value) as { categories?: unknown };
    if (Array.isArray(parsed.categories) && parsed.categories.every((c) => typeof c === 'string')) {
      const checked = checkDisclosure({ categories: parsed.categories });
      if (checked.ok) settings = checked.settings;
    }
  } catch {
    settings = NOTHING_DISCLOSED;
  }
  return { settings, source: 'admin', updatedAt };
}
