import { flagOf, JLAC10_SYSTEM, resultValue, testOf } from '@hie/contract';
import { ID_PATTERN, keyPrefix } from '@hie/fhir-jp';
import type { DiagnosticReport, Observation, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { fhirValidator } from '../../../../fhir-jp/src/testing/fhir-schema.js';
import { LAB_CSV_LAYOUTS, type LabCsvResult, readLabCsv } from './csv.js';
import { mapLabCsvResult } from './csv-map.js';
import { CLINIC, encode, exampleCsv } from './testing.js';

const file = 'kensa-20240212.csv';
const sender = 'kensa-01';

function results(): LabCsvResult[] {
  const r = readLabCsv(encode(exampleCsv(), 'Shift_JIS'), LAB_CSV_LAYOUTS['example-kensa-v1']!, file);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.results;
}
function mapped(result: LabCsvResult) {
  const r = mapLabCsvResult(result, CLINIC, file, sender);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.batch;
}
const resources = <T extends Resource>(batch: ReturnType<typeof mapped>, type: T['resourceType']) =>
  batch.entries.map((e) => e.resource).filter((x): x is T => x.resourceType === type);

describe('mapLabCsvResult', () => {
  const [a100, b200] = results();
  const batch = mapped(a100!);
  const observations = resources<Observation>(batch, 'Observation');
  const [creatinine, protein, crp] = observations;

  it('maps each item to a lab Observation and the order to a DiagnosticReport of the patient', () => {
    expect(batch.entries.map((e) => e.resource.resourceType)).toEqual([
      'Observation',
      'Observation',
      'Observation',
      'DiagnosticReport',
    ]);
    for (const e of batch.entries) {
      expect(e.index).toMatchObject({ patientId: '0001000052', date: '2024-02-12T09:15:00+09:00' });
      expect(e.index.id).toMatch(ID_PATTERN);
      expect((e.resource as Observation).subject?.reference).toBe('Patient/0001000052.ADT-00');
    }
    expect(creatinine?.category?.[0]?.coding?.[0]).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/observation-category',
      code: 'laboratory',
    });
    const report = resources<DiagnosticReport>(batch, 'DiagnosticReport')[0]!;
    expect(report.result?.map((x) => x.reference)).toEqual(observations.map((o) => `Observation/${o.id}`));
    expect(report.category?.[0]?.coding?.[0]?.code).toBe('LAB');
  });

  it('files under the same SS-MIX2 key an OUL^R22 of the order would use, replacing it whole', () => {
    const prefix = keyPrefix({
      patientId: '0001000052',
      careDate: '20240212',
      dataType: 'OML-11',
      orderNo: 'A100',
    });
    expect(batch).toMatchObject({
      recordKey: 'lab:kensa-01:A100',
      origin: `lab:${file}`,
      replacePrefixes: [prefix],
      deleteIds: [],
    });
    for (const e of batch.entries) expect(e.index.id.startsWith(prefix)).toBe(true);
  });

  it('codes an item in JLAC10 first (the indexed code), then the lab centre’s code', () => {
    expect(creatinine?.code).toEqual({
      coding: [
        { system: JLAC10_SYSTEM, code: '3C015000002327101', display: 'クレアチニン' },
        { system: 'urn:hie:lab:kensa-01:codesystem:item', code: 'K0012', display: 'クレアチニン' },
      ],
      text: 'クレアチニン',
    });
    expect(batch.entries[0]?.index).toMatchObject({
      category: 'lab-result',
      code: '3C015000002327101',
      codeSystem: JLAC10_SYSTEM,
    });
    expect(testOf(creatinine!).jlac10).toBe('3C015000002327101');
  });

  it('keeps the value as sent: 1.50 stays 1.50, with its unit', () => {
    expect(creatinine?.valueQuantity).toEqual({
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/originalText', valueString: '1.50' }],
      value: 1.5,
      unit: 'mg/dL',
    });
    expect(resultValue(creatinine!)).toEqual({ text: '1.50', number: 1.5 });
  });

  it('maps the flag, the reference range and a value with a comparator', () => {
    expect(creatinine?.interpretation?.[0]?.coding?.[0]?.code).toBe('H');
    expect(flagOf(creatinine!)).toBe('H');
    expect(protein?.referenceRange?.[0]).toEqual({
      low: { value: 6.6, unit: 'g/dL' },
      high: { value: 8.1, unit: 'g/dL' },
      text: '6.6～8.1',
    });
    expect(crp?.valueQuantity).toMatchObject({ value: 0.03, comparator: '<', unit: 'mg/dL' });
    expect(resultValue(crp!).text).toBe('<0.03');
    expect(crp?.referenceRange?.[0]).toEqual({ high: { value: 0.14, unit: 'mg/dL' }, text: '<=0.14' });
  });

  it('maps a text value as valueString and indexes an item without JLAC10 by its local code', () => {
    const other = mapped(b200!);
    const [urine] = resources<Observation>(other, 'Observation');
    expect(urine?.valueString).toBe('陰性');
    expect(urine?.code.coding).toHaveLength(1);
    expect(other.entries[0]?.index).toMatchObject({
      code: 'K0900',
      codeSystem: 'urn:hie:lab:kensa-01:codesystem:item',
    });
  });

  it('files an order with a microbiology item (JLAC10 6xxxx) as bacteriology whole, as fhir-jp does', () => {
    const [first, ...rest] = a100!.items;
    const culture = { ...a100!, items: [{ ...first!, code: '6B010000001999901' }, ...rest] };
    const entries = mapped(culture).entries;
    expect(entries.map((e) => e.index.category)).toEqual(Array(4).fill('bacteriology'));
    const report = entries.at(-1)?.resource as DiagnosticReport;
    expect(report.category?.[0]?.coding?.[0]?.code).toBe('MB');
  });

  it('makes valid FHIR R4', () => {
    const validator = fhirValidator();
    for (const e of [...batch.entries, ...mapped(b200!).entries]) {
      expect(validator.validate(e.resource)).toEqual([]);
    }
  });

  it('refuses a result for another clinic than the tenant it is given', () => {
    const r = mapLabCsvResult(a100!, { ...CLINIC, institutionCode: '1398765432' }, file, sender);
    expect(r).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'lab-wrong-clinic', file })] });
  });
});
