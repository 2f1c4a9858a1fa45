/**
 * The version of what hub, gateways, the repository and the web app agree on (this package).
 * `major.minor`: a minor step only adds (optional fields, new categories a peer may ignore); a major
 * step changes a meaning, so peers of different majors refuse each other with a clear message
 * instead of misreading. Sent by every unit in the `x-hie-contract` header of its calls and answers.
 */
export const CONTRACT_VERSION = '2.1';

/**
 * Why each major step was taken. 2: access assertions name the one request they are good for
 * (`htm`/`htp`/`htq`, issue 10 finding 6); a gateway of major 1 would accept them on any request.
 */
export const CONTRACT_MAJORS = { 1: 'first release', 2: 'request-bound assertions' } as const;

export const CONTRACT_HEADER = 'x-hie-contract';

export type ContractCheck =
  | { ok: true; version: string | null }
  | { ok: false; version: string; message: string };

/**
 * Whether a peer speaking `theirs` can be understood. A peer that sends no version (a tool such as
 * curl, or a third-party unit that predates the header) is understood: what it may do is bounded by
 * the assertion it presents, whose claims are checked whatever the header says.
 */
export function checkContractVersion(
  theirs: string | null | undefined,
  ours = CONTRACT_VERSION,
): ContractCheck {
  if (theirs === null || theirs === undefined || theirs === '') return { ok: true, version: null };
  const match = /^(\d+)\.(\d+)$/.exec(theirs.trim());
  if (!match) {
    return { ok: false, version: theirs, message: `contract version '${theirs}' is not major.minor` };
  }
  const ourMajor = ours.split('.')[0];
  if (match[1] !== ourMajor) {
    return {
      ok: false,
      version: theirs,
      message: `the peer speaks contract ${theirs}, this unit ${ours}: upgrade the older one (different major versions)`,
    };
  }
  return { ok: true, version: theirs };
}
