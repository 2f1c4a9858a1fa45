import type { FastifyReply, FastifyRequest } from 'fastify';
import { auditHub } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import { type LocalMergeOutcome, mergeLocalIds } from '../mpi/local-merge.js';
import { mpiSettingsOf } from '../mpi/routes.js';
import { FhirRefusal, type Json, objects, outcome, sendPatient, str, systemAgent } from './fhir-common.js';

/**
 * The PIXm feed's merge (ITI-104): `PUT /fhir/Patient?identifier=urn:oid:<facility>|<obsolete>` with the
 * obsolete id's Patient, `active` false and one `link` of type `replaced-by` whose `other` names the
 * surviving id (`identifier`, or a `reference` `Patient?identifier=urn:oid:<facility>|<surviving>`). It is
 * the facility's merge of two of its own ids, the index's local merge as ITI-44 `PRPA_IN201304UV02`
 * (mpi/local-merge.ts, pix-feed.ts): same rule, same audit. The refusals mirror ITI-44's AE 204/205: an id
 * of another domain is 403 before anything is looked up, an unknown own id 404, the same id twice 400 —
 * the index is asked about the caller's own domain only, so no answer tells another facility's ids.
 * The merge Patient's demographics are not fed (a later update does that). 200 with the surviving Patient.
 */

const LINK_OTHER = 'Patient.link.other';

/** Whether the Patient asks for a merge or a deactivation (ITI-104 says both with `active` and `link`). */
export const isMergeAsked = (patient: Json) => patient.active === false || objects(patient.link).length > 0;

/** The `identifier` of a conditional reference `Patient?identifier=<system>|<value>` (relative or absolute). */
function conditionalIdentifier(reference: string): string | undefined {
  const match = /(?:^|\/)Patient\?(.+)$/.exec(reference);
  if (!match?.[1]) return undefined;
  const params = new URLSearchParams(match[1]);
  return [...params.keys()].length === 1 ? (params.get('identifier') ?? undefined) : undefined;
}

/** The surviving local id the merge names, of the caller's own domain; a refusal for anything else. */
export function survivingIdOf(patient: Json, facility: string): string {
  const links = objects(patient.link);
  if (links.length === 0) {
    throw new FhirRefusal(
      422,
      'business-rule',
      'a deactivation without a surviving patient is not taken: a merge names it in Patient.link (replaced-by) / 統合先のない無効化は受け付けません',
      'Patient.active',
    );
  }
  if (links.some((l) => l.type !== 'replaced-by')) {
    throw new FhirRefusal(
      422,
      'business-rule',
      'only replaced-by links (a merge of two of the facility’s ids) are taken; persons are merged by the network office / 患者の統合はネットワーク事務局で行います',
      'Patient.link.type',
    );
  }
  if (links.length > 1) {
    throw new FhirRefusal(400, 'invalid', 'one replaced-by link: the surviving patient', 'Patient.link');
  }
  if (patient.active !== false) {
    throw new FhirRefusal(400, 'invalid', 'a merged (replaced-by) Patient is active false', 'Patient.active');
  }
  const other = links[0]?.other;
  const named = objects([other])[0] ?? {};
  const identifier = objects([named.identifier])[0];
  const asked = identifier
    ? `${str(identifier.system) ?? ''}|${str(identifier.value) ?? ''}`
    : conditionalIdentifier(str(named.reference) ?? '');
  const bar = asked?.indexOf('|') ?? -1;
  const system = asked?.slice(0, bar) ?? '';
  const value = asked?.slice(bar + 1) ?? '';
  if (!asked || bar < 0 || !system || !value) {
    throw new FhirRefusal(
      400,
      'required',
      `the surviving patient as other.identifier (urn:oid:${facility}|<id>) or other.reference Patient?identifier=urn:oid:${facility}|<id>`,
      LINK_OTHER,
    );
  }
  if (system !== `urn:oid:${facility}`) {
    throw new FhirRefusal(
      403,
      'forbidden',
      `a system merges its own facility’s ids only (urn:oid:${facility}) / 自施設の患者IDのみ統合できます`,
      LINK_OTHER,
    );
  }
  return value;
}

/** A refused local merge as FHIR: what ITI-44 answers AE 204 (unknown id) or AE 205 (same id). */
function refusalOf(problem: Extract<LocalMergeOutcome, { ok: false }>, facility: string): FhirRefusal {
  if (problem.problem === 'same-id') {
    return new FhirRefusal(400, 'invalid', 'the surviving and the obsolete id are the same id', LINK_OTHER);
  }
  return new FhirRefusal(
    404,
    'not-found',
    `the ${problem.which} id is not a known id of this facility (urn:oid:${facility}|${problem.localId})`,
    problem.which === 'surviving' ? LINK_OTHER : 'Patient.identifier',
  );
}

/**
 * Merges the obsolete id of the request into the surviving id the Patient names; audited (`mpi`,
 * ITI-104), refusals included.
 */
export async function pixmMerge(
  deps: HubDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  asked: { facility: string; obsolete: string; patient: Json },
): Promise<FastifyReply> {
  const { facility, obsolete } = asked;
  type Survivor = { personId: string; localId: string };
  const audit = (
    result: '0' | '4',
    detail: Record<string, string>,
    entities: string[],
    survivor?: Survivor,
  ) =>
    auditHub(deps, [
      {
        type: 'mpi',
        action: 'U',
        outcome: result,
        agent: systemAgent(facility),
        ...(survivor ? { patient: { ...survivor, facilityOid: facility } } : {}),
        entities,
        detail: { operation: 'ITI-104', interaction: 'merge', ...detail },
      },
    ]);
  let surviving: string;
  try {
    surviving = survivingIdOf(asked.patient, facility);
  } catch (error) {
    if (!(error instanceof FhirRefusal)) throw error;
    if (error.status === 403) await audit('4', { outcome: 'forbidden' }, [`${facility}|${obsolete}`]);
    return outcome(reply, error);
  }
  const merged = await mergeLocalIds(
    deps,
    { facilityOid: facility, survivingLocalId: surviving, obsoleteLocalId: obsolete },
    `ihe:${facility}`,
    { settings: mpiSettingsOf(deps.settings) },
  );
  if (!merged.ok) {
    await audit('4', { outcome: merged.problem }, [`${facility}|${obsolete}`, `${facility}|${surviving}`]);
    return outcome(reply, refusalOf(merged, facility));
  }
  const into = merged.personId;
  await audit(
    '0',
    {
      outcome: 'merged',
      from: merged.fromPersonId,
      into,
      reviews: String(merged.reviews.length),
    },
    [`${facility}|${obsolete}>${into}`, ...merged.moved.map((r) => `${r.facilityOid}|${r.localId}>${into}`)],
    { personId: into, localId: surviving },
  );
  return sendPatient(deps, request, reply, { facility, personId: into, status: 200 });
}
