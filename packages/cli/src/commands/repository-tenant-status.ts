import type { Store } from '@hie/platform';
import { listSenders, type RepositorySchema, type Tenant, type TenantRegistry } from '@hie/repository';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import {
  type RepositoryStoreFlags,
  repositoryStoreOptions,
  tenantNamed,
  withRepository,
} from './repository-options.js';

/** The gw_state row the ORCA pull writes its last outcome to (`ORCA_LAST` in the repository, not exported). */
const ORCA_LAST = 'orca.last';
const RECENT_INTAKES = 10;

interface StatusFlags extends RepositoryStoreFlags {
  json?: boolean;
}

export interface TenantStatusReport {
  tenant: { oid: string; code: string; name: string; kind: string; status: string };
  counts: { patients: number; resources: number };
  orca: { connection: string; last: (Record<string, unknown> & { at: string }) | null };
  feed: boolean;
  intakes: { receivedAt: string; kind: string; name: string; status: string; firstIssue: string | null }[];
  senders: { id: string; name: string }[];
  labCentres: { id: string; name: string; facilityCode: string | null }[];
}

/** `hie repository tenant status OID`: what the office screen shows of one tenant, from the store. */
export function registerTenantStatusCommand(tenant: Command): void {
  repositoryStoreOptions(
    tenant
      .command('status')
      .description(
        'One tenant: patients and resources, the last ORCA pull, the last intakes (status and first reason), ' +
          'its senders and linked lab centres',
      )
      .argument('<oid>', "the tenant's OID"),
  )
    .option('--json', 'print the status as one JSON object')
    .action(async (oid: string, flags: StatusFlags) => {
      const report = await withRepository(flags, {}, ({ store, tenants }) =>
        tenantStatusReport(store, tenants, oid),
      );
      process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatTenantStatus(report));
      process.exitCode = EXIT.ok;
    });
}

/**
 * Read directly from the tenant's scoped store: the repository's `tenantStatus` wants a whole
 * IntakeContext (audit queue, UKE masters) that only a running server has, and uses none of it but the
 * registry.
 */
export async function tenantStatusReport(
  store: Store<RepositorySchema>,
  tenants: TenantRegistry,
  oid: string,
): Promise<TenantStatusReport> {
  const tenant = tenantNamed(tenants, oid);
  const scoped = tenants.storeOf(oid).db;
  const [patients, resources, orcaLast, intakes, senders, labCentres] = await Promise.all([
    scoped
      .selectFrom('gw_patient')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst(),
    scoped
      .selectFrom('gw_resource')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst(),
    scoped
      .selectFrom('gw_state')
      .select(['value', 'updated_at'])
      .where('name', '=', ORCA_LAST)
      .executeTakeFirst(),
    scoped
      .selectFrom('rp_intake')
      .select(['received_at', 'kind', 'name', 'status', 'issues'])
      .orderBy('received_at', 'desc')
      .limit(RECENT_INTAKES)
      .execute(),
    listSenders(store, oid),
    store.db
      .selectFrom('rp_lab_link')
      .innerJoin('rp_sender', 'rp_sender.id', 'rp_lab_link.sender_id')
      .select(['rp_sender.id', 'rp_sender.name', 'rp_sender.facility_code'])
      .where('rp_lab_link.tenant', '=', oid)
      .where('rp_sender.revoked_at', 'is', null)
      .orderBy('rp_sender.name')
      .execute(),
  ]);
  return {
    tenant: {
      oid: tenant.oid,
      code: tenant.institutionCode,
      name: tenant.name,
      kind: tenant.kind,
      status: tenant.status,
    },
    counts: { patients: Number(patients?.n ?? 0), resources: Number(resources?.n ?? 0) },
    orca: {
      connection: orcaLine(tenant),
      last: orcaLast ? { ...parseObject(orcaLast.value), at: orcaLast.updated_at } : null,
    },
    feed: tenant.settings.feedToken !== undefined,
    intakes: intakes.map((i) => ({
      receivedAt: i.received_at,
      kind: i.kind,
      name: i.name,
      status: i.status,
      firstIssue: firstIssueCode(i.issues),
    })),
    senders: senders.map((s) => ({ id: s.id, name: s.name })),
    labCentres: labCentres.map((l) => ({ id: l.id, name: l.name, facilityCode: l.facility_code })),
  };
}

export function formatTenantStatus(r: TenantStatusReport): string {
  const t = r.tenant;
  const lines = [
    `tenant ${t.oid} ${t.name} (${t.code}, ${t.kind}): ${t.status}`,
    `${r.counts.patients} patients, ${r.counts.resources} resources`,
    `ORCA: ${r.orca.connection}; last pull ${r.orca.last ? orcaPull(r.orca.last) : 'never'}`,
    `identity feed: ${r.feed ? 'yes' : 'no'}`,
    '',
    r.intakes.length > 0 ? `last ${r.intakes.length} intake(s):` : 'no intakes',
    ...r.intakes.map(
      (i) => `  ${i.receivedAt} ${i.kind} ${i.name} ${i.status}${i.firstIssue ? ` ${i.firstIssue}` : ''}`,
    ),
    r.senders.length > 0 ? 'senders:' : 'no senders',
    ...r.senders.map((s) => `  ${s.id} ${s.name}`),
    ...(r.labCentres.length > 0
      ? ['lab centres linked:', ...r.labCentres.map((l) => `  ${l.id} ${l.name} (${l.facilityCode ?? '-'})`)]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}

export function orcaLine(t: Tenant): string {
  const { orca } = t.settings;
  return orca ? `${orca.url} as ${orca.username}, every ${orca.everyMinutes} min` : 'not connected';
}

function orcaPull(last: Record<string, unknown>): string {
  const n = (key: string) => (typeof last[key] === 'number' ? last[key] : '?');
  return `${last.at}: ${n('patients')} patients, ${n('failures')} failures, ${n('pending')} pending`;
}

function parseObject(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function firstIssueCode(issues: string): string | null {
  try {
    const list: unknown = JSON.parse(issues);
    const code = Array.isArray(list) ? (list[0] as { code?: unknown } | undefined)?.code : undefined;
    return typeof code === 'string' ? code : null;
  } catch {
    return null;
  }
}
