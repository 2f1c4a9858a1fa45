export type { SamlIdp } from './idp-routes.js';
export { idpMetadata, parseSpMetadata, type ServiceProvider } from './metadata.js';
export { PATIENT_ATTRIBUTES } from './response.js';
