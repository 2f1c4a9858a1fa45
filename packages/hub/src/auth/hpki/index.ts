export { addBinding, boundUser, type HpkiBinding } from './bindings.js';
export { type CardCertificate, readCardCertificate } from './card.js';
export { type CardOptions, createTestHpki, type TestCard, type TestHpki } from './demo-pki.js';
export { HPKI_AUTH_POLICY, HpkiTrust, type HpkiTrustConfig } from './trust.js';
