import type { Store } from '@hie/platform';
import { z } from 'zod';
import type { RepositorySchema, RpTenantTable } from '../store/schema.js';
import { scopedStore, type TenantStore } from './scoped-store.js';

export const TENANT_KINDS = ['clinic', 'pharmacy', 'hospital', 'lab'] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/** A tenant's ORCA connection (the clinic's receipt computer), pulled on a schedule. */
export const orcaSettingsSchema = z.object({
  url: z.string().url(),
  username: z.string().min(1),
  password: z.string().min(1),
  /** Minutes between pulls (default 15). */
  everyMinutes: z.number().int().min(1).max(1440).default(15),
  format: z.enum(['json', 'xml']).default('json'),
  /**
   * TLS towards an https ORCA (WebORCA issues each clinic a client certificate): PEM files on the
   * repository's host, read at each schedule start.
   */
  tls: z
    .object({ cert: z.string().min(1), key: z.string().min(1), ca: z.string().min(1).optional() })
    .optional(),
  /** First pull: from this day (default: everything ORCA has). */
  fullSyncFrom: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
});
export type OrcaSettings = z.infer<typeof orcaSettingsSchema>;

export const tenantSettingsSchema = z
  .object({
    orca: orcaSettingsSchema.optional(),
    /** The tenant's feed token the hub issued (its patient identities go to the hub's MPI with it). */
    feedToken: z.string().min(16).optional(),
  })
  .strict();
export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export const tenantInputSchema = z.object({
  oid: z.string().regex(OID, 'an OID (digits and dots)').max(128),
  institutionCode: z.string().regex(/^\d{10}$/, '10 digits (医療機関コード / 薬局コード)'),
  name: z.string().trim().min(1).max(200),
  kind: z.enum(TENANT_KINDS),
  settings: tenantSettingsSchema.default({}),
});
export type TenantInput = z.input<typeof tenantInputSchema>;

export interface Tenant {
  oid: string;
  institutionCode: string;
  name: string;
  kind: TenantKind;
  status: 'active' | 'suspended';
  settings: TenantSettings;
  createdAt: string;
  updatedAt: string;
}

export class TenantError extends Error {
  constructor(
    readonly code: 'tenant-exists' | 'tenant-code-taken' | 'tenant-unknown' | 'tenant-invalid',
    message: string,
  ) {
    super(message);
    this.name = 'TenantError';
  }
}

/**
 * The repository's tenants (rp_tenant, read unscoped), each with its scoped store made once and kept:
 * the record server caches compiled queries per store object with the tenant baked in.
 */
export class TenantRegistry {
  private readonly byOid = new Map<string, Tenant>();
  private readonly byCode = new Map<string, Tenant>();
  private readonly stores = new Map<string, TenantStore>();

  private constructor(private readonly base: Store<RepositorySchema>) {}

  static async open(base: Store<RepositorySchema>): Promise<TenantRegistry> {
    const registry = new TenantRegistry(base);
    await registry.reload();
    return registry;
  }

  /** Re-reads rp_tenant (another process — `hie repository tenant add` — may have changed it). */
  async reload(): Promise<void> {
    const rows = await this.base.db.selectFrom('rp_tenant').selectAll().execute();
    this.byOid.clear();
    this.byCode.clear();
    for (const row of rows) this.remember(tenantOf(row));
  }

  /** What changes when any tenant is added or changed: compared by the running process's reload. */
  async signature(): Promise<string> {
    const row = await this.base.db
      .selectFrom('rp_tenant')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('updated_at').as('at')])
      .executeTakeFirst();
    return `${row?.n ?? 0}:${row?.at ?? ''}`;
  }

  list(): Tenant[] {
    return [...this.byOid.values()].sort((a, b) => a.oid.localeCompare(b.oid));
  }

  get(oid: string): Tenant | undefined {
    return this.byOid.get(oid);
  }

  byInstitutionCode(code: string): Tenant | undefined {
    return this.byCode.get(code);
  }

  /** The tenant's scoped store (the only way this repository touches a tenant's rows). */
  storeOf(oid: string): TenantStore {
    if (!this.byOid.has(oid)) throw new TenantError('tenant-unknown', `no tenant ${oid}`);
    let store = this.stores.get(oid);
    if (!store) {
      store = scopedStore(this.base, oid);
      this.stores.set(oid, store);
    }
    return store;
  }

  async create(input: TenantInput, now = new Date()): Promise<Tenant> {
    const parsed = tenantInputSchema.safeParse(input);
    if (!parsed.success) throw new TenantError('tenant-invalid', z.prettifyError(parsed.error));
    const t = parsed.data;
    await this.reload();
    if (this.byOid.has(t.oid)) throw new TenantError('tenant-exists', `tenant ${t.oid} exists`);
    const holder = this.byCode.get(t.institutionCode);
    if (holder)
      throw new TenantError(
        'tenant-code-taken',
        `${t.institutionCode} is already tenant ${holder.oid} (${holder.name})`,
      );
    const at = now.toISOString();
    const row: RpTenantTable = {
      oid: t.oid,
      institution_code: t.institutionCode,
      name: t.name,
      kind: t.kind,
      status: 'active',
      settings: JSON.stringify(t.settings),
      created_at: at,
      updated_at: at,
    };
    await this.base.db.insertInto('rp_tenant').values(row).execute();
    const tenant = tenantOf(row);
    this.remember(tenant);
    return tenant;
  }

  async update(
    oid: string,
    patch: { name?: string; status?: 'active' | 'suspended'; settings?: TenantSettings },
    now = new Date(),
  ): Promise<Tenant> {
    const current = this.byOid.get(oid);
    if (!current) throw new TenantError('tenant-unknown', `no tenant ${oid}`);
    const settings = patch.settings ? tenantSettingsSchema.parse(patch.settings) : current.settings;
    await this.base.db
      .updateTable('rp_tenant')
      .set({
        name: patch.name ?? current.name,
        status: patch.status ?? current.status,
        settings: JSON.stringify(settings),
        updated_at: now.toISOString(),
      })
      .where('oid', '=', oid)
      .execute();
    await this.reload();
    return this.byOid.get(oid)!;
  }

  private remember(tenant: Tenant): void {
    this.byOid.set(tenant.oid, tenant);
    this.byCode.set(tenant.institutionCode, tenant);
  }
}

function tenantOf(row: RpTenantTable): Tenant {
  return {
    oid: row.oid,
    institutionCode: row.institution_code,
    name: row.name,
    kind: row.kind as TenantKind,
    status: row.status === 'suspended' ? 'suspended' : 'active',
    settings: tenantSettingsSchema.catch({}).parse(JSON.parse(row.settings)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What the office and status screens may see of a tenant: never the ORCA password. */
export function publicTenant(t: Tenant) {
  const { orca } = t.settings;
  return {
    oid: t.oid,
    institutionCode: t.institutionCode,
    name: t.name,
    kind: t.kind,
    status: t.status,
    orca: orca ? { url: orca.url, username: orca.username, everyMinutes: orca.everyMinutes } : null,
    feed: t.settings.feedToken !== undefined,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}
