export { type Migrations, migrateToLatest } from './migrations.js';
export { type Engine, type OpenOptions, openStore, type Store } from './open.js';
export { type Compilable, QueryTemplates } from './query-templates.js';
