import { readFileSync } from 'node:fs';
import { mapOrcaPatient, type OrcaCheckpoint, OrcaClient, type OrcaPull, pullChanges } from '@hie/orca';
import type { Transaction } from 'kysely';
import type { OrcaPullOutcome } from '../api/intake-context.js';
import { ORCA_LAST, ORCA_STATE } from '../api/status.js';
import { applyIntake } from '../intake/apply.js';
import type { IntakeBatch, IntakeCounts, IntakeIssue } from '../intake/batch.js';
import type { RepositorySchema } from '../store/schema.js';
import type { OrcaSettings, Tenant } from '../tenants/registry.js';
import type { TenantStore } from '../tenants/scoped-store.js';

/** Patients written per transaction of a pull. */
const PART = 100;

export function orcaClientOf(settings: OrcaSettings, options: { timeoutMs?: number } = {}): OrcaClient {
  const tls = settings.tls;
  return new OrcaClient({
    baseUrl: settings.url,
    username: settings.username,
    password: settings.password,
    format: settings.format,
    ...(tls
      ? {
          tls: {
            cert: readFileSync(tls.cert),
            key: readFileSync(tls.key),
            ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
          },
        }
      : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}

export async function loadOrcaCheckpoint(store: TenantStore): Promise<OrcaCheckpoint | undefined> {
  const row = await store.db
    .selectFrom('gw_state')
    .select('value')
    .where('name', '=', ORCA_STATE)
    .executeTakeFirst();
  if (!row) return undefined;
  try {
    const v = JSON.parse(row.value) as OrcaCheckpoint;
    return typeof v.since === 'string' && Array.isArray(v.pending) ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One pull's patients → the tenant's store, with the new checkpoint in the same transaction: a pull is
 * stored whole or not at all, and the next starts from where this one ended. A patient ORCA could not
 * give completely stays `pending` in the checkpoint (read again next time) and is listed as a warning.
 */
export async function storeOrcaPull(
  store: TenantStore,
  tenant: Pick<Tenant, 'oid' | 'institutionCode' | 'name'>,
  pull: OrcaPull,
  now = new Date(),
): Promise<OrcaPullOutcome> {
  const facility = { institutionCode: tenant.institutionCode, oid: tenant.oid, name: tenant.name };
  const batches: IntakeBatch[] = [];
  const warnings: IntakeIssue[] = [];
  for (const data of pull.patients) {
    const mapped = mapOrcaPatient(data, { facility });
    batches.push({
      recordKey: `orca:${data.patientId}`,
      origin: `orca:${pull.until}`,
      entries: mapped.entries,
      replacePrefixes: mapped.replacePrefixes,
      deleteIds: mapped.deleteIds,
      ...(data.status === 'gone' ? { deletePatients: [data.patientId] } : {}),
    });
    for (const w of mapped.warnings.slice(0, 3))
      warnings.push({ code: w.code, message: w.message, file: w.api ?? 'orca', field: data.patientId });
  }
  for (const f of pull.failures)
    warnings.push({
      code: f.error.code,
      message: `patient ${f.patientId}: ${f.error.message} (read again on the next pull)`,
      file: f.error.context?.api ?? 'orca',
    });
  const last = {
    since: pull.since,
    until: pull.until,
    full: pull.full,
    patients: pull.patients.length,
    failures: pull.failures.length,
    pending: pull.checkpoint.pending.length,
  };
  const at = now.toISOString();
  const saveState = async (tx: Transaction<RepositorySchema>) => {
    for (const [name, value] of [
      [ORCA_STATE, JSON.stringify(pull.checkpoint)],
      [ORCA_LAST, JSON.stringify(last)],
    ] as const)
      await tx
        .insertInto('gw_state')
        .values({ name, value, updated_at: at })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at }))
        .execute();
  };
  // Written in parts of PART patients, each its own transaction, with a turn of the event loop between
  // them: a clinic's first full sync is thousands of patients, and SQLite blocks the process while it
  // writes (every tenant's requests wait). The checkpoint and the intake record go with the last part, so
  // a crash half-way leaves the old checkpoint: the next pull reads those patients again (idempotent).
  const source = { kind: 'orca' as const, name: `${pull.since}..${pull.until}`, sender: 'orca' };
  let carried = { resources: 0, patients: 0, deleted: 0 };
  let applied = { intakeId: '', counts: carried };
  for (let at = 0; at === 0 || at < batches.length; at += PART) {
    const last = at + PART >= batches.length;
    const part = await applyIntake(store, source, batches.slice(at, at + PART), {
      now,
      carried,
      ...(last ? { warnings: warnings.slice(0, 200), also: saveState } : { record: false }),
    });
    carried = part.counts;
    if (last) applied = part;
    else await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    intakeId: applied.intakeId,
    patients: pull.patients.length,
    failures: pull.failures.length,
    counts: applied.counts,
  };
}

/** A pull that failed before it read anyone (ORCA down, wrong password): kept for the status screen. */
export async function recordOrcaFailure(store: TenantStore, error: unknown, now = new Date()): Promise<void> {
  const e = error as { code?: string; message?: string };
  const value = JSON.stringify({ error: e.code ?? 'orca-failed', message: e.message ?? String(error) });
  const at = now.toISOString();
  await store.db
    .insertInto('gw_state')
    .values({ name: ORCA_LAST, value, updated_at: at })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at }))
    .execute();
}

/** Pull now: the office's 「今すぐ取得」 and the tests. */
export async function pullTenantNow(
  store: TenantStore,
  tenant: Tenant,
  client: OrcaClient,
): Promise<OrcaPullOutcome & { counts: IntakeCounts }> {
  const settings = tenant.settings.orca;
  const checkpoint = await loadOrcaCheckpoint(store);
  const pull = await pullChanges(client, checkpoint, {
    ...(settings?.fullSyncFrom ? { fullSyncFrom: settings.fullSyncFrom } : {}),
  });
  return storeOrcaPull(store, tenant, pull);
}
