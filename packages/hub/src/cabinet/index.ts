// The Care Cabinet (ケアキャビネット): the home-care team's shared record. See README.md.
export { CABINET_RETENTION_YEARS } from './cabinets.js';
export { DEFAULT_TEMPLATES } from './default-templates.js';
export { cabinetRoutes } from './routes.js';
