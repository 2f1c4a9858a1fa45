import { createHash } from 'node:crypto';
import { FACILITY_TYPES, type FacilityType, PROFESSIONS, type Profession } from '@hie/contract';
import type { HubDeps } from '../http.js';
import { nameOf, REPRESENTATION, splitName } from './fhir-common.js';

/**
 * The directory (facilities, users, memberships) as mCSD's FHIR resources (ITI-90), each with the values
 * its search parameters look at. What is published is decided here: no contact data of persons, no login
 * ids, no facility-admin roles, no facility phone.
 */

/** JP Core's system for the 10-digit 医療機関コード. */
const INSTITUTION_CODE = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const URI = 'urn:ietf:rfc:3986';
const HCROLE = 'urn:oid:1.2.392.100495.1.6.1.1';
/** mCSD's mark of an Organization and a Location that together are a facility. */
const MCSD_FACILITY = {
  system: 'https://profiles.ihe.net/ITI/mCSD/CodeSystem/IHE.mCSD.Organization.Location.Types',
  code: 'facility',
  display: 'Facility',
};

export type ResourceType = 'Organization' | 'Location' | 'Practitioner' | 'PractitionerRole';
export const RESOURCE_TYPES: readonly ResourceType[] = [
  'Organization',
  'Location',
  'Practitioner',
  'PractitionerRole',
];

export interface Resource {
  resourceType: ResourceType;
  id: string;
  meta: { lastUpdated: string };
  [element: string]: unknown;
}
export interface Token {
  system?: string;
  code: string;
}
/** A resource with the values its search parameters look at (what FHIRPath would select). */
export interface Indexed {
  resource: Resource;
  strings: Record<string, string[]>;
  tokens: Record<string, Token[]>;
  /** `Type/id` of what it references, by parameter. */
  refs: Record<string, string[]>;
}

/** A kana reading as an alias, marked SYL as JP Core marks kana names. */
const kanaAlias = (kana: string | null) =>
  kana ? { alias: [kana], _alias: [{ extension: [{ url: REPRESENTATION, valueCode: 'SYL' }] }] } : {};
const bool = (b: boolean): Token[] => [{ code: String(b) }];
const codings = (list: readonly { system: string; code: string }[]): Token[] =>
  list.map((c) => ({ system: c.system, code: c.code }));
/** Stable id of a membership (user ids and OIDs together can exceed FHIR's 64 characters). */
export const roleId = (userId: string, facilityOid: string) =>
  createHash('sha256').update(`${userId}\n${facilityOid}`).digest('hex').slice(0, 32);

/** The directory as indexed FHIR resources, in a stable order (facilities by OID, users by id). */
export async function directory(deps: HubDeps): Promise<Indexed[]> {
  const db = deps.store.db;
  const facilities = await db
    .selectFrom('hub_facility')
    .select(['oid', 'code', 'name', 'name_kana', 'type', 'address', 'status', 'updated_at'])
    .orderBy('oid')
    .execute();
  const users = await db
    .selectFrom('hub_user')
    .select(['id', 'name', 'name_kana', 'profession', 'status', 'updated_at'])
    .orderBy('id')
    .execute();
  const memberships = await db
    .selectFrom('hub_membership')
    .select(['user_id', 'facility_oid', 'created_at'])
    .orderBy('user_id')
    .orderBy('facility_oid')
    .execute();
  const out: Indexed[] = [];
  const facilityActive = new Map(facilities.map((f) => [f.oid, f.status === 'active']));
  for (const f of facilities) {
    const identifier = [
      ...(f.code ? [{ system: INSTITUTION_CODE, value: f.code }] : []),
      { system: URI, value: `urn:oid:${f.oid}` },
    ];
    const ids = identifier.map((i) => ({ system: i.system, code: i.value }));
    const names = [f.name, ...(f.name_kana ? [f.name_kana] : [])];
    const kind = FACILITY_TYPES[f.type as FacilityType];
    const type = [
      MCSD_FACILITY,
      { system: 'urn:hie:facility-type', code: f.type, display: kind?.ja ?? f.type },
    ];
    const address = f.address ? [{ use: 'work', type: 'physical', text: f.address, country: 'JP' }] : [];
    const meta = { lastUpdated: f.updated_at };
    out.push({
      resource: {
        resourceType: 'Organization',
        id: f.oid,
        meta,
        identifier,
        active: f.status === 'active',
        type: [{ coding: type, text: kind?.ja ?? f.type }],
        name: f.name,
        ...kanaAlias(f.name_kana),
        ...(address.length > 0 ? { address } : {}),
      },
      strings: { name: names },
      tokens: {
        _id: [{ code: f.oid }],
        identifier: ids,
        active: bool(f.status === 'active'),
        type: codings(type),
      },
      refs: { partof: [] },
    });
    const status = f.status === 'active' ? 'active' : f.status === 'suspended' ? 'suspended' : 'inactive';
    out.push({
      resource: {
        resourceType: 'Location',
        id: f.oid,
        meta,
        identifier,
        status,
        name: f.name,
        ...kanaAlias(f.name_kana),
        mode: 'instance',
        type: [{ coding: [MCSD_FACILITY] }],
        physicalType: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
              code: 'bu',
              display: 'Building',
            },
          ],
        },
        ...(address[0] ? { address: address[0] } : {}),
        managingOrganization: { reference: `Organization/${f.oid}`, display: f.name },
      },
      strings: { name: names },
      tokens: {
        _id: [{ code: f.oid }],
        identifier: ids,
        status: [{ code: status }],
        type: codings([MCSD_FACILITY]),
      },
      refs: { organization: [`Organization/${f.oid}`], partof: [] },
    });
  }
  const userActive = new Map<string, boolean>();
  const professionOf = new Map<string, string>();
  for (const u of users) {
    const profession = PROFESSIONS[u.profession as Profession];
    const names = [u.name, ...(u.name_kana ? [u.name_kana] : [])].map(splitName);
    userActive.set(u.id, u.status === 'active');
    professionOf.set(u.id, u.profession);
    out.push({
      resource: {
        resourceType: 'Practitioner',
        id: u.id,
        meta: { lastUpdated: u.updated_at },
        identifier: [{ system: 'urn:hie:user', value: u.id }],
        active: u.status === 'active',
        name: [nameOf(u.name, 'IDE'), ...(u.name_kana ? [nameOf(u.name_kana, 'SYL')] : [])],
        ...(profession?.licensed && profession.hcRole
          ? {
              qualification: [
                {
                  code: {
                    coding: [{ system: HCROLE, code: profession.hcRole, display: profession.ja }],
                    text: profession.ja,
                  },
                },
              ],
            }
          : {}),
      },
      strings: {
        name: [
          u.name,
          ...(u.name_kana ? [u.name_kana] : []),
          ...names.flatMap((n) => [n.family, ...n.given]),
        ],
        family: names.map((n) => n.family),
        given: names.flatMap((n) => n.given),
      },
      tokens: {
        _id: [{ code: u.id }],
        identifier: [{ system: 'urn:hie:user', code: u.id }],
        active: bool(u.status === 'active'),
      },
      refs: {},
    });
  }
  for (const m of memberships) {
    const id = roleId(m.user_id, m.facility_oid);
    const profession = professionOf.get(m.user_id) ?? '';
    const spec = PROFESSIONS[profession as Profession];
    const coding = [
      { system: 'urn:hie:profession', code: profession, display: spec?.ja ?? profession },
      ...(spec?.hcRole ? [{ system: HCROLE, code: spec.hcRole, display: spec.ja }] : []),
    ];
    const active = (userActive.get(m.user_id) ?? false) && (facilityActive.get(m.facility_oid) ?? false);
    out.push({
      resource: {
        resourceType: 'PractitionerRole',
        id,
        meta: { lastUpdated: m.created_at },
        active,
        practitioner: { reference: `Practitioner/${m.user_id}` },
        organization: { reference: `Organization/${m.facility_oid}` },
        location: [{ reference: `Location/${m.facility_oid}` }],
        code: [{ coding, text: spec?.ja ?? profession }],
      },
      strings: {},
      tokens: { _id: [{ code: id }], identifier: [], active: bool(active), role: codings(coding) },
      refs: {
        organization: [`Organization/${m.facility_oid}`],
        practitioner: [`Practitioner/${m.user_id}`],
        location: [`Location/${m.facility_oid}`],
      },
    });
  }
  return out;
}
