import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStore as createStore, TEST_ENGINES, type TestStore } from '../store/testing.js';
import { AUDIT_MIGRATIONS } from './migration.js';
import type { AuditSchema } from './schema.js';

const createTestStore = (engine: (typeof TEST_ENGINES)[number]) =>
  createStore<AuditSchema>(engine, AUDIT_MIGRATIONS);

import { appendAudit } from './chain.js';
import type { AuditRecord } from './record.js';
import { verifyAudit } from './verify.js';

const view = (userId: string, localId: string): AuditRecord => ({
  type: 'read',
  action: 'R',
  outcome: '0',
  agent: { userId, profession: 'doctor', facilityOid: '1.2.392.200284.33.3311610020' },
  patient: { facilityOid: '1.2.392.200284.33.3319800011', localId },
  entities: [`Observation/${localId}.20240105.OML-11.1`],
  purposeOfUse: 'TREAT',
  source: 'hub',
});

describe.each(TEST_ENGINES)('audit chain on %s', (engine) => {
  let store: TestStore<AuditSchema>;
  afterEach(async () => store?.dispose());

  it('appends linked events and verifies a clean chain', async () => {
    store = await createTestStore(engine);
    await appendAudit(store, [view('u1', 'P1'), view('u2', 'P2')]);
    await appendAudit(store, [view('u1', 'P3')]);
    const result = await verifyAudit(store);
    expect(result).toEqual({ ok: true, events: 3, problems: [] });
    const rows = await store.db
      .selectFrom('audit_event')
      .select(['seq', 'patient_key'])
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => [Number(r.seq), r.patient_key])).toEqual([
      [1, 'local:1.2.392.200284.33.3319800011:P1'],
      [2, 'local:1.2.392.200284.33.3319800011:P2'],
      [3, 'local:1.2.392.200284.33.3319800011:P3'],
    ]);
  });

  it('keeps one linear chain under concurrent writers', async () => {
    store = await createTestStore(engine);
    await Promise.all(Array.from({ length: 20 }, (_, i) => appendAudit(store, [view(`u${i}`, `P${i}`)])));
    const result = await verifyAudit(store);
    expect(result.ok).toBe(true);
    expect(result.events).toBe(20);
  });

  it('names an edited event', async () => {
    store = await createTestStore(engine);
    await appendAudit(store, [view('u1', 'P1'), view('u2', 'P2'), view('u3', 'P3')]);
    await store.db
      .updateTable('audit_event')
      .set({ event_json: sql<string>`replace(event_json, 'u2', 'u9')` })
      .where('seq', '=', 2)
      .execute();
    const result = await verifyAudit(store);
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 2, kind: 'edited' })]);
  });

  it('names an edited search column even when the hashed JSON is intact', async () => {
    store = await createTestStore(engine);
    await appendAudit(store, [view('u1', 'P1'), view('u2', 'P2')]);
    await store.db.updateTable('audit_event').set({ user_id: 'someone-else' }).where('seq', '=', 1).execute();
    const result = await verifyAudit(store);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 1, kind: 'index-mismatch' })]);
  });

  it('names a deleted event in the middle and deleted newest events', async () => {
    store = await createTestStore(engine);
    await appendAudit(
      store,
      [1, 2, 3, 4, 5].map((i) => view(`u${i}`, `P${i}`)),
    );
    await store.db.deleteFrom('audit_event').where('seq', '=', 2).execute();
    await store.db.deleteFrom('audit_event').where('seq', '=', 5).execute();
    const result = await verifyAudit(store);
    expect(result.problems.map((p) => [p.seq, p.kind])).toEqual([
      [3, 'missing'],
      [5, 'truncated'],
    ]);
  });

  it('detects a deleted event whose successor was re-linked to hide it', async () => {
    store = await createTestStore(engine);
    await appendAudit(
      store,
      [1, 2, 3].map((i) => view(`u${i}`, `P${i}`)),
    );
    const first = await store.db
      .selectFrom('audit_event')
      .select('hash')
      .where('seq', '=', 1)
      .executeTakeFirstOrThrow();
    await store.db.deleteFrom('audit_event').where('seq', '=', 2).execute();
    await store.db
      .updateTable('audit_event')
      .set({ seq: 2, prev_hash: first.hash })
      .where('seq', '=', 3)
      .execute();
    const result = await verifyAudit(store);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.kind)).toContain('edited');
  });
});
