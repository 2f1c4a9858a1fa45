export * from './card.js';
export * from './form.js';
export * from './registry.js';
export { consentRoutes } from './routes.js';
