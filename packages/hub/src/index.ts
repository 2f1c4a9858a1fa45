// The network centre: what the CLI, the demo network and the benchmarks start and call.
export { createHubApp, type HubAppOptions } from './api/app.js';
export { buildHubApp } from './api/build.js';
export * from './audit/index.js';
export * from './auth/index.js';
export { CABINET_ATTACHMENT_KINDS } from './cabinet/api/attachment-kinds.js';
export { cabinetRoutes } from './cabinet/api/routes.js';
export { saveDrawing } from './cabinet/drawings/drawings.js';
export * from './cabinet/index.js';
export { createEntry } from './cabinet/schedule/entries.js';
export * from './consent/index.js';
export * from './directory/index.js';
export * from './http.js';
export { HUB_MIGRATIONS, migrateHubStore } from './migrations/index.js';
export * from './mpi/index.js';
export * from './policy/index.js';
export * from './run/index.js';
export * from './stats/index.js';
export type * from './store/schema.js';
