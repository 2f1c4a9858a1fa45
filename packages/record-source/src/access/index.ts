// The gateway's one access decision (invariant 1): assertion × the facility's disclosure settings.
export {
  checkDisclosure,
  type DisclosureCheck,
  DisclosureRegistry,
  type DisclosureSettings,
  type DisclosureSnapshot,
  NOTHING_DISCLOSED,
} from './disclosure.js';
export {
  type DateBound,
  GatewayRepository,
  type ReadOutcome,
  type ResourcePage,
  type ResourceQuery,
  type ResourceRow,
} from './repository.js';
export {
  type AccessDecision,
  type AccessRule,
  CLINICAL_PURPOSES,
  decideAccess,
  type GatewayAccess,
  rowAllowed,
  ruleOf,
  whereAllowed,
} from './rule.js';
