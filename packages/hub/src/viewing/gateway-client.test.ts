import { CATEGORY_TAG_SYSTEM, CONTRACT_HEADER, categoryTagOf } from '@hie/contract';
import { useSampleProjection } from '@hie/gateway/testing';
import { generateSigningKey, hubKeyFrom } from '@hie/platform';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, hubUnderTest, seedUser } from '../testing.js';
import { type GatewaySource, queryGateways } from './gateway-client.js';
import { type MergeStream, mergeNewestFirst, mergeStreams, type SourcedResource } from './merge.js';
import { type RunningGateway, rowsAs, startGateway, startHungServer, stopGateway } from './testing.js';

const rows = useSampleProjection();
const A = { oid: '1.2.392.200284.33.3311110001', name: '岡山大学病院' };
const B = { oid: '1.2.392.200284.33.3311110002', name: '倉敷中央病院' };
const HUNG = { oid: '1.2.392.200284.33.3311110003', name: '津山中央病院' };
const VIEWER = '1.2.392.200284.33.3311610020';
const PATIENT = '0003113659';
const EVERYTHING = ['demographics', 'allergy', 'diagnosis', 'prescription', 'outpatient-visit', 'lab-result'];

describe.each(TEST_ENGINES)('gateway fan-out against real gateways on %s', (engine) => {
  let hub: HubUnderTest;
  let a: RunningGateway;
  let b: RunningGateway;
  let hung: Awaited<ReturnType<typeof startHungServer>>;
  const timeoutMs = 1500;

  /** Gateway A as a source of the patient's prescriptions. */
  const prescriptionsAtA = (): GatewaySource => ({
    facilityOid: A.oid,
    facilityName: A.name,
    localId: PATIENT,
    gatewayUrl: a.url,
    categories: ['prescription'],
  });

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [], { settings: { gatewayTimeoutMs: timeoutMs } });
    a = await startGateway(engine, hub.deps, { ...A, rows, categories: EVERYTHING });
    // B holds the same patient under its own id, and discloses less.
    b = await startGateway(engine, hub.deps, {
      ...B,
      rows: rowsAs(rows, PATIENT, 'B77'),
      categories: ['demographics', 'prescription'],
    });
    hung = await startHungServer();
  });
  afterAll(async () => {
    await Promise.all([stopGateway(a), stopGateway(b), hung.close()]);
    await hub.dispose();
  });

  const expected = (patient: string, categories: readonly string[]) =>
    rows
      .filter((r) => r.patient_id === patient && categories.includes(r.category))
      .map((r) => `${r.resource_type}/${r.id}`)
      .sort();

  it('merges every page of every gateway, tags the source, reports a hung and a dead gateway', async () => {
    const principal = await seedUser(hub.store, { facilityOid: VIEWER, profession: 'doctor' });
    const sources: GatewaySource[] = [
      {
        facilityOid: A.oid,
        facilityName: A.name,
        localId: PATIENT,
        gatewayUrl: a.url,
        categories: ['prescription', 'lab-result'],
      },
      {
        facilityOid: B.oid,
        facilityName: B.name,
        localId: 'B77',
        gatewayUrl: `${b.url}/fhir/`,
        categories: ['prescription', 'lab-result'],
      },
      {
        facilityOid: HUNG.oid,
        facilityName: HUNG.name,
        localId: 'X1',
        gatewayUrl: hung.url,
        categories: ['prescription'],
      },
      {
        facilityOid: '1.2.3',
        facilityName: '閉院',
        localId: 'Y',
        gatewayUrl: 'http://127.0.0.1:1',
        categories: ['prescription'],
      },
    ];
    const result = await queryGateways(hub.deps, principal, sources, 'TREAT', {}, { pageSize: 100 });
    const byStatus = Object.fromEntries(result.sources.map((s) => [s.facilityOid, s]));
    expect(byStatus[A.oid]).toMatchObject({
      status: 'ok',
      name: A.name,
      total: expected(PATIENT, ['prescription', 'lab-result']).length,
    });
    expect(byStatus[B.oid]).toMatchObject({
      status: 'ok',
      total: expected(PATIENT, ['prescription']).length,
    });
    expect(byStatus[HUNG.oid]?.status).toBe('timeout');
    expect(byStatus[HUNG.oid]?.ms).toBeGreaterThanOrEqual(timeoutMs - 5);
    expect(byStatus['1.2.3']?.status).toBe('error');

    const fromA = result.entries.filter((e) => e.facilityOid === A.oid);
    const fromB = result.entries.filter((e) => e.facilityOid === B.oid);
    expect(fromA.map((e) => `${e.resource.resourceType}/${e.resource.id}`).sort()).toEqual(
      expected(PATIENT, ['prescription', 'lab-result']),
    );
    // B discloses no lab results: the policy allowed them, the facility's own settings did not.
    expect(fromB.map((e) => `${e.resource.resourceType}/${e.resource.id}`).sort()).toEqual(
      expected(PATIENT, ['prescription']).map((id) => id.replace(PATIENT, 'B77')),
    );
    expect(fromB.every((e) => e.facilityName === B.name && e.localId === 'B77')).toBe(true);
    expect(result.entries).toHaveLength(fromA.length + fromB.length);

    // A page of the merge asks each gateway for about twice its share, then more from whoever runs
    // out: later asks still have their own time though the hung gateway used up its own first.
    const page = await queryGateways(
      hub.deps,
      principal,
      sources,
      'TREAT',
      {},
      { perSource: 90, mergeLimit: 90 },
    );
    expect(page.entries).toEqual(result.entries.slice(0, 90));
    expect(page.sources.map((s) => s.status)).toEqual(['ok', 'ok', 'timeout', 'error']);
  });

  it('asks only for the categories of the view, and stops at the page cap', async () => {
    const principal = await seedUser(hub.store, { facilityOid: VIEWER, profession: 'nurse' });
    const source: GatewaySource = {
      facilityOid: A.oid,
      facilityName: A.name,
      localId: PATIENT,
      gatewayUrl: a.url,
      categories: EVERYTHING,
    };
    const visits = await queryGateways(hub.deps, principal, [source], 'TREAT', {
      categories: ['outpatient-visit', 'admission', 'discharge'],
    });
    expect(visits.entries.map((e) => e.resource.resourceType)).toEqual(
      expected(PATIENT, ['outpatient-visit']).map(() => 'Encounter'),
    );
    const capped = await queryGateways(
      hub.deps,
      principal,
      [source],
      'TREAT',
      {},
      { pageSize: 10, perSource: 20 },
    );
    expect(capped.entries).toHaveLength(20);
    expect(capped.sources[0]).toMatchObject({
      status: 'ok',
      truncated: true,
      total: expected(PATIENT, EVERYTHING).length,
    });
    const none = await queryGateways(hub.deps, principal, [source], 'TREAT', { categories: ['endoscopy'] });
    expect(none.sources[0]?.status).toBe('denied');
  });

  it('drops and audits what a gateway answers outside the request (another category or patient, unlabelled); reports it', async () => {
    // Issue 10, finding 8: a third-party gateway that ignores the assertion. Here: gateway A's real
    // answer, with a diagnosis, another patient's prescription and an unlabelled resource slipped in.
    const principal = await seedUser(hub.store, { facilityOid: VIEWER, profession: 'pharmacist' });
    const slipping: typeof fetch = async (input, init) => {
      const answer = await hub.deps.fetch(input, init);
      const bundle = (await answer.json()) as { entry?: { resource: Record<string, unknown> }[] };
      const first = bundle.entry?.[0]?.resource;
      if (first) {
        const tagged = (category: string) => ({ tag: [{ system: CATEGORY_TAG_SYSTEM, code: category }] });
        bundle.entry?.push(
          { resource: { ...first, id: 'slipped-diagnosis', meta: tagged('diagnosis') } },
          {
            resource: {
              ...first,
              id: 'slipped-other',
              subject: { reference: 'Patient/someone-else.ADT-00' },
            },
          },
          { resource: { ...first, id: 'slipped-unlabelled', meta: {} } },
        );
      }
      return new Response(JSON.stringify(bundle), { status: answer.status, headers: answer.headers });
    };
    const source = prescriptionsAtA();
    const result = await queryGateways({ ...hub.deps, fetch: slipping }, principal, [source], 'TREAT');
    const ids = result.entries.map((e) => e.resource.id);
    expect(ids.length).toBe(expected(PATIENT, ['prescription']).length);
    expect(ids.filter((id) => id.startsWith('slipped-'))).toEqual([]);
    expect(result.entries.every((e) => categoryTagOf(e.resource) === 'prescription')).toBe(true);
    expect(result.sources[0]).toMatchObject({ status: 'error' });
    expect(result.sources[0]?.message).toMatch(/3 resource\(s\) dropped/);
    const audited = await hub.store.db
      .selectFrom('audit_event')
      .select(['outcome', 'user_id', 'event_json'])
      .where('type', '=', 'gateway-misbehaviour')
      .execute();
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ outcome: '8', user_id: principal.userId });
    expect(audited[0]?.event_json).toContain('slipped-other');
  });

  it('reports a gateway of another contract major as an error, and never merges what it answered', async () => {
    const principal = await seedUser(hub.store, { facilityOid: VIEWER, profession: 'doctor' });
    // The real gateway A, its answers relabelled as a release two majors on.
    const newer: typeof fetch = async (input, init) => {
      const answer = await hub.deps.fetch(input, init);
      const headers = new Headers(answer.headers);
      headers.set(CONTRACT_HEADER, '3.0');
      return new Response(answer.body, { status: answer.status, headers });
    };
    const source = prescriptionsAtA();
    const result = await queryGateways({ ...hub.deps, fetch: newer }, principal, [source], 'TREAT');
    expect(result.sources[0]).toMatchObject({ status: 'error' });
    expect(result.sources[0]?.message).toContain('3.0');
    expect(result.entries).toEqual([]);
    const same = await queryGateways(hub.deps, principal, [source], 'TREAT');
    expect(same.sources[0]?.status).toBe('ok');
    expect(same.entries.length).toBeGreaterThan(0);
  });

  it('reports a gateway that refuses the assertion as an error with its reason', async () => {
    const other = await generateSigningKey();
    const stranger = await startGateway(
      engine,
      { ...hub.deps, signingKey: other },
      {
        oid: '1.2.392.200284.33.3311110009',
        name: '別ネットワーク病院',
        rows: [],
        categories: EVERYTHING,
      },
    );
    try {
      const principal = await seedUser(hub.store, { facilityOid: VIEWER, profession: 'doctor' });
      const result = await queryGateways(
        hub.deps,
        principal,
        [
          {
            facilityOid: stranger.oid,
            facilityName: stranger.name,
            localId: PATIENT,
            gatewayUrl: stranger.url,
            categories: ['prescription'],
          },
        ],
        'TREAT',
      );
      expect(result.sources[0]).toMatchObject({ status: 'error' });
      expect(result.sources[0]?.message).toContain('unknown-key');
      expect(hubKeyFrom(other, 'x').kid).not.toBe(hub.deps.signingKey.kid);
    } finally {
      await stopGateway(stranger);
    }
  });
});

describe('mergeNewestFirst', () => {
  const item = (source: number, date: string | null, n: number): SourcedResource => ({
    facilityOid: String(source),
    facilityName: String(source),
    localId: 'p',
    date,
    resource: { resourceType: 'Observation', id: `${source}-${n}` },
  });
  const day = fc.option(
    fc
      .date({ min: new Date('2020-01-01'), max: new Date('2026-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    { nil: null },
  );

  it('keeps each facility order and is newest first when each list is', () => {
    fc.assert(
      fc.property(fc.array(fc.array(day, { maxLength: 20 }), { maxLength: 6 }), (dateLists) => {
        const lists = dateLists.map((dates, s) =>
          [...dates].sort((x, y) => (y ?? '').localeCompare(x ?? '')).map((d, n) => item(s, d, n)),
        );
        const merged = mergeNewestFirst(lists);
        expect(merged).toHaveLength(lists.flat().length);
        for (const [s, list] of lists.entries()) {
          expect(merged.filter((m) => m.facilityOid === String(s))).toEqual(list);
        }
        expect(mergeNewestFirst(lists, 7)).toEqual(merged.slice(0, 7));
        const keys = merged.map((m) => m.date ?? '');
        expect(keys).toEqual([...keys].sort((x, y) => y.localeCompare(x)));
      }),
    );
  });

  it('merges streams fetched on demand exactly like the whole lists, asking only for what it needs', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(day, { maxLength: 25 }), fc.integer({ min: 1, max: 6 })), {
          maxLength: 6,
        }),
        fc.integer({ min: 1, max: 40 }),
        async (sources, limit) => {
          const lists = sources.map(([dates], s) =>
            [...dates].sort((x, y) => (y ?? '').localeCompare(x ?? '')).map((d, n) => item(s, d, n)),
          );
          const streams: MergeStream[] = lists.map((list, s) => {
            const chunk = sources[s]?.[1] ?? 1;
            const stream = {
              entries: list.slice(0, chunk),
              hasMore: () => stream.entries.length < list.length,
              more: async (count: number) => {
                expect(count).toBeGreaterThan(0);
                stream.entries = list.slice(0, stream.entries.length + Math.min(count, chunk));
              },
            };
            return stream;
          });
          const merged = await mergeStreams(streams, limit);
          expect(merged).toEqual(mergeNewestFirst(lists).slice(0, limit));
          // A stream is never read more than one chunk ahead of what the merge took from it.
          streams.forEach((stream, s) => {
            const taken = merged.filter((m) => m.facilityOid === String(s)).length;
            const chunk = sources[s]?.[1] ?? 1;
            expect(stream.entries.length).toBeLessThanOrEqual(Math.max(chunk, taken + chunk));
          });
        },
      ),
    );
  });
});
