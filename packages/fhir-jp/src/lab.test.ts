import type { DiagnosticReport, Observation, ServiceRequest, Specimen } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { mapNho } from './testing/samples.js';

describe('OML-11 → Specimen + Observation + DiagnosticReport', () => {
  const r = mapNho('OML-11');
  const obs = r.resources.filter((x): x is Observation => x.resourceType === 'Observation');
  const report = r.resources.find((x): x is DiagnosticReport => x.resourceType === 'DiagnosticReport')!;
  const specimen = r.resources.find((x): x is Specimen => x.resourceType === 'Specimen')!;

  it('maps A/G比 1.7 with its reference range 1.2–2.0', () => {
    const ag = obs[0]!;
    expect(ag.code.coding?.[0]).toEqual({
      system: 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits',
      code: '3A016000002327102',
      display: 'A/G比',
    });
    expect(ag.valueQuantity).toEqual({ value: 1.7 });
    expect(ag.referenceRange?.[0]).toMatchObject({
      low: { value: 1.2 },
      high: { value: 2 },
      text: '1.2-2.0',
    });
    expect(ag.effectiveDateTime).toBe('2011-12-19T15:00:00+09:00');
    expect(ag.status).toBe('final');
    expect(ag.category?.[0]?.coding?.[0]?.code).toBe('laboratory');
  });

  it('maps 総蛋白 7.2 g/dl with a local unit and the JP-CLINS identifier', () => {
    const tp = obs[1]!;
    expect(tp.code.coding?.[0]?.display).toBe('総蛋白');
    expect(tp.valueQuantity).toEqual({
      value: 7.2,
      unit: 'g/dl',
      system: 'urn:ssmix2:1311234567:codesystem:99XYZ',
      code: 'g/dl',
    });
    expect(tp.referenceRange?.[0]?.low?.value).toBe(6.7);
    expect(tp.identifier?.[0]?.value).toBe('000000011000354_E001_023_3A010000002327101');
  });

  it('links the report to its results and specimen, and indexes results by JLAC10 code', () => {
    expect(report.result?.map((x) => x.reference)).toEqual(obs.map((o) => `Observation/${o.id}`));
    expect(report.specimen?.[0]?.reference).toBe(`Specimen/${specimen.id}`);
    expect(report.category?.[0]?.coding?.[0]?.code).toBe('LAB');
    expect(specimen.collection?.collectedDateTime).toBe('2011-12-19T15:00:00+09:00');
    const index = r.entries.filter((e) => e.resource.resourceType === 'Observation').map((e) => e.index);
    expect(index[0]).toMatchObject({
      category: 'lab-result',
      code: '3A016000002327102',
      date: '2011-12-19T15:00:00+09:00',
    });
  });
});

describe('OML-01 → ServiceRequest', () => {
  it('makes one request per OBR with the ordered items as orderDetail and a specimen', () => {
    const r = mapNho('OML-01');
    const orders = r.resources.filter((x): x is ServiceRequest => x.resourceType === 'ServiceRequest');
    expect(orders.map((o) => o.code?.coding?.[0]?.code)).toEqual(['E002', 'E001']);
    expect(orders[0]?.orderDetail?.map((d) => d.coding?.[0]?.code)).toEqual([
      '3A010000002327101',
      '3J010000002327101',
      '3B035000002327201',
      '3B050000002327201',
    ]);
    expect(orders[0]?.orderDetail?.[0]?.coding?.[1]).toMatchObject({ code: '10222', display: 'ＴＰ' });
    expect(orders[0]?.specimen?.[0]?.reference).toMatch(/^Specimen\//);
    expect(r.entries.every((e) => e.index.category === 'lab-order')).toBe(true);
  });
});
