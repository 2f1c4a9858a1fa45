// The Care Cabinet (ケアキャビネット): the home-care team's shared record. See README.md.
export { CABINET_RETENTION_YEARS, changeOwnMembership, openCabinet } from './cabinets.js';
export { DEFAULT_TEMPLATES } from './default-templates.js';
export { CabinetEvents } from './events.js';
export { type GroupInput, saveGroup } from './groups.js';
export { loadCabinet } from './load.js';
export { createPost } from './posts.js';
