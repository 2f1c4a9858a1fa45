/**
 * Issue 10, finding 7, written as the attacks: someone with write access to the store deletes the
 * newest events, rewrites who viewed, or deletes a middle event and re-numbers — and re-hashes the
 * chain so that it verifies on its own. The anchors, signed outside the store, still name the change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestStore as createStore, TEST_ENGINES, type TestStore } from '../store/testing.js';
import { generateSigningKey, hubKeyFrom } from '../trust/keys.js';
import { anchorAudit, FileWitness, startAuditAnchoring } from './anchor.js';
import { appendAudit, eventHash } from './chain.js';
import { AUDIT_MIGRATIONS, GENESIS_HASH } from './migration.js';
import type { AuditRecord } from './record.js';
import type { AuditSchema } from './schema.js';
import { verifyAudit } from './verify.js';

const view = (userId: string, n: number): AuditRecord => ({
  type: 'view',
  action: 'R',
  outcome: '0',
  agent: { userId, facilityOid: '1.2.392.200284.33.3311610020' },
  patient: { personId: `person-${n}` },
  source: 'hub',
});

/** What an attacker with the store does after changing rows: recompute every link and the head. */
async function rehash(store: TestStore<AuditSchema>): Promise<void> {
  const rows = await store.db.selectFrom('audit_event').selectAll().orderBy('seq').execute();
  let prev = GENESIS_HASH;
  for (const row of rows) {
    const hash = eventHash(prev, Number(row.seq), row.recorded_at, row.event_json);
    await store.db
      .updateTable('audit_event')
      .set({ prev_hash: prev, hash })
      .where('seq', '=', Number(row.seq))
      .execute();
    prev = hash;
  }
  const last = rows.at(-1);
  await store.db
    .updateTable('audit_head')
    .set({ seq: last ? Number(last.seq) : 0, hash: prev })
    .where('id', '=', 1)
    .execute();
}

describe.each(TEST_ENGINES)('anchored audit chain on %s', (engine) => {
  let store: TestStore<AuditSchema>;
  let dir: string;
  afterEach(async () => {
    await store?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function anchoredChain() {
    store = await createStore<AuditSchema>(engine, AUDIT_MIGRATIONS);
    dir = mkdtempSync(join(tmpdir(), 'hie-anchor-'));
    const key = await generateSigningKey();
    const witness = new FileWitness(join(dir, 'audit-anchors.jsonl'));
    for (let i = 1; i <= 60; i++) {
      await appendAudit(store, [view(`u${i % 3}`, i)]);
      if (i % 20 === 0) await witness.write(await anchorAudit(store, key, 'hub'));
    }
    const options = { anchors: await witness.read(), anchorKeys: [hubKeyFrom(key, 'hub')] };
    return { key, witness, options };
  }

  it('verifies an untouched chain against its anchors', async () => {
    const { options } = await anchoredChain();
    expect(options.anchors.map((a) => a.seq)).toEqual([20, 40, 60]);
    expect(await verifyAudit(store, options)).toEqual({ ok: true, events: 60, problems: [], anchors: 3 });
  });

  it('names the newest events deleted and the chain re-hashed', async () => {
    const { options } = await anchoredChain();
    await store.db.deleteFrom('audit_event').where('seq', '>', 35).execute();
    await rehash(store);
    expect((await verifyAudit(store)).ok).toBe(true); // the chain alone is fooled
    const result = await verifyAudit(store, options);
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['anchor-mismatch', 40],
      ['anchor-mismatch', 60],
    ]);
  });

  it('names who-viewed rewritten and re-hashed', async () => {
    const { options } = await anchoredChain();
    const row = await store.db
      .selectFrom('audit_event')
      .selectAll()
      .where('seq', '=', 30)
      .executeTakeFirstOrThrow();
    await store.db
      .updateTable('audit_event')
      .set({ event_json: row.event_json.replace('"u0"', '"someone-else"'), user_id: 'someone-else' })
      .where('seq', '=', 30)
      .execute();
    await rehash(store);
    expect((await verifyAudit(store)).ok).toBe(true);
    const result = await verifyAudit(store, options);
    expect(result.problems.map((p) => [p.kind, p.seq])).toEqual([
      ['anchor-mismatch', 40],
      ['anchor-mismatch', 60],
    ]);
  });

  it('names a middle event deleted and the rest re-numbered', async () => {
    const { options } = await anchoredChain();
    await store.db.deleteFrom('audit_event').where('seq', '=', 10).execute();
    for (let seq = 11; seq <= 60; seq++) {
      await store.db
        .updateTable('audit_event')
        .set({ seq: seq - 1 })
        .where('seq', '=', seq)
        .execute();
    }
    await rehash(store);
    expect((await verifyAudit(store)).ok).toBe(true);
    const result = await verifyAudit(store, options);
    expect(result.problems.map((p) => p.kind)).toEqual([
      'anchor-mismatch',
      'anchor-mismatch',
      'anchor-mismatch',
    ]);
  });

  it('refuses an anchor not signed by the unit’s key', async () => {
    const { options } = await anchoredChain();
    const forger = await generateSigningKey();
    const forged = await anchorAudit(store, forger, 'hub');
    const result = await verifyAudit(store, { ...options, anchors: [...options.anchors, forged] });
    expect(result.problems.map((p) => p.kind)).toEqual(['anchor-forged']);
  });

  it('anchors on a timer when the chain moved, and once more at stop', async () => {
    store = await createStore<AuditSchema>(engine, AUDIT_MIGRATIONS);
    dir = mkdtempSync(join(tmpdir(), 'hie-anchor-'));
    const key = await generateSigningKey();
    const witness = new FileWitness(join(dir, 'audit-anchors.jsonl'));
    const anchoring = startAuditAnchoring(store, { key, unit: 'hub', witnesses: [witness], intervalMs: 50 });
    await appendAudit(store, [view('u1', 1), view('u2', 2)]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await appendAudit(store, [view('u1', 3)]);
    await anchoring.stop();
    const seqs = (await witness.read()).map((a) => a.seq);
    expect(seqs).toContain(2);
    expect(seqs.at(-1)).toBe(3);
    expect(new Set(seqs).size).toBe(seqs.length); // an unmoved chain is not anchored again
  });
});
