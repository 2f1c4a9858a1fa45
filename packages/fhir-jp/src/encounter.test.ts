import type { Encounter } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { FACILITY, loadSamples, mapNho, mapValid, SYNTHETIC } from './testing/samples.js';

const encounter = (type: string) => mapNho(type).resources[0] as Encounter;

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
    expect(e.location?.[0]).toEqual({ location: { display: '32-302-1' }, status: 'active' });
    expect(e.participant?.[0]?.individual).toEqual({ display: '医師一郎', identifier: { value: 'ishi01' } });
  });
  it('ADT-42 transfer keeps the prior bed; ADT-52 discharge is finished at PV1-45', () => {
    const t = encounter('ADT-42');
    expect(t.location?.map((l) => [l.location.display, l.status])).toEqual([
      ['32-305-1', 'active'],
      ['32-302-1', 'completed'],
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
