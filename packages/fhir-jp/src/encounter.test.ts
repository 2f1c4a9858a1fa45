import { parseHl7 } from '@hie/hl7v2';
import type { Encounter } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { FACILITY, loadSamples, mapNho, mapValid, NHO, SYNTHETIC } from './testing/samples.js';

const encounter = (type: string) => mapNho(type).resources[0] as Encounter;

/** The NHO sample of `type` with some PV1 fields replaced, re-parsed and mapped. */
function editedPv1(type: string, fields: Record<number, string>) {
  const s = loadSamples(NHO).find((x) => x.fileName.dataType === type)!;
  const text = s.message
    .toString()
    .split('\r')
    .map((line) => {
      if (!line.startsWith('PV1|')) return line;
      const parts = line.split('|');
      for (const [n, v] of Object.entries(fields)) {
        while (parts.length <= Number(n)) parts.push('');
        parts[Number(n)] = v;
      }
      return parts.join('|');
    })
    .join('\r');
  const parsed = parseHl7(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return mapValid(parsed.message, { fileName: s.fileName, facility: FACILITY });
}

describe('ADT events → Encounter', () => {
  it('ADT-22 admission: inpatient, in progress, admitted at PV1-44, department 01 内科, bed 32-302-1', () => {
    const e = encounter('ADT-22');
    expect(e.class).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
      code: 'IMP',
      display: 'inpatient encounter',
    });
    expect(e.status).toBe('in-progress');
    expect(e.period).toEqual({ start: '2011-11-20T16:00:00+09:00' });
    expect(e.serviceType?.coding?.[0]).toEqual({
      system: 'http://jami.jp/SS-MIX2/CodeSystem/ClinicalDepartment',
      code: '01',
      display: '内科',
    });
    expect(e.location?.map((l) => [l.physicalType?.coding?.[0]?.code, l.location.display, l.status])).toEqual(
      [
        ['wa', '32', 'active'],
        ['ro', '302', 'active'],
        ['bd', '1', 'active'],
      ],
    );
    expect(e.participant?.[0]?.individual).toEqual({ display: '医師一郎', identifier: { value: 'ishi01' } });
  });
  it('ADT-42 transfer keeps the prior bed; ADT-52 discharge is finished at PV1-45', () => {
    const t = encounter('ADT-42');
    expect(t.location?.map((l) => [l.physicalType?.coding?.[0]?.code, l.location.display, l.status])).toEqual(
      [
        ['wa', '32', 'active'],
        ['ro', '305', 'active'],
        ['bd', '1', 'active'],
        ['wa', '32', 'completed'],
        ['ro', '302', 'completed'],
        ['bd', '1', 'completed'],
      ],
    );
    // No PV1-44 in this message: the stay's admission is not known from it (the transfer time is
    // the entry's date, not the stay's start).
    expect(t.period).toBeUndefined();
    // The move's time (EVN-6) is the new place's start and the old place's end.
    expect(t.location?.map((l) => l.period)).toEqual([
      ...Array(3).fill({ start: '2011-12-20T20:00:00+09:00' }),
      ...Array(3).fill({ end: '2011-12-20T20:00:00+09:00' }),
    ]);
    expect(mapNho('ADT-42').entries[0]?.index).toMatchObject({
      category: 'transfer',
      date: '2011-12-20T20:00:00+09:00',
    });
    const d = encounter('ADT-52');
    expect(d.status).toBe('finished');
    expect(d.period?.end).toBe('2011-12-20T12:00:00+09:00');
    expect(mapNho('ADT-52').entries[0]?.index.category).toBe('discharge');
  });
  it('an outpatient clinic place is one location; PV1-19 is the visit number; PL-9 names the ward', () => {
    const s = loadSamples(SYNTHETIC).find((x) => x.fileName.dataType === 'ADT-12')!;
    const visit = mapValid(s.message, { fileName: s.fileName, facility: FACILITY }).resources[0] as Encounter;
    expect(visit.location).toEqual([{ location: { display: '107' }, status: 'active' }]);
    const withVisit = editedPv1('ADT-22', { 3: '32^302^1^^^N^^^3階東病棟', 19: 'V0042' });
    const e = withVisit.resources[0] as Encounter;
    expect(e.identifier).toEqual([
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'VN' }] },
        value: 'V0042',
      },
    ]);
    expect(e.location?.[0]?.location).toEqual({ display: '3階東病棟', identifier: { value: '32' } });
  });
  it('a leave (ADT-31) and the return (ADT-32) keep their time in the status history, not the period', () => {
    const nho = loadSamples(NHO).find((x) => x.fileName.dataType === 'ADT-42')!;
    const as = (dataType: string) =>
      mapValid(nho.message, { fileName: { ...nho.fileName, dataType }, facility: FACILITY })
        .resources[0] as Encounter;
    const out = as('ADT-31');
    expect(out.status).toBe('onleave');
    expect(out.statusHistory).toEqual([
      { status: 'onleave', period: { start: '2011-12-20T20:00:00+09:00' } },
    ]);
    expect(out.period).toBeUndefined();
    expect(as('ADT-32').statusHistory).toEqual([
      { status: 'onleave', period: { end: '2011-12-20T20:00:00+09:00' } },
    ]);
  });
  it('a planned admission (ADT-21) starts at its expected admission, PV2-8', () => {
    const nho = loadSamples(NHO).find((x) => x.fileName.dataType === 'ADT-22')!;
    const text = nho.message
      .toString()
      .replace('ADT^A01^ADT_A01', 'ADT^A14^ADT_A05')
      .replace(/\r?$/, '\rPV2||||||||201111251000\r');
    const parsed = parseHl7(text);
    if (!parsed.ok) throw new Error(parsed.error.message);
    const e = mapValid(parsed.message, {
      fileName: { ...nho.fileName, dataType: 'ADT-21' },
      facility: FACILITY,
    }).resources[0] as Encounter;
    expect(e.status).toBe('planned');
    expect(e.period?.start).toBe('2011-11-25T10:00:00+09:00');
    expect(e.location?.[0]?.status).toBe('planned');
  });
  it('ADT-12 (synthetic) outpatient visit: ambulatory, arrived, department from PV1-10', () => {
    const s = loadSamples(SYNTHETIC).find((x) => x.fileName.dataType === 'ADT-12')!;
    const r = mapValid(s.message, { fileName: s.fileName, facility: FACILITY });
    const e = r.resources[0] as Encounter;
    expect(e.class?.code).toBe('AMB');
    expect(e.status).toBe('arrived');
    expect(e.period?.start).toBe('2024-03-01T07:35:01+09:00');
    expect(e.serviceType?.coding?.[0]?.code).toBe('107');
    expect(r.entries[0]?.index.category).toBe('outpatient-visit');
  });
});
