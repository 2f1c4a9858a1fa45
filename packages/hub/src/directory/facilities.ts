import { createHash, randomBytes } from 'node:crypto';
import {
  FACILITY_TYPES,
  type FacilityType,
  facilityOid,
  isFacilityType,
  type LeadingZeroFix,
  OID_PATTERN,
} from '@hie/contract';
import type { Store } from '@hie/platform';
import { type Kysely, type Selectable, sql } from 'kysely';
import { z } from 'zod';
import { type HubDeps, HubError, type HubSettings } from '../http.js';
import type { HubFacilityTable } from '../store/directory-tables.js';
import type { Schema } from '../store/schema.js';
import { checkDigitWarning, type DirectoryWarning } from './check-digit.js';
import {
  type Actor,
  auditAdmin,
  changedFields,
  containsText,
  isUniqueViolation,
  parseInput,
} from './common.js';

export const FACILITY_STATUSES = {
  active: { ja: '有効', en: 'Active' },
  suspended: { ja: '停止中', en: 'Suspended' },
  withdrawn: { ja: '脱退', en: 'Withdrawn' },
} as const;
export type FacilityStatus = keyof typeof FACILITY_STATUSES;
const STATUS_CODES = Object.keys(FACILITY_STATUSES) as [FacilityStatus, ...FacilityStatus[]];

/** A facility as the API answers it. */
export interface Facility {
  oid: string;
  code: string | null;
  name: string;
  nameKana: string | null;
  type: FacilityType;
  typeLabel: { ja: string; en: string };
  prefecture: string;
  discloses: boolean;
  views: boolean;
  gatewayUrl: string | null;
  /** The gateway's pinned TLS key (`sha256/<base64 SPKI digest>`), or null (CA check only). */
  gatewayTlsPin: string | null;
  address: string | null;
  phone: string | null;
  status: FacilityStatus;
  hasFeedToken: boolean;
  createdAt: string;
  updatedAt: string;
}

const text = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const editableFields = {
  code: z
    .string()
    .regex(/^\d{10}$/, 'a 10-digit institution code')
    .nullable()
    .optional(),
  name: text(200),
  nameKana: optionalText(200),
  /** A FacilityType code; checked by hand so an unknown one is `unknown-facility-type`. */
  type: z.string().min(1).max(40),
  prefecture: z
    .string()
    .regex(/^(0[1-9]|[1-3]\d|4[0-7])$/, 'JIS X 0401 two digits')
    .optional(),
  discloses: z.boolean().optional(),
  views: z.boolean().optional(),
  gatewayUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable()
    .optional(),
  address: optionalText(300),
  phone: optionalText(40),
  status: z.enum(STATUS_CODES).optional(),
};

/** `sha256/` and the base64 SHA-256 of a certificate's SubjectPublicKeyInfo (`hie tls pin`). */
export const tlsPinSchema = z
  .string()
  .regex(/^sha256\/[A-Za-z0-9+/]{43}=$/, 'sha256/<base64 SHA-256 of the SubjectPublicKeyInfo> (hie tls pin)');

export const facilityCreateSchema = z.strictObject({
  /** Explicit OID; by default derived from the code (facilityOidFor). */
  oid: z.string().max(200).regex(OID_PATTERN, 'an OID such as 1.2.392.200284.33.3319800011').optional(),
  ...editableFields,
  /** Only at registration: later it changes with the gateway URL, by two people (gateway-change.ts). */
  gatewayTlsPin: tlsPinSchema.nullable().optional(),
});
export type FacilityInput = z.input<typeof facilityCreateSchema>;

export const facilityPatchSchema = z.strictObject({
  ...editableFields,
  name: editableFields.name.optional(),
  type: editableFields.type.optional(),
});
export type FacilityPatch = z.input<typeof facilityPatchSchema>;

/**
 * The default OID of a facility from its 10-digit institution code and `settings.oidRoot`
 * (HPKI-OID.md §4: a default for new registrations; the stored OID is the truth). A code whose
 * prefecture starts with 0 needs `fix` or an explicit OID: 400 `invalid-oid`.
 */
export function facilityOidFor(
  code: string,
  settings: Pick<HubSettings, 'oidRoot'>,
  fix: LeadingZeroFix = 'reject',
): string {
  const result = facilityOid(code, settings.oidRoot, fix);
  if (!result.ok) throw new HubError(400, 'invalid-oid', result.reason);
  return result.oid;
}

/** SHA-256 (hex) of a feed token: what hub_facility.feed_token_hash holds. */
export const hashFeedToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export function toFacility(row: Selectable<HubFacilityTable>): Facility {
  const type = (isFacilityType(row.type) ? row.type : 'other') as FacilityType;
  return {
    oid: row.oid,
    code: row.code,
    name: row.name,
    nameKana: row.name_kana,
    type,
    typeLabel: { ...FACILITY_TYPES[type] },
    prefecture: row.prefecture,
    discloses: row.discloses === 1,
    views: row.views === 1,
    gatewayUrl: row.gateway_url,
    gatewayTlsPin: row.gateway_tls_pin,
    address: row.address,
    phone: row.phone,
    status: row.status as FacilityStatus,
    hasFeedToken: row.feed_token_hash !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function getFacility(store: Store<Schema>, oid: string): Promise<Facility | null> {
  const row = await store.db.selectFrom('hub_facility').selectAll().where('oid', '=', oid).executeTakeFirst();
  return row ? toFacility(row) : null;
}

export interface FacilityFilter {
  q?: string;
  type?: string;
  status?: string;
  role?: 'views' | 'discloses';
  limit: number;
  offset: number;
}

export async function listFacilities(
  store: Store<Schema>,
  filter: FacilityFilter,
): Promise<{ total: number; facilities: Facility[] }> {
  let query = store.db.selectFrom('hub_facility');
  if (filter.q) {
    const q = filter.q;
    query = query.where((eb) =>
      eb.or([
        containsText('name', q),
        containsText('name_kana', q),
        containsText('code', q),
        containsText('oid', q),
      ]),
    );
  }
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.role) query = query.where(filter.role, '=', 1);
  const { total } = await query
    .select((eb) => eb.fn.countAll<number | string>().as('total'))
    .executeTakeFirstOrThrow();
  const rows = await query
    .selectAll()
    .orderBy(sql`coalesce(name_kana, name)`)
    .orderBy('name')
    .orderBy('oid')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { total: Number(total), facilities: rows.map(toFacility) };
}

/** What the consent screen and pickers need: active facilities, optionally by role. */
export async function listDirectoryFacilities(store: Store<Schema>, role?: 'views' | 'discloses') {
  let query = store.db
    .selectFrom('hub_facility')
    .select(['oid', 'name', 'name_kana', 'type', 'prefecture', 'discloses', 'views'])
    .where('status', '=', 'active');
  if (role) query = query.where(role, '=', 1);
  const rows = await query.orderBy(sql`coalesce(name_kana, name)`).orderBy('name').orderBy('oid').execute();
  return rows.map((row) => {
    const type = (isFacilityType(row.type) ? row.type : 'other') as FacilityType;
    return {
      oid: row.oid,
      name: row.name,
      nameKana: row.name_kana,
      type,
      typeLabel: { ...FACILITY_TYPES[type] },
      prefecture: row.prefecture,
      discloses: row.discloses === 1,
      views: row.views === 1,
    };
  });
}

/** The row a validated input becomes, with its warnings. Throws HubError for what cannot be stored. */
export function newFacilityRow(
  input: z.output<typeof facilityCreateSchema>,
  settings: Pick<HubSettings, 'oidRoot' | 'prefecture'>,
  stamp: string,
): { row: Selectable<HubFacilityTable>; warnings: DirectoryWarning[] } {
  if (!isFacilityType(input.type)) throw unknownType(input.type);
  const code = input.code ?? null;
  if (!input.oid && !code) {
    throw new HubError(
      400,
      'oid-required',
      'give the institution code or the OID / 医療機関コードかOIDが必要です',
    );
  }
  const oid = input.oid ?? facilityOidFor(code!, settings);
  const prefecture = prefectureOf(code, input.prefecture) ?? settings.prefecture;
  const row: Selectable<HubFacilityTable> = {
    oid,
    code,
    name: input.name,
    name_kana: input.nameKana ?? null,
    type: input.type,
    prefecture,
    discloses: input.discloses ? 1 : 0,
    views: input.views === false ? 0 : 1,
    gateway_url: input.gatewayUrl ?? null,
    gateway_tls_pin: input.gatewayTlsPin ?? null,
    address: input.address ?? null,
    phone: input.phone ?? null,
    feed_token_hash: null,
    status: input.status ?? 'active',
    created_at: stamp,
    updated_at: stamp,
  };
  return { row, warnings: [checkDigitWarning(code)].filter((w) => w !== null) };
}

/**
 * The column changes a validated patch makes (undefined = keep), with its warnings. A person may not
 * change a gateway URL once set (409 `two-person-change`): that redirects every assertion for the
 * facility's patients, so it is proposed and confirmed by two (gateway-change.ts). Only the system
 * (demo seeding, a tool with the store) passes `byPerson: false`.
 */
export function facilityRowChanges(
  current: Selectable<HubFacilityTable>,
  patch: z.output<typeof facilityPatchSchema>,
  options: { byPerson: boolean } = { byPerson: true },
): { changes: Partial<Selectable<HubFacilityTable>>; warnings: DirectoryWarning[] } {
  if (patch.type !== undefined && !isFacilityType(patch.type)) throw unknownType(patch.type);
  const code = patch.code === undefined ? current.code : patch.code;
  // Checked only when one of them changes, so stored data that predates the rule imports back as it is.
  const moved =
    (patch.code !== undefined && patch.code !== current.code) ||
    (patch.prefecture !== undefined && patch.prefecture !== current.prefecture);
  const prefecture = moved ? prefectureOf(code, patch.prefecture) : undefined;
  const next: Partial<Selectable<HubFacilityTable>> = {
    code: patch.code,
    name: patch.name,
    name_kana: patch.nameKana,
    type: patch.type,
    prefecture,
    discloses: patch.discloses === undefined ? undefined : patch.discloses ? 1 : 0,
    views: patch.views === undefined ? undefined : patch.views ? 1 : 0,
    gateway_url: patch.gatewayUrl,
    address: patch.address,
    phone: patch.phone,
    status: patch.status,
  };
  const changes = changedFields(current, next);
  // The first URL of a facility that had none is a registration, like at creation; moving one is not.
  if (options.byPerson && 'gateway_url' in changes && current.gateway_url !== null) {
    throw twoPersonChange(current.oid);
  }
  const warning = 'code' in changes ? checkDigitWarning(changes.code) : null;
  return { changes, warnings: warning ? [warning] : [] };
}

/** 409 when another facility already has the OID or the institution code. */
export async function assertFacilityUnique(
  db: Kysely<Schema>,
  values: { oid?: string; code?: string | null },
  self?: string,
): Promise<void> {
  if (values.oid !== undefined) {
    const taken = await db
      .selectFrom('hub_facility')
      .select('oid')
      .where('oid', '=', values.oid)
      .executeTakeFirst();
    if (taken)
      throw new HubError(
        409,
        'duplicate-oid',
        `a facility with OID ${values.oid} exists / このOIDは登録済みです`,
      );
  }
  if (values.code) {
    let query = db.selectFrom('hub_facility').select('oid').where('code', '=', values.code);
    if (self) query = query.where('oid', '<>', self);
    const taken = await query.executeTakeFirst();
    if (taken) {
      throw new HubError(
        409,
        'duplicate-code',
        `institution code ${values.code} belongs to ${taken.oid} / この医療機関コードは登録済みです`,
      );
    }
  }
}

/** Registers a facility (audited 'admin'). Used by the admin API, the CSV import and the demo. */
export async function createFacility(
  deps: Pick<HubDeps, 'store' | 'settings' | 'now'>,
  input: FacilityInput,
  actor?: Actor,
): Promise<{ facility: Facility; warnings: DirectoryWarning[] }> {
  const parsed = parseInput(facilityCreateSchema, input);
  const { row, warnings } = newFacilityRow(parsed, deps.settings, deps.now().toISOString());
  await assertFacilityUnique(deps.store.db, row);
  try {
    await deps.store.db.insertInto('hub_facility').values(row).execute();
  } catch (error) {
    if (isUniqueViolation(error))
      throw new HubError(409, 'duplicate-oid', `a facility with OID ${row.oid} exists`);
    throw error;
  }
  const facility = toFacility(row);
  await auditAdmin(deps, actor, [
    {
      action: 'C',
      operation: 'facility-create',
      entity: `Organization/${row.oid}`,
      changes: auditable(facility),
    },
  ]);
  return { facility, warnings };
}

/** Changes a facility (audited with the changed fields). The OID never changes: others refer to it. */
export async function updateFacility(
  deps: Pick<HubDeps, 'store' | 'now'>,
  oid: string,
  patch: FacilityPatch,
  actor?: Actor,
): Promise<{ facility: Facility; warnings: DirectoryWarning[] }> {
  const parsed = parseInput(facilityPatchSchema, patch);
  const current = await deps.store.db
    .selectFrom('hub_facility')
    .selectAll()
    .where('oid', '=', oid)
    .executeTakeFirst();
  if (!current) throw facilityNotFound();
  const { changes, warnings } = facilityRowChanges(current, parsed, { byPerson: actor !== undefined });
  if (Object.keys(changes).length === 0) return { facility: toFacility(current), warnings };
  await assertFacilityUnique(deps.store.db, { code: changes.code }, oid);
  const updated = { ...current, ...changes, updated_at: deps.now().toISOString() };
  await deps.store.db
    .updateTable('hub_facility')
    .set({ ...changes, updated_at: updated.updated_at })
    .where('oid', '=', oid)
    .execute();
  await auditAdmin(deps, actor, [
    { action: 'U', operation: 'facility-update', entity: `Organization/${oid}`, changes },
  ]);
  return { facility: toFacility(updated), warnings };
}

/**
 * A new feed token for the facility's gateway (replaces the old one). The token is returned once;
 * the store keeps its SHA-256.
 */
export async function issueFeedToken(
  deps: Pick<HubDeps, 'store' | 'now'>,
  oid: string,
  actor?: Actor,
): Promise<{ facilityOid: string; token: string }> {
  const token = `hft_${randomBytes(32).toString('base64url')}`;
  const result = await deps.store.db
    .updateTable('hub_facility')
    .set({ feed_token_hash: hashFeedToken(token), updated_at: deps.now().toISOString() })
    .where('oid', '=', oid)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw facilityNotFound();
  await auditAdmin(deps, actor, [
    { action: 'U', operation: 'facility-feed-token', entity: `Organization/${oid}` },
  ]);
  return { facilityOid: oid, token };
}

const twoPersonChange = (oid: string) =>
  new HubError(
    409,
    'two-person-change',
    `a gateway URL changes only by proposal and confirmation: POST /api/v1/admin/facilities/${oid}/gateway-changes / ゲートウェイURLの変更は提案と承認（2名）で行います`,
  );

export const facilityNotFound = () =>
  new HubError(404, 'not-found', 'no such facility / 施設が見つかりません');

/** A facility of the directory (any status), else 404. */
export async function requireFacility(deps: Pick<HubDeps, 'store'>, oid: string): Promise<void> {
  const row = await deps.store.db
    .selectFrom('hub_facility')
    .select('oid')
    .where('oid', '=', oid)
    .executeTakeFirst();
  if (!row) throw facilityNotFound();
}

const unknownType = (type: string) =>
  new HubError(400, 'unknown-facility-type', `unknown facility type '${type}'`, {
    known: Object.keys(FACILITY_TYPES),
  });

/** The prefecture is the code's first two digits; an explicit different one is refused. */
function prefectureOf(code: string | null, explicit: string | undefined): string | undefined {
  const fromCode = code?.slice(0, 2);
  if (fromCode && explicit && explicit !== fromCode) {
    throw new HubError(
      400,
      'prefecture-mismatch',
      `prefecture ${explicit} does not match institution code ${code}`,
    );
  }
  return fromCode ?? explicit;
}

const auditable = (facility: Facility) => {
  const { typeLabel: _label, hasFeedToken: _token, createdAt: _c, updatedAt: _u, ...rest } = facility;
  return rest;
};
