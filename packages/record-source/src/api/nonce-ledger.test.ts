import { afterEach, describe, expect, it } from 'vitest';
import { createTestStore, TEST_ENGINES, type TestStore } from '../testing/store.js';
import { StoreNonceLedger } from './nonce-ledger.js';

describe.each(TEST_ENGINES)('nonce ledger on %s', (engine) => {
  let store: TestStore;
  afterEach(async () => store?.dispose());

  it('accepts a nonce once, across ledgers sharing the store', async () => {
    store = await createTestStore(engine);
    const exp = Math.floor(Date.now() / 1000) + 100;
    expect(await new StoreNonceLedger(store).claim('nonce-a', exp)).toBe(true);
    expect(await new StoreNonceLedger(store).claim('nonce-a', exp)).toBe(false);
  });

  it('batches concurrent claims and lets only the first of duplicates through', async () => {
    store = await createTestStore(engine);
    const ledger = new StoreNonceLedger(store);
    const exp = Math.floor(Date.now() / 1000) + 100;
    const nonces = Array.from({ length: 600 }, (_, i) => `n-${i % 300}`);
    const results = await Promise.all(nonces.map((n) => ledger.claim(n, exp)));
    expect(results.filter(Boolean)).toHaveLength(300);
    expect(results.slice(0, 300).every(Boolean)).toBe(true);
    const rows = await store.db
      .selectFrom('gw_nonce')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(rows?.n)).toBe(300);
  });

  it('forgets expired nonces on cleanup', async () => {
    store = await createTestStore(engine);
    const now = Math.floor(Date.now() / 1000);
    const ledger = new StoreNonceLedger(store);
    await ledger.claim('old', now - 10);
    await ledger.claim('fresh', now + 100);
    expect(await ledger.cleanup()).toBe(1);
    expect(await ledger.claim('fresh', now + 100)).toBe(false);
  });
});
