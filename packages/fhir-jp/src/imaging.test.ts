import type { DiagnosticReport, ImagingStudy, Observation, ServiceRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { mapNho } from './testing/samples.js';

describe('OMG-11 (OMI^Z23 with IPC) → ImagingStudy + DiagnosticReport', () => {
  const r = mapNho('OMG-11');
  const studies = r.resources.filter((x): x is ImagingStudy => x.resourceType === 'ImagingStudy');
  const reports = r.resources.filter((x): x is DiagnosticReport => x.resourceType === 'DiagnosticReport');
  it('makes one ImagingStudy per study instance UID with the accession number and modality', () => {
    expect(studies).toHaveLength(1);
    expect(studies[0]?.identifier).toEqual([
      { system: 'urn:dicom:uid', value: 'urn:oid:1.2.392.1114.20045.43233.5.300001' },
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }] },
        value: 'A201112200030001',
      },
    ]);
    expect(studies[0]?.modality?.[0]?.code).toBe('US');
    expect(studies[0]?.started).toBe('2011-12-20');
  });
  it('makes a report per OBR that refers to the study', () => {
    expect(reports).toHaveLength(3);
    expect(reports.every((d) => d.imagingStudy?.[0]?.reference === `ImagingStudy/${studies[0]?.id}`)).toBe(
      true,
    );
    expect(reports[2]?.code.coding?.[0]?.display).toBe('胎児.経皮的超音波検査');
    expect(r.entries.every((e) => e.index.category === 'radiology')).toBe(true);
  });
  it("gives a performed study no conclusion: its OBX are the order's clinical information, not a finding", () => {
    const endoscopy = mapNho('OMG-12').resources.filter(
      (x): x is DiagnosticReport => x.resourceType === 'DiagnosticReport',
    );
    // 臨床病名「胃潰瘍の疑い」 is why the study was ordered; shown as a conclusion it would read as the result.
    expect(endoscopy.map((d) => d.conclusion)).toEqual(endoscopy.map(() => undefined));
    const details = mapNho('OMG-12').resources.filter(
      (x): x is Observation => x.resourceType === 'Observation',
    );
    expect(details.find((o) => o.code.text === '臨床病名')?.valueString).toBe('胃潰瘍の疑い');
  });
});

describe('OMG-13 (ORU^R01) → physiology DiagnosticReport + Observations', () => {
  const r = mapNho('OMG-13');
  const obs = r.resources.filter((x): x is Observation => x.resourceType === 'Observation');
  it('keeps the ECG finding as text and measurements as quantities with OBX-4 sub-IDs', () => {
    expect(obs[0]?.valueString).toBe('心筋虚血疑い');
    expect(obs[1]?.valueQuantity).toEqual({ value: 67, unit: 'bpm' });
    expect(obs[9]?.valueQuantity?.value).toBe(-14);
    expect(obs[1]?.note?.[0]?.text).toBe('OBX-4 sub-ID: 2');
    const dr = r.resources.find((x): x is DiagnosticReport => x.resourceType === 'DiagnosticReport');
    expect(dr?.result).toHaveLength(12);
    expect(dr?.conclusion).toBe('心筋虚血疑い');
    expect(r.entries.every((e) => e.index.category === 'physiology')).toBe(true);
  });
});

describe('OMG-01/02/03 and OMD → ServiceRequest', () => {
  it('maps exam orders with their category and parent order', () => {
    const rad = mapNho('OMG-01').resources as ServiceRequest[];
    expect(rad).toHaveLength(6);
    expect(rad[2]?.requisition?.value).toBe('000201101200100');
    expect(rad[2]?.intent).toBe('instance-order');
    expect(rad[1]?.note?.[0]?.text).toBe('体重: 62 kg');
    expect(mapNho('OMG-02').entries[0]?.index.category).toBe('endoscopy-order');
    expect(mapNho('OMG-03').entries[0]?.index).toMatchObject({ category: 'physiology-order', code: '9A110' });
  });
  it('maps the diet order with its timing and instruction', () => {
    const [diet] = mapNho('OMD').resources as ServiceRequest[];
    expect(diet?.code?.text).toBe('塩分控えめ');
    expect(diet?.occurrenceTiming?.code?.coding?.[0]?.code).toBe('TID');
    expect(diet?.occurrenceTiming?.repeat?.boundsPeriod?.start).toBe('2011-10-16T07:00:00+09:00');
  });
});
