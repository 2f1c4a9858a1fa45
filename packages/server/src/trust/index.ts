// Signed-assertion trust shared by hub (signs) and gateways (verify): Ed25519 compact JWS.
export {
  type AccessAssertion,
  ASSERTION_TYPE,
  type AssertionClaims,
  type AssertionFailure,
  type AssertionVerification,
  CLOCK_SKEW_SECONDS,
  DEFAULT_LIFETIME_SECONDS,
  MAX_LIFETIME_SECONDS,
  type NonceLedger,
  signAssertion,
  type VerifyOptions,
  verifyAssertion,
} from './assertion.js';
export {
  ASSERTION_ALGORITHM,
  exportPrivateKeyPem,
  exportPublicJwk,
  exportPublicKeyPem,
  generateSigningKey,
  type HubKey,
  type HubKeys,
  hubKeyFrom,
  importHubKeyJwk,
  importHubKeyPem,
  importSigningKeyPem,
  keyId,
  loadOrCreateSigningKey,
  type SigningKey,
} from './keys.js';
export { StoreNonceLedger } from './nonce-ledger.js';
