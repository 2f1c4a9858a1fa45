import { createHash, randomUUID } from 'node:crypto';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';
import { hubOids } from '../ihe/v3.js';
import { childElements, el, t, text } from '../ihe/xml.js';
import { fetchBinary } from '../viewing/gateway-client.js';
import type { FhirResource } from '../viewing/merge.js';
import { entityOf, fanOut, visiblePerson } from '../viewing/views.js';
import type { Asserted } from './xua.js';

/**
 * XCA as a responding gateway (partner/README.md § SOAP): ITI-38 Cross Gateway Query (FindDocuments
 * over the patient's DocumentReferences, one DocumentEntry per file) and ITI-39 Cross Gateway
 * Retrieve (the file, by repository = the facility's OID and uniqueId = `<facility OID>^<Binary id>`),
 * under our policy for the XUA user of the partner's facility — the same decision as the FHIR route.
 */
export const XCA_QUERY_ACTION = 'urn:ihe:iti:2007:CrossGatewayQuery';
export const XCA_QUERY_ANSWER = 'urn:ihe:iti:2007:CrossGatewayQueryResponse';
export const XCA_RETRIEVE_ACTION = 'urn:ihe:iti:2007:CrossGatewayRetrieve';
export const XCA_RETRIEVE_ANSWER = 'urn:ihe:iti:2007:CrossGatewayRetrieveResponse';
export const QUERY = 'urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0';
export const RIM = 'urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0';
export const RS = 'urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0';
export const XDS = 'urn:ihe:iti:xds-b:2007';
const FIND_DOCUMENTS = 'urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d';
const STABLE = 'urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1';
const APPROVED = 'urn:oasis:names:tc:ebxml-regrep:StatusType:Approved';
const DEPRECATED = 'urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated';
const SUCCESS = 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success';
const FAILURE = 'urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure';
const PARTIAL = 'urn:ihe:iti:2007:ResponseStatusType:PartialSuccess';
/** Text for an attribute: no control characters (XML 1.0 forbids them). */
const clean = (v: string) => v.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
const ERROR = 'urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error';
/** XDS DocumentEntry classification and identification schemes (ITI TF-3 4.2.5). */
const SCHEME = {
  classCode: 'urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a',
  typeCode: 'urn:uuid:f0306f51-975f-434e-a61c-c59651d33983',
  formatCode: 'urn:uuid:a09d5840-386c-46f2-b5ad-9c3699a4309d',
  confidentialityCode: 'urn:uuid:f4f85eac-e6cb-4883-b524-f2705394840f',
  healthcareFacilityTypeCode: 'urn:uuid:f33fb8ac-18af-42cc-ae0e-ed0b0bdb91e1',
  practiceSettingCode: 'urn:uuid:cccf5598-8b07-4b77-a05e-ae952c785ead',
  patientId: 'urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427',
  uniqueId: 'urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab',
} as const;

/** A registry error in the ebRS answer (an XDS error code, as ITI-38/39 name them). */
class RegistryError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const slot = (name: string, ...values: string[]) =>
  el('rim:Slot', { name }, el('rim:ValueList', {}, ...values.map((v) => el('rim:Value', {}, t(v)))));
const localized = (tag: 'rim:Name' | 'rim:Description', value: string) =>
  el(tag, {}, el('rim:LocalizedString', { 'xml:lang': 'ja-JP', charset: 'UTF-8', value: clean(value) }));
const uuidOf = (...parts: string[]) => {
  const h = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const xdsTime = (iso: string | undefined) =>
  iso && !Number.isNaN(Date.parse(iso))
    ? new Date(iso).toISOString().replace(/[-:T]/g, '').slice(0, 14)
    : undefined;

/** The slots of an AdhocQuery by name (their values, quotes and brackets removed). */
function slotsOf(query: XmlElement | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of (query ? childElements(query) : []).filter(
    (c) => c.namespaceURI === RIM && c.localName === 'Slot',
  )) {
    const list = childElements(s).find((c) => c.localName === 'ValueList');
    const values = (list ? childElements(list) : [])
      .map((v) => (text(v) ?? '').trim())
      .flatMap((v) => v.replace(/^\(|\)$/g, '').split(','))
      .map((v) => v.trim().replace(/^'|'$/g, ''))
      .filter((v) => v !== '');
    out.set(s.getAttribute('name') ?? '', values);
  }
  return out;
}

/** ITI-38: the patient's documents our policy lets this user see, as XDS DocumentEntries (LeafClass). */
export async function crossGatewayQuery(
  deps: HubDeps,
  principal: HubPrincipal,
  asserted: Asserted,
  payload: XmlElement,
  address: string,
): Promise<string> {
  const oids = hubOids(deps.settings);
  const community = `urn:oid:${oids.homeCommunity}`;
  try {
    const query = childElements(payload).find((c) => c.namespaceURI === RIM && c.localName === 'AdhocQuery');
    if (query?.getAttribute('id') !== FIND_DOCUMENTS)
      throw new RegistryError('XDSUnknownStoredQuery', 'only FindDocuments is answered here');
    const slots = slotsOf(query);
    const patient = slots.get('$XDSDocumentEntryPatientId')?.[0] ?? '';
    const m = /^([^^]+)\^\^\^&([\d.]+)&ISO$/.exec(patient);
    if (!m || m[2] !== oids.regionalId)
      throw new RegistryError(
        'XDSUnknownPatientId',
        `the patient id must be ours (…^^^&${oids.regionalId}&ISO), as XCPD answered it`,
      );
    const personId = m[1] ?? '';
    const { access } = await visiblePerson(deps, principal, personId, 'TREAT').catch(async () => {
      await auditHub(deps, [
        {
          type: 'view',
          action: 'R',
          outcome: '4',
          outcomeDescription: 'not visible or unknown',
          agent: agentOf(principal, address),
          patient: { personId },
          purposeOfUse: 'TREAT',
          detail: {
            via: 'xca',
            operation: 'ITI-38',
            idp: asserted.idp.entityId,
            assertion: asserted.assertionId,
          },
        },
      ]);
      throw new RegistryError('XDSUnknownPatientId', 'no such patient (or not visible to you)');
    });
    const from = slots.get('$XDSDocumentEntryCreationTimeFrom')?.[0];
    const to = slots.get('$XDSDocumentEntryCreationTimeTo')?.[0];
    const day = (v: string | undefined) =>
      v && /^\d{8}/.test(v) ? `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}` : undefined;
    const result = await fanOut(deps, principal, access, 'TREAT', {
      resourceType: 'DocumentReference',
      ...(day(from) ? { start: day(from) } : {}),
      ...(day(to) ? { end: day(to) } : {}),
    });
    const entries = result.entries.flatMap((e) =>
      documentEntries(e.resource, e.facilityOid, e.facilityName, e.localId, patient, community),
    );
    // What ITI-39 may then retrieve for this user: the documents this query listed, for an hour.
    const listed = [
      ...new Map(
        result.entries.flatMap((e) =>
          binaryIdsOf(e.resource).map((b) => {
            const key = retrievable(asserted, `${e.facilityOid}^${b}`);
            return [key, { key, personId }] as const;
          }),
        ),
      ).values(),
    ];
    const until = new Date(deps.now().getTime() + 3600_000).toISOString();
    for (let i = 0; i < listed.length; i += 200) {
      await deps.store.db
        .insertInto('hub_saml_once')
        .values(listed.slice(i, i + 200).map((l) => ({ key: l.key, value: l.personId, expires_at: until })))
        .onConflict((oc) =>
          oc.column('key').doUpdateSet((eb) => ({
            value: eb.ref('excluded.value'),
            expires_at: eb.ref('excluded.expires_at'),
          })),
        )
        .execute();
    }
    const failed = result.sources.filter(
      (x) => x.status === 'timeout' || x.status === 'error' || x.truncated,
    );
    await auditHub(deps, [
      {
        type: 'view',
        action: 'R',
        outcome: '0',
        agent: agentOf(principal, address),
        patient: { personId },
        entities: result.entries.map((e) => entityOf(e.facilityOid, 'DocumentReference', e.resource.id)),
        purposeOfUse: 'TREAT',
        detail: {
          view: 'xca-query',
          via: 'xca',
          operation: 'ITI-38',
          idp: asserted.idp.entityId,
          assertion: asserted.assertionId,
        },
      },
    ]);
    // A facility that did not answer (or answered in part): PartialSuccess, one error each.
    return queryResponse(
      failed.length > 0 ? PARTIAL : SUCCESS,
      entries.join(''),
      failed.length > 0
        ? el(
            'rs:RegistryErrorList',
            {},
            ...failed.map((f) =>
              el('rs:RegistryError', {
                errorCode: f.truncated ? 'XDSTooManyResults' : 'XDSRegistryNotAvailable',
                codeContext: clean(f.message ?? f.status),
                severity: ERROR,
                location: f.facilityOid,
              }),
            ),
          )
        : '',
    );
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    return queryResponse(
      FAILURE,
      '',
      el(
        'rs:RegistryErrorList',
        {},
        el('rs:RegistryError', {
          errorCode: e.code,
          codeContext: e.message,
          severity: ERROR,
          location: community,
        }),
      ),
    );
  }
}

const queryResponse = (status: string, objects: string, errors = '') =>
  el(
    'query:AdhocQueryResponse',
    { 'xmlns:query': QUERY, 'xmlns:rim': RIM, 'xmlns:rs': RS, status },
    errors,
    el('rim:RegistryObjectList', {}, objects),
  );

/** One DocumentEntry per file of a DocumentReference (its Binary), in the ebRIM of ITI TF-3 4.2. */
function documentEntries(
  resource: FhirResource,
  facilityOid: string,
  facilityName: string,
  localId: string,
  patientId: string,
  community: string,
): string[] {
  const doc = resource as FhirResource & {
    status?: string;
    date?: string;
    description?: string;
    type?: { coding?: { system?: string; code?: string; display?: string }[]; text?: string };
    content?: { attachment?: { contentType?: string; url?: string; title?: string; creation?: string } }[];
    context?: {
      period?: { start?: string };
      practiceSetting?: { coding?: { code?: string; display?: string }[] };
    };
  };
  if (doc.status === 'entered-in-error') return [];
  const type = doc.type?.coding?.[0];
  const title = doc.description ?? doc.type?.text ?? type?.display ?? '文書';
  return (doc.content ?? []).flatMap((c) => {
    const binaryId = /^Binary\/([A-Za-z0-9.-]{1,64})$/.exec(c.attachment?.url ?? '')?.[1];
    if (!binaryId) return [];
    const id = uuidOf(facilityOid, binaryId);
    const classification = (scheme: string, code: string, system: string, display: string) =>
      el(
        'rim:Classification',
        {
          id: uuidOf(id, scheme),
          classificationScheme: scheme,
          classifiedObject: id,
          nodeRepresentation: code,
        },
        slot('codingScheme', system),
        localized('rim:Name', display),
      );
    const external = (scheme: string, value: string, name: string) =>
      el(
        'rim:ExternalIdentifier',
        { id: uuidOf(id, scheme), identificationScheme: scheme, registryObject: id, value },
        localized('rim:Name', name),
      );
    const created = xdsTime(c.attachment?.creation ?? doc.date);
    const start = xdsTime(doc.context?.period?.start);
    const setting = doc.context?.practiceSetting?.coding?.[0];
    return [
      el(
        'rim:ExtrinsicObject',
        {
          id,
          home: community,
          lid: id,
          objectType: STABLE,
          status: doc.status === 'superseded' ? DEPRECATED : APPROVED,
          mimeType: c.attachment?.contentType ?? 'application/octet-stream',
        },
        ...(created ? [slot('creationTime', created)] : []),
        slot('languageCode', 'ja-JP'),
        slot('repositoryUniqueId', facilityOid),
        ...(start ? [slot('serviceStartTime', start)] : []),
        slot('sourcePatientId', `${localId}^^^&${facilityOid}&ISO`),
        slot('sourcePatientInfo', `PID-3|${localId}^^^&${facilityOid}&ISO`),
        localized('rim:Name', c.attachment?.title ? `${title}（${c.attachment.title}）` : title),
        classification(
          SCHEME.classCode,
          type?.code ?? 'document',
          type?.system ?? 'urn:hie:document-class',
          title,
        ),
        classification(SCHEME.confidentialityCode, 'N', '2.16.840.1.113883.5.25', 'normal'),
        classification(
          SCHEME.formatCode,
          'urn:ihe:iti:xds:2017:mimeTypeSufficient',
          '1.3.6.1.4.1.19376.1.2.3',
          'mimeType Sufficient',
        ),
        classification(SCHEME.healthcareFacilityTypeCode, 'hospital', 'urn:hie:facility-type', facilityName),
        classification(
          SCHEME.practiceSettingCode,
          setting?.code ?? 'general',
          'urn:hie:department',
          setting?.display ?? '診療科',
        ),
        classification(
          SCHEME.typeCode,
          type?.code ?? 'document',
          type?.system ?? 'urn:hie:document-type',
          title,
        ),
        external(SCHEME.patientId, patientId, 'XDSDocumentEntry.patientId'),
        external(SCHEME.uniqueId, `${facilityOid}^${binaryId}`, 'XDSDocumentEntry.uniqueId'),
      ),
    ];
  });
}

/** The key under which a listed document may be retrieved by this XUA user. */
const retrievable = (asserted: Asserted, uniqueId: string) =>
  `xca:${createHash('sha256').update(`${asserted.idp.entityId}\n${asserted.subject}\n${uniqueId}`).digest('hex')}`;

/** The person whose document this user's ITI-38 listed (a document never listed is not retrieved). */
export async function listedPerson(
  deps: HubDeps,
  asserted: Asserted,
  uniqueId: string,
): Promise<string | null> {
  const row = await deps.store.db
    .selectFrom('hub_saml_once')
    .select(['value', 'expires_at'])
    .where('key', '=', retrievable(asserted, uniqueId))
    .executeTakeFirst();
  return row && row.expires_at > deps.now().toISOString() ? row.value : null;
}

const binaryIdsOf = (resource: FhirResource) =>
  (resource as { status?: string }).status === 'entered-in-error'
    ? []
    : ((resource as { content?: { attachment?: { url?: string } }[] }).content ?? []).flatMap((c) => {
        const id = /^Binary\/([A-Za-z0-9.-]{1,64})$/.exec(c.attachment?.url ?? '')?.[1];
        return id ? [id] : [];
      });

/** Most bytes one ITI-39 answer carries (the rest: XDSRepositoryError, ask again). */
const MAX_RETRIEVE_BYTES = 100 * 1024 * 1024;

/** One retrieved document: its ids and bytes, or the registry error for it. */
export type Retrieved =
  | { ok: true; repository: string; uniqueId: string; mimeType: string; bytes: Buffer; cid: string }
  | { ok: false; repository: string; uniqueId: string; code: string; message: string };

/**
 * ITI-39: each DocumentRequest (HomeCommunityId = ours, RepositoryUniqueId = the facility's OID,
 * DocumentUniqueId = `<facility OID>^<Binary id>`) fetched through our policy, **now**: only a
 * document this user's ITI-38 listed (within the hour) and that our rules still show this user — any
 * other is `XDSDocumentUniqueIdError`, like one that does not exist.
 */
export async function crossGatewayRetrieve(
  deps: HubDeps,
  principal: HubPrincipal,
  asserted: Asserted,
  payload: XmlElement,
  address: string,
): Promise<Retrieved[]> {
  const community = `urn:oid:${hubOids(deps.settings).homeCommunity}`;
  const requests = childElements(payload).filter(
    (c) => c.namespaceURI === XDS && c.localName === 'DocumentRequest',
  );
  if (requests.length === 0 || requests.length > 20)
    throw new HubError(400, 'invalid-request', 'one to twenty DocumentRequests');
  const out: Retrieved[] = [];
  const asked = new Set<string>();
  let sent = 0;
  for (const request of requests) {
    const field = (local: string) =>
      (
        text(childElements(request).find((c) => c.namespaceURI === XDS && c.localName === local) ?? null) ??
        ''
      ).trim();
    const repository = field('RepositoryUniqueId');
    const uniqueId = field('DocumentUniqueId');
    const home = field('HomeCommunityId');
    const refuse = (code: string, message: string): Retrieved => ({
      ok: false,
      repository,
      uniqueId,
      code,
      message,
    });
    if (asked.has(`${repository}\n${uniqueId}`)) continue;
    asked.add(`${repository}\n${uniqueId}`);
    if (home && home !== community) {
      out.push(refuse('XDSUnknownCommunity', `this gateway answers ${community}`));
      continue;
    }
    const [facilityOid, binaryId] = uniqueId.split('^');
    if (!facilityOid || !binaryId || facilityOid !== repository || !/^[A-Za-z0-9.-]{1,64}$/.test(binaryId)) {
      out.push(refuse('XDSDocumentUniqueIdError', 'unknown document'));
      continue;
    }
    const personId = await listedPerson(deps, asserted, uniqueId);
    const access = personId
      ? await visiblePerson(deps, principal, personId, 'TREAT').then(
          (v) => v.access,
          () => null,
        )
      : null;
    let answer: Awaited<ReturnType<typeof fetchBinary>> | null = null;
    for (const source of access?.records.filter((r) => r.facilityOid === facilityOid) ?? []) {
      answer = await fetchBinary(deps, principal, source, 'TREAT', binaryId);
      if (answer.ok || answer.status !== 'not-found') break;
    }
    if (answer?.ok && sent + answer.bytes.length > MAX_RETRIEVE_BYTES) {
      out.push(
        refuse('XDSRepositoryError', 'the answer would be too large: ask for fewer documents at once'),
      );
      continue;
    }
    if (!answer?.ok || !personId) {
      await auditHub(deps, [
        {
          type: 'view',
          action: 'R',
          outcome: '4',
          outcomeDescription: 'not listed, not visible or unknown',
          agent: agentOf(principal, address),
          ...(personId ? { patient: { personId } } : {}),
          entities: [entityOf(facilityOid, 'Binary', binaryId)],
          purposeOfUse: 'TREAT',
          detail: {
            via: 'xca',
            operation: 'ITI-39',
            idp: asserted.idp.entityId,
            assertion: asserted.assertionId,
          },
        },
      ]);
      out.push(
        answer && !answer.ok && answer.status !== 'not-found'
          ? refuse('XDSRepositoryError', answer.message)
          : refuse('XDSDocumentUniqueIdError', 'unknown document (or not visible to you)'),
      );
      continue;
    }
    sent += answer.bytes.length;
    await auditHub(deps, [
      {
        type: 'view',
        action: 'R',
        outcome: '0',
        agent: agentOf(principal, address),
        patient: { personId },
        entities: [entityOf(facilityOid, 'Binary', binaryId)],
        purposeOfUse: 'TREAT',
        detail: {
          view: 'binary',
          via: 'xca',
          operation: 'ITI-39',
          idp: asserted.idp.entityId,
          assertion: asserted.assertionId,
        },
      },
    ]);
    out.push({
      ok: true,
      repository,
      uniqueId,
      mimeType: answer.contentType,
      bytes: answer.bytes,
      cid: `${randomUUID()}@hie`,
    });
  }
  return out;
}

/** The RetrieveDocumentSetResponse (its Documents as xop:Include of the MTOM parts). */
export function retrieveResponse(results: Retrieved[], community: string): string {
  const ok = results.filter((r) => r.ok);
  const status = ok.length === results.length ? SUCCESS : ok.length === 0 ? FAILURE : PARTIAL;
  const failed = results.filter((r): r is Extract<Retrieved, { ok: false }> => !r.ok);
  return el(
    'xds:RetrieveDocumentSetResponse',
    { 'xmlns:xds': XDS, 'xmlns:rs': RS, 'xmlns:xop': 'http://www.w3.org/2004/08/xop/include' },
    el(
      'rs:RegistryResponse',
      { status },
      failed.length > 0
        ? el(
            'rs:RegistryErrorList',
            {},
            ...failed.map((f) =>
              el('rs:RegistryError', {
                errorCode: f.code,
                codeContext: f.message,
                severity: ERROR,
                location: f.uniqueId,
              }),
            ),
          )
        : '',
    ),
    ...results
      .filter((r): r is Extract<Retrieved, { ok: true }> => r.ok)
      .map((r) =>
        el(
          'xds:DocumentResponse',
          {},
          el('xds:HomeCommunityId', {}, t(community)),
          el('xds:RepositoryUniqueId', {}, t(r.repository)),
          el('xds:DocumentUniqueId', {}, t(r.uniqueId)),
          el('xds:mimeType', {}, t(r.mimeType)),
          el('xds:Document', {}, el('xop:Include', { href: `cid:${r.cid}` })),
        ),
      ),
  );
}
