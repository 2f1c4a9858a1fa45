// Isolated, migrated test stores of the hub's own schema (platform test support + the hub's migrations).
import type { Engine } from '@hie/platform';
import {
  createTestStore as createStore,
  type TestStore as PlatformTestStore,
  TEST_DATABASE_URL,
  TEST_ENGINES,
} from '@hie/platform/testing';
import { HUB_MIGRATIONS } from '../migrations/index.js';
import type { Schema } from '../store/schema.js';

export type TestStore = PlatformTestStore<Schema>;

/** A fresh, migrated, isolated store of the hub (temporary SQLite file or PostgreSQL schema). */
export const createTestStore = (engine: Engine): Promise<TestStore> =>
  createStore<Schema>(engine, HUB_MIGRATIONS);

export { TEST_DATABASE_URL, TEST_ENGINES };
