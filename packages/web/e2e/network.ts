/**
 * The demo network the browser tests (and bench/web) run against: hub (serving the built web app) +
 * one gateway per hospital with generated SS-MIX2 data, demo users of every profession, consents
 * seeded (packages/demo/src/network.ts), taken from the built demo package; and the
 * patients the scenarios need, read from the network's own stores (the hub's patient index and
 * consents, the gateways' FHIR projection).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type DemoLogin,
  type DemoNetwork,
  type DemoNetworkOptions,
  startDemoNetwork,
  totpNow,
} from '@hie/demo';

export type { DemoLogin, DemoNetwork, DemoNetworkOptions };

/** JLAC10 of HbA1c (NGSP), as the generator writes it (packages/ssmix2/src/generate/data/labs.ts). */
export const HBA1C_JLAC10 = '3D046000001906202';

/** The built web app the hub serves; E2E_WEB_ROOT: a build of one's own (others rebuild dist/ meanwhile). */
export const WEB_ROOT = process.env.E2E_WEB_ROOT ?? fileURLToPath(new URL('../dist', import.meta.url));

export async function startNetwork(
  dir: string,
  patients = 30,
  extra: Partial<DemoNetworkOptions> = {},
): Promise<DemoNetwork> {
  if (!existsSync(`${WEB_ROOT}/index.html`))
    throw new Error('build the web app first: cd packages/web && npx vite build');
  return startDemoNetwork({
    dir,
    patients,
    hubPort: 0,
    webRoot: WEB_ROOT,
    onProgress: (line) => process.stderr.write(`[demo] ${line}\n`),
    ...extra,
  });
}

export function totp(secret: string, date?: Date): string {
  return totpNow(secret, date);
}

/** A person of the hub's index as the scenarios use it: the hub's id, the name, the ids per hospital. */
export interface Person {
  personId: string;
  nameKanji: string;
  nameKana: string;
  /** YYYY-MM-DD */
  birthDate: string;
  /** Hospital key (ouh, kch, orc) → local id. */
  localIds: Record<string, string>;
  /** HbA1c results over all hospitals. */
  hba1c: number;
}

export interface ScenarioPatients {
  /**
   * Records at the most hospitals, each consented for every facility; of those, HbA1c from the most
   * hospitals (a diabetes followed at two places), then the most results.
   */
  consented: Person;
  /**
   * Consented for every facility everywhere, admitted at least once and with 読影レポート: of those,
   * the most stays and reports (the episodes scenario).
   */
  inpatient: Person;
  /** No consent at any hospital, with a record at 岡山大学病院 or 倉敷中央病院 (whose clerks log in). */
  unconsented: Person;
  /** Another person with no consent anywhere (for break-the-glass). */
  unconsented2: Person;
}

/** Picks the scenario patients from the running network's stores (deterministic for a seed). */
export async function scenarioPatients(network: DemoNetwork): Promise<ScenarioPatients> {
  const db = network.hub.store.db;
  const keyOf = new Map(network.gateways.map((g) => [g.oid, g.facility.key]));
  const hba1c = new Map<string, number>();
  const episodes = new Map<string, { stays: number; reports: number }>();
  for (const { gateway, oid } of network.gateways) {
    for (const r of await gateway.store.db
      .selectFrom('gw_resource')
      .select(['patient_id', 'resource_type', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where((eb) =>
        eb.or([
          eb.and([eb('resource_type', '=', 'Encounter'), eb('code', '=', 'ADT-22')]),
          eb.and([
            eb('resource_type', '=', 'DocumentReference'),
            eb('category', '=', 'document-radiology-report'),
          ]),
        ]),
      )
      .groupBy(['patient_id', 'resource_type'])
      .execute()) {
      const key = `${oid}|${r.patient_id}`;
      const e = episodes.get(key) ?? { stays: 0, reports: 0 };
      if (r.resource_type === 'Encounter') e.stays += Number(r.n);
      else e.reports += Number(r.n);
      episodes.set(key, e);
    }
    const rows = await gateway.store.db
      .selectFrom('gw_resource')
      .select(['patient_id', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('resource_type', '=', 'Observation')
      .where('code', '=', HBA1C_JLAC10)
      .groupBy('patient_id')
      .execute();
    for (const r of rows) hba1c.set(`${oid}|${r.patient_id}`, Number(r.n));
  }
  const records = await db
    .selectFrom('mpi_record')
    .select(['person_id', 'facility_oid', 'local_id', 'name_kanji', 'name_kana', 'birth_date'])
    .orderBy('person_id')
    .execute();
  const consents = await db
    .selectFrom('hub_consent')
    .select(['facility_oid', 'local_id', 'scope'])
    .where('status', '=', 'active')
    .execute();
  const scopeOf = new Map(consents.map((c) => [`${c.facility_oid}|${c.local_id}`, c.scope]));

  type Tally = Person & {
    scopes: (string | undefined)[];
    hba1cSites: number;
    stays: number;
    reports: number;
  };
  const persons = new Map<string, Tally>();
  for (const r of records) {
    const key = keyOf.get(r.facility_oid);
    if (!key) continue;
    let p = persons.get(r.person_id);
    if (!p) {
      p = {
        personId: r.person_id,
        nameKanji: r.name_kanji ?? '',
        nameKana: r.name_kana ?? '',
        birthDate: r.birth_date ?? '',
        localIds: {},
        hba1c: 0,
        hba1cSites: 0,
        stays: 0,
        reports: 0,
        scopes: [],
      };
      persons.set(r.person_id, p);
    }
    p.localIds[key] = r.local_id;
    const results = hba1c.get(`${r.facility_oid}|${r.local_id}`) ?? 0;
    p.hba1c += results;
    if (results > 0) p.hba1cSites += 1;
    const e = episodes.get(`${r.facility_oid}|${r.local_id}`);
    p.stays += e?.stays ?? 0;
    p.reports += e?.reports ?? 0;
    p.scopes.push(scopeOf.get(`${r.facility_oid}|${r.local_id}`));
  }
  const all = [...persons.values()].filter((p) => p.nameKana && p.birthDate);
  const sites = (p: Person) => Object.keys(p.localIds).length;
  const consented = all
    .filter((p) => p.scopes.every((s) => s === 'all') && p.hba1c > 0)
    .sort((a, b) => sites(b) - sites(a) || b.hba1cSites - a.hba1cSites || b.hba1c - a.hba1c)[0];
  const inpatient = all
    .filter((p) => p.scopes.every((s) => s === 'all') && p.stays > 0 && p.reports > 0)
    .sort((a, b) => b.stays + b.reports - (a.stays + a.reports))[0];
  const unconsented = all.filter((p) => p.scopes.every((s) => s === undefined));
  const first = unconsented.find((p) => p.localIds.ouh || p.localIds.kch);
  const second = unconsented.find((p) => p !== first);
  if (!consented || !inpatient || !first || !second)
    throw new Error('the demo network has too few patients for the scenarios (E2E_PATIENTS)');
  const strip = ({ scopes: _s, hba1cSites: _h, stays: _t, reports: _r, ...p }: Tally): Person => p;
  return {
    consented: strip(consented),
    inpatient: strip(inpatient),
    unconsented: strip(first),
    unconsented2: strip(second),
  };
}
