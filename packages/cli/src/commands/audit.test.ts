import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStore, TEST_DATABASE_URL, TEST_ENGINES, type TestStore } from '@hie/hub/testing';
import {
  type AuditRecord,
  anchorAudit,
  appendAudit,
  exportPrivateKeyPem,
  FileWitness,
  generateSigningKey,
} from '@hie/platform';
import { Command, CommanderError } from 'commander';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';
import { registerAuditCommands } from './audit.js';

// In-process: the command is registered on a fresh program (main.ts wires it into `hie`), and its exit
// code is read as main() reads it.
async function hie(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('hie')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerAuditCommands(program);
  let stdout = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    await program.parseAsync(args, { from: 'user' });
    return { code: typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok, stdout, stderr: '' };
  } catch (e) {
    if (e instanceof UsageError || e instanceof CommanderError)
      return { code: EXIT.usage, stdout, stderr: e.message };
    throw e;
  } finally {
    spy.mockRestore();
    process.exitCode = undefined;
  }
}

const view = (userId: string, personId: string): AuditRecord => ({
  type: 'view',
  action: 'R',
  outcome: '0',
  agent: { userId, profession: 'doctor', facilityOid: '1.2.392.200284.33.3311610020' },
  patient: { personId },
  purposeOfUse: 'TREAT',
  source: 'hub',
});

describe.each(TEST_ENGINES)('hie audit on %s', (engine) => {
  let store: TestStore;
  let where: string[];
  afterEach(async () => store?.dispose());

  async function withEvents(n: number): Promise<void> {
    store = await createTestStore(engine);
    where =
      engine === 'sqlite'
        ? ['--db', `sqlite:${store.location}`]
        : ['--db', TEST_DATABASE_URL, '--db-schema', store.schema ?? ''];
    await appendAudit(
      store,
      Array.from({ length: n }, (_, i) => view(`u${i + 1}`, i % 2 === 0 ? 'person-a' : 'person-b')),
      () => new Date('2025-02-10T03:00:00.000Z'),
    );
  }

  it('exits 0 on an intact chain', async () => {
    await withEvents(5);
    const r = await hie('audit', 'verify', ...where);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^audit chain intact: 5 events/);
  });

  it('checks the chain against the signed anchors: the newest events deleted and the head re-hashed, exit 1', async () => {
    // Issue 10, finding 7: deleting the newest events and fixing the head made verify exit 0.
    await withEvents(6);
    const dir = mkdtempSync(join(tmpdir(), 'hie-anchors-'));
    try {
      const keyFile = join(dir, 'hub-signing.key.pem');
      const key = await generateSigningKey();
      writeFileSync(keyFile, await exportPrivateKeyPem(key));
      const anchors = join(dir, 'audit-anchors.jsonl');
      await new FileWitness(anchors).write(await anchorAudit(store, key, 'hub'));
      const args = ['audit', 'verify', ...where, '--anchors', anchors, '--anchor-key', keyFile];
      expect((await hie(...args)).code).toBe(0);
      await store.db.deleteFrom('audit_event').where('seq', '>', 4).execute();
      const last = await store.db
        .selectFrom('audit_event')
        .select(['seq', 'hash'])
        .where('seq', '=', 4)
        .executeTakeFirstOrThrow();
      await store.db.updateTable('audit_head').set({ seq: 4, hash: last.hash }).where('id', '=', 1).execute();
      expect((await hie('audit', 'verify', ...where)).code).toBe(0); // the chain alone is fooled
      const r = await hie(...args);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/seq 6 anchor-mismatch/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 naming an edited row and a deleted row', async () => {
    await withEvents(6);
    await store.db
      .updateTable('audit_event')
      .set({ event_json: sql<string>`replace(event_json, 'u2', 'u9')` })
      .where('seq', '=', 2)
      .execute();
    await store.db.deleteFrom('audit_event').where('seq', '=', 4).execute();
    const r = await hie('audit', 'verify', ...where);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('audit chain BROKEN: 2 problem(s) in 5 events');
    expect(r.stdout).toContain('  seq 2 edited: event 2 was modified after it was written');
    expect(r.stdout).toContain('  seq 5 missing: events 4…4 are missing (deleted)');
    const json = await hie('audit', 'verify', ...where, '--json');
    expect(json.code).toBe(1);
    expect(
      JSON.parse(json.stdout).problems.map((p: { seq: number; kind: string }) => [p.seq, p.kind]),
    ).toEqual([
      [2, 'edited'],
      [5, 'missing'],
    ]);
  });

  it('names re-linked and truncated entries', async () => {
    await withEvents(4);
    const first = await store.db
      .selectFrom('audit_event')
      .select('hash')
      .where('seq', '=', 1)
      .executeTakeFirstOrThrow();
    // Delete event 2 and re-link event 3 to event 1 to hide it; delete the newest event.
    await store.db.deleteFrom('audit_event').where('seq', '=', 2).execute();
    await store.db.updateTable('audit_event').set({ prev_hash: first.hash }).where('seq', '=', 3).execute();
    await store.db.deleteFrom('audit_event').where('seq', '=', 4).execute();
    const r = await hie('audit', 'verify', ...where, '--json');
    expect(r.code).toBe(1);
    const kinds = JSON.parse(r.stdout).problems.map(
      (p: { seq: number; kind: string }) => `${p.seq} ${p.kind}`,
    );
    expect(kinds).toEqual(expect.arrayContaining(['3 missing', '3 edited', '4 truncated']));
  });

  it('exports a FHIR Bundle of AuditEvents, filtered by patient', async () => {
    await withEvents(5);
    const all = await hie('audit', 'export', ...where);
    expect(all.code).toBe(0);
    const bundle = JSON.parse(all.stdout);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 5 });
    expect(bundle.entry).toHaveLength(5);
    expect(bundle.entry[0].resource).toMatchObject({
      resourceType: 'AuditEvent',
      id: 'audit-1',
      subtype: [{ code: 'read' }],
      entity: [{ what: { reference: 'Patient/person-a' } }],
    });
    const one = JSON.parse(
      (await hie('audit', 'export', ...where, '--patient', 'person-b', '--from', '2025-02-10')).stdout,
    );
    expect([one.total, one.entry.map((e: { resource: { id: string } }) => e.resource.id)]).toEqual([
      2,
      ['audit-2', 'audit-4'],
    ]);
    const none = JSON.parse((await hie('audit', 'export', ...where, '--to', '2025-02-09')).stdout);
    expect([none.total, none.entry]).toEqual([0, []]);
    expect((await hie('audit', 'export', ...where, '--from', 'yesterday')).code).toBe(2);
  });
});

describe('hie audit usage errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hie-audit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 when there is no store at the given place', async () => {
    const r = await hie('audit', 'verify', '--data-dir', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no hub store there');
    expect((await hie('audit', 'verify', '--db', `sqlite:${join(dir, 'none.db')}`)).code).toBe(2);
  });
});
