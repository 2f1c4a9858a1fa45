import { feedIdentitySchema } from '@hie/contract';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { auditHub } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import { feedIdentities } from '../mpi/feed.js';
import { mpiSettingsOf } from '../mpi/routes.js';
import { identityOf } from './person.js';
import { type AckDetail, acknowledgement, answerWrapper, iiOf, readV3, v3Children, v3Path } from './v3.js';
import { el } from './xml.js';

const PATIENT = ['controlActProcess', 'subject', 'registrationEvent', 'subject1', 'patient'] as const;

/**
 * ITI-44 Patient Identity Feed (add `PRPA_IN201301UV02`, revise `…302`) on the patient index's one
 * feed function, as the gateways' JSON feed: the sending system feeds its own facility's patients only
 * (the id whose root is its facility OID), matched and linked the same way, audited the same way. A
 * merge (`…304`) is refused with 201 (unsupported event): local merges are not built (README).
 * Answers `MCCI_IN000002UV01`: AA, AE with the problem and where it is, or AR.
 */
export async function pixFeed(deps: HubDeps, facilityOid: string, payload: XmlElement): Promise<string> {
  const request = readV3(payload);
  const answer = (type: 'AA' | 'AE' | 'AR', details: AckDetail[] = []) =>
    el(
      'MCCI_IN000002UV01',
      { xmlns: 'urn:hl7-org:v3', ITSVersion: 'XML_1.0' },
      answerWrapper('MCCI_IN000002UV01', request, deps.settings, deps.now()),
      acknowledgement(type, request, details),
    );
  const where = `/${request.interaction}/${PATIENT.join('/')}`;
  if (request.interaction === 'PRPA_IN201304UV02') {
    return answer('AR', [
      {
        code: '201',
        text: 'merging local identifiers is not supported: feed the surviving identifier; the network office merges persons',
        location: `/${request.interaction}/controlActProcess/subject/registrationEvent/replacementOf`,
      },
    ]);
  }
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
  const [outcome] = await feedIdentities(deps, [checked.data], `ihe:${facilityOid}`, {
    settings: mpiSettingsOf(deps.settings),
  });
  await auditHub(deps, [
    {
      type: 'mpi',
      action: request.interaction === 'PRPA_IN201301UV02' ? 'C' : 'U',
      outcome: '0',
      agent: { userId: `ihe:${facilityOid}`, facilityOid },
      ...(outcome ? { patient: { personId: outcome.personId } } : {}),
      entities: outcome ? [`${outcome.facilityOid}|${outcome.localId}>${outcome.personId}`] : [],
      detail: { operation: 'ITI-44', interaction: request.interaction, outcome: outcome?.outcome ?? '' },
    },
  ]);
  return answer('AA');
}
