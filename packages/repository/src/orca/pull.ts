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
  const applied = await applyIntake(
    store,
    { kind: 'orca', name: `${pull.since}..${pull.until}`, sender: 'orca' },
    batches,
    { now, warnings: warnings.slice(0, 200), also: saveState },
  );
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
