import { randomUUID } from 'node:crypto';
import { withCategoryTag } from '@hie/contract';
import {
  type Db,
  type GwResourceTable,
  type PatientLike,
  patientRowOf,
  upsertResources,
} from '@hie/record-source';
import type { Transaction } from 'kysely';
import type { RepositorySchema } from '../store/schema.js';
import type { TenantStore } from '../tenants/scoped-store.js';
import type { IntakeBatch, IntakeCounts, IntakeIssue } from './batch.js';

type Tx = Transaction<RepositorySchema>;

/** Who sent an intake and what it was: kept in rp_intake with its outcome. */
export interface IntakeSource {
  kind: 'orca' | 'uke' | 'okusuri-techo' | 'lab' | 'ssmix2' | 'manual';
  name: string;
  sha256?: string;
  /** The sender's id (rp_sender.id, `orca`, or a user id for manual entry). */
  sender: string;
}

export interface AppliedIntake {
  intakeId: string;
  counts: IntakeCounts;
}

const IN_CHUNK = 500;

/**
 * Writes one or more batches into one tenant in a single transaction, with the rp_intake record of the
 * intake: all of it or none of it (a crash or a store error leaves the store as it was). Stored ids under
 * a batch's `replacePrefixes` that it does not PUT again are deleted, so a re-sent file replaces.
 */
export async function applyIntake(
  store: TenantStore,
  source: IntakeSource,
  batches: readonly IntakeBatch[],
  options: {
    now?: Date;
    warnings?: readonly IntakeIssue[];
    /** Written in the same transaction (an ORCA pull's checkpoint). */
    also?: (tx: Transaction<RepositorySchema>) => Promise<void>;
    /** Write the rp_intake record (default true; false for the first parts of an intake written in parts). */
    record?: boolean;
    /** Counts of the parts written before (the record and the answer show the whole intake's). */
    carried?: IntakeCounts;
  } = {},
): Promise<AppliedIntake> {
  const now = (options.now ?? new Date()).toISOString();
  const intakeId = randomUUID();
  const counts: IntakeCounts = { ...(options.carried ?? { resources: 0, patients: 0, deleted: 0 }) };
  await store.db.transaction().execute(async (tx) => {
    for (const batch of batches) await applyBatch(store, tx, batch, now, counts);
    await options.also?.(tx);
    if (options.record === false) return;
    await tx
      .insertInto('rp_intake')
      .values({
        id: intakeId,
        kind: source.kind,
        name: source.name,
        sha256: source.sha256 ?? null,
        sender: source.sender,
        status: 'imported',
        counts: JSON.stringify(counts),
        issues: JSON.stringify(options.warnings ?? []),
        received_at: now,
      })
      .execute();
  });
  return { intakeId, counts };
}

/** An intake refused whole: only its record is written, with the reasons (nothing of its data). */
export async function recordRejectedIntake(
  store: TenantStore,
  source: IntakeSource,
  issues: readonly IntakeIssue[],
  now = new Date(),
): Promise<string> {
  const id = randomUUID();
  await store.db
    .insertInto('rp_intake')
    .values({
      id,
      kind: source.kind,
      name: source.name,
      sha256: source.sha256 ?? null,
      sender: source.sender,
      status: 'rejected',
      counts: JSON.stringify({ resources: 0, patients: 0, deleted: 0 }),
      issues: JSON.stringify(issues),
      received_at: now.toISOString(),
    })
    .execute();
  return id;
}

async function applyBatch(
  store: TenantStore,
  tx: Tx,
  batch: IntakeBatch,
  now: string,
  counts: IntakeCounts,
): Promise<void> {
  const written = new Set(batch.entries.map((e) => `${e.index.resourceType}/${e.index.id}`));
  const writtenIds = new Set(batch.entries.map((e) => e.index.id));
  // What the source no longer has: stored under a replaced prefix and not written again.
  const stale: { type: string; id: string }[] = [];
  for (const prefix of batch.replacePrefixes) {
    if (prefix === '') throw new Error('an empty replace prefix would replace every record of the tenant');
    const rows = await tx
      .selectFrom('gw_resource')
      .select(['resource_type', 'id'])
      .where('id', '>=', prefix)
      .where('id', '<', `${prefix}\uffff`)
      .execute();
    for (const r of rows)
      if (!written.has(`${r.resource_type}/${r.id}`)) stale.push({ type: r.resource_type, id: r.id });
  }
  for (let at = 0; at < stale.length; at += IN_CHUNK) {
    const part = stale.slice(at, at + IN_CHUNK);
    for (const type of new Set(part.map((s) => s.type))) {
      const ids = part.filter((s) => s.type === type).map((s) => s.id);
      const r = await tx
        .deleteFrom('gw_resource')
        .where('resource_type', '=', type)
        .where('id', 'in', ids)
        .executeTakeFirst();
      counts.deleted += Number(r.numDeletedRows);
    }
  }
  for (let at = 0; at < batch.deleteIds.length; at += IN_CHUNK) {
    const ids = batch.deleteIds.slice(at, at + IN_CHUNK).filter((id) => !writtenIds.has(id));
    if (ids.length === 0) continue;
    const r = await tx.deleteFrom('gw_resource').where('id', 'in', ids).executeTakeFirst();
    counts.deleted += Number(r.numDeletedRows);
  }
  for (const patientId of batch.deletePatients ?? []) {
    await tx.deleteFrom('gw_patient').where('patient_id', '=', patientId).execute();
  }

  const rows: GwResourceTable[] = batch.entries.map((e) => ({
    resource_type: e.index.resourceType,
    id: e.index.id,
    patient_id: e.index.patientId,
    category: e.index.category,
    date: e.index.date ?? null,
    code: e.index.code ?? null,
    record_key: batch.recordKey,
    file_path: batch.origin,
    version_id: 1,
    last_updated: now,
    // Labelled with its category: the hub checks what it gets back against what it asked for.
    json: JSON.stringify(withCategoryTag(e.resource, e.index.category)),
  }));
  await upsertResources(tx as unknown as Db, store.engine, rows, { tenant: store.tenant });
  counts.resources += rows.length;

  for (const e of batch.entries) {
    if (e.resource.resourceType !== 'Patient') continue;
    const fields = patientRowOf(e.resource as PatientLike);
    await tx
      .insertInto('gw_patient')
      .values({ patient_id: e.index.patientId, ...fields, updated_at: now })
      .onConflict((oc) => oc.column('patient_id').doUpdateSet({ ...fields, updated_at: now }))
      .execute();
    counts.patients++;
  }
}
