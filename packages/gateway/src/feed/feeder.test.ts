import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FeederOptions, type FeedLog, IdentityFeeder, readCheckpoint } from '@hie/record-source';
import { createTestStore, TEST_ENGINES, type TestStore } from '@hie/record-source/testing';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { GatewayIngest } from '../ingest/index.js';
import { FACILITY } from '../ingest/testing/fixtures.js';
import { generatedStorage } from '../ingest/testing/generated.js';
import { type HubStandIn, startHubStandIn, TEST_FEED_TOKEN, writeAdt } from './testing.js';

const OID = FACILITY.oid!;

/** The generator's ground truth: what each patient's identity must say. */
function groundTruth(root: string) {
  const [header, ...lines] = readFileSync(join(root, '.hie', 'ground-truth.csv'), 'utf8')
    .trim()
    .split('\n');
  const cols = header!.split(',');
  return new Map(
    lines.map((line) => {
      const row = Object.fromEntries(line.split(',').map((v, i) => [cols[i], v]));
      return [row.local_patient_id!, row];
    }),
  );
}

describe.each(TEST_ENGINES)('the identity feed to the hub on %s', (engine) => {
  let store: TestStore;
  let hub: HubStandIn;
  let storage: Awaited<ReturnType<typeof generatedStorage>>;
  let ingest: GatewayIngest;
  const feeders: IdentityFeeder[] = [];
  const logged: { level: string; obj: object; msg: string }[] = [];
  const log: FeedLog = {
    info: (obj, msg) => logged.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => logged.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => logged.push({ level: 'error', obj, msg }),
  };
  const feeder = (options: Partial<FeederOptions> = {}) => {
    const f = new IdentityFeeder(store, {
      hub: { url: hub.url, feedToken: TEST_FEED_TOKEN },
      facilityOid: OID,
      log,
      ...options,
    });
    feeders.push(f);
    return f;
  };
  /** Any ADT-00 file of the storage (the template for written ones). */
  const anyAdt = async () => {
    const row = await store.db
      .selectFrom('gw_file')
      .select('path')
      .where('data_type', '=', 'ADT-00')
      .where('status', '=', 'current')
      .orderBy('path')
      .executeTakeFirstOrThrow();
    return row.path;
  };

  beforeEach(async () => {
    store = await createTestStore(engine);
    hub = await startHubStandIn();
    storage = await generatedStorage(8);
    ingest = new GatewayIngest(store, { roots: [storage.root], facility: FACILITY, watch: false });
    logged.length = 0;
  });
  afterEach(async () => {
    for (const f of feeders.splice(0)) await f.stop();
    await ingest.stop();
    await hub.close();
    await store.dispose();
    storage.remove();
  });

  test('every ingested patient reaches the hub with name, birth date, sex, postcode, address and phone', async () => {
    await ingest.fullLoad();
    const result = await feeder().feedOnce();
    const truth = groundTruth(storage.root);
    expect(truth.size).toBe(8);
    expect(result).toMatchObject({ sent: 8, requests: 1, skipped: [] });
    expect(result.failure).toBeUndefined();
    const sent = hub.accepted();
    expect(sent.map((i) => i.localId).sort()).toEqual([...truth.keys()].sort());
    for (const identity of sent) {
      const t = truth.get(identity.localId)!;
      expect(identity).toMatchObject({
        facilityOid: OID,
        nameKanji: `${t.family_kanji} ${t.given_kanji}`,
        nameKana: `${t.family_kana} ${t.given_kana}`,
        birthDate: `${t.birth_date!.slice(0, 4)}-${t.birth_date!.slice(4, 6)}-${t.birth_date!.slice(6)}`,
        sex: t.sex,
        postcode: t.postcode,
      });
      // PID-11's address text (XAD-8) and PID-13's home phone, as the ADT-00 carries them.
      expect(identity.address).toMatch(/^(岡山|広島|鳥取|香川|兵庫)[都道府県]/u);
      expect(identity.phone).toMatch(/^0\d{1,4}-\d{1,4}-\d{4}$/);
    }
    const stored = await store.db.selectFrom('gw_patient').select(['postcode', 'address', 'phone']).execute();
    expect(stored.every((p) => p.postcode && p.address && p.phone)).toBe(true);
  });

  test('a restart resumes at the checkpoint without re-sending; a patient with a new ADT-00 is sent again', async () => {
    await ingest.fullLoad();
    const first = feeder();
    await first.feedOnce();
    await first.stop();
    expect(hub.requests).toHaveLength(1);
    const checkpoint = await readCheckpoint(store.db);
    expect(checkpoint.position).not.toBeNull();

    const restarted = feeder();
    expect(await restarted.pending()).toBe(0);
    expect(await restarted.feedOnce()).toMatchObject({ sent: 0, requests: 0 });
    expect(hub.requests).toHaveLength(1);

    // The patient moved: the EMR writes a new ADT-00 (the SS-MIX2 writer turns the old one into _2).
    const template = await anyAdt();
    const patientId = template.split('/').at(-1)!.split('_')[0]!;
    await writeAdt(storage.root, template, {
      patientId,
      postcode: '700-8558',
      address: '岡山県岡山市北区鹿田町二丁目５番１号',
      timestamp: '20991231235959000',
    });
    await ingest.fullLoad();
    expect(await restarted.pending()).toBe(1);
    expect(await restarted.feedOnce()).toMatchObject({ sent: 1, requests: 1 });
    expect(hub.requests[1]!.identities).toEqual([
      expect.objectContaining({
        localId: patientId,
        postcode: '700-8558',
        address: '岡山県岡山市北区鹿田町二丁目５番１号',
      }),
    ]);
    expect(await restarted.pending()).toBe(0);
  });

  test('more patients than one request holds go in batches of at most 500, each once', async () => {
    const template = await (async () => {
      await ingest.fullLoad();
      return anyAdt();
    })();
    for (let n = 1; n <= 600; n++) {
      await writeAdt(storage.root, template, {
        patientId: `0009${String(n).padStart(6, '0')}`,
        timestamp: '20991231120000000',
      });
    }
    await ingest.fullLoad();
    const result = await feeder().feedOnce();
    expect(result).toMatchObject({ sent: 608, requests: 2 });
    expect(hub.requests.map((r) => r.identities.length)).toEqual([500, 108]);
    const ids = hub.accepted().map((i) => i.localId);
    expect(new Set(ids).size).toBe(608);
    expect(ids).toContain('0009000600');
  });

  test('a 503 is retried with backoff until the hub takes the batch; the checkpoint moves only then', async () => {
    await ingest.fullLoad();
    hub.answerNext(503, 503);
    let succeeded!: () => void;
    const done = new Promise<void>((resolve) => {
      succeeded = resolve;
    });
    const f = feeder({
      retry: { initialMs: 1, maxMs: 4 },
      pollIntervalMs: 0,
      onRun: (r) => {
        if (!r.failure) succeeded();
      },
    });
    f.start();
    await done;
    expect(hub.requests.map((r) => r.status)).toEqual([503, 503, 200]);
    // The same identities each time: nothing was skipped while the hub was down.
    expect(hub.requests[0]!.identities).toEqual(hub.requests[2]!.identities);
    await f.stop();
    const status = f.status();
    expect(status).toMatchObject({ consecutiveFailures: 0, lastError: null, sentTotal: 8 });
    expect(status.lastSuccessAt).not.toBeNull();
    expect(await f.pending()).toBe(0);
    expect(logged.filter((l) => l.level === 'warn')).toHaveLength(2);
  });

  test('a refused feed token is a configuration error: logged clearly, nothing advances', async () => {
    await ingest.fullLoad();
    const f = feeder({ hub: { url: hub.url, feedToken: 'not-the-token-of-this-facility' } });
    const result = await f.feedOnce();
    expect(result.failure).toMatchObject({ kind: 'auth', status: 401 });
    expect(result.failure!.message).toContain('unauthorized');
    expect((await readCheckpoint(store.db)).position).toBeNull();
    expect(await f.pending()).toBe(8);
    expect(f.status()).toMatchObject({ consecutiveFailures: 1, lastError: { kind: 'auth' } });
    expect(logged).toEqual([
      expect.objectContaining({ level: 'error', msg: expect.stringContaining('hub.feedToken') }),
    ]);
  });

  test('a hub unreachable on the network fails softly and leaves everything pending', async () => {
    await ingest.fullLoad();
    const url = hub.url;
    await hub.close();
    const f = feeder({ hub: { url, feedToken: TEST_FEED_TOKEN } });
    const result = await f.feedOnce();
    expect(result.failure).toMatchObject({ kind: 'unavailable', status: null });
    expect(await f.pending()).toBe(8);
    hub = await startHubStandIn(); // afterEach closes it
  });

  test('one identity the hub refuses is skipped and named; the rest of its batch goes through', async () => {
    await ingest.fullLoad();
    const ids = (
      await store.db.selectFrom('gw_patient').select('patient_id').orderBy('patient_id').execute()
    ).map((r) => r.patient_id);
    hub.refuse(ids[3]!);
    const result = await feeder({ batchSize: 5 }).feedOnce();
    expect(result.skipped).toEqual([ids[3]]);
    expect(result.sent).toBe(7);
    expect(
      hub
        .accepted()
        .map((i) => i.localId)
        .sort(),
    ).toEqual(ids.filter((id) => id !== ids[3]));
    expect(logged.find((l) => l.level === 'error')).toMatchObject({ obj: { localId: ids[3] } });
  });

  test('identities outside the contract (a 200 KB name) are skipped and named at the gateway; everyone after them flows on', async () => {
    // Issue 10, finding 3: two ADTs with a 200 KB name, first in feed order, filling a whole batch.
    await ingest.fullLoad();
    const ids = (
      await store.db.selectFrom('gw_patient').select('patient_id').orderBy('patient_id').execute()
    ).map((r) => r.patient_id);
    const huge = '漢'.repeat(200_000);
    await store.db
      .updateTable('gw_patient')
      .set({ name_kanji: huge, updated_at: '2000-01-01T00:00:00.000Z' })
      .where('patient_id', 'in', [ids[0]!, ids[1]!])
      .execute();
    const result = await feeder({ batchSize: 2 }).feedOnce();
    expect(result.failure).toBeUndefined();
    expect(result.skipped.sort()).toEqual([ids[0], ids[1]].sort());
    expect(result.sent).toBe(ids.length - 2);
    expect(
      hub
        .accepted()
        .map((i) => i.localId)
        .sort(),
    ).toEqual(ids.slice(2));
    // Never sent at all, and named with the field and the reason.
    expect(hub.requests.flatMap((r) => r.identities).some((i) => i.nameKanji === huge)).toBe(false);
    const named = logged
      .filter((l) => l.level === 'error')
      .map((l) => l.obj as { localId: string; field: string });
    expect(named.map((n) => [n.localId, n.field]).sort()).toEqual(
      [
        [ids[0], 'nameKanji'],
        [ids[1], 'nameKanji'],
      ].sort(),
    );
    expect(await feeder().pending()).toBe(0);
  });

  test('an identity the hub refuses on its own (per-record outcome) is named and skipped; its batch is taken', async () => {
    await ingest.fullLoad();
    const ids = (
      await store.db.selectFrom('gw_patient').select('patient_id').orderBy('patient_id').execute()
    ).map((r) => r.patient_id);
    hub.refuseAlone(ids[2]!);
    const f = feeder({ batchSize: 4 });
    const result = await f.feedOnce();
    expect(result).toMatchObject({ skipped: [ids[2]], sent: ids.length - 1 });
    expect(hub.requests.every((r) => r.status === 200)).toBe(true);
    expect(logged.find((l) => l.level === 'error')).toMatchObject({
      obj: { localId: ids[2], hub: 'nameKanji: too long' },
    });
    expect(f.status()).toMatchObject({ skippedTotal: 1, sentTotal: ids.length - 1 });
  });

  test('a full re-feed sends every patient again', async () => {
    await ingest.fullLoad();
    const f = feeder();
    await f.feedOnce();
    expect(await f.feedAll()).toMatchObject({ sent: 8 });
    expect(hub.accepted()).toHaveLength(16);
  });
});
