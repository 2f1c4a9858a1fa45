import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { PROFESSIONS } from '@hie/contract';
import { type AuditRecord, canonicalJson } from '@hie/platform';
import type { StoredAuditEvent } from './query.js';

// FHIR R4 AuditEvent in the shape of IHE Basic Audit Log Patterns (BALP): only the elements we emit.
// (The server package does not depend on @medplum/fhirtypes; the tests validate these against the
// official FHIR R4 JSON schema.)

export interface FhirCoding {
  system: string;
  code: string;
  display?: string;
}
export interface FhirIdentifier {
  system?: string;
  value: string;
}
export interface FhirReference {
  reference?: string;
  type?: string;
  identifier?: FhirIdentifier;
  display?: string;
}
export interface FhirAuditAgent {
  type?: { coding: FhirCoding[] };
  role?: { coding: FhirCoding[] }[];
  who?: FhirReference;
  altId?: string;
  name?: string;
  requestor: boolean;
  network?: { address: string; type: '1' | '2' | '3' | '4' | '5' };
  purposeOfUse?: { coding: FhirCoding[] }[];
}
export interface FhirAuditEntity {
  what?: FhirReference;
  type?: FhirCoding;
  role?: FhirCoding;
  name?: string;
  description?: string;
  query?: string;
  detail?: { type: string; valueString: string }[];
}
export interface FhirAuditEvent {
  resourceType: 'AuditEvent';
  id: string;
  type: FhirCoding;
  subtype?: FhirCoding[];
  action?: AuditRecord['action'];
  recorded: string;
  outcome?: AuditRecord['outcome'];
  outcomeDesc?: string;
  agent: FhirAuditAgent[];
  source: { site?: string; observer: FhirReference; type?: FhirCoding[] };
  entity?: FhirAuditEntity[];
}
/** A search result Bundle, as IHE ITI-81 (Retrieve ATNA Audit Event) answers. */
export interface FhirAuditBundle {
  resourceType: 'Bundle';
  type: 'searchset';
  timestamp: string;
  total: number;
  link?: { relation: string; url: string }[];
  entry: { fullUrl: string; resource: FhirAuditEvent; search: { mode: 'match' } }[];
}

export const AUDIT_SYSTEMS = {
  eventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restful: 'http://hl7.org/fhir/restful-interaction',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
  participation: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  roleClass: 'http://terminology.hl7.org/CodeSystem/v3-RoleClass',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  sourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  uri: 'urn:ietf:rfc:3986',
  /** Our own identifier systems: hub user ids, MPI person ids, profession codes. */
  user: 'urn:hie:user',
  person: 'urn:hie:mpi:person',
  profession: 'urn:hie:profession',
} as const;

const S = AUDIT_SYSTEMS;
const dcm = (code: string, display: string): FhirCoding => ({ system: S.dicom, code, display });
const rest = (code: string): FhirCoding => ({ system: S.restful, code });
const REST_TYPE: FhirCoding = { system: S.eventType, code: 'rest', display: 'Restful Operation' };
const BY_ACTION: Record<AuditRecord['action'], string | undefined> = {
  C: 'create',
  R: 'read',
  U: 'update',
  D: 'delete',
  E: undefined,
};

/** BALP event type and subtype for one hub (or gateway) audit type. */
export function balpEventType(record: AuditRecord): { type: FhirCoding; subtype?: FhirCoding[] } {
  switch (record.type) {
    case 'login':
      return { type: dcm('110114', 'User Authentication'), subtype: [dcm('110122', 'Login')] };
    case 'logout':
      return { type: dcm('110114', 'User Authentication'), subtype: [dcm('110123', 'Logout')] };
    case 'search':
      // BALP Query: a search on a resource type.
      return { type: REST_TYPE, subtype: [rest('search-type')] };
    case 'view':
    case 'read':
      return { type: REST_TYPE, subtype: [rest('read')] };
    case 'audit':
      return { type: dcm('110101', 'Audit Log Used') };
    case 'mpi':
      // The patient index changed (a link, an unlink, a merge, a fed identity).
      return { type: dcm('110110', 'Patient Record') };
    default: {
      const interaction = BY_ACTION[record.action];
      return interaction
        ? { type: REST_TYPE, subtype: [rest(interaction)] }
        : { type: dcm('110100', 'Application Activity') };
    }
  }
}

const RESOURCE_REF = /^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/;
const PERSON = { system: S.entityType, code: '1', display: 'Person' } as const;
const PATIENT = { system: S.objectRole, code: '1', display: 'Patient' } as const;
const SYSTEM_OBJECT = { system: S.entityType, code: '2', display: 'System Object' } as const;
const DOMAIN_RESOURCE = { system: S.objectRole, code: '4', display: 'Domain Resource' } as const;
/** A resource at a gateway, as the viewing module names it: `<facility OID>/<type>/<id>`. */
const AT_GATEWAY = /^([0-2](?:\.\d+)+)\/([A-Z][A-Za-z]+)\/(.+)$/;

const isBreakGlass = (r: AuditRecord) =>
  r.type === 'break-glass' || r.purposeOfUse === 'ETREAT' || r.detail?.breakGlassId !== undefined;

function purposes(record: AuditRecord): { coding: FhirCoding[] }[] | undefined {
  const codes = new Set<string>();
  if (record.purposeOfUse) codes.add(record.purposeOfUse);
  if (isBreakGlass(record)) {
    codes.add('ETREAT');
    codes.add('BTG');
  }
  if (codes.size === 0) return undefined;
  return [...codes].map((code) => ({ coding: [{ system: S.actReason, code }] }));
}

function agents(record: AuditRecord, names: AuditNames): FhirAuditAgent[] {
  const list: FhirAuditAgent[] = [];
  const a = record.agent;
  const purposeOfUse = purposes(record);
  if (a) {
    const profession = a.profession ? PROFESSIONS[a.profession as keyof typeof PROFESSIONS] : undefined;
    const reading = record.action === 'R' || record.action === 'E';
    list.push({
      // The person who asked: the information recipient of a read or query, else the author.
      type: {
        coding: [
          reading
            ? { system: S.participation, code: 'IRCP', display: 'information recipient' }
            : { system: S.participation, code: 'AUT', display: 'author (originator)' },
        ],
      },
      who: {
        identifier: { system: S.user, value: a.userId },
        ...(a.name ? { display: a.name } : {}),
      },
      ...(a.name ? { name: a.name } : {}),
      ...(a.profession
        ? {
            role: [
              {
                coding: [
                  {
                    system: S.profession,
                    code: a.profession,
                    ...(profession ? { display: profession.ja } : {}),
                  },
                ],
              },
            ],
          }
        : {}),
      requestor: true,
      ...(a.address ? { network: { address: a.address, type: isIP(a.address) ? '2' : '1' } } : {}),
      ...(purposeOfUse ? { purposeOfUse } : {}),
    });
    if (a.facilityOid) {
      // The user's organisation (BALP: SAML organization-id / IUA subject_organization_id).
      const name = names.facilities.get(a.facilityOid);
      list.push({
        type: { coding: [{ system: S.roleClass, code: 'PROV', display: 'healthcare provider' }] },
        who: {
          identifier: { system: S.uri, value: `urn:oid:${a.facilityOid}` },
          ...(name ? { display: name } : {}),
        },
        requestor: false,
      });
    }
  }
  // The server that answered (the hub, or a gateway): BALP "server" agent.
  list.push({
    type: { coding: [dcm('110152', 'Destination Role ID')] },
    who: { display: record.source },
    requestor: false,
  });
  return list;
}

function patientEntity(record: AuditRecord): FhirAuditEntity | undefined {
  const p = record.patient;
  if (!p || (!p.personId && !(p.facilityOid && p.localId))) return undefined;
  const what: FhirReference = p.personId
    ? { reference: `Patient/${p.personId}`, identifier: { system: S.person, value: p.personId } }
    : { identifier: { system: `urn:oid:${p.facilityOid}`, value: p.localId ?? '' } };
  const detail =
    p.personId && p.facilityOid && p.localId
      ? [{ type: 'local-id', valueString: `urn:oid:${p.facilityOid}|${p.localId}` }]
      : undefined;
  return {
    what,
    type: PERSON,
    role: PATIENT,
    ...(detail ? { detail } : {}),
  };
}

/**
 * One disclosed thing. A search lists person ids (or `Patient/<id>`): each a patient entity. A view
 * lists resources: at a gateway (the facility OID is the identifier's system), or a plain reference.
 */
function resourceEntity(id: string, record: AuditRecord): FhirAuditEntity {
  if (id.startsWith('Patient/') || (record.type === 'search' && !id.includes('/'))) {
    const personId = id.replace(/^Patient\//, '');
    return {
      what: { reference: `Patient/${personId}`, identifier: { system: S.person, value: personId } },
      type: PERSON,
      role: PATIENT,
    };
  }
  const atGateway = AT_GATEWAY.exec(id);
  const what: FhirReference = atGateway
    ? {
        type: atGateway[2],
        identifier: { system: `urn:oid:${atGateway[1]}`, value: `${atGateway[2]}/${atGateway[3]}` },
      }
    : RESOURCE_REF.test(id)
      ? { reference: id }
      : { identifier: { value: id } };
  return { what, type: SYSTEM_OBJECT, role: DOMAIN_RESOURCE };
}

const details = (record: AuditRecord) =>
  Object.entries(record.detail ?? {}).map(([type, valueString]) => ({
    type,
    valueString: String(valueString),
  }));

function entities(record: AuditRecord): FhirAuditEntity[] {
  const list: FhirAuditEntity[] = [];
  const patient = patientEntity(record);
  if (patient) list.push(patient);
  const detail = details(record);
  if (record.type === 'search') {
    // BALP Query: the query itself (base64 of what was asked), then each result.
    const query = record.detail?.query ?? canonicalJson(record.detail ?? {});
    list.push({
      type: SYSTEM_OBJECT,
      role: { system: S.objectRole, code: '24', display: 'Query' },
      query: Buffer.from(query, 'utf8').toString('base64'),
      ...(detail.length > 0 ? { detail } : {}),
    });
  } else if (detail.length > 0) {
    // Free details (a break-the-glass reason, what an admin changed) travel on the main entity.
    const main: FhirAuditEntity = patient ?? { type: SYSTEM_OBJECT, description: record.type };
    main.detail = [...(main.detail ?? []), ...detail];
    if (!patient) list.push(main);
  }
  for (const id of record.entities ?? []) list.push(resourceEntity(id, record));
  return list;
}

/** Names for displays (facility OID → name), looked up once per page. */
export interface AuditNames {
  facilities: ReadonlyMap<string, string>;
}

/** One stored hub audit event as a FHIR R4 AuditEvent (IHE BALP). */
export function toAuditEvent(
  event: StoredAuditEvent,
  names: AuditNames = { facilities: new Map() },
): FhirAuditEvent {
  const r = event.record;
  const list = entities(r);
  return {
    resourceType: 'AuditEvent',
    id: `audit-${event.seq}`,
    ...balpEventType(r),
    action: r.action,
    recorded: event.recordedAt,
    outcome: r.outcome,
    ...(r.outcomeDescription ? { outcomeDesc: r.outcomeDescription } : {}),
    agent: agents(r, names),
    source: {
      site: r.source,
      observer: { type: 'Device', display: r.source },
      type: [{ system: S.sourceType, code: '4', display: 'Application Server' }],
    },
    ...(list.length > 0 ? { entity: list } : {}),
  };
}

/** A searchset Bundle of AuditEvents (one page of an export, `total` = every match). */
export function auditBundle(
  events: readonly FhirAuditEvent[],
  options: { timestamp: string; total: number; next?: string },
): FhirAuditBundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    timestamp: options.timestamp,
    total: options.total,
    ...(options.next ? { link: [{ relation: 'next', url: options.next }] } : {}),
    entry: events.map(auditEntry),
  };
}

/** One Bundle entry (the CLI streams these one by one). */
export const auditEntry = (resource: FhirAuditEvent): FhirAuditBundle['entry'][number] => ({
  fullUrl: `urn:uuid:${uuidOf(resource.id)}`,
  resource,
  search: { mode: 'match' },
});

/** A stable UUID-shaped fullUrl per event id (v5-like, from a SHA-1 of the id). */
function uuidOf(id: string): string {
  const h = createHashHex(id);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const createHashHex = (s: string) => createHash('sha1').update(s).digest('hex');
