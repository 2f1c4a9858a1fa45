export { createHubApp, type HubAppOptions } from './api/app.js';
export { buildHubApp } from './api/build.js';
export * from './audit/index.js';
export * from './auth/index.js';
export * from './consent/index.js';
export {
  FACILITY_TYPE_CODES,
  FACILITY_TYPES,
  type FacilityType,
  isFacilityType,
} from './directory/facility-types.js';
export * from './directory/index.js';
export { isProfession, PROFESSION_CODES, PROFESSIONS, type Profession } from './directory/professions.js';
export * from './http.js';
export * from './mpi/index.js';
export * from './policy/index.js';
export * from './run/index.js';
export * from './stats/index.js';
