import type { HubDeps, HubPrincipal } from '../http.js';
import type { Purpose } from '../policy/decide.js';
import type { RecordsForPerson } from '../policy/records.js';
import type { BinaryAnswer, FanOutQuery, FanOutResult } from './gateway-client.js';

/**
 * A partner network's records of the patient in our timeline (issue 16, partner/README.md): given the
 * person as our policy lets this user see them, what the partner networks answer for this user's
 * facility under their own rules — entries tagged with the partner's facility and network, and a
 * `sources` line per partner facility (or one for the network when it did not answer). Never throws:
 * an outage of a partner is a source's status, not an error of the view.
 */
export interface PartnerRecords {
  records(
    deps: HubDeps,
    principal: HubPrincipal,
    access: RecordsForPerson,
    personId: string,
    query: FanOutQuery,
    want: number,
    /** What the view exercised (ETREAT under a break-the-glass grant): said to the partner and audited. */
    purpose: Purpose,
  ): Promise<FanOutResult>;
  /**
   * A document of the patient held at a partner's facility (an entry of `records` named it), fetched
   * through the partner hub under its rules and ours; null when no partner of this user's facility
   * has it (then: the one 404).
   */
  binary(
    deps: HubDeps,
    principal: HubPrincipal,
    access: RecordsForPerson,
    personId: string,
    facilityOid: string,
    id: string,
    purpose: Purpose,
  ): Promise<(BinaryAnswer & { network: string }) | null>;
}
