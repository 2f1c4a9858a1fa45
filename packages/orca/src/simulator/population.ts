// The simulated clinic: patients with 保険, 病名 and visits, made from a seed (the same seed, the same
// clinic), plus the patients of the recorded answers. Mutations (a visit today, an address change, a
// patient deleted) move the change dates the way ORCA does, so incremental pulls have something to find.
import { addDays } from '../answers/dates.js';
import { readDiseases } from '../answers/disease.js';
import { readPatient, readPatientList } from '../answers/patient.js';
import {
  type CatalogDisease,
  type CatalogDrug,
  DISEASES,
  DRUGS,
  FAMILY_NAMES,
  FEMALE_NAMES,
  INSURERS,
  MALE_NAMES,
  PHYSICIANS,
  Random,
  TOWNS,
} from './catalog.js';
import { type RecordedName, recordedJson } from './recorded.js';

export interface SimInsurance {
  combination: string;
  providerClass: string;
  providerName: string;
  providerNumber: string;
  symbol: string;
  number: string;
  rate: number;
  startDate: string;
}

export interface SimDisease {
  department: string;
  singles: { code: string; name: string }[];
  startDate: string;
  endDate?: string;
  outcome?: string;
  category?: 'PD';
  suspectedFlag?: string;
  diseaseClass?: string;
}

export interface SimRp {
  medicalClass: '21' | '22';
  count: number;
  usage?: { code: string; name: string };
  drugs: CatalogDrug[];
}

export interface SimVisit {
  date: string;
  department: string;
  seq: number;
  invoice: string;
  time: string;
  physician: { code: string; name: string };
  combination: string;
  /** 院外処方 (a 処方せん) or 院内 (an お薬手帳). */
  outside: boolean;
  rps: SimRp[];
  acceptanceId: string;
  /** False: accepted today, not billed yet (not in 受診履歴). */
  billed: boolean;
}

export interface SimPatient {
  id: string;
  name: string;
  kana: string;
  birthDate: string;
  sex: '1' | '2';
  zip: string;
  address1: string;
  address2: string;
  phone: string;
  createDate: string;
  updateDate: string;
  testPatient: boolean;
  insurances: SimInsurance[];
  diseases: SimDisease[];
  visits: SimVisit[];
  /** Served as recorded instead of generated. */
  recorded?: { patientget?: RecordedName; diseaseget?: RecordedName };
  /** 処方せん / お薬手帳 recorded for a 伝票番号. */
  recordedForms?: Record<string, { prescription: RecordedName; notebook: RecordedName }>;
}

export interface ClinicOptions {
  seed: number;
  patients: number;
  today: string;
  recorded: boolean;
  testPatients: number;
  /** People the first generated patients are (the demo: the same people as the hospitals' patients). */
  people?: readonly SimPerson[];
}

/** Who a generated patient is, when the caller says so (ORCA's forms: kana full-width, zip 7 digits). */
export type SimPerson = Pick<
  SimPatient,
  'name' | 'kana' | 'birthDate' | 'sex' | 'zip' | 'address1' | 'address2' | 'phone'
>;

export class SimClinic {
  readonly patients = new Map<string, SimPatient>();
  /** 受付一覧 answers recorded for a day. */
  readonly recordedAcceptances = new Map<string, RecordedName>();
  readonly clinicName = 'ＯＲＣＡクリニック';
  private nextInvoice = 1000;
  private readonly random: Random;

  constructor(
    public today: string,
    seed: number,
  ) {
    this.random = new Random(seed);
  }

  invoice(): string {
    return String(this.nextInvoice++).padStart(7, '0');
  }

  acceptanceId(date: string): string {
    let n = 0;
    for (const p of this.patients.values()) n += p.visits.filter((v) => v.date === date).length;
    return String(n + 1).padStart(5, '0');
  }

  /** A generated patient, registered on `createDate`. */
  generate(id: string, createDate: string, testPatient = false): SimPatient {
    const r = this.random;
    const sex = r.chance(0.5) ? '1' : '2';
    const age = r.int(1, 92);
    const birthDate = addDays(this.today, -(age * 365 + r.int(0, 364)));
    const family = r.pick(FAMILY_NAMES);
    const given = r.pick(sex === '1' ? MALE_NAMES : FEMALE_NAMES);
    const town = r.pick(TOWNS);
    const insurer = age >= 75 ? INSURERS.elderly : r.chance(0.5) ? INSURERS.kokuho : INSURERS.kyokai;
    const p: SimPatient = {
      id,
      name: `${testPatient ? 'テスト' : family[0]}　${given[0]}`,
      kana: `${testPatient ? 'テスト' : family[1]}　${given[1]}`,
      birthDate,
      sex,
      zip: town.zip,
      address1: town.town,
      address2: fullWidth(String(r.int(1, 2000))),
      phone: `${town.phone}-${r.int(20, 99)}-${r.int(1000, 9999)}`,
      createDate,
      updateDate: createDate,
      testPatient,
      insurances: [
        {
          combination: '0001',
          providerClass: insurer.providerClass,
          providerName: insurer.name,
          providerNumber: insurer.number,
          symbol: fullWidth(String(r.int(10, 9999))),
          number: fullWidth(String(r.int(100_000, 9_999_999))),
          rate: insurer.rate,
          startDate: addDays(createDate, -r.int(0, 400)),
        },
      ],
      diseases: [],
      visits: [],
    };
    if (r.chance(0.3))
      p.updateDate = addDays(createDate, r.int(0, Math.max(0, daysTo(createDate, this.today) - 1)));
    const children = age < 15;
    const candidates = DISEASES.filter((d) => (children ? d.department === '03' : d.department !== '03'));
    const count = r.int(1, Math.min(3, candidates.length));
    const chosen = new Set<CatalogDisease>();
    while (chosen.size < count) chosen.add(r.pick(candidates));
    for (const d of chosen)
      this.addDisease(p, d, addDays(createDate, r.int(0, Math.max(0, daysTo(createDate, this.today) - 1))));
    if (p.diseases[0]) p.diseases[0].category = 'PD';
    return p;
  }

  /** A disease from `start`, with the visits that treat it (up to today). */
  addDisease(p: SimPatient, d: CatalogDisease, start: string): void {
    const r = this.random;
    const disease: SimDisease = { department: d.department, singles: [...d.singles], startDate: start };
    if (d.diseaseClass) disease.diseaseClass = d.diseaseClass;
    if (!d.chronic) {
      const end = addDays(start, r.int(14, 28));
      if (end < this.today) {
        disease.endDate = end;
        disease.outcome = 'F';
      }
    }
    p.diseases.push(disease);
    p.diseases.sort((a, b) => a.startDate.localeCompare(b.startDate));
    const visits = d.chronic ? r.int(1, 3) : 1;
    for (let i = 0, date = start; i < visits && date <= this.today; i++, date = addDays(date, 28))
      this.visit(p, d, date);
  }

  /** A billed visit on `date` for disease `d` (joined with the patient's visit that day to that 診療科). */
  visit(
    p: SimPatient,
    d: CatalogDisease | undefined,
    date: string,
    outside?: boolean,
    billed = true,
  ): SimVisit {
    const r = this.random;
    const department = d?.department ?? '01';
    let v = p.visits.find((x) => x.date === date && x.department === department);
    if (!v) {
      v = {
        date,
        department,
        seq: 1,
        invoice: this.invoice(),
        time: `${String(r.int(9, 17)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}`,
        physician: r.pick(PHYSICIANS),
        combination: p.insurances[0]?.combination ?? '0001',
        outside: outside ?? r.chance(0.7),
        rps: [],
        acceptanceId: this.acceptanceId(date),
        billed,
      };
      p.visits.push(v);
      p.visits.sort((a, b) => a.date.localeCompare(b.date) || a.department.localeCompare(b.department));
    }
    for (const x of d?.drugs ?? [])
      v.rps.push({ medicalClass: x.kind, count: x.count, usage: x.usage, drugs: [x.drug] });
    return v;
  }
}

const daysTo = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);

/** Digits as ORCA writes 番地 and 記号・番号: full width. */
export const fullWidth = (s: string) =>
  s.replace(/[0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** The clinic of a seed: generated patients (IDs 01001…), then the recorded ones. */
export function generateClinic(o: ClinicOptions): SimClinic {
  const clinic = new SimClinic(o.today, o.seed);
  const random = new Random(o.seed ^ 0x5bd1e995);
  for (let i = 0; i < o.patients + o.testPatients; i++) {
    const id = String(1001 + i).padStart(5, '0');
    const created = addDays(o.today, -random.int(1, 1000));
    const person = i < o.patients ? o.people?.[i] : undefined;
    clinic.patients.set(id, { ...clinic.generate(id, created, i >= o.patients), ...person });
  }
  if (o.recorded) addRecordedPatients(clinic);
  return clinic;
}

/** The patients of the recorded answers: 00001 (patientgetv2, diseasegetv2), 00216 (the forms), and
 * the four of patientlst1v2 (their other answers generated from the recorded ones). */
function addRecordedPatients(clinic: SimClinic): void {
  const info = readPatient(recordedJson('api01rv2_patientgetv2'));
  const diseases = readDiseases(recordedJson('api01rv2_diseasegetv2'));
  const home = info.home ?? {};
  clinic.patients.set(info.patientId, {
    id: info.patientId,
    name: info.name ?? '',
    kana: info.kanaName ?? '',
    birthDate: info.birthDate ?? '',
    sex: info.sex === '2' ? '2' : '1',
    zip: home.zipCode ?? '',
    address1: home.line1 ?? '',
    address2: home.line2 ?? '',
    phone: home.phone1 ?? '',
    createDate: info.firstVisitDate ?? info.informationDate,
    updateDate: info.informationDate,
    testPatient: false,
    insurances: [],
    diseases: diseases.diseases.map((d) => ({
      department: d.departmentCode ?? '01',
      singles: d.singles.map((s) => ({ code: s.code, name: s.name ?? '' })),
      startDate: d.startDate ?? '',
    })),
    visits: [],
    recorded: { patientget: 'api01rv2_patientgetv2', diseaseget: 'api01rv2_diseasegetv2' },
  });
  clinic.patients.set('00216', {
    id: '00216',
    name: 'テスト　カンジャ',
    kana: 'テスト　カンジャ',
    birthDate: '1927-04-04',
    sex: '1',
    zip: '1130021',
    address1: '東京都文京区本駒込',
    address2: '２－２８－１６',
    phone: '03-3946-0001',
    createDate: '2017-10-30',
    updateDate: '2017-10-30',
    testPatient: false,
    insurances: [
      {
        combination: '0001',
        providerClass: '039',
        providerName: '後期高齢者',
        providerNumber: '39322011',
        symbol: '',
        number: '１２３４５６',
        rate: 0.1,
        startDate: '2017-01-01',
      },
    ],
    diseases: [],
    visits: [
      {
        date: '2017-10-30',
        department: '01',
        seq: 1,
        invoice: '0000861',
        time: '10:30:00',
        physician: PHYSICIANS[0]!,
        combination: '0001',
        outside: true,
        rps: [{ medicalClass: '21', count: 1, drugs: [DRUGS.syrup] }],
        acceptanceId: '00001',
        billed: true,
      },
    ],
    recordedForms: {
      '861': { prescription: 'api01rv2_prescriptionv2', notebook: 'api01rv2_medicinenotebookv2' },
    },
  });
  // Read for validation, then taken as written (a trailing full-width space in a kana name included).
  const listed = recordedJson('api01rv2_patientlst1v2') as {
    patientlst1res: { Patient_Information: Record<string, string>[] };
  };
  readPatientList(listed);
  for (const raw of listed.patientlst1res.Patient_Information) {
    if (!raw.Patient_ID) continue;
    const generated = clinic.generate(raw.Patient_ID, raw.CreateDate ?? '2012-01-01');
    clinic.patients.set(raw.Patient_ID, {
      ...generated,
      name: raw.WholeName ?? generated.name,
      kana: raw.WholeName_inKana ?? generated.kana,
      birthDate: raw.BirthDate ?? generated.birthDate,
      sex: raw.Sex === '2' ? '2' : '1',
      createDate: raw.CreateDate ?? generated.createDate,
      updateDate: raw.UpdateDate ?? generated.updateDate,
      diseases: [],
      visits: [],
    });
  }
  clinic.recordedAcceptances.set('2017-08-09', 'api01rv2_acceptlstv2_03');
}
