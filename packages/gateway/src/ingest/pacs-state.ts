import type { Store } from '@hie/platform';
import type { Schema } from '@hie/record-source';
import { upsertDicomErrors } from './dicom-index.js';

/** gw_state name of the PACS sync's checkpoint and health. */
export const PACS_STATE = 'pacs_sync';

/** gw_error paths of the PACS source begin so (`pacs:<url>`, `pacs:<url>/studies/<uid>`); the storage sweep leaves them alone. */
export const PACS_PATH_PREFIX = 'pacs:';

/** What the last PACS pass left: its checkpoint (last full listing) and how the PACS fared. */
export interface PacsState {
  /** The DICOMweb root it was done against. */
  url: string;
  /** The issuer rule it matched with (null: this facility's OID or code, or none). */
  issuer: string | null;
  /** When every study was last listed (studies gone from the PACS are dropped then). */
  lastFullAt: string | null;
  lastSyncAt: string | null;
  /** The failure that ended the last pass, or null when it went through. */
  lastError: { code: string; message: string; at: string } | null;
  lastMs: number;
  /** The slowest single answer of the PACS in the last pass (ms). */
  slowestMs: number;
}

export async function readPacsState(store: Store<Schema>): Promise<PacsState | undefined> {
  const row = await store.db
    .selectFrom('gw_state')
    .select('value')
    .where('name', '=', PACS_STATE)
    .executeTakeFirst();
  if (!row) return undefined;
  try {
    const s = JSON.parse(row.value) as Partial<PacsState>;
    if (typeof s.url !== 'string') return undefined;
    return {
      url: s.url,
      issuer: typeof s.issuer === 'string' ? s.issuer : null,
      lastFullAt: typeof s.lastFullAt === 'string' ? s.lastFullAt : null,
      lastSyncAt: typeof s.lastSyncAt === 'string' ? s.lastSyncAt : null,
      lastError: s.lastError && typeof s.lastError.code === 'string' ? s.lastError : null,
      lastMs: Number(s.lastMs) || 0,
      slowestMs: Number(s.slowestMs) || 0,
    };
  } catch {
    // A damaged checkpoint counts as none: the next pass lists every study.
    return undefined;
  }
}

/**
 * A pass that went through: the PACS's own error row (and any of a URL no longer configured) cleared,
 * the state written.
 */
export async function recordPacsPass(
  store: Store<Schema>,
  state: PacsState,
  previousUrl?: string,
): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('gw_error').where('path', '=', `${PACS_PATH_PREFIX}${state.url}`).execute();
    if (previousUrl && previousUrl !== state.url)
      await trx.deleteFrom('gw_error').where('path', 'like', `${PACS_PATH_PREFIX}${previousUrl}%`).execute();
  });
  await writePacsState(store, state);
}

/** A pass the PACS ended: its error row (path `pacs:<url>`), and the failure in the state. */
export async function recordPacsFailure(
  store: Store<Schema>,
  url: string,
  state: PacsState & { lastError: NonNullable<PacsState['lastError']> },
): Promise<void> {
  const { code, message, at } = state.lastError;
  await upsertDicomErrors(
    store.db,
    [{ path: `${PACS_PATH_PREFIX}${url}`, size: 0, mtimeMs: 0, problem: { code, message } }],
    at,
  );
  await writePacsState(store, state);
}

async function writePacsState(store: Store<Schema>, state: PacsState): Promise<void> {
  const value = JSON.stringify(state);
  const updatedAt = new Date().toISOString();
  await store.db
    .insertInto('gw_state')
    .values({ name: PACS_STATE, value, updated_at: updatedAt })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: updatedAt }))
    .execute();
}
