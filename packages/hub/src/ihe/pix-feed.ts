import { feedIdentitySchema } from '@hie/contract';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { auditHub } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import { feedIdentities } from '../mpi/feed.js';
import { mergeLocalIds } from '../mpi/local-merge.js';
import { mpiSettingsOf } from '../mpi/routes.js';
import { identityOf } from './person.js';
import { type AckDetail, acknowledgement, answerWrapper, iiOf, readV3, v3Children, v3Path } from './v3.js';
import { el } from './xml.js';

const PATIENT = ['controlActProcess', 'subject', 'registrationEvent', 'subject1', 'patient'] as const;
const PRIOR = [
  'controlActProcess',
  'subject',
  'registrationEvent',
  'replacementOf',
  'priorRegistration',
  'subject1',
  'priorRegisteredRole',
] as const;

type Answer = (type: 'AA' | 'AE' | 'AR', details?: AckDetail[]) => string;

/**
 * ITI-44 Patient Identity Feed (add `PRPA_IN201301UV02`, revise `…302`) on the patient index's one
 * feed function, as the gateways' JSON feed: the sending system feeds its own facility's patients only
 * (the id whose root is its facility OID), matched and linked the same way, audited the same way. A
 * merge (`…304`) is the facility's merge of two of its own ids (mpi/local-merge.ts).
 * Answers `MCCI_IN000002UV01`: AA, AE with the problem and where it is, or AR.
 */
export async function pixFeed(deps: HubDeps, facilityOid: string, payload: XmlElement): Promise<string> {
  const request = readV3(payload);
  const answer: Answer = (type, details = []) =>
    el(
      'MCCI_IN000002UV01',
      { xmlns: 'urn:hl7-org:v3', ITSVersion: 'XML_1.0' },
      answerWrapper('MCCI_IN000002UV01', request, deps.settings, deps.now()),
      acknowledgement(type, request, details),
    );
  const where = `/${request.interaction}/${PATIENT.join('/')}`;
  if (request.interaction === 'PRPA_IN201304UV02') return pixMerge(deps, facilityOid, payload, answer);
  const patient = v3Path(payload, ...PATIENT);
  if (!patient) return answer('AE', [{ code: '101', text: 'no patient in the message', location: where }]);
  const ids = v3Children(patient, 'id').map(iiOf);
  const own = ids.find((ii) => ii?.root === facilityOid && ii.extension);
  if (!own?.extension) {
    return answer('AE', [
      {
        code: '204',
        text: `no patient id of this system's domain (${facilityOid}): a system feeds its own facility's patients only`,
        location: `${where}/id`,
      },
    ]);
  }
  const checked = feedIdentitySchema.safeParse({
    facilityOid,
    localId: own.extension,
    ...identityOf(v3Path(patient, 'patientPerson')),
  });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return answer('AE', [
      {
        code: '102',
        text: `${issue?.path.join('.') ?? 'identity'}: ${issue?.message ?? 'invalid'}`,
        location: `${where}/patientPerson`,
      },
    ]);
  }
  // The feed and its audit event commit together.
  await feedIdentities(deps, [checked.data], `ihe:${facilityOid}`, {
    settings: mpiSettingsOf(deps.settings),
    audit: ([outcome]) => [
      {
        type: 'mpi',
        action: request.interaction === 'PRPA_IN201301UV02' ? 'C' : 'U',
        outcome: '0',
        agent: { userId: `ihe:${facilityOid}`, facilityOid },
        ...(outcome ? { patient: { personId: outcome.personId } } : {}),
        entities: outcome ? [`${outcome.facilityOid}|${outcome.localId}>${outcome.personId}`] : [],
        detail: { operation: 'ITI-44', interaction: request.interaction, outcome: outcome?.outcome ?? '' },
      },
    ],
  });
  return answer('AA');
}

/**
 * ITI-44 Patient Identity Merge (`PRPA_IN201304UV02`): the facility found that two of its ids are one
 * patient — `replacementOf/…/priorRegisteredRole/id` the obsolete one, `subject1/patient/id` the surviving
 * one, both of the caller's own domain and known to the index. The merge message's demographics are not
 * fed (a later revise does that). AE 204 (unknown key identifier) when either id is missing, unknown or of
 * another domain — another facility's id is answered as an unknown one; AE 205 when they are one id.
 */
async function pixMerge(
  deps: HubDeps,
  facilityOid: string,
  payload: XmlElement,
  answer: Answer,
): Promise<string> {
  const interaction = 'PRPA_IN201304UV02';
  const ownId = (element: XmlElement | null) =>
    v3Children(element, 'id')
      .map(iiOf)
      .find((ii) => ii?.root === facilityOid && ii.extension)?.extension;
  const survivingAt = `/${interaction}/${PATIENT.join('/')}/id`;
  const obsoleteAt = `/${interaction}/${PRIOR.join('/')}/id`;
  const surviving = ownId(v3Path(payload, ...PATIENT));
  const obsolete = ownId(v3Path(payload, ...PRIOR));
  const unknown = (which: string, location: string) =>
    answer('AE', [
      {
        code: '204',
        text: `the ${which} id is not a known id of this system's domain (${facilityOid}): a system merges its own facility's ids only`,
        location,
      },
    ]);
  if (!surviving) return unknown('surviving', survivingAt);
  if (!obsolete) return unknown('obsolete', obsoleteAt);
  const outcome = await mergeLocalIds(
    deps,
    { facilityOid, survivingLocalId: surviving, obsoleteLocalId: obsolete },
    `ihe:${facilityOid}`,
    { settings: mpiSettingsOf(deps.settings) },
  );
  const agent = { userId: `ihe:${facilityOid}`, facilityOid };
  if (!outcome.ok) {
    await auditHub(deps, [
      {
        type: 'mpi',
        action: 'U',
        outcome: '4',
        agent,
        entities: [`${facilityOid}|${obsolete}`, `${facilityOid}|${surviving}`],
        detail: { operation: 'ITI-44', interaction, outcome: outcome.problem },
      },
    ]);
    if (outcome.problem === 'same-id') {
      return answer('AE', [
        { code: '205', text: 'the surviving and the obsolete id are the same id', location: obsoleteAt },
      ]);
    }
    return outcome.which === 'surviving'
      ? unknown('surviving', survivingAt)
      : unknown('obsolete', obsoleteAt);
  }
  await auditHub(deps, [
    {
      type: 'mpi',
      action: 'U',
      outcome: '0',
      agent,
      patient: { personId: outcome.personId, facilityOid, localId: surviving },
      entities: [
        `${facilityOid}|${obsolete}>${outcome.personId}`,
        ...outcome.moved.map((r) => `${r.facilityOid}|${r.localId}>${outcome.personId}`),
      ],
      detail: {
        operation: 'ITI-44',
        interaction,
        outcome: 'merged',
        from: outcome.fromPersonId,
        into: outcome.personId,
        reviews: String(outcome.reviews.length),
      },
    },
  ]);
  return answer('AA');
}
