// What hub, gateways, the repository and the web app agree on. Browser-safe: no Node built-ins.
export * from './assertion.js';
export * from './categories.js';
export * from './dates.js';
export * from './disclosure.js';
export * from './facility-oid.js';
export * from './facility-professions.js';
export * from './facility-types.js';
export * from './identity-feed.js';
export * from './institution-code.js';
export * from './lab-panels.js';
export * from './lab-units.js';
export * from './labels.js';
export * from './labs.js';
export * from './operation.js';
export * from './professions.js';
export * from './served-types.js';
export * from './version.js';
