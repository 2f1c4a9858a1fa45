import { describe, expect, it } from 'vitest';
import type { SourcedResource } from '../api/types';
import { type Place, stayLength, staysOf, visitsOf } from './stays';

const OUH = { facilityOid: '1.2.392.100495.20.3.11.1319800011', facilityName: '岡山大学病院' };
const KCH = { facilityOid: '1.2.392.100495.20.3.11.1310210012', facilityName: '倉敷中央病院' };
type Facility = typeof OUH;

const LABELS = {
  'ADT-12': ['外来診察受付', 'arrived', 'AMB', 'outpatient-visit'],
  'ADT-21': ['入院予定', 'planned', 'IMP', 'admission'],
  'ADT-22': ['入院実施', 'in-progress', 'IMP', 'admission'],
  'ADT-31': ['外出泊実施', 'onleave', 'IMP', 'leave'],
  'ADT-32': ['外出泊帰院実施', 'in-progress', 'IMP', 'leave'],
  'ADT-41': ['転科・転棟予定', 'in-progress', 'IMP', 'transfer'],
  'ADT-42': ['転科・転棟実施', 'in-progress', 'IMP', 'transfer'],
  'ADT-51': ['退院予定', 'in-progress', 'IMP', 'discharge'],
  'ADT-52': ['退院実施', 'finished', 'IMP', 'discharge'],
} as const;

const DEPARTMENTS: Record<string, string> = { '01': '内科', '10': '外科', '08': '循環器科' };

/** Ward place as fhir-jp writes PV1-3 / PV1-6 (ward, room, bed). */
const ward = (w: string, room: string, bed: string, status: string) =>
  (
    [
      ['wa', w],
      ['ro', room],
      ['bd', bed],
    ] as const
  ).map(([code, display]) => ({
    location: { display, identifier: { value: display } },
    status,
    physicalType: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code }],
    },
  }));

let n = 0;
/**
 * An Encounter entry the way the hub answers one ADT message: the resource as fhir-jp maps it (the
 * stay's period; a transfer's time on its location, a leave's in the status history) and the hub's
 * date, which is the period's start (hub viewing/merge.ts careDate) — not the event's own time.
 */
function adt(
  type: keyof typeof LABELS,
  o: {
    at: string;
    facility?: Facility;
    admit?: string;
    end?: string;
    dept?: string;
    bed?: [string, string, string];
    prior?: [string, string, string];
    visitNumber?: string;
  },
): SourcedResource {
  const [label, status, cls, category] = LABELS[type];
  const dept = o.dept ?? '01';
  const bed = o.bed ?? ['31', '307', '4'];
  const id = `p1.${o.at.slice(0, 10)}.${type}.${++n}`;
  const admit = o.admit ?? (['ADT-12', 'ADT-21', 'ADT-22'].includes(type) ? o.at : undefined);
  const moved = type === 'ADT-41' || type === 'ADT-42';
  const place = (p: [string, string, string], s: string, period?: { start?: string; end?: string }) =>
    ward(...p, s).map((l) => (period ? { ...l, period } : l));
  return {
    ...(o.facility ?? OUH),
    localId: 'p1',
    date: admit ?? o.end ?? null,
    category,
    resource: {
      resourceType: 'Encounter',
      id,
      status,
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: cls },
      type: [{ text: label }],
      serviceType: {
        coding: [
          {
            system: 'http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment',
            code: dept,
            display: DEPARTMENTS[dept],
          },
        ],
        text: DEPARTMENTS[dept],
      },
      ...(o.visitNumber
        ? { identifier: [{ type: { coding: [{ code: 'VN' }] }, value: o.visitNumber }] }
        : {}),
      ...(type === 'ADT-31' ? { statusHistory: [{ status: 'onleave', period: { start: o.at } }] } : {}),
      ...(type === 'ADT-32' ? { statusHistory: [{ status: 'onleave', period: { end: o.at } }] } : {}),
      ...(admit || o.end
        ? { period: { ...(admit ? { start: admit } : {}), ...(o.end ? { end: o.end } : {}) } }
        : {}),
      participant: [{ type: [{ coding: [{ code: 'ATND' }] }], individual: { display: '岡山 一郎' } }],
      location:
        cls === 'AMB'
          ? [{ location: { display: dept }, status: 'active' }]
          : [
              ...place(
                bed,
                status === 'planned' || type === 'ADT-41' ? 'planned' : 'active',
                moved ? { start: o.at } : undefined,
              ),
              ...(o.prior
                ? place(
                    o.prior,
                    type === 'ADT-41' ? 'active' : 'completed',
                    type === 'ADT-42' ? { end: o.at } : undefined,
                  )
                : []),
            ],
    },
  };
}

/** Any other record (a lab result, a prescription …) of a facility at a time. */
function record(category: string, at: string, facility: Facility = OUH): SourcedResource {
  return {
    ...facility,
    localId: 'p1',
    date: at,
    category,
    resource: {
      resourceType: category === 'prescription' ? 'MedicationRequest' : 'Observation',
      id: `r${++n}`,
    },
  };
}

const ADMIT = '2023-08-03T09:20:00+09:00';
/** The four messages of one planned stay at 岡山大学病院, as the generator files them. */
const oneStay = () => [
  adt('ADT-21', { at: ADMIT, admit: ADMIT }),
  adt('ADT-22', { at: ADMIT, admit: ADMIT }),
  adt('ADT-51', { at: '2023-08-15', admit: ADMIT, end: '2023-08-15' }),
  adt('ADT-52', { at: '2023-08-15T11:02:00+09:00', admit: ADMIT, end: '2023-08-15T11:02:00+09:00' }),
];

describe('stays (入退院)', () => {
  it("an admission's four messages (予定/実施 × 入院/退院) are one stay with both dates", () => {
    const stays = staysOf(oneStay());
    expect(stays).toHaveLength(1);
    const [stay] = stays;
    expect(stay).toMatchObject({
      facilityName: '岡山大学病院',
      status: 'discharged',
      admitted: ADMIT,
      plannedAdmission: ADMIT,
      discharged: '2023-08-15T11:02:00+09:00',
      departments: ['内科'],
      doctor: '岡山 一郎',
      events: [],
    });
    expect(stay?.places).toEqual([{ ward: '31', room: '307', bed: '4' } satisfies Place]);
    expect(stay?.entries).toHaveLength(4);
    // 8/3 → 8/15: 12 nights, 13 days (the day of admission is day 1).
    expect(stayLength(stay!)).toEqual({ nights: 12, days: 13, ongoing: false });
  });

  it('in whatever order the messages come', () => {
    const stays = staysOf([...oneStay()].reverse());
    expect(stays).toHaveLength(1);
    expect(stays[0]?.admitted).toBe(ADMIT);
  });

  it('a planned admission that never happened stays visible, as planned', () => {
    const planned = '2026-12-20T10:00:00+09:00';
    const stays = staysOf([...oneStay(), adt('ADT-21', { at: planned, admit: planned, dept: '10' })]);
    expect(stays).toHaveLength(2);
    const [next, past] = stays;
    expect(next).toMatchObject({
      status: 'planned',
      admitted: null,
      plannedAdmission: planned,
      discharged: null,
      departments: ['外科'],
    });
    expect(stayLength(next!)).toBeNull();
    expect(past?.status).toBe('discharged');
  });

  it('a patient still in hospital: 入院中, counted up to today, with the planned discharge', () => {
    const [stay] = staysOf([
      adt('ADT-22', { at: ADMIT, admit: ADMIT }),
      adt('ADT-51', { at: '2023-08-20', admit: ADMIT, end: '2023-08-20' }),
    ]);
    expect(stay).toMatchObject({ status: 'admitted', discharged: null, plannedDischarge: '2023-08-20' });
    expect(stayLength(stay!, '2023-08-10')).toEqual({ nights: 7, days: 8, ongoing: true });
  });

  it('nests transfers (転科・転棟) and leaves (外出・外泊) under their stay, also when a message names no admission', () => {
    const stays = staysOf([
      ...oneStay(),
      // As in the NHO sample: the planned and the actual transfer without PV1-44.
      adt('ADT-41', {
        at: '2023-08-07T10:30:00+09:00',
        bed: ['42', '421', '1'],
        prior: ['31', '307', '4'],
        dept: '10',
      }),
      adt('ADT-42', {
        at: '2023-08-07T10:30:00+09:00',
        bed: ['42', '421', '1'],
        prior: ['31', '307', '4'],
        dept: '10',
      }),
      adt('ADT-31', { at: '2023-08-10T15:28:00+09:00', admit: ADMIT, bed: ['42', '421', '1'] }),
      adt('ADT-32', { at: '2023-08-11T16:48:00+09:00', admit: ADMIT, bed: ['42', '421', '1'] }),
    ]);
    expect(stays).toHaveLength(1);
    const stay = stays[0]!;
    expect(stay.entries).toHaveLength(8);
    expect(stay.departments).toEqual(['内科', '外科']);
    expect(stay.places.map((p) => p.ward)).toEqual(['31', '42']);
    expect(stay.events).toEqual([
      {
        kind: 'transfer',
        planned: false,
        at: '2023-08-07T10:30:00+09:00',
        returned: null,
        from: { ward: '31', room: '307', bed: '4' },
        to: { ward: '42', room: '421', bed: '1' },
        fromDepartment: '内科',
        toDepartment: '外科',
      },
      {
        kind: 'leave',
        planned: false,
        at: '2023-08-10T15:28:00+09:00',
        returned: '2023-08-11T16:48:00+09:00',
        from: null,
        to: null,
        fromDepartment: null,
        toDepartment: null,
      },
    ]);
  });

  it('a room change (転室) within the ward is a new place of the stay; a bed change is not', () => {
    const [stay] = staysOf([
      ...oneStay(),
      adt('ADT-42', {
        at: '2023-08-05T10:00:00+09:00',
        admit: ADMIT,
        bed: ['31', '301', '2'],
        prior: ['31', '307', '4'],
      }),
      adt('ADT-42', {
        at: '2023-08-09T10:00:00+09:00',
        admit: ADMIT,
        bed: ['31', '301', '3'],
        prior: ['31', '301', '2'],
      }),
    ]);
    expect(stay?.places.map((p) => `${p.ward}-${p.room}`)).toEqual(['31-307', '31-301']);
    expect(stay?.events.map((e) => [e.kind, e.at, e.to?.bed])).toEqual([
      ['transfer', '2023-08-05T10:00:00+09:00', '2'],
      ['transfer', '2023-08-09T10:00:00+09:00', '3'],
    ]);
  });

  it('a planned transfer not carried out stays visible as planned', () => {
    const [stay] = staysOf([
      ...oneStay(),
      adt('ADT-41', { at: '2023-08-09T10:00:00+09:00', bed: ['42', '421', '1'], prior: ['31', '307', '4'] }),
    ]);
    expect(stay?.events).toMatchObject([{ kind: 'transfer', planned: true }]);
    expect(stay?.places.map((p) => p.ward)).toEqual(['31']);
  });

  it('keeps stays of different facilities apart, and ties messages by visit number when there is one', () => {
    const stays = staysOf([
      ...oneStay(),
      adt('ADT-22', { at: ADMIT, admit: ADMIT, facility: KCH, visitNumber: 'V1' }),
      // The same visit number, the admission day written differently: still the same stay.
      adt('ADT-52', {
        at: '2023-08-05T10:00:00+09:00',
        admit: '2023-08-03',
        end: '2023-08-05T10:00:00+09:00',
        facility: KCH,
        visitNumber: 'V1',
      }),
    ]);
    const summary = stays.map((s) => `${s.facilityName} ${s.status} ${s.entries.length}`).sort();
    expect(summary).toEqual(['倉敷中央病院 discharged 2', '岡山大学病院 discharged 4']);
  });

  it('a discharge without an admission in view still makes a stay (admission unknown), never dropped', () => {
    const [stay] = staysOf([
      adt('ADT-52', { at: '2023-08-15T11:02:00+09:00', end: '2023-08-15T11:02:00+09:00' }),
    ]);
    expect(stay).toMatchObject({
      status: 'discharged',
      admitted: null,
      discharged: '2023-08-15T11:02:00+09:00',
    });
    expect(stayLength(stay!)).toBeNull();
  });
});

describe('visits (受診歴)', () => {
  const visitDay = '2023-07-20T08:40:00+09:00';
  const entries = () => [
    adt('ADT-12', { at: visitDay, admit: visitDay, dept: '01' }),
    record('lab-result', '2023-07-20T09:10:00+09:00'),
    record('prescription', '2023-07-20T10:00:00+09:00'),
    ...oneStay(),
    // Every inpatient day has results and drugs.
    ...Array.from({ length: 12 }, (_, i) =>
      record('lab-result', `2023-08-${String(4 + i).padStart(2, '0')}T06:30:00+09:00`),
    ),
    ...Array.from({ length: 12 }, (_, i) =>
      record('injection', `2023-08-${String(3 + i).padStart(2, '0')}T10:00:00+09:00`),
    ),
  ];

  it('inpatient days are not outpatient visits: one visit row, one stay row', () => {
    const rows = visitsOf(entries(), '2026-12-06');
    expect(rows.map((r) => [r.kind, r.day, r.endDay, r.departments, r.kinds])).toEqual([
      ['stay', '2023-08-03', '2023-08-15', ['内科'], ['lab-result', 'injection']],
      ['outpatient', '2023-07-20', null, ['内科'], ['lab-result', 'prescription']],
    ]);
  });

  it('an outpatient visit on the day of an emergency admission stays a visit; records go by time', () => {
    const admit = '2023-09-01T14:00:00+09:00';
    const rows = visitsOf(
      [
        adt('ADT-12', { at: '2023-09-01T09:00:00+09:00', admit: '2023-09-01T09:00:00+09:00', dept: '08' }),
        record('physiology', '2023-09-01T09:30:00+09:00'),
        adt('ADT-22', { at: admit, admit, dept: '08' }),
        record('injection', '2023-09-01T15:00:00+09:00'),
      ],
      '2023-09-03',
    );
    expect(rows.map((r) => [r.kind, r.day, r.endDay, r.kinds])).toEqual([
      ['outpatient', '2023-09-01', null, ['physiology']],
      ['stay', '2023-09-01', null, ['injection']],
    ]);
  });

  it('a day with results but no reception and no stay is its own row; a document alone is not a visit', () => {
    const rows = visitsOf(
      [
        record('endoscopy', '2023-10-02T10:00:00+09:00', KCH),
        record('document', '2023-10-05T10:00:00+09:00', KCH),
      ],
      '2023-12-01',
    );
    expect(rows.map((r) => [r.kind, r.day, r.facilityName, r.kinds])).toEqual([
      ['records', '2023-10-02', '倉敷中央病院', ['endoscopy']],
    ]);
  });

  it('a planned admission is not a visit', () => {
    const planned = '2026-12-20T10:00:00+09:00';
    expect(visitsOf([adt('ADT-21', { at: planned, admit: planned })], '2026-12-06')).toEqual([]);
  });

  it('one row per facility and day, with every department seen that day', () => {
    const rows = visitsOf([
      adt('ADT-12', { at: '2023-07-20T08:40:00+09:00', dept: '01' }),
      adt('ADT-12', { at: '2023-07-20T10:40:00+09:00', dept: '08' }),
      adt('ADT-12', { at: '2023-07-20T09:00:00+09:00', dept: '01', facility: KCH }),
    ]);
    expect(rows.map((r) => [r.facilityName, r.departments])).toEqual([
      ['岡山大学病院', ['内科', '循環器科']],
      ['倉敷中央病院', ['内科']],
    ]);
  });
});
