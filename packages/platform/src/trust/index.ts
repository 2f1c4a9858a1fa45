// Signed-assertion trust shared by hub (signs) and gateways (verify): Ed25519 compact JWS. The claims
// and their checks are the contract's (@hie/contract).
export {
  type NonceLedger,
  operationOf,
  signAssertion,
  type VerifyOptions,
  verifyAssertion,
} from './assertion.js';
export { loadHubKeys } from './hub-key-file.js';
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
