import type { HubDeps, HubPrincipal } from '../http.js';
import type { RecordsForPerson } from '../policy/records.js';
import type { FanOutQuery, FanOutResult } from './gateway-client.js';

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
  ): Promise<FanOutResult>;
}
