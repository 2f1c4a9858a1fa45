export * from './break-glass.js';
export * from './decide.js';
export * from './matrix.js';
export * from './records.js';
export { policyRoutes } from './routes.js';
export * from './settings.js';
export * from './sql.js';
