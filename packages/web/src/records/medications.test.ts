import { describe, expect, it } from 'vitest';
import type { SourcedResource } from '../api/types';
import {
  addDays,
  currentMedications,
  GRACE_DAYS,
  medicationOverview,
  prescriptionPeriods,
  UNKNOWN_SUPPLY_DAYS,
} from './medications';

// Requests in the shape packages/fhir-jp writes them (medication.ts): HOT9 drug code, RXE-21 MERIT-9
// categories, TQ1-6 days as expectedSupplyDuration, TQ1-7 start as the PeriodOfUse extension.
const HOT9 = 'http://medis.or.jp/CodeSystem/master-HOT9';
const MERIT9 = 'http://jpfhir.jp/fhir/core/CodeSystem/JP_MedicationCategoryMERIT9_CS';
const YJ = 'http://capstandard.jp/iyaku.info/CodeSystem/YJ-code';
const OUTPATIENT_IN_HOUSE = [
  { coding: [{ system: MERIT9, code: 'OHP', display: '外来処方' }], text: '外来処方' },
  { coding: [{ system: MERIT9, code: 'OHI', display: '院内処方' }], text: '院内処方' },
];
const OUTPATIENT_OUTSIDE = [
  { coding: [{ system: MERIT9, code: 'OHP', display: '外来処方' }] },
  { coding: [{ system: MERIT9, code: 'OHO', display: '院外処方' }] },
];

const CLINIC = { facilityOid: '1.2.392.100495.20.3.41.1331000001', facilityName: '岡山内科クリニック' };
const OUH = { facilityOid: '1.2.392.100495.20.3.41.1331000002', facilityName: '岡山大学病院' };
const KCH = { facilityOid: '1.2.392.100495.20.3.41.1331000003', facilityName: '倉敷中央病院' };

let seq = 0;
interface Rx {
  at: typeof CLINIC;
  day: string;
  days?: number;
  code?: string;
  system?: string;
  name?: string;
  status?: string;
  category?: unknown[];
  profile?: string;
  dose?: number;
  quantity?: number;
  daily?: number;
  usage?: string;
}

function rx(o: Rx): SourcedResource {
  seq += 1;
  const code = o.code ?? '990000101';
  const name = o.name ?? 'メトグルコ錠２５０ｍｇ';
  return {
    facilityOid: o.at.facilityOid,
    facilityName: o.at.facilityName,
    localId: '0000001',
    date: `${o.day}T10:00:00+09:00`,
    resource: {
      resourceType: 'MedicationRequest',
      id: `rx-${seq}`,
      meta: {
        profile: [`http://jpfhir.jp/fhir/core/StructureDefinition/${o.profile ?? 'JP_MedicationRequest'}`],
      },
      status: o.status ?? 'active',
      intent: 'order',
      category: o.category ?? OUTPATIENT_IN_HOUSE,
      medicationCodeableConcept: {
        coding: [{ system: o.system ?? HOT9, code, display: name }],
        text: name,
      },
      authoredOn: `${o.day}T10:00:00+09:00`,
      dosageInstruction: [
        {
          extension: [
            {
              url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_MedicationDosage_PeriodOfUse',
              valuePeriod: { start: o.day },
            },
          ],
          timing: {
            code: { text: o.usage ?? '内服・経口・１日２回朝夕食後' },
            ...(o.days ? { repeat: { boundsDuration: { value: o.days, unit: '日', code: 'd' } } } : {}),
          },
          doseAndRate: [
            {
              doseQuantity: { value: o.dose ?? 1, unit: '錠', code: 'TAB' },
              ...(o.daily
                ? {
                    rateRatio: {
                      numerator: { value: o.daily, unit: '錠', code: 'TAB' },
                      denominator: { value: 1 },
                    },
                  }
                : {}),
            },
          ],
        },
      ],
      ...(o.days || o.quantity
        ? {
            dispenseRequest: {
              ...(o.quantity ? { quantity: { value: o.quantity, unit: '錠', code: 'TAB' } } : {}),
              ...(o.days ? { expectedSupplyDuration: { value: o.days, unit: '日', code: 'd' } } : {}),
            },
          }
        : {}),
    },
  };
}

/** A chronic drug refilled every `every` days for `days` days each, from `first` until before `until`. */
function refills(at: typeof CLINIC, first: string, until: string, every: number, days: number, extra = {}) {
  const out: SourcedResource[] = [];
  for (let d = first; d < until; d = addDays(d, every)) out.push(rx({ at, day: d, days, ...extra }));
  return out;
}

describe('current medications', () => {
  it('keeps a chronic drug current between refills, up to the grace window after the supply ends', () => {
    // 28 days from 2025-01-06: the supply covers through 2025-02-02.
    const entries = [rx({ at: CLINIC, day: '2025-01-06', days: 28 })];
    expect(currentMedications(entries, '2025-02-02')).toHaveLength(1);
    expect(currentMedications(entries, addDays('2025-02-02', GRACE_DAYS))).toHaveLength(1);
    expect(currentMedications(entries, addDays('2025-02-02', GRACE_DAYS + 1))).toHaveLength(0);
    // Not before it starts.
    expect(currentMedications(entries, '2025-01-05')).toHaveLength(0);
  });

  it('a late refill never makes a drug disappear: on every day of five years of 28-day refills (every 35 days) it is current', () => {
    const entries = refills(CLINIC, '2020-04-01', '2025-04-01', 35, 28);
    for (let day = '2020-04-01'; day < '2025-04-01'; day = addDays(day, 1)) {
      expect(
        currentMedications(entries, day).map((m) => m.name),
        day,
      ).toEqual(['メトグルコ錠２５０ｍｇ']);
    }
  });

  it('gives the start of the uninterrupted course, not of the newest refill', () => {
    const entries = [
      rx({ at: CLINIC, day: '2019-01-10', days: 14 }), // an earlier course, ended long before
      ...refills(CLINIC, '2021-06-01', '2025-03-01', 84, 84),
    ];
    const [m] = currentMedications(entries, '2025-03-10');
    expect(m?.startDate).toBe('2021-06-01');
    expect(m?.endDate).toBe(
      addDays('2021-06-01', 84 * Math.ceil(daysFrom('2021-06-01', '2025-03-01') / 84) - 1),
    );
  });

  it('merges the same drug from several facilities into one row listing every source, and flags 重複投薬', () => {
    const entries = [
      rx({ at: CLINIC, day: '2025-03-01', days: 56 }),
      rx({ at: OUH, day: '2025-03-20', days: 28, code: '990000102', category: OUTPATIENT_OUTSIDE }), // other maker: same HOT7
    ];
    const { current, duplicates } = medicationOverview(entries, '2025-04-01');
    expect(current).toHaveLength(1);
    const [m] = current;
    expect(m?.duplicate).toBe(true);
    expect(m?.ingredientCode).toBe('HOT7:9900001');
    expect(m?.sources.map((s) => [s.facilityName, s.lastDate, s.endDate, s.inHouse])).toEqual([
      ['岡山大学病院', '2025-03-20', '2025-04-16', false],
      ['岡山内科クリニック', '2025-03-01', '2025-04-25', true],
    ]);
    expect(duplicates).toEqual([
      expect.objectContaining({
        key: 'HOT7:9900001',
        facilities: expect.arrayContaining([
          { facilityOid: CLINIC.facilityOid, facilityName: CLINIC.facilityName },
          { facilityOid: OUH.facilityOid, facilityName: OUH.facilityName },
        ]),
        from: '2025-03-20',
        to: '2025-04-16',
      }),
    ]);
  });

  it('a hand-over from hospital to family doctor (periods touching, not overlapping) is one row and no duplicate', () => {
    const entries = [
      rx({ at: OUH, day: '2025-02-01', days: 28 }), // through 2025-02-28
      rx({ at: CLINIC, day: '2025-03-01', days: 28 }),
    ];
    const { current, duplicates } = medicationOverview(entries, '2025-03-05');
    expect(current).toHaveLength(1);
    expect(current[0]?.sources).toHaveLength(2);
    expect(current[0]?.duplicate).toBe(false);
    expect(duplicates).toEqual([]);
  });

  it('an early refill at the same facility is not a duplicate', () => {
    const entries = [
      rx({ at: CLINIC, day: '2025-03-01', days: 28 }),
      rx({ at: CLINIC, day: '2025-03-20', days: 28 }),
    ];
    const { current, duplicates } = medicationOverview(entries, '2025-03-25');
    expect(current[0]?.duplicate).toBe(false);
    expect(current[0]?.sources).toEqual([
      expect.objectContaining({
        facilityName: '岡山内科クリニック',
        lastDate: '2025-03-20',
        endDate: '2025-04-16',
      }),
    ]);
    expect(duplicates).toEqual([]);
  });

  it('flags the same ingredient in different products (YJ first 7 characters) as a duplicate, in two rows', () => {
    const entries = [
      rx({
        at: CLINIC,
        day: '2025-03-01',
        days: 30,
        system: YJ,
        code: '2149039F1030',
        name: 'アムロジン錠５ｍｇ',
      }),
      rx({
        at: KCH,
        day: '2025-03-10',
        days: 30,
        system: YJ,
        code: '2149039F2029',
        name: 'ノルバスク錠１０ｍｇ',
      }),
    ];
    const { current, duplicates } = medicationOverview(entries, '2025-03-15');
    expect(current.map((m) => [m.name, m.ingredientCode, m.duplicate])).toEqual([
      ['アムロジン錠５ｍｇ', 'YJ7:2149039', true],
      ['ノルバスク錠１０ｍｇ', 'YJ7:2149039', true],
    ]);
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]?.names.sort()).toEqual(['アムロジン錠５ｍｇ', 'ノルバスク錠１０ｍｇ']);
  });

  it('different ingredients at two facilities at once are no duplicate', () => {
    const entries = [
      rx({ at: CLINIC, day: '2025-03-01', days: 30 }),
      rx({ at: OUH, day: '2025-03-01', days: 30, code: '990000301', name: 'アマリール１ｍｇ錠' }),
    ];
    const { current, duplicates } = medicationOverview(entries, '2025-03-10');
    expect(current).toHaveLength(2);
    expect(current.every((m) => !m.duplicate)).toBe(true);
    expect(duplicates).toEqual([]);
  });

  it('merges facility-local codes by name only, never by a local code that means something else elsewhere', () => {
    const local = (at: typeof CLINIC) => `urn:ssmix2:${at.facilityOid.slice(-10)}:codesystem:99YAK`;
    const entries = [
      rx({
        at: CLINIC,
        day: '2025-03-01',
        days: 30,
        system: local(CLINIC),
        code: 'A1',
        name: 'ビオフェルミン錠剤',
      }),
      rx({
        at: OUH,
        day: '2025-03-02',
        days: 30,
        system: local(OUH),
        code: 'B7',
        name: 'ビオフェルミン錠剤',
      }),
      rx({
        at: KCH,
        day: '2025-03-03',
        days: 30,
        system: local(KCH),
        code: 'A1',
        name: 'マイスリー錠５ｍｇ',
      }),
    ];
    const current = currentMedications(entries, '2025-03-10');
    expect(current.map((m) => [m.name, m.sources.length, m.duplicate])).toEqual([
      ['ビオフェルミン錠剤', 2, true],
      ['マイスリー錠５ｍｇ', 1, false],
    ]);
  });

  it('never lists stopped, cancelled or entered-in-error prescriptions, nor injections, as current', () => {
    const entries = [
      rx({ at: CLINIC, day: '2025-03-01', days: 30, status: 'stopped' }),
      rx({
        at: OUH,
        day: '2025-03-01',
        days: 30,
        status: 'cancelled',
        code: '990000201',
        name: 'ジャヌビア錠５０ｍｇ',
      }),
      rx({
        at: OUH,
        day: '2025-03-01',
        days: 30,
        status: 'entered-in-error',
        code: '990000301',
        name: 'アマリール１ｍｇ錠',
      }),
      rx({
        at: OUH,
        day: '2025-03-01',
        days: 30,
        status: 'on-hold',
        code: '990000401',
        name: 'リピトール錠１０ｍｇ',
      }),
      rx({
        at: OUH,
        day: '2025-03-09',
        days: 1,
        profile: 'JP_MedicationRequest_Injection',
        code: '620007329',
        name: 'ソリタ－Ｔ３号輸液５００ｍＬ',
      }),
    ];
    expect(currentMedications(entries, '2025-03-10')).toEqual([]);
    // …and a stopped prescription at one facility does not make another's a duplicate.
    const withActive = [...entries, rx({ at: KCH, day: '2025-03-05', days: 30 })];
    expect(currentMedications(withActive, '2025-03-10').map((m) => [m.name, m.duplicate])).toEqual([
      ['メトグルコ錠２５０ｍｇ', false],
    ]);
  });

  it(`counts 頓用・外用 without days as taken for ${UNKNOWN_SUPPLY_DAYS} days, with the end unknown`, () => {
    const entries = [
      rx({ at: CLINIC, day: '2025-03-01', usage: '疼痛時', name: 'ロキソニン錠６０ｍｇ', code: '100988001' }),
    ];
    const [m] = currentMedications(entries, addDays('2025-03-01', UNKNOWN_SUPPLY_DAYS - 1 + GRACE_DAYS));
    expect(m).toEqual(expect.objectContaining({ name: 'ロキソニン錠６０ｍｇ', endDate: null }));
    expect(m?.sources[0]?.endDate).toBeNull();
    expect(currentMedications(entries, addDays('2025-03-01', UNKNOWN_SUPPLY_DAYS + GRACE_DAYS))).toEqual([]);
  });

  it('derives the days from the quantity and the daily dose when the source gives no days', () => {
    // 90 tablets, 3 a day: 30 days from 2025-03-01, through 2025-03-30.
    const [p] = prescriptionPeriods([rx({ at: CLINIC, day: '2025-03-01', quantity: 90, daily: 3 })]);
    expect(p?.end).toBe('2025-03-30');
  });

  it('shows each facility’s dose when they differ (a conflict is never hidden)', () => {
    const entries = [
      rx({ at: CLINIC, day: '2025-03-01', days: 30, dose: 1 }),
      rx({ at: OUH, day: '2025-03-05', days: 30, dose: 2 }),
    ];
    const [m] = currentMedications(entries, '2025-03-10');
    expect(m?.dose).toBe(
      '2 錠 内服・経口・１日２回朝夕食後（岡山大学病院） ／ 1 錠 内服・経口・１日２回朝夕食後（岡山内科クリニック）',
    );
    const same = currentMedications([rx({ at: CLINIC, day: '2025-03-01', days: 30 })], '2025-03-10');
    expect(same[0]?.dose).toBe('1 錠 内服・経口・１日２回朝夕食後');
  });

  it('reads 院内 / 院外 from the MERIT-9 category (OHI, OHO; inpatient orders are dispensed in-house)', () => {
    const periods = prescriptionPeriods([
      rx({ at: CLINIC, day: '2025-03-01', days: 7 }),
      rx({ at: CLINIC, day: '2025-03-01', days: 7, category: OUTPATIENT_OUTSIDE }),
      rx({
        at: CLINIC,
        day: '2025-03-01',
        days: 7,
        category: [{ coding: [{ system: MERIT9, code: 'IHP' }] }],
      }),
      rx({ at: CLINIC, day: '2025-03-01', days: 7, category: [] }),
    ]);
    expect(periods.map((p) => [p.inHouse, p.setting])).toEqual([
      [true, 'outpatient'],
      [false, 'outpatient'],
      [true, 'inpatient'],
      [null, null],
    ]);
  });

  it('lists duplicates first, then by name', () => {
    const entries = [
      rx({ at: CLINIC, day: '2025-03-01', days: 30, code: '990000301', name: 'アマリール１ｍｇ錠' }),
      rx({ at: CLINIC, day: '2025-03-01', days: 30 }),
      rx({ at: OUH, day: '2025-03-01', days: 30 }),
    ];
    expect(currentMedications(entries, '2025-03-10').map((m) => m.name)).toEqual([
      'メトグルコ錠２５０ｍｇ',
      'アマリール１ｍｇ錠',
    ]);
  });
});

function daysFrom(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
}
