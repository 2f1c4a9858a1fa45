import { ID_PATTERN } from '@hie/fhir-jp';
import type { DiagnosticReport, Observation, Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { fhirValidator } from '../../../../fhir-jp/src/testing/fhir-schema.js';
import { readLabMessage } from './hl7.js';
import { type LabMapResult, mapLabMessage } from './map.js';
import { CLINIC, encode, labCentreText, NHO_LAB_RESULT, setField, TWINS_LAB_RESULT } from './testing.js';

const sourceName = 'kensa-20111220.hl7';
const receivedAt = new Date('2011-12-20T02:00:00Z');

function mapText(text: string, facility = CLINIC): LabMapResult {
  const read = readLabMessage(encode(text), { sourceName });
  if (!read.ok) throw new Error(JSON.stringify(read.issues));
  return mapLabMessage(read, facility, receivedAt);
}
function mapped(text: string) {
  const r = mapText(text);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r;
}
const refused = (text: string) => {
  const r = mapText(text);
  if (r.ok) throw new Error('expected a refusal');
  return r.issues;
};
const ofType = <T extends Resource>(r: ReturnType<typeof mapped>, type: T['resourceType']) =>
  r.batch.entries.map((e) => e.resource).filter((x): x is T => x.resourceType === type);

/** The NHO sample written as ORU^R01: ORC before OBR, the specimen after the results. */
function asOru(text: string): string {
  const lines = text.split('\r').filter(Boolean);
  const by = (name: string) => lines.filter((l) => l.startsWith(`${name}|`));
  const msh = setField(lines[0]!, 'MSH', 9, 'ORU^R01^ORU_R01');
  return [msh, ...by('PID'), ...by('PV1'), ...by('ORC'), ...by('OBR'), ...by('OBX'), ...by('SPM')].join('\r');
}

describe('mapLabMessage: the NHO OUL^R22 sample', () => {
  const r = mapped(labCentreText(NHO_LAB_RESULT));
  const observations = ofType<Observation>(r, 'Observation');

  it('maps three lab Observations, a Specimen and a DiagnosticReport of the patient', () => {
    expect(r.batch.entries.map((e) => e.resource.resourceType).sort()).toEqual([
      'DiagnosticReport',
      'Observation',
      'Observation',
      'Observation',
      'Specimen',
    ]);
    expect(observations.map((o) => o.code.coding?.[0]?.code)).toEqual([
      '3A016000002327102',
      '3A010000002327101',
      '3A015000002327101',
    ]);
    for (const o of observations) {
      expect(o.subject?.reference).toBe('Patient/0001000052.ADT-00');
      expect(o.category?.[0]?.coding?.[0]?.code).toBe('laboratory');
    }
    for (const e of r.batch.entries) {
      expect(e.index.patientId).toBe('0001000052');
      expect(e.index.id).toMatch(ID_PATTERN);
    }
    expect(r.batch.entries.find((e) => e.resource.resourceType === 'Observation')?.index).toMatchObject({
      category: 'lab-result',
      code: '3A016000002327102',
      date: '2011-12-19T15:00:00+09:00',
    });
  });

  it('names the ordering clinic in the identifiers (its 医療機関コード), not the lab centre', () => {
    expect(observations[1]?.identifier?.[0]).toEqual({
      system: 'http://jpfhir.jp/fhir/clinicalCoreSet/IdSystem/SSMIX2-LAB/11312345678',
      value: '000000011000354_E001_023_3A010000002327101',
    });
    const report = ofType<DiagnosticReport>(r, 'DiagnosticReport')[0];
    expect(report?.result).toHaveLength(3);
  });

  it('files the batch under the lab centre and order, replacing the order whole', () => {
    expect(r.batch).toMatchObject({
      recordKey: 'lab:KENSA01:000000011000354',
      origin: `lab:${sourceName}`,
      replacePrefixes: ['0001000052.20111219.OML-11.000000011000354.'],
      deleteIds: [],
    });
    for (const e of r.batch.entries) expect(e.index.id.startsWith(r.batch.replacePrefixes[0]!)).toBe(true);
    expect(r.warnings).toEqual([]);
  });

  it('gives a corrected result (OBX-11 C, new MSH-7) the same ids and key, so it replaces the first', () => {
    let text = labCentreText(NHO_LAB_RESULT).replaceAll('||||F|||', '||||C|||');
    text = setField(text, 'MSH', 7, '20111221090000');
    const corrected = mapped(text);
    expect(corrected.batch.recordKey).toBe(r.batch.recordKey);
    expect(corrected.batch.replacePrefixes).toEqual(r.batch.replacePrefixes);
    expect(corrected.batch.entries.map((e) => e.index.id)).toEqual(r.batch.entries.map((e) => e.index.id));
    expect(ofType<Observation>(corrected, 'Observation')[0]?.status).toBe('corrected');
  });
});

describe('mapLabMessage: other messages', () => {
  it('maps both groups of a two-specimen result', () => {
    const r = mapped(setField(labCentreText(TWINS_LAB_RESULT), 'MSH', 6, CLINIC.institutionCode));
    const observations = ofType<Observation>(r, 'Observation');
    expect(observations).toHaveLength(6);
    expect(observations.every((o) => o.subject?.reference === 'Patient/8605612502.ADT-00')).toBe(true);
    expect(r.batch.recordKey).toBe('lab:KENSA01:000205216506810');
  });

  it('maps ORU^R01 as a lab result (not as fhir-jp’s physiology report), like the same OUL^R22', () => {
    const oul = mapped(labCentreText(NHO_LAB_RESULT));
    const oru = mapped(asOru(labCentreText(NHO_LAB_RESULT)));
    const summary = (x: typeof oul) =>
      x.batch.entries.map((e) => [e.resource.resourceType, e.index.category, e.index.code]).sort();
    expect(summary(oru)).toEqual(summary(oul));
    expect(oru.batch.recordKey).toBe(oul.batch.recordKey);
    expect(oru.batch.replacePrefixes).toEqual(oul.batch.replacePrefixes);
    const report = ofType<DiagnosticReport>(oru, 'DiagnosticReport')[0];
    expect(report?.category?.[0]?.coding?.[0]?.code).toBe('LAB');
    expect(report?.specimen).toHaveLength(1);
  });

  it('locates mapping warnings of an ORU^R01 at the segment as sent', () => {
    const text = asOru(labCentreText(NHO_LAB_RESULT)).replace('||1.7||', '||1.7?||');
    const r = mapped(text);
    // As sent: MSH PID PV1 ORC OBR OBX(6) …; rewritten, that OBX is segment 7.
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: 'lab-map-bad-number', file: sourceName, line: 6, field: 'OBX-5' }),
    ]);
  });

  it('keeps the value as sent: 1.50 stays 1.50 beside the number', () => {
    const r = mapped(labCentreText(NHO_LAB_RESULT).replace('||1.7||', '||1.50||'));
    expect(ofType<Observation>(r, 'Observation')[0]?.valueQuantity).toEqual({
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/originalText', valueString: '1.50' }],
      value: 1.5,
    });
  });

  it('a cancel (ORC-1 CA) deletes the order’s resources', () => {
    const original = mapped(labCentreText(NHO_LAB_RESULT));
    const r = mapped(setField(labCentreText(NHO_LAB_RESULT), 'ORC', 1, 'CA'));
    expect(r.batch.entries).toEqual([]);
    expect(r.batch.replacePrefixes).toEqual(original.batch.replacePrefixes);
    expect(r.batch.recordKey).toBe(original.batch.recordKey);
    const observationIds = original.batch.entries
      .filter((e) => e.resource.resourceType === 'Observation')
      .map((e) => e.index.id);
    expect(r.batch.deleteIds).toEqual(expect.arrayContaining(observationIds));
  });

  it('files a result without any date under the day received, with a warning', () => {
    let text = setField(labCentreText(NHO_LAB_RESULT), 'OBR', 7, '');
    text = setField(text, 'SPM', 17, '');
    text = setField(text, 'MSH', 7, '');
    const r = mapped(text);
    expect(r.batch.replacePrefixes).toEqual(['0001000052.20111220.OML-11.000000011000354.']);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'lab-no-care-date', field: 'OBR-7' })]);
  });

  it('makes valid FHIR R4, from OUL^R22 and ORU^R01 alike', () => {
    const validator = fhirValidator();
    const text = labCentreText(NHO_LAB_RESULT);
    for (const r of [mapped(text), mapped(asOru(text))]) {
      for (const e of r.batch.entries) expect(validator.validate(e.resource)).toEqual([]);
    }
  });

  it('refuses a message for another clinic than the tenant it is given', () => {
    const issues = mapText(labCentreText(NHO_LAB_RESULT), { ...CLINIC, institutionCode: '1398765432' });
    expect(issues).toEqual({ ok: false, issues: [expect.objectContaining({ code: 'lab-wrong-clinic' })] });
  });

  it('refuses a message without an order number', () => {
    let text = labCentreText(NHO_LAB_RESULT);
    for (const [segment, field] of [
      ['ORC', 2],
      ['ORC', 3],
      ['OBR', 2],
      ['OBR', 3],
    ] as const)
      text = setField(text, segment, field, '');
    expect(refused(text)).toEqual([
      expect.objectContaining({ code: 'lab-no-order', line: 6, field: 'ORC-2' }),
    ]);
  });

  it('falls back to the lab centre’s number (ORC-3) when the clinic’s (ORC-2) is empty', () => {
    const r = mapped(setField(labCentreText(NHO_LAB_RESULT), 'ORC', 2, ''));
    expect(r.batch.recordKey).toBe('lab:KENSA01:000000001219001');
  });

  it('refuses an order number or patient ID SS-MIX2 cannot file, at its field', () => {
    const longOrder = setField(labCentreText(NHO_LAB_RESULT), 'ORC', 2, '1234567890123456');
    expect(refused(longOrder)).toEqual([
      expect.objectContaining({ code: 'lab-bad-order-no', line: 6, field: 'ORC-2' }),
    ]);
    const badPatient = setField(labCentreText(NHO_LAB_RESULT), 'PID', 3, 'P_0001');
    expect(refused(badPatient)).toEqual([
      expect.objectContaining({ code: 'lab-bad-patient-id', line: 2, field: 'PID-3' }),
    ]);
  });
});
