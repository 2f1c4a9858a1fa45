import type { Hl7Message } from '@hie/hl7v2';
import type { HubDeps } from '../../http.js';
import { feedIdentities } from '../../mpi/feed.js';
import { mergeLocalIds } from '../../mpi/local-merge.js';
import { mpiSettingsOf } from '../../mpi/routes.js';
import { ackBytes, type ErrDetail, type Handled } from './answer.js';
import { identityOfPid, isPidProblem, type OwnDomain, ownIdOf } from './pid.js';

/** ADT events that register or update a patient (JAHIS / SS-MIX2 send A28/A31 for registration/update). */
export const FEED_EVENTS: ReadonlySet<string> = new Set(['A01', 'A04', 'A05', 'A08', 'A28', 'A31']);
const CREATING = new Set(['A01', 'A04', 'A05', 'A28']);

/**
 * ITI-8 Patient Identity Feed (ADT^A01/A04/A05/A08/A28/A31) on the patient index's one feed function,
 * as ITI-44, ITI-104 and the gateways' feed: the sender feeds its own facility's patients only (PID-3 of
 * its own domain), matched and linked the same way. AA (without saying how the index linked the
 * patient: whether it is known elsewhere is not the sender's to learn), or AE with an ERR at the field.
 * ADT^A40 is the facility's merge of two of its own ids (mergeOwnIds).
 */
export async function identityFeed(deps: HubDeps, message: Hl7Message, own: OwnDomain): Promise<Handled> {
  const event = message.messageType.event;
  if (event === 'A40') return mergeOwnIds(deps, message, own);
  const action = CREATING.has(event) ? 'C' : 'U';
  const identity = identityOfPid(message, own);
  if (isPidProblem(identity)) {
    const error: ErrDetail = {
      code: identity.code,
      location: identity.field ? ['PID', 1, identity.field] : ['PID', 1],
      text: identity.text,
      reason: identity.code === '204' ? 'not-own-patient' : 'invalid-identity',
    };
    return {
      bytes: ackBytes(message, 'AE', identity.text, error),
      code: 'AE',
      audit: { action, outcome: '4', outcomeDescription: identity.text, detail: { outcome: 'rejected' } },
    };
  }
  const [outcome] = await feedIdentities(deps, [identity], `ihe:${own.facilityOid}`, {
    settings: mpiSettingsOf(deps.settings),
  });
  return {
    bytes: ackBytes(message, 'AA', ''),
    code: 'AA',
    audit: {
      action,
      outcome: '0',
      ...(outcome ? { patient: { personId: outcome.personId } } : {}),
      entities: outcome ? [`${outcome.facilityOid}|${outcome.localId}>${outcome.personId}`] : [],
      detail: { outcome: outcome?.outcome ?? '' },
    },
  };
}

/**
 * ADT^A40 (ADT_A39): the facility found two of its ids are one patient — MRG-1 the obsolete id, PID-3 the
 * surviving one, both of its own domain and known to the index: the same local merge as ITI-44
 * `PRPA_IN201304UV02` (mpi/local-merge.ts). AE 204 at the culprit when either is missing, unknown or of
 * another domain (another facility's id is answered as an unknown one); AE 205 when they are one id.
 * The message's demographics are not fed (a later A08 does that). One PID/MRG pair per message.
 */
async function mergeOwnIds(deps: HubDeps, message: Hl7Message, own: OwnDomain): Promise<Handled> {
  const facilityOid = own.facilityOid;
  const surviving = ownIdOf(message.segment('PID'), 3, own);
  const obsolete = ownIdOf(message.segment('MRG'), 1, own);
  const refuse = (error: ErrDetail, entities: string[] = []): Handled => ({
    bytes: ackBytes(message, 'AE', error.text, error),
    code: 'AE',
    audit: {
      action: 'U',
      outcome: '4',
      outcomeDescription: error.text,
      entities,
      detail: { interaction: 'merge', outcome: error.reason ?? '' },
    },
  });
  const unknown = (which: 'surviving' | 'obsolete') =>
    refuse({
      code: '204',
      location: which === 'surviving' ? ['PID', 1, 3] : ['MRG', 1, 1],
      text: `the ${which} id is not a known id of this system's domain (${facilityOid}): a system merges its own facility's ids only`,
      reason: 'unknown-id',
    });
  if (!surviving) return unknown('surviving');
  if (!obsolete) return unknown('obsolete');
  const pair = [`${facilityOid}|${obsolete}`, `${facilityOid}|${surviving}`];
  const outcome = await mergeLocalIds(
    deps,
    { facilityOid, survivingLocalId: surviving, obsoleteLocalId: obsolete },
    `ihe:${facilityOid}`,
    { settings: mpiSettingsOf(deps.settings) },
  );
  if (!outcome.ok) {
    if (outcome.problem === 'same-id') {
      return refuse(
        {
          code: '205',
          location: ['MRG', 1, 1],
          text: 'the surviving and the obsolete id are the same id',
          reason: 'same-id',
        },
        pair,
      );
    }
    const refused = unknown(outcome.which);
    return { ...refused, audit: { ...refused.audit, entities: pair } };
  }
  return {
    bytes: ackBytes(message, 'AA', ''),
    code: 'AA',
    audit: {
      action: 'U',
      outcome: '0',
      patient: { personId: outcome.personId, facilityOid, localId: surviving },
      entities: [
        `${facilityOid}|${obsolete}>${outcome.personId}`,
        ...outcome.moved.map((r) => `${r.facilityOid}|${r.localId}>${outcome.personId}`),
      ],
      detail: {
        interaction: 'merge',
        outcome: 'merged',
        from: outcome.fromPersonId,
        into: outcome.personId,
        reviews: String(outcome.reviews.length),
      },
    },
  };
}
