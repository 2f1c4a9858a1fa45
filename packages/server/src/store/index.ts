export { GENESIS_HASH, migrateToLatest } from './migrations.js';
export { type Engine, type OpenOptions, openStore, type Store } from './open.js';
export type * from './schema.js';
