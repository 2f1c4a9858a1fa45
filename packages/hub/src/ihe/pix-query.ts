import type { Element as XmlElement } from '@xmldom/xmldom';
import { XMLSerializer } from '@xmldom/xmldom';
import { auditHub } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import { knownDomains, personAsked, visibleIds } from './identities.js';
import { registrationSubject } from './person.js';
import {
  type AckDetail,
  acknowledgement,
  answerWrapper,
  type Ii,
  iiOf,
  iiXml,
  readV3,
  trigger,
  v3Children,
  v3Path,
} from './v3.js';
import { el } from './xml.js';

const PARAMS = '/PRPA_IN201309UV02/controlActProcess/queryByParameter/parameterList';

/**
 * ITI-45 PIX Query for a facility's system: which ids does the person behind this id have? Deny by
 * default — the answer holds the regional person id (domain `hubOids().regionalId`) and the system's
 * own facility's ids, never another facility's: that a patient is known at another hospital is itself
 * health information, and no consent covers telling it to a machine. Asked with another facility's id,
 * the answer is the same as for an unknown id (204), so nothing is learnt from it. Unknown domains in
 * `dataSource` are AE with their location (IHE ITI TF-2b 3.45.4.2.3).
 */
export async function pixQuery(deps: HubDeps, facilityOid: string, payload: XmlElement): Promise<string> {
  const request = readV3(payload);
  const query = v3Path(request.controlAct, 'queryByParameter');
  const parameters = v3Path(query, 'parameterList');
  const asked = v3Children(parameters, 'patientIdentifier').map((p) => iiOf(v3Path(p, 'value')));
  const sources = v3Children(parameters, 'dataSource').map((d) => iiOf(v3Path(d, 'value'))?.root ?? '');

  const respond = (type: 'AA' | 'AE', code: 'OK' | 'NF' | 'AE', ids: Ii[], details: AckDetail[] = []) =>
    el(
      'PRPA_IN201310UV02',
      { xmlns: 'urn:hl7-org:v3', ITSVersion: 'XML_1.0' },
      answerWrapper('PRPA_IN201310UV02', request, deps.settings, deps.now()),
      acknowledgement(type, request, details),
      el(
        'controlActProcess',
        { classCode: 'CACT', moodCode: 'EVN' },
        trigger('PRPA_TE201310UV02'),
        ids.length > 0 ? registrationSubject(ids, null) : '',
        el(
          'queryAck',
          {},
          iiXml('queryId', iiOf(v3Path(query, 'queryId')) ?? { root: '0', extension: null }),
          el('statusCode', { code: 'deliveredResponse' }),
          el('queryResponseCode', { code }),
        ),
        query ? new XMLSerializer().serializeToString(query) : '',
      ),
    );
  const error = (detail: AckDetail) => respond('AE', 'AE', [], [detail]);

  const one = asked.length === 1 ? asked[0] : null;
  if (!one?.extension) {
    return error({
      code: '101',
      text: 'exactly one patientIdentifier with root and extension is required',
      location: `${PARAMS}/patientIdentifier/value`,
    });
  }
  const known = await knownDomains(deps);
  const unknownSource = sources.findIndex((root) => !known.has(root));
  if (unknownSource >= 0) {
    return error({
      code: '204',
      text: `unknown domain ${sources[unknownSource]}`,
      location: `${PARAMS}/dataSource[${unknownSource + 1}]/value`,
    });
  }
  const unknownId = () =>
    error({ code: '204', text: 'unknown patient identifier', location: `${PARAMS}/patientIdentifier/value` });
  if (!known.has(one.root)) {
    return error({
      code: '204',
      text: `unknown domain ${one.root}`,
      location: `${PARAMS}/patientIdentifier/value`,
    });
  }
  const personId = await personAsked(deps, facilityOid, one);
  if (!personId) return unknownId();
  const all = await visibleIds(deps, facilityOid, personId);
  const ids = all.filter(
    (ii) =>
      !(ii.root === one.root && ii.extension === one.extension) &&
      (sources.length === 0 || sources.includes(ii.root)),
  );
  await auditHub(deps, [
    {
      type: 'mpi',
      action: 'E',
      outcome: '0',
      agent: { userId: `ihe:${facilityOid}`, facilityOid },
      patient: { personId },
      entities: ids.map((ii) => `${ii.root}|${ii.extension}`),
      detail: { operation: 'ITI-45', asked: `${one.root}|${one.extension}` },
    },
  ]);
  return respond('AA', ids.length > 0 ? 'OK' : 'NF', ids);
}
