export { jitFacilities, setJitFacilities } from './links.js';
export type { SamlSp } from './routes.js';
export { parseIdpMetadata, type TrustedIdp } from './trusted-idp.js';
