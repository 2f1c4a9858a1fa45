// Issue 12: invariant 1 for images. For random worlds — users of several professions at several
// facilities, consents given, withdrawn or absent per facility, disclosure settings and matrices with
// and without the imaging categories, break-the-glass grants — every user × patient × facility ×
// study is asked for through the hub's DICOMweb proxy against real gateways holding real DICOM files:
// QIDO lists exactly the studies `decide` allows (its categories ∩ radiology/endoscopy, the count
// included), and a study it does not allow — or another patient's study through this patient's
// path — answers the hub's 404 for series, metadata, frames and rendered: never a byte of it.
// The gateways and their files are built once; only the hub's policy data changes between worlds.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Category } from '@hie/contract';
import { type SyntheticStudy, syntheticCt, syntheticEndoscopy } from '@hie/dicom';
import { syncDicomStorage } from '@hie/gateway';
import { patientRowOf } from '@hie/gateway/testing';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide, PURPOSES, type Purpose } from '../policy/decide.js';
import { DEFAULT_PROFESSION_POLICY } from '../policy/matrix.js';
import {
  factsOf,
  type Net,
  type NetShape,
  NOW,
  network,
  oid,
  principalOf,
  TODAY,
  writeNetwork,
} from '../policy/testing.js';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, hubUnderTest } from '../testing.js';
import { viewingRoutes } from './routes.js';
import { type RunningGateway, startGateway, stopGateway } from './testing.js';

const RUNS = Number(process.env.HIE_IMAGING_PROPERTY_RUNS ?? 40);
const IMAGING: readonly Category[] = ['radiology', 'endoscopy'];
/** Gateways (facilities 0…2) and charts per gateway (local ids L0…L3): the most a world can name. */
const FACILITIES = 3;
const PERSONS = 4;
/** Small worlds, mostly active, imaging in most matrices and settings: each check is an HTTP request. */
const SHAPE: NetShape = {
  facilities: { max: FACILITIES, inactive: ['suspended'], mostlyOn: 20 },
  professions: ['doctor', 'pharmacist', 'nurse', 'radiology-technician', 'office'],
  users: { min: 2, max: 3, inactive: ['suspended'], nonMembers: false },
  persons: { min: 2, max: PERSONS },
  consents: {
    max: 2,
    scopes: ['all', 'all', 'listed'],
    start: { min: -3, max: 1 },
    end: { min: -1, max: 3 },
  },
  grants: { min: 0, max: 2, elsewhere: true, expiredUpTo: 600 },
  pool: ['demographics', 'radiology', 'endoscopy'],
  activeWeight: 30,
};

/**
 * Half the worlds are a working network: every record also carries an open consent and every facility
 * discloses its images, so what decides there is who looks (profession, matrix, status, facility) and
 * the allowed side is reached often; the other half keeps consents and settings as drawn.
 */
const worlds = fc.tuple(network(SHAPE), fc.boolean()).map(([net, working]): Net => {
  if (!working) return net;
  const open = { scope: 'all', viewers: [], startDate: TODAY, endDate: null, status: 'active' };
  return {
    ...net,
    facilities: net.facilities.map((f) => ({ ...f, disclosed: [...new Set([...f.disclosed, ...IMAGING])] })),
    persons: net.persons.map((person) => ({
      records: person.records.map((r) => ({ ...r, consents: [...r.consents, open] })),
    })),
  };
});

/** One study on a gateway's disk, with the first instance of its first series (for frame requests). */
interface StudyOnDisk {
  facility: number;
  localId: string;
  uid: string;
  category: Category;
  series: string;
  sop: string;
}

/** Chart (f, Lp) holds: 0 a CT and an endoscopy, 1 a CT, 2 an endoscopy, 3 nothing — shifted by f. */
function chartFiles(f: number, p: number): Uint8Array[] {
  const study = (n: number): SyntheticStudy => ({
    patientId: `L${p}`,
    patientName: `Kanja^${p}=患者^${p}`,
    patientBirthDate: '19500101',
    patientSex: 'F',
    studyInstanceUid: `2.25.9${f}${p}${n}`,
    accessionNumber: `A${f}${p}${n}`,
    studyDate: `2025010${n}`,
    studyTime: '100000',
    studyDescription: `study ${f}/${p}/${n}`,
  });
  const kind = (f + p) % 4;
  return [
    ...(kind <= 1 ? syntheticCt(study(1), f * 10 + p, { slices: 2, size: 16 }) : []),
    ...(kind === 0 || kind === 2 ? syntheticEndoscopy(study(2), f * 10 + p) : []),
  ];
}

let dicomRoot: string;
beforeAll(async () => {
  dicomRoot = await mkdtemp(join(tmpdir(), 'hie-imaging-property-'));
  for (let f = 0; f < FACILITIES; f++) {
    await mkdir(join(dicomRoot, `f${f}`));
    for (let p = 0; p < PERSONS; p++)
      for (const [i, bytes] of chartFiles(f, p).entries())
        await writeFile(join(dicomRoot, `f${f}`, `L${p}-${i}.dcm`), bytes);
  }
});
afterAll(() => rm(dicomRoot, { recursive: true, force: true }));

/** The imaging categories `decide` grants user u for person p's record at facility f (none: no record). */
function imagingGranted(net: Net, u: number, p: number, f: number, purpose: Purpose): Category[] {
  if (!net.persons[p]?.records.some((r) => r.facility === f)) return [];
  const decision = decide(factsOf(net, u, p, f), purpose);
  return decision.allow ? decision.categories.filter((c) => IMAGING.includes(c)) : [];
}

/** The hub's refusal: 404 `not-found` as JSON, nothing of the images. */
function expectRefused(response: LightMyRequestResponse, what: string): void {
  expect(response.statusCode, `${what}: ${response.body.slice(0, 200)}`).toBe(404);
  expect(response.headers['content-type'], what).toMatch(/^application\/json/);
  expect((response.json() as { error?: { code?: string } }).error?.code, what).toBe('not-found');
}

/** The reads of one study beyond QIDO — series, metadata, a frame, rendered — as a viewer sends them. */
const READS = [
  {
    name: 'series',
    path: (s: StudyOnDisk) => `studies/${s.uid}/series`,
    accept: 'application/dicom+json',
    answer: /^application\/dicom\+json/,
  },
  {
    name: 'metadata',
    path: (s: StudyOnDisk) => `studies/${s.uid}/metadata`,
    accept: 'application/dicom+json',
    answer: /^application\/dicom\+json/,
  },
  {
    name: 'frame',
    path: (s: StudyOnDisk) => `studies/${s.uid}/series/${s.series}/instances/${s.sop}/frames/1`,
    accept: 'multipart/related; type="application/octet-stream"',
    answer: /^multipart\/related/,
  },
  {
    name: 'rendered',
    path: (s: StudyOnDisk) => `studies/${s.uid}/series/${s.series}/instances/${s.sop}/rendered`,
    accept: 'image/png',
    answer: /^image\/png/,
  },
] as const;

interface Tally {
  /** (user, purpose, person, facility) asked for. */
  charts: number;
  /** …of which `decide` grants an imaging category. */
  granted: number;
  /** Studies QIDO listed, all as decide allows. */
  listed: number;
  /** Reads of a study the viewer may not see, each refused. */
  refusedReads: number;
  /** Another patient's study asked for through a patient whose images the viewer may see. */
  idor: number;
}

const newTally = (): Tally => ({ charts: 0, granted: 0, listed: 0, refusedReads: 0, idor: 0 });

describe.each(TEST_ENGINES)('images disclose exactly what decide allows, on %s', (engine) => {
  let hub: HubUnderTest;
  const gateways: RunningGateway[] = [];
  const studies: StudyOnDisk[] = [];

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [viewingRoutes], { now: () => NOW });
    for (let f = 0; f < FACILITIES; f++) {
      // The gateways' own store is not under test here (the hub's is): SQLite, for speed.
      const gateway = await startGateway('sqlite', hub.deps, {
        oid: oid(f),
        name: `施設${f}`,
        rows: Array.from({ length: PERSONS }, (_, p) => patientRowOf(`L${p}`)),
        // The gateway itself discloses every imaging category: what a viewer sees is the hub's decision.
        categories: ['demographics', ...IMAGING],
        now: () => Math.floor(NOW.getTime() / 1000),
      });
      gateways.push(gateway);
      const report = await syncDicomStorage(gateway.store, [join(dicomRoot, `f${f}`)], {
        oid: oid(f),
        name: `施設${f}`,
        institutionCode: oid(f).split('.').at(-1) ?? '',
      });
      expect(report.problems).toEqual({});
      const rows = await gateway.store.db
        .selectFrom('gw_dicom_instance')
        .select(['patient_id', 'study_uid', 'series_uid', 'sop_uid', 'modality'])
        .orderBy('study_uid')
        .orderBy('instance_number')
        .execute();
      for (const r of rows)
        if (!studies.some((s) => s.facility === f && s.uid === r.study_uid))
          studies.push({
            facility: f,
            localId: r.patient_id,
            uid: r.study_uid,
            category: r.modality === 'ES' ? 'endoscopy' : 'radiology',
            series: r.series_uid,
            sop: r.sop_uid,
          });
    }
    expect(studies.filter((s) => s.category === 'endoscopy').length).toBeGreaterThan(0);
    expect(studies.filter((s) => s.category === 'radiology').length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    for (const gateway of gateways) await stopGateway(gateway);
    await hub.dispose();
  });

  /** Writes the world into the hub, every facility reaching its own gateway. */
  async function enter(net: Net): Promise<void> {
    await writeNetwork(hub.store, net);
    for (const [f, gateway] of gateways.entries())
      await hub.store.db
        .updateTable('hub_facility')
        .set({ gateway_url: gateway.url })
        .where('oid', '=', oid(f))
        .execute();
  }

  /** Asks for every (user, purpose, person, facility, study) of the world and checks it against decide. */
  async function checkWorld(net: Net, tally: Tally): Promise<void> {
    for (const [u] of net.users.entries()) {
      const headers = hub.as(principalOf(net, u));
      const viewer = `u${u} (${net.users[u]?.profession})`;
      for (const [p] of net.persons.entries()) {
        // ETREAT differs from TREAT only through a grant of this user for this person.
        const purposes = PURPOSES.filter(
          (x) => x === 'TREAT' || net.grants.some((g) => g.user === u && g.person === p),
        );
        for (const purpose of purposes)
          for (let f = 0; f < net.facilities.length; f++)
            await checkChart(headers, viewer, imagingGranted(net, u, p, f, purpose), p, f, purpose, tally);
      }
    }
  }

  /** One (user, purpose, person, facility): QIDO, every read of every study there, and an IDOR. */
  async function checkChart(
    headers: Record<string, string>,
    viewer: string,
    granted: readonly Category[],
    p: number,
    f: number,
    purpose: Purpose,
    tally: Tally,
  ): Promise<void> {
    const base = `/api/v1/patients/p${p}/dicomweb/${oid(f)}`;
    const get = (path: string, accept = 'application/dicom+json') =>
      hub.app.inject({ url: `${base}/${path}?purpose=${purpose}`, headers: { ...headers, accept } });
    const what = `${viewer} p${p} at ${f} ${purpose} granted [${granted}]`;
    const own = studies.filter((s) => s.facility === f && s.localId === `L${p}`);
    const expected = own.filter((s) => granted.includes(s.category)).map((s) => s.uid);
    tally.charts++;

    const qido = await get('studies');
    if (granted.length === 0) expectRefused(qido, `QIDO ${what}`);
    else {
      tally.granted++;
      expect(qido.statusCode, `QIDO ${what}`).toBe(200);
      const listed = (qido.json() as Record<string, { Value?: unknown[] }>[]).map((s) =>
        String(s['0020000D']?.Value?.[0]),
      );
      expect(listed.sort(), `QIDO ${what}`).toEqual(expected.sort());
      tally.listed += listed.length;
    }

    for (const s of own) {
      if (expected.includes(s.uid)) {
        // Shown: its series and a frame's bytes come through (metadata and rendered take the same path).
        for (const read of READS.filter((r) => r.name === 'series' || r.name === 'frame')) {
          const answer = await get(read.path(s), read.accept);
          expect(answer.statusCode, `${read.name} of ${s.uid} ${what}`).toBe(200);
          expect(answer.headers['content-type']).toMatch(read.answer);
          expect(answer.rawPayload.length).toBeGreaterThan(0);
        }
        continue;
      }
      // Refused at the gateway (the hub asks for the other imaging category only) or at the hub
      // (no record it may read): every read where the gateway is asked; one, in turn, where not.
      const reads = granted.length > 0 ? READS : [READS[tally.refusedReads % READS.length]!];
      for (const read of reads) {
        tally.refusedReads++;
        expectRefused(await get(read.path(s), read.accept), `${read.name} of ${s.uid} ${what}`);
      }
    }

    // IDOR: another patient's study at this facility through this patient's path, while the viewer
    // may see this patient's images here — of a category granted when there is one, so the gateway
    // is asked. (Where nothing is granted the hub refuses before any study is looked at, above.)
    if (granted.length === 0) return;
    const others = studies.filter((s) => s.facility === f && s.localId !== `L${p}`);
    const other = others.find((s) => granted.includes(s.category)) ?? others[0];
    if (!other) return;
    tally.idor++;
    for (const read of READS)
      expectRefused(await get(read.path(other), read.accept), `IDOR ${read.name} of ${other.uid} ${what}`);
    const search = await hub.app.inject({
      url: `${base}/studies?purpose=${purpose}&StudyInstanceUID=${other.uid}`,
      headers: { ...headers, accept: 'application/dicom+json' },
    });
    expect(search.json(), `IDOR QIDO ${what}`).toEqual([]);
  }

  it('a pharmacist, a facility without consent, a withdrawn consent, another patient’s study: 404', async () => {
    const imagingAndBasics: Category[] = ['demographics', 'diagnosis', 'radiology', 'endoscopy'];
    const consent = { scope: 'all', viewers: [], startDate: TODAY, endDate: null };
    // Facility 2 (a clinic) views; 0 and 1 disclose. u0 a doctor, u1 a pharmacist, both at the clinic.
    const world: Net = {
      facilities: [
        { status: 'active', views: true, discloses: true, disclosed: imagingAndBasics },
        { status: 'active', views: true, discloses: true, disclosed: imagingAndBasics },
        { status: 'active', views: true, discloses: false, disclosed: [] },
      ],
      matrix: {
        doctor: [...DEFAULT_PROFESSION_POLICY.doctor],
        pharmacist: [...DEFAULT_PROFESSION_POLICY.pharmacist],
      },
      users: [
        { facility: 2, profession: 'doctor', status: 'active', member: true },
        { facility: 2, profession: 'pharmacist', status: 'active', member: true },
      ],
      persons: [
        // p0: consented at 0 (a CT and an endoscopy there), seen at 1 without a consent (a CT there).
        {
          records: [
            { facility: 0, consents: [{ ...consent, status: 'active' }] },
            { facility: 1, consents: [] },
          ],
        },
        // p1: consent withdrawn at 0 (a CT there).
        { records: [{ facility: 0, consents: [{ ...consent, status: 'withdrawn' }] }] },
        // p2: consented at 0 (an endoscopy there): a patient the doctor may see, just not through p0.
        { records: [{ facility: 0, consents: [{ ...consent, status: 'active' }] }] },
      ],
      grants: [],
    };
    await enter(world);
    const doctor = hub.as(principalOf(world, 0));
    const pharmacist = hub.as(principalOf(world, 1));
    const get = (headers: Record<string, string>, path: string) =>
      hub.app.inject({
        url: `/api/v1/patients/${path}`,
        headers: { ...headers, accept: 'application/dicom+json' },
      });
    const at0 = (p: number) => studies.filter((s) => s.facility === 0 && s.localId === `L${p}`);
    const [ct, endoscopy] = [
      at0(0).find((s) => s.category === 'radiology'),
      at0(0).find((s) => s.category === 'endoscopy'),
    ];
    const [withdrawnCt, otherEndoscopy] = [at0(1)[0], at0(2)[0]];
    if (!ct || !endoscopy || !withdrawnCt || !otherEndoscopy)
      throw new Error('the charts are not as planned');

    // The doctor sees p0's two studies at 0 — the baseline that makes the refusals below mean something.
    const listed = (await get(doctor, `p0/dicomweb/${oid(0)}/studies`)).json() as unknown[];
    expect(listed).toHaveLength(2);
    expect(decide(factsOf(world, 0, 0, 0), 'TREAT')).toMatchObject({ allow: true });

    // A pharmacist: the record is visible (demographics), the images are not (no imaging category).
    const forPharmacist = decide(factsOf(world, 1, 0, 0), 'TREAT');
    expect(forPharmacist.allow && forPharmacist.categories.some((c) => IMAGING.includes(c))).toBe(false);
    expectRefused(await get(pharmacist, `p0/dicomweb/${oid(0)}/studies`), 'pharmacist QIDO');
    expectRefused(
      await get(pharmacist, `p0/dicomweb/${oid(0)}/studies/${ct.uid}/series`),
      'pharmacist series',
    );

    // A facility without consent: p0's CT at facility 1 stays there.
    expect(decide(factsOf(world, 0, 0, 1), 'TREAT')).toMatchObject({ allow: false, reason: 'no-consent' });
    const atOne = studies.find((s) => s.facility === 1 && s.localId === 'L0');
    expectRefused(await get(doctor, `p0/dicomweb/${oid(1)}/studies`), 'no consent QIDO');
    expectRefused(
      await get(doctor, `p0/dicomweb/${oid(1)}/studies/${atOne?.uid}/series`),
      'no consent series',
    );

    // A withdrawn consent.
    expect(decide(factsOf(world, 0, 1, 0), 'TREAT')).toMatchObject({
      allow: false,
      reason: 'consent-withdrawn',
    });
    expectRefused(await get(doctor, `p1/dicomweb/${oid(0)}/studies`), 'withdrawn QIDO');
    expectRefused(
      await get(
        doctor,
        `p1/dicomweb/${oid(0)}/studies/${withdrawnCt.uid}/series/${withdrawnCt.series}/instances/${withdrawnCt.sop}/frames/1`,
      ),
      'withdrawn frame',
    );

    // IDOR: p2's study (visible through p2) asked for through p0, whose images the doctor may see.
    expect((await get(doctor, `p2/dicomweb/${oid(0)}/studies/${otherEndoscopy.uid}/series`)).statusCode).toBe(
      200,
    );
    expectRefused(
      await get(doctor, `p0/dicomweb/${oid(0)}/studies/${otherEndoscopy.uid}/series`),
      'IDOR series',
    );
    expectRefused(
      await get(
        doctor,
        `p0/dicomweb/${oid(0)}/studies/${otherEndoscopy.uid}/series/${otherEndoscopy.series}/instances/${otherEndoscopy.sop}/rendered`,
      ),
      'IDOR rendered',
    );

    // And the whole world against decide, as the property does.
    await checkWorld(world, newTally());
  });

  it('QIDO, series, metadata, frames and rendered agree with decide for every user × patient × study', async () => {
    const tally = newTally();
    await fc.assert(
      fc.asyncProperty(worlds, async (net) => {
        await enter(net);
        await checkWorld(net, tally);
      }),
      { numRuns: RUNS },
    );
    console.log(engine, { worlds: RUNS, ...tally });
    // The property must bite both ways: studies shown and studies refused.
    expect(tally.listed).toBeGreaterThan(0);
    expect(tally.refusedReads).toBeGreaterThan(0);
    expect(tally.idor).toBeGreaterThan(0);
  }, 120_000);
});
