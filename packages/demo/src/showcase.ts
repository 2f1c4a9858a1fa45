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
  /**
   * The `imaging` scenario (issue 12): consented to all facilities everywhere, with at one hospital a CT
   * of at least 100 images and two chest X-rays (CR) at least 300 days apart; of those, the most CT
   * images in one study, then the longest span between X-rays. The generator makes one on purpose
   * (@hie/ssmix2 clinical/scenarios.ts): 岡山大学病院's thin-section chest CT of 120 slices.
   */
  imaging: (ShowcasePatient & ImagingFacts) | null;
}

/** What makes the imaging patient: at one hospital, its largest CT and its chest X-rays. */
export interface ImagingFacts {
  /** The hospital's OID. */
  imagingFacility: string;
  /** Study Instance UID and number of images of the largest CT. */
  ct: { studyUid: string; images: number };
  /** Study Instance UIDs and dates (YYYY-MM-DD) of the chest X-rays with images, oldest first. */
  cr: { studyUid: string; date: string }[];
}

/** A CT a doctor scrolls, and two X-rays a year apart to compare (days). */
const MIN_CT_IMAGES = 100;
const MIN_CR_SPAN_DAYS = 300;

interface PersonTally {
  /** Imaging facts per hospital record (`oid|localId`). */
  imaging: Map<string, ImagingFacts>;
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
  const imaging = await imagingFacts(gateways);
  const hospitals = new Set(gateways.map((g) => g.oid));
  const persons = new Map<string, PersonTally>();
  for (const r of await hub.db
    .selectFrom('mpi_record')
    .select(['person_id', 'facility_oid', 'local_id', 'name_kanji', 'name_kana', 'birth_date', 'sex'])
    .execute()) {
    if (!hospitals.has(r.facility_oid)) continue;
    const key = `${r.facility_oid}|${r.local_id}`;
    const p = persons.get(r.person_id) ?? {
      imaging: new Map<string, ImagingFacts>(),
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
    const pictures = imaging.get(key);
    if (pictures) p.imaging.set(key, pictures);
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
    imaging: bestImaging(persons, best),
  };
}

const spanDays = (f: ImagingFacts) =>
  f.cr.length < 2 ? 0 : (Date.parse(f.cr.at(-1)!.date) - Date.parse(f.cr[0]!.date)) / 86_400_000;
const qualifies = (f: ImagingFacts) => f.ct.images >= MIN_CT_IMAGES && spanDays(f) >= MIN_CR_SPAN_DAYS;

function bestImaging(
  persons: Map<string, PersonTally>,
  best: (
    keep: (p: PersonTally) => boolean,
    rank: (a: PersonTally, b: PersonTally) => number,
  ) => ShowcasePatient | null,
): (ShowcasePatient & ImagingFacts) | null {
  const top = (p: PersonTally) =>
    [...p.imaging.values()]
      .filter(qualifies)
      .sort((a, b) => b.ct.images - a.ct.images || spanDays(b) - spanDays(a))[0];
  const chosen = best(
    (p) => p.consentedAll === p.facilities && top(p) !== undefined,
    (x, y) => {
      const a = top(x)!;
      const b = top(y)!;
      return b.ct.images - a.ct.images || spanDays(b) - spanDays(a);
    },
  );
  const facts = chosen && top(persons.get(chosen.personId)!);
  return chosen && facts ? { ...chosen, ...facts } : null;
}

/**
 * Per hospital record (`oid|localId`): the largest CT with images and the CR studies with images, from
 * each gateway's DICOM index and the dates of its ImagingStudy resources.
 */
async function imagingFacts(
  gateways: ReadonlyArray<{ oid: string; store: Store<GatewaySchema> }>,
): Promise<Map<string, ImagingFacts>> {
  const out = new Map<string, ImagingFacts>();
  for (const g of gateways) {
    const studies = await g.store.db
      .selectFrom('gw_dicom_instance')
      .select(['patient_id', 'study_uid', 'modality', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('modality', 'in', ['CT', 'CR'])
      .groupBy(['patient_id', 'study_uid', 'modality'])
      .execute();
    const dates = new Map(
      (
        await g.store.db
          .selectFrom('gw_resource')
          .select(['code', 'date'])
          .where('resource_type', '=', 'ImagingStudy')
          .execute()
      ).map((r) => [r.code, r.date]),
    );
    for (const s of studies) {
      const key = `${g.oid}|${s.patient_id}`;
      const f = out.get(key) ?? {
        imagingFacility: g.oid,
        ct: { studyUid: '', images: 0 },
        cr: [],
      };
      const images = Number(s.n);
      if (s.modality === 'CT' && images > f.ct.images) f.ct = { studyUid: s.study_uid, images };
      const date = dates.get(s.study_uid)?.slice(0, 10);
      if (s.modality === 'CR' && date) f.cr.push({ studyUid: s.study_uid, date });
      out.set(key, f);
    }
  }
  for (const f of out.values()) f.cr.sort((a, b) => a.date.localeCompare(b.date));
  return out;
}
