import { randomUUID } from 'node:crypto';
import type { Store } from '@hie/platform';
import type { SamlIdp } from '../saml/idp-routes.js';
import { parseSpMetadata, type ServiceProvider } from '../saml/metadata.js';
import type { SamlSp } from '../saml/sp/routes.js';
import { parseIdpMetadata, type TrustedIdp } from '../saml/sp/trusted-idp.js';
import type { Schema } from '../store/schema.js';

/** An SP the office registers: another network's portal (with the agreement) or a vendor viewer. */
export interface SpOptions {
  name: string;
  /** Where the portal's 「連携システム」 opens it. */
  landing?: string | null;
  /** Our facilities whose users may open patients there (portal to portal); none: not a partner network. */
  facilities?: string[] | null;
  /** The partner hub's URL: those facilities' timelines also show its records (partner/README.md). */
  records?: string | null;
}

/** An IdP the office registers: another network's hub or a hospital's IdP. */
export interface IdpOptions {
  name: string;
  allowUnsolicited: boolean;
  patientLanding: boolean;
  partnerRecords: boolean;
  subjectAttribute?: string | null;
}

export interface RegisteredPartner {
  id: string;
  role: 'sp' | 'idp';
  entityId: string;
  name: string;
  options: SpOptions | IdpOptions;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
}

/** An SP from its metadata and the office's options (throws a plain Error naming what is wrong). */
export const spOf = (metadata: string, o: SpOptions): ServiceProvider =>
  parseSpMetadata(
    metadata,
    o.name,
    o.landing ?? undefined,
    o.facilities && o.facilities.length > 0 ? o.facilities : undefined,
    o.records ?? undefined,
  );

/** An IdP from its metadata and the office's options (throws a plain Error naming what is wrong). */
export const idpOf = (metadata: string, o: IdpOptions): TrustedIdp =>
  parseIdpMetadata(metadata, {
    name: o.name,
    allowUnsolicited: o.allowUnsolicited,
    patientLanding: o.patientLanding,
    partnerRecords: o.partnerRecords,
    ...(o.subjectAttribute ? { subjectAttribute: o.subjectAttribute } : {}),
  });

/**
 * The partners the office registered, put beside the config's into the live maps (at start, and after
 * each change in this process). A row that no longer parses is skipped and reported, never fatal.
 */
export async function loadRegisteredPartners(
  store: Store<Schema>,
  idp: SamlIdp | null,
  sp: SamlSp | null,
): Promise<{ loaded: number; failed: { entityId: string; message: string }[] }> {
  const rows = await store.db
    .selectFrom('hub_saml_partner')
    .selectAll()
    .where('status', '=', 'active')
    .execute();
  const failed: { entityId: string; message: string }[] = [];
  let loaded = 0;
  for (const row of rows) {
    try {
      if (row.role === 'sp' && idp) {
        const parsed = spOf(row.metadata, JSON.parse(row.options) as SpOptions);
        (idp.serviceProviders as Map<string, ServiceProvider>).set(parsed.entityId, parsed);
        loaded++;
      } else if (row.role === 'idp' && sp) {
        const parsed = idpOf(row.metadata, JSON.parse(row.options) as IdpOptions);
        (sp.identityProviders as Map<string, TrustedIdp>).set(parsed.entityId, parsed);
        loaded++;
      }
    } catch (e) {
      failed.push({ entityId: row.entity_id, message: e instanceof Error ? e.message : String(e) });
    }
  }
  return { loaded, failed };
}

/**
 * Brings this process's maps in line with the store: the office's active registrations in, and out
 * those this sync brought in earlier that are no longer active — so a partner the office removed in
 * another hub process stops being trusted here too. `loaded` (kept by the caller) remembers what came
 * from the store; the config file's partners and any set at run time are never touched. Run every
 * `PARTNER_SYNC_MS` by the hub process (run/hub.ts).
 */
export async function syncRegisteredPartners(
  store: Store<Schema>,
  idp: SamlIdp | null,
  sp: SamlSp | null,
  loaded: { sps: Set<string>; idps: Set<string> },
): Promise<void> {
  const active = await store.db
    .selectFrom('hub_saml_partner')
    .select(['role', 'entity_id'])
    .where('status', '=', 'active')
    .execute();
  await loadRegisteredPartners(store, idp, sp);
  const now = (role: 'sp' | 'idp') => new Set(active.filter((r) => r.role === role).map((r) => r.entity_id));
  const sync = (was: Set<string>, is: Set<string>, map: Map<string, unknown> | undefined) => {
    for (const entityId of [...was]) {
      if (is.has(entityId)) continue;
      map?.delete(entityId);
      was.delete(entityId);
    }
    for (const entityId of is) was.add(entityId);
  };
  sync(loaded.sps, now('sp'), idp?.serviceProviders as Map<string, unknown> | undefined);
  sync(loaded.idps, now('idp'), sp?.identityProviders as Map<string, unknown> | undefined);
}

/** How often a hub process re-reads the office's partner registrations. */
export const PARTNER_SYNC_MS = 30_000;

/** The office's registrations (active ones), newest first. */
export async function listRegisteredPartners(store: Store<Schema>): Promise<RegisteredPartner[]> {
  const rows = await store.db
    .selectFrom('hub_saml_partner')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('updated_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    role: r.role,
    entityId: r.entity_id,
    name: r.name,
    options: JSON.parse(r.options) as SpOptions | IdpOptions,
    createdAt: r.created_at,
    createdBy: r.created_by,
    updatedAt: r.updated_at,
  }));
}

/** Saves a registration (a new one, or the same entity again: its options and metadata replaced). */
export async function saveRegistration(
  store: Store<Schema>,
  input: {
    role: 'sp' | 'idp';
    entityId: string;
    name: string;
    metadata: string;
    options: SpOptions | IdpOptions;
  },
  by: string,
  now: Date,
): Promise<{ id: string; created: boolean }> {
  const at = now.toISOString();
  const existing = await store.db
    .selectFrom('hub_saml_partner')
    .select(['id'])
    .where('role', '=', input.role)
    .where('entity_id', '=', input.entityId)
    .executeTakeFirst();
  const values = {
    name: input.name,
    metadata: input.metadata,
    options: JSON.stringify(input.options),
    status: 'active' as const,
    updated_at: at,
    updated_by: by,
  };
  if (existing) {
    await store.db.updateTable('hub_saml_partner').set(values).where('id', '=', existing.id).execute();
    return { id: existing.id, created: false };
  }
  const id = randomUUID();
  await store.db
    .insertInto('hub_saml_partner')
    .values({ id, role: input.role, entity_id: input.entityId, created_at: at, created_by: by, ...values })
    .execute();
  return { id, created: true };
}

/** Marks a registration removed (the row stays, for the record); its entity, or null if none active. */
export async function removeRegistration(
  store: Store<Schema>,
  id: string,
  by: string,
  now: Date,
): Promise<{ role: 'sp' | 'idp'; entityId: string } | null> {
  const row = await store.db
    .selectFrom('hub_saml_partner')
    .select(['role', 'entity_id'])
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!row) return null;
  await store.db
    .updateTable('hub_saml_partner')
    .set({ status: 'removed', updated_at: now.toISOString(), updated_by: by })
    .where('id', '=', id)
    .execute();
  return { role: row.role, entityId: row.entity_id };
}
