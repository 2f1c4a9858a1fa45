// Isolated, migrated test stores of the gateway's own schema (platform test support + the gateway's migrations).
import type { Engine } from '@hie/platform';
import {
  createTestStore as createStore,
  type TestStore as PlatformTestStore,
  TEST_DATABASE_URL,
  TEST_ENGINES,
} from '@hie/platform/testing';
import { GATEWAY_MIGRATIONS } from '../store/migrations.js';
import type { Schema } from '../store/schema.js';

export type TestStore = PlatformTestStore<Schema>;

/** A fresh, migrated, isolated store of the gateway (temporary SQLite file or PostgreSQL schema). */
export const createTestStore = (engine: Engine): Promise<TestStore> =>
  createStore<Schema>(engine, GATEWAY_MIGRATIONS);

export { TEST_DATABASE_URL, TEST_ENGINES };
