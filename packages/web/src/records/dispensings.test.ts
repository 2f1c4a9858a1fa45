import { describe, expect, it } from 'vitest';
import type { FhirResource, SourcedResource } from '../api/types';
import {
  amountText,
  claimGroups,
  dispenseLine,
  dispensingGroups,
  isClaimStatement,
  plainNumber,
} from './dispensings';
import {
  addDays,
  dispensePeriod,
  GRACE_DAYS,
  isCurrent,
  medicationOverview,
  UNKNOWN_SUPPLY_DAYS,
} from './medications';

// Resources in the shapes the sources write them: packages/okusuri-techo/src/fhir/dispense.ts (a
// pharmacy's お薬手帳), packages/orca/src/mapping/medication.ts (院内処方: request + dispense) and
// packages/uke/src/mapping/medication.ts (a claim's drugs).
const PHARMACY = { facilityOid: '1.2.392.100495.20.3.41.4341234567', facilityName: 'はれやか薬局 駅前店' };
const CLINIC = { facilityOid: '1.2.392.100495.20.3.41.1331000001', facilityName: '岡山内科クリニック' };
const HOSPITAL = { facilityOid: '1.2.392.100495.20.3.41.1331000002', facilityName: '岡山大学病院' };

const UCUM = 'http://unitsofmeasure.org';
const RECEIPT_OTC = 'urn:jahis:tc:codesystem:receipt-drug';
const YJ = 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code';
const HOT9 = 'http://medis.or.jp/CodeSystem/master-HOT9';
const ORCA_DRUG = 'urn:oid:1.2.392.100495.20.2.71';
const UKE_DRUG = 'urn:uke:codesystem:masterY-drug';
const CLAIM_NOTE =
  'レセプト（診療報酬明細書）の医薬品レコードから作成しました。処方・指示の記録ではありません。';

const sourced = (at: typeof CLINIC, resource: FhirResource, date: string | null): SourcedResource => ({
  ...at,
  localId: 'P0001',
  date,
  resource,
});

interface Otc {
  id: string;
  day: string;
  name: string;
  coding?: { system: string; code: string }[];
  rp?: number;
  order?: number;
  form?: [string, string];
  quantity?: Record<string, unknown>;
  days?: number;
  daily?: Record<string, unknown>;
  dose?: Record<string, unknown>;
  text?: string;
  notes?: { text: string; authorString?: string }[];
  doctor?: string;
  clinic?: string;
  pharmacy?: string;
  status?: string;
}

/** A MedicationDispense as mapOkusuriTecho writes it. */
function otc(o: Otc, at = PHARMACY): SourcedResource {
  const med = {
    ...(o.coding ? { coding: o.coding.map((c) => ({ ...c, display: o.name })) } : {}),
    text: o.name,
  };
  const resource: FhirResource = {
    resourceType: 'MedicationDispense',
    id: o.id,
    meta: { profile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationDispense'] },
    contained: [
      {
        resourceType: 'PractitionerRole',
        id: 'prescriber',
        practitioner: { type: 'Practitioner', display: o.doctor ?? '晴山 次郎' },
        organization: { type: 'Organization', display: o.clinic ?? '医療法人 はれやか病院' },
        specialty: [{ text: '内科' }],
      },
      {
        resourceType: 'MedicationRequest',
        id: 'rx',
        status: 'unknown',
        intent: 'order',
        medicationCodeableConcept: med,
        requester: { reference: '#prescriber' },
      },
    ],
    identifier: [
      { system: 'urn:oid:1.2.392.100495.20.3.81', value: String(o.rp ?? 1) },
      { system: 'urn:oid:1.2.392.100495.20.3.82', value: String(o.order ?? 1) },
    ],
    status: o.status ?? 'completed',
    ...(o.form
      ? {
          category: {
            coding: [{ system: 'urn:jahis:tc:codesystem:dosage-form', code: o.form[0], display: o.form[1] }],
            text: o.form[1],
          },
        }
      : {}),
    medicationCodeableConcept: med,
    subject: { reference: 'Patient/P0001.ADT-00' },
    performer: [
      { actor: { type: 'Organization', display: o.pharmacy ?? '株式会社 はれやか薬局 駅前店' } },
      { actor: { type: 'Practitioner', display: '薬剤 一郎' } },
    ],
    authorizingPrescription: [{ reference: '#rx' }],
    ...(o.quantity ? { quantity: o.quantity } : {}),
    ...(o.days ? { daysSupply: { value: o.days, unit: '日', system: UCUM, code: 'd' } } : {}),
    whenHandedOver: o.day,
    dosageInstruction: [
      {
        ...(o.text ? { text: o.text } : {}),
        ...(o.daily
          ? { doseAndRate: [{ rateRatio: { numerator: o.daily, denominator: { value: 1, unit: '日' } } }] }
          : o.dose
            ? { doseAndRate: [{ doseQuantity: o.dose }] }
            : {}),
      },
    ],
    ...(o.notes ? { note: o.notes } : {}),
  };
  return sourced(at, resource, o.day);
}

const AMLODIPINE = {
  name: 'ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」',
  coding: [{ system: RECEIPT_OTC, code: '622224101' }],
  form: ['1', '内服'] as [string, string],
};
const DISPENSING_NOTES = [
  { text: '【服用注意】他の薬を併用する際は、相談してください。' },
  { authorString: '患者等', text: '【患者等記入 2024-04-12】朝に飲んだ後にめまいがあった' },
];

describe('amounts as sent', () => {
  it('writes numbers out in full: never rounded, never in exponent form', () => {
    expect(plainNumber(21)).toBe('21');
    expect(plainNumber(0.0625)).toBe('0.0625');
    expect(plainNumber(1.23456789)).toBe('1.23456789');
    expect(plainNumber(1e-7)).toBe('0.0000001');
    expect(plainNumber(2.5e-7)).toBe('0.00000025');
    expect(plainNumber(1e21)).toBe('1000000000000000000000');
    expect(plainNumber(-3.5e-7)).toBe('-0.00000035');
  });

  it('keeps the unit as sent and prefers the originalText the source kept', () => {
    expect(amountText({ value: 21, unit: '錠' })).toBe('21 錠');
    expect(amountText({ value: 0.3125, unit: 'g' })).toBe('0.3125 g');
    expect(amountText({ value: 12.5, code: 'mL' })).toBe('12.5 mL');
    expect(
      amountText({
        value: 1.5,
        unit: 'g',
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/originalText', valueString: '1.50' }],
      }),
    ).toBe('1.50 g');
    expect(amountText({ unit: '錠' })).toBeNull();
    expect(amountText(undefined)).toBeNull();
  });
});

describe('調剤: dispensings grouped by day and pharmacy', () => {
  const entries = [
    otc({
      id: 'P0001.20240410.OTC.c1341234567c1317654321n1.1.1',
      day: '2024-04-10',
      ...AMLODIPINE,
      quantity: { value: 14, unit: '錠' },
      days: 14,
      daily: { value: 1, unit: '錠' },
      text: '【分１ 朝食後服用】 透析日は透析後に服用',
      notes: [{ text: '【薬品補足】一包化' }, ...DISPENSING_NOTES],
    }),
    otc({
      id: 'P0001.20240410.OTC.c1341234567c1317654321n1.1.2',
      day: '2024-04-10',
      order: 2,
      name: 'ランソプラゾールＯＤ錠１５ｍｇ',
      coding: [{ system: YJ, code: '2329023F2020' }],
      form: ['1', '内服'],
      quantity: { value: 21, unit: '錠' },
      days: 14,
      daily: { value: 1.5, unit: '錠' },
      text: '【分１ 朝食後服用】',
      notes: DISPENSING_NOTES,
    }),
    otc({
      id: 'P0001.20240410.OTC.c1341234567c1317654321n1.2.1',
      day: '2024-04-10',
      rp: 2,
      name: 'ﾛｷｿﾆﾝ錠60mg',
      coding: [{ system: HOT9, code: '100988001' }],
      form: ['3', '屯服'],
      quantity: { value: 10, unit: '錠' },
      dose: { value: 1, unit: '錠' },
      text: '【疼痛時】',
      notes: DISPENSING_NOTES,
    }),
    // The same day, a second prescription (another clinic) filled at the same pharmacy.
    otc({
      id: 'P0001.20240410.OTC.c1341234567c1311111111n2.1.1',
      day: '2024-04-10',
      name: 'ﾘﾝﾃﾞﾛﾝ-VG軟膏0.12%',
      form: ['5', '外用'],
      quantity: { value: 10, unit: 'g' },
      doctor: '雨宮 三郎',
      clinic: '雨宮皮膚科',
      notes: DISPENSING_NOTES,
    }),
    otc({
      id: 'P0001.20240301.OTC.x.1.1',
      day: '2024-03-01',
      ...AMLODIPINE,
      days: 28,
      quantity: { value: 28, unit: '錠' },
    }),
    // The same dispensing, disclosed by the clinic that imported the patient's notebook: its own group.
    otc(
      {
        id: 'C-77.20240301.OTC.x.1.1',
        day: '2024-03-01',
        ...AMLODIPINE,
        days: 28,
        quantity: { value: 28, unit: '錠' },
      },
      CLINIC,
    ),
  ];

  it('groups by dispensing day + facility + pharmacy, newest first, every source kept', () => {
    const groups = dispensingGroups(entries);
    expect(groups.map((g) => [g.day, g.facilityName, g.pharmacy])).toEqual([
      ['2024-04-10', 'はれやか薬局 駅前店', '株式会社 はれやか薬局 駅前店'],
      ['2024-03-01', 'はれやか薬局 駅前店', '株式会社 はれやか薬局 駅前店'],
      ['2024-03-01', '岡山内科クリニック', '株式会社 はれやか薬局 駅前店'],
    ]);
    expect(groups[0]?.pharmacists).toEqual(['薬剤 一郎']);
  });

  it('one block per prescription with its institution, doctor and department; lines by Rp and order', () => {
    const [day] = dispensingGroups(entries);
    expect(day?.prescriptions.map((p) => [p.prescriber, p.lines.map((l) => l.name)])).toEqual([
      [{ institution: '雨宮皮膚科', doctor: '雨宮 三郎', department: '内科' }, ['ﾘﾝﾃﾞﾛﾝ-VG軟膏0.12%']],
      [
        { institution: '医療法人 はれやか病院', doctor: '晴山 次郎', department: '内科' },
        ['ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」', 'ランソプラゾールＯＤ錠１５ｍｇ', 'ﾛｷｿﾆﾝ錠60mg'],
      ],
    ]);
  });

  it('shows each line as sent: 1日量 / 1回量, usage, quantity with its unit, days and the last day', () => {
    const [day] = dispensingGroups(entries);
    const lines = day!.prescriptions.flatMap((p) => p.lines);
    const pick = (name: string) => lines.find((l) => l.name === name)!;
    expect(pick('ランソプラゾールＯＤ錠１５ｍｇ')).toMatchObject({
      form: '内服',
      daily: '1.5 錠',
      dose: null,
      usage: '【分１ 朝食後服用】',
      quantity: '21 錠',
      daysSupply: { days: '14', text: '14 日' },
      until: '2024-04-23',
      rp: '1',
      order: 2,
      status: 'active',
    });
    expect(pick('ﾛｷｿﾆﾝ錠60mg')).toMatchObject({
      form: '屯服',
      dose: '1 錠',
      quantity: '10 錠',
      daysSupply: null,
      until: null,
    });
    expect(pick('ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」').usage).toBe('【分１ 朝食後服用】 透析日は透析後に服用');
  });

  it('shows the dispensing’s notes once per group and a drug’s own notes with the drug', () => {
    const [day] = dispensingGroups(entries);
    expect(day?.notes).toEqual(DISPENSING_NOTES.map((n) => n.text));
    const lines = day!.prescriptions.flatMap((p) => p.lines);
    expect(lines.find((l) => l.name.startsWith('ｱﾑﾛ'))?.notes).toEqual(['【薬品補足】一包化']);
    expect(lines.find((l) => l.name.startsWith('ﾛｷ'))?.notes).toEqual([]);
    // One drug: its notes are the dispensing's, shown once the same way.
    const [one] = dispensingGroups([
      otc({ id: 'one', day: '2024-05-01', ...AMLODIPINE, notes: DISPENSING_NOTES }),
    ]);
    expect(one?.notes).toEqual(DISPENSING_NOTES.map((n) => n.text));
    expect(one?.prescriptions[0]?.lines[0]?.notes).toEqual([]);
  });

  it('ORCA 院内: the performer is the clinic; the prescriber is read from the clinic’s own request', () => {
    const request = sourced(
      CLINIC,
      {
        resourceType: 'MedicationRequest',
        id: 'orca.req.1',
        status: 'active',
        requester: { display: '岡山 太郎' },
        medicationCodeableConcept: { text: 'アムロジピンＯＤ錠５ｍｇ「トーワ」' },
      },
      '2024-04-10',
    );
    const dispense = sourced(
      CLINIC,
      {
        resourceType: 'MedicationDispense',
        id: 'orca.disp.1',
        status: 'completed',
        medicationCodeableConcept: { text: 'アムロジピンＯＤ錠５ｍｇ「トーワ」' },
        performer: [{ actor: { display: '岡山内科クリニック' } }],
        authorizingPrescription: [{ reference: 'MedicationRequest/orca.req.1' }],
        quantity: { value: 28, unit: '錠' },
        daysSupply: { value: 28, unit: '日', system: UCUM, code: 'd' },
        whenHandedOver: '2024-04-10',
        dosageInstruction: [{ text: '１日１回朝食後に 28日分' }],
      },
      '2024-04-10',
    );
    const [g] = dispensingGroups([request, dispense]);
    expect(g?.pharmacy).toBe('岡山内科クリニック');
    expect(g?.prescriptions[0]?.prescriber).toEqual({
      institution: '岡山内科クリニック',
      doctor: '岡山 太郎',
      department: null,
    });
    // Another facility's request of the same id is not this dispensing's prescription.
    const other = sourced(HOSPITAL, { ...request.resource, requester: { display: '別人' } }, '2024-04-10');
    expect(
      dispenseLine(dispense, new Map([[`${HOSPITAL.facilityOid}|orca.req.1`, other.resource]]))?.prescriber,
    ).toBeNull();
  });

  it('marks a cancelled dispensing and reads no other resource', () => {
    const cancelled = otc({ id: 'x', day: '2024-04-10', ...AMLODIPINE, status: 'cancelled' });
    expect(dispenseLine(cancelled)?.status).toBe('cancelled');
    expect(dispensingGroups([sourced(CLINIC, { resourceType: 'MedicationRequest', id: 'r' }, null)])).toEqual(
      [],
    );
  });
});

describe('調剤 in 現在の処方', () => {
  const hospitalRx = (day: string, days: number, extra: Record<string, unknown> = {}) =>
    sourced(
      HOSPITAL,
      {
        resourceType: 'MedicationRequest',
        id: `rx-${day}`,
        status: 'active',
        intent: 'order',
        category: [
          {
            coding: [
              { system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCategoryMERIT9_CS', code: 'OHO' },
            ],
          },
        ],
        medicationCodeableConcept: { text: 'アムロジピンＯＤ錠５ｍｇ「トーワ」' },
        authoredOn: day,
        dosageInstruction: [{ timing: { code: { text: '１日１回朝食後' } } }],
        dispenseRequest: { expectedSupplyDuration: { value: days, unit: '日', code: 'd' } },
        ...extra,
      },
      day,
    );

  it('a dispensing is current from D through D+N−1, plus the grace window', () => {
    const d = otc({ id: 'd1', day: '2025-03-01', ...AMLODIPINE, days: 28 });
    const p = dispensePeriod(d)!;
    expect([p.start, p.end, p.assumedEnd]).toEqual(['2025-03-01', '2025-03-28', '2025-03-28']);
    expect(isCurrent(p, '2025-02-28')).toBe(false);
    expect(isCurrent(p, '2025-03-28')).toBe(true);
    expect(isCurrent(p, addDays('2025-03-28', GRACE_DAYS))).toBe(true);
    expect(isCurrent(p, addDays('2025-03-28', GRACE_DAYS + 1))).toBe(false);
    // Without days (頓用・外用): the end is unknown and it counts like a prescription without days.
    const prn = dispensePeriod(
      otc({ id: 'd2', day: '2025-03-01', name: 'ﾛｷｿﾆﾝ錠60mg', form: ['3', '屯服'] }),
    )!;
    expect([prn.end, prn.assumedEnd]).toEqual([null, addDays('2025-03-01', UNKNOWN_SUPPLY_DAYS - 1)]);
    // A cancelled dispensing is never current.
    expect(
      isCurrent(
        dispensePeriod(otc({ id: 'd3', day: '2025-03-01', ...AMLODIPINE, days: 28, status: 'cancelled' }))!,
        '2025-03-10',
      ),
    ).toBe(false);
  });

  it('joins the same drug’s prescription row as a source marked 調剤, never as a 重複投薬', () => {
    const entries = [
      hospitalRx('2025-03-01', 28),
      otc({ id: 'd1', day: '2025-03-01', ...AMLODIPINE, days: 28, daily: { value: 1, unit: '錠' } }),
    ];
    const { current, duplicates } = medicationOverview(entries, '2025-03-10');
    expect(duplicates).toEqual([]);
    expect(current).toHaveLength(1);
    const [m] = current;
    // Half-width kana and full-width letters are the same name (NFKC); the prescription names the row.
    expect(m?.name).toBe('アムロジピンＯＤ錠５ｍｇ「トーワ」');
    expect(m?.duplicate).toBe(false);
    expect(m?.dose).toBe('１日１回朝食後');
    expect(m?.sources.map((s) => [s.facilityName, s.kind, s.pharmacy, s.lastDate, s.endDate])).toEqual([
      ['岡山大学病院', 'prescription', null, '2025-03-01', '2025-03-28'],
      ['はれやか薬局 駅前店', 'dispense', '株式会社 はれやか薬局 駅前店', '2025-03-01', '2025-03-28'],
    ]);
  });

  it('keeps a drug current on its dispensing after the prescription’s own supply has run out', () => {
    // Prescribed 2025-01-06 for 28 days (through 02-02, current through 02-16), dispensed on 2025-02-10
    // for 28 days (through 03-09, current through 03-23).
    const entries = [
      hospitalRx('2025-01-06', 28),
      otc({ id: 'd1', day: '2025-02-10', ...AMLODIPINE, days: 28 }),
    ];
    const [m] = medicationOverview(entries, '2025-03-15').current;
    expect(m?.sources.map((s) => s.kind)).toEqual(['dispense']);
    expect(m?.endDate).toBe('2025-03-09');
    // The course runs back through the prescription (within the grace window).
    expect(m?.startDate).toBe('2025-01-06');
    expect(m?.dose).toBeNull();
    expect(medicationOverview(entries, addDays('2025-03-09', GRACE_DAYS + 1)).current).toEqual([]);
  });

  it('lists a drug known only from a pharmacy, with the pharmacy’s dose', () => {
    const entries = [
      otc({
        id: 'd1',
        day: '2025-03-01',
        ...AMLODIPINE,
        days: 28,
        daily: { value: 1, unit: '錠' },
        text: '【分１ 朝食後服用】',
      }),
    ];
    const [m] = medicationOverview(entries, '2025-03-10').current;
    expect(m?.name).toBe('ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」');
    expect(m?.dose).toBe('1日 1 錠 【分１ 朝食後服用】');
    expect(m?.sources).toEqual([expect.objectContaining({ kind: 'dispense', inHouse: null })]);
  });

  it('merges by the レセ電 code across ORCA, the お薬手帳 and whatever names the drug', () => {
    const orcaRx = sourced(
      CLINIC,
      {
        resourceType: 'MedicationRequest',
        id: 'orca.req.9',
        status: 'active',
        medicationCodeableConcept: {
          coding: [{ system: ORCA_DRUG, code: '622224101' }],
          text: 'アムロジピン錠（別名）',
        },
        authoredOn: '2025-03-01',
        dispenseRequest: { expectedSupplyDuration: { value: 28, unit: '日', code: 'd' } },
      },
      '2025-03-01',
    );
    const entries = [orcaRx, otc({ id: 'd1', day: '2025-03-05', ...AMLODIPINE, days: 28 })];
    const { current } = medicationOverview(entries, '2025-03-10');
    expect(current.map((m) => [m.key, m.sources.length])).toEqual([['RECE9:622224101', 2]]);
  });

  it('does not list a clinic’s 院内 dispensing of its own current prescription as a second source', () => {
    const request = sourced(
      CLINIC,
      {
        resourceType: 'MedicationRequest',
        id: 'orca.req.1',
        status: 'active',
        category: [
          {
            coding: [
              { system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCategoryMERIT9_CS', code: 'OHI' },
            ],
          },
        ],
        medicationCodeableConcept: {
          coding: [{ system: ORCA_DRUG, code: '622224101' }],
          text: 'アムロジピン',
        },
        authoredOn: '2025-03-01',
        dispenseRequest: { expectedSupplyDuration: { value: 28, unit: '日', code: 'd' } },
      },
      '2025-03-01',
    );
    const dispense = sourced(
      CLINIC,
      {
        resourceType: 'MedicationDispense',
        id: 'orca.disp.1',
        status: 'completed',
        medicationCodeableConcept: {
          coding: [{ system: ORCA_DRUG, code: '622224101' }],
          text: 'アムロジピン',
        },
        performer: [{ actor: { display: '岡山内科クリニック' } }],
        authorizingPrescription: [{ reference: 'MedicationRequest/orca.req.1' }],
        daysSupply: { value: 28, unit: '日', code: 'd' },
        whenHandedOver: '2025-03-01',
      },
      '2025-03-01',
    );
    const [m] = medicationOverview([request, dispense], '2025-03-10').current;
    expect(m?.sources.map((s) => [s.kind, s.inHouse])).toEqual([['prescription', true]]);
  });

  it('never counts a claim drug (MedicationStatement) as current', () => {
    const { current } = medicationOverview(
      [ukeStatement({ id: 'uke.202503.1.1.IY1', start: '2025-03-02' })],
      '2025-03-10',
    );
    expect(current).toEqual([]);
  });
});

interface Uke {
  id: string;
  start: string;
  name?: string;
  category?: [string, string];
  setting?: string;
  text?: string;
  comments?: string[];
  institution?: string;
  at?: typeof CLINIC;
}

/** A MedicationStatement as the UKE mapping writes it. */
function ukeStatement(o: Uke): SourcedResource {
  const [code, label] = o.category ?? ['21', '内服'];
  return sourced(
    o.at ?? CLINIC,
    {
      resourceType: 'MedicationStatement',
      id: o.id,
      meta: {
        profile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationStatement'],
        source: 'urn:uke:1331000001:RECEIPTC.UKE',
      },
      status: 'unknown',
      category: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/medication-statement-category',
            code: o.setting ?? 'outpatient',
          },
          { system: 'urn:uke:codesystem:shinryo-shikibetsu', code, display: label },
        ],
        text: label,
      },
      medicationCodeableConcept: {
        coding: [
          { system: UKE_DRUG, code: '620000001', display: o.name ?? 'ロキソプロフェンＮａ錠６０ｍｇ' },
        ],
        text: o.name ?? 'ロキソプロフェンＮａ錠６０ｍｇ',
      },
      effectivePeriod: { start: o.start },
      dateAsserted: '2024-06',
      informationSource: { display: o.institution ?? 'テスト内科クリニック' },
      note: [{ text: CLAIM_NOTE }, ...(o.comments ?? []).map((text) => ({ text }))],
      dosage: [{ text: o.text ?? '内服 1日量 3錠 ×14日分（算定日: 2日×14）' }],
    },
    o.start,
  );
}

describe('レセプト（請求）由来の薬剤', () => {
  it('lists claim drugs by 診療年月 and facility, newest month first, with the claim note once', () => {
    const entries = [
      ukeStatement({ id: 'uke.202406.1.1.IY1', start: '2024-05-02' }),
      ukeStatement({
        id: 'uke.202406.1.1.IY10',
        start: '2024-05-16',
        name: 'モーラステープ２０ｍｇ',
        category: ['23', '外用'],
        text: '外用 1調剤 25ｇ ×1回（算定日: 16日）',
        comments: ['[830100001] 腰痛のため'],
      }),
      ukeStatement({ id: 'uke.202406.1.1.IY2', start: '2024-05-02', name: 'レバミピド錠１００ｍｇ' }),
      ukeStatement({ id: 'uke.202407.1.1.IY1', start: '2024-06-03' }),
      ukeStatement({ id: 'uke.202406.2.1.IY1', start: '2024-05-08', setting: 'inpatient', name: 'ソリタ' }),
    ];
    const groups = claimGroups(entries);
    expect(groups.map((g) => [g.month, g.facilityName, g.institution, g.setting, g.lines.length])).toEqual([
      ['2024-06', '岡山内科クリニック', 'テスト内科クリニック', 'outpatient', 1],
      ['2024-05', '岡山内科クリニック', 'テスト内科クリニック', 'inpatient', 1],
      ['2024-05', '岡山内科クリニック', 'テスト内科クリニック', 'outpatient', 3],
    ]);
    const may = groups[2]!;
    expect(may).toMatchObject({ fromClaim: true, claimNote: CLAIM_NOTE, billedMonth: '2024-06' });
    // Lines in the claim's order (IY1, IY2, IY10), the dosage text as sent, other notes with the drug.
    expect(may.lines.map((l) => [l.name, l.careCategory, l.dosage, l.notes])).toEqual([
      ['ロキソプロフェンＮａ錠６０ｍｇ', '内服', '内服 1日量 3錠 ×14日分（算定日: 2日×14）', []],
      ['レバミピド錠１００ｍｇ', '内服', '内服 1日量 3錠 ×14日分（算定日: 2日×14）', []],
      ['モーラステープ２０ｍｇ', '外用', '外用 1調剤 25ｇ ×1回（算定日: 16日）', ['[830100001] 腰痛のため']],
    ]);
  });

  it('reads an injection’s drug from its contained Medication, and tells claim statements from others', () => {
    const injection = ukeStatement({
      id: 'uke.202406.1.2.IY1',
      start: '2024-05-08',
      category: ['33', 'その他の注射'],
    });
    const r = injection.resource as FhirResource & Record<string, unknown>;
    r.contained = [{ resourceType: 'Medication', id: 'med', code: { text: 'ブドウ糖注射液５％５００ｍＬ' } }];
    r.medicationReference = { reference: '#med' };
    delete r.medicationCodeableConcept;
    const [g] = claimGroups([injection]);
    expect(g?.lines[0]?.name).toBe('ブドウ糖注射液５％５００ｍＬ');
    expect(isClaimStatement(r)).toBe(true);
    const other: FhirResource = { resourceType: 'MedicationStatement', id: 's', status: 'active' };
    expect(isClaimStatement(other)).toBe(false);
    const [og] = claimGroups([sourced(HOSPITAL, other, '2024-05-01')]);
    expect(og).toMatchObject({ month: '2024-05', fromClaim: false, claimNote: null, institution: null });
  });
});
