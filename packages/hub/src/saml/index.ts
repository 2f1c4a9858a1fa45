export type { SamlIdp } from './idp-routes.js';
export { idpMetadata, parseSpMetadata, type ServiceProvider } from './metadata.js';
export { PATIENT_ATTRIBUTES } from './response.js';
export { jitFacilities, setJitFacilities } from './sp/links.js';
export type { SamlSp } from './sp/routes.js';
export { parseIdpMetadata, type TrustedIdp } from './sp/trusted-idp.js';
