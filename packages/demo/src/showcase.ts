import type { Schema as GatewaySchema } from '@hie/gateway';
import type { Schema as HubSchema } from '@hie/hub';
import type { Store } from '@hie/platform';

/** JLAC10 of HbA1c (NGSP) as the generator writes it. */
export const HBA1C_JLAC10 = '3D046000001906202';

export interface ShowcasePatient {
  /** The hub's person id (patient index). */
  personId: string;
  nameKanji: string;
  nameKana: string;
  /** YYYY-MM-DD. */
  birthDate: string;
  sex: string;
  /** Hospitals holding a record of the person. */
  facilities: number;
  /** HbA1c results across those hospitals. */
  hba1cResults: number;
}

export interface Showcase {
  /**
   * Seen at the most hospitals, consented to all facilities everywhere, with HbA1c from the most
   * hospitals and then the most results: a diabetes follow-up the network merges.
   */
  consentedEverywhere: ShowcasePatient | null;
  /** Seen at several hospitals and consented nowhere: nobody outside those hospitals may find them. */
  consentedNowhere: ShowcasePatient | null;
}

interface PersonTally {
  records: {
    nameKanji: string | null;
    nameKana: string | null;
    birthDate: string | null;
    sex: string | null;
  }[];
  facilities: number;
  consentedAll: number;
  consentedAny: number;
  hba1c: number;
  /** Hospitals with HbA1c results. */
  hba1cSites: number;
}

/** Picks the patients `npm start` suggests, from the running network's own stores. */
export async function findShowcase(
  hub: Store<HubSchema>,
  gateways: ReadonlyArray<{ oid: string; store: Store<GatewaySchema> }>,
): Promise<Showcase> {
  const hba1c = new Map<string, number>();
  for (const g of gateways) {
    const rows = await g.store.db
      .selectFrom('gw_resource')
      .select(['patient_id', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('resource_type', '=', 'Observation')
      .where('code', '=', HBA1C_JLAC10)
      .groupBy('patient_id')
      .execute();
    for (const r of rows) hba1c.set(`${g.oid}|${r.patient_id}`, Number(r.n));
  }
  const consents = new Map<string, string>();
  for (const c of await hub.db
    .selectFrom('hub_consent')
    .select(['facility_oid', 'local_id', 'scope'])
    .where('status', '=', 'active')
    .execute()) {
    consents.set(`${c.facility_oid}|${c.local_id}`, c.scope);
  }
  const hospitals = new Set(gateways.map((g) => g.oid));
  const persons = new Map<string, PersonTally>();
  for (const r of await hub.db
    .selectFrom('mpi_record')
    .select(['person_id', 'facility_oid', 'local_id', 'name_kanji', 'name_kana', 'birth_date', 'sex'])
    .execute()) {
    if (!hospitals.has(r.facility_oid)) continue;
    const key = `${r.facility_oid}|${r.local_id}`;
    const p = persons.get(r.person_id) ?? {
      records: [],
      facilities: 0,
      consentedAll: 0,
      consentedAny: 0,
      hba1c: 0,
      hba1cSites: 0,
    };
    p.records.push({ nameKanji: r.name_kanji, nameKana: r.name_kana, birthDate: r.birth_date, sex: r.sex });
    p.facilities += 1;
    if (consents.get(key) === 'all') p.consentedAll += 1;
    if (consents.has(key)) p.consentedAny += 1;
    const results = hba1c.get(key) ?? 0;
    p.hba1c += results;
    if (results > 0) p.hba1cSites += 1;
    persons.set(r.person_id, p);
  }
  const best = (
    keep: (p: PersonTally) => boolean,
    rank: (a: PersonTally, b: PersonTally) => number,
  ): ShowcasePatient | null => {
    const [id, p] =
      [...persons].filter(([, p]) => keep(p)).sort(([a, x], [b, y]) => rank(x, y) || (a < b ? -1 : 1))[0] ??
      [];
    if (!id || !p) return null;
    const r = p.records[0]!;
    return {
      personId: id,
      nameKanji: r.nameKanji ?? '',
      nameKana: r.nameKana ?? '',
      birthDate: r.birthDate ?? '',
      sex: r.sex ?? '',
      facilities: p.facilities,
      hba1cResults: p.hba1c,
    };
  };
  return {
    consentedEverywhere: best(
      (p) => p.consentedAll === p.facilities,
      (x, y) => y.facilities - x.facilities || y.hba1cSites - x.hba1cSites || y.hba1c - x.hba1c,
    ),
    consentedNowhere: best(
      (p) => p.consentedAny === 0,
      (x, y) => y.facilities - x.facilities,
    ),
  };
}
