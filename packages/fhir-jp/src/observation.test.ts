import { parseHl7 } from '@hie/hl7v2';
import { parseFileName } from '@hie/ssmix2';
import type { Observation } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { sharedValidator } from './testing/fhir-schema.js';
import { FACILITY, mapValid as mapMessage } from './testing/samples.js';

// A lab result written for these cases: comparator and qualitative ST values, CWE, flags, microbiology.
const MESSAGE = [
  'MSH|^~\\&|HIS|SEND|GW|RCV|20240105113018||OUL^R22^OUL_R22|1|P|2.5||||||~ISO IR87||ISO 2022-1994',
  'PID|0001||P-01||山田^花子^^^^^L^I||19800101|F',
  'SPM|1|S1||023^血清^JC10|||||||||||||202401050930',
  'OBR|1|000000000000001||E001^検査^99O03|||202401050930',
  'ORC|SC|000000000000001',
  'OBX|1|ST|5C070000002306201^CRP^JC10||>100|mg/dL^mg/dL^99XYZ|0.00-0.30|H|||F',
  'OBX|2|ST|1A020000000191111^尿蛋白^JC10|| 2 +||-|A|||F',
  'OBX|3|CWE|5H010000001999911^血液型^JC10||A^A^JSHR002||||||F',
  'OBX|4|NM|3D010000002227101^血糖^JC10||abc|mg/dL^mg/dL^ISO+||L|||P',
  'SPM|2|S2||071^喀痰^JC10',
  'OBR|2|000000000000001||6B010^培養^JC10',
  'OBX|1|CWE|6B615000000000000^菌名^JC10|1|1234^黄色ブドウ球菌^JANIS||||||F',
  'OBX|2|ST|6B620000000000000^菌量^JC10|1|3+||||||F',
  'OBX|3|TX|6B990000000000000^コメント^JC10|1|少量\u3000検出||||||F',
].join('\r');

describe('OBX value mapping', () => {
  const name = parseFileName('P-01_20240105_OML-11_000000000000001_20240105113018000_01_1');
  const parsed = parseHl7(MESSAGE);
  if (!name.ok || !parsed.ok) throw new Error('bad fixture');
  const r = mapMessage(parsed.message, { fileName: name.value, facility: FACILITY });
  const obs = r.resources.filter((x): x is Observation => x.resourceType === 'Observation');

  it('turns `>100` into a quantity with comparator and keeps the text', () => {
    expect(obs[0]?.valueQuantity).toMatchObject({ value: 100, comparator: '>', unit: 'mg/dL' });
    expect(obs[0]?.valueQuantity?.extension?.[0]?.valueString).toBe('>100');
    expect(obs[0]?.interpretation?.[0]?.coding?.[0]).toEqual({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation',
      code: 'H',
    });
    expect(obs[0]?.referenceRange?.[0]?.high?.value).toBe(0.3);
  });
  it('keeps qualitative values as strings, CWE as concepts, and bad numbers as text with a warning', () => {
    expect(obs[1]?.valueString).toBe('2 +');
    expect(obs[1]?.referenceRange?.[0]).toEqual({ text: '-' });
    expect(obs[2]?.valueCodeableConcept?.coding?.[0]?.code).toBe('A');
    expect(obs[3]?.valueString).toBe('abc');
    expect(obs[3]?.status).toBe('preliminary');
    expect(r.warnings.map((w) => w.code)).toContain('BAD_NUMBER');
  });
  it('escapes the patient ID in ids and files microbiology under bacteriology with sub-IDs', () => {
    expect(obs[0]?.id).toBe('P-2D01.20240105.OML-11.000000000000001.5');
    const micro = r.entries.filter((e) => e.index.category === 'bacteriology');
    expect(micro.map((e) => e.resource.resourceType)).toEqual([
      'Observation',
      'Observation',
      'Observation',
      'DiagnosticReport',
    ]);
    expect(obs[4]?.identifier?.[0]?.value).toBe('000000000000001_6B010_071_6B615000000000000_1');
    expect(obs[4]?.valueCodeableConcept?.coding?.[0]?.system).toBe('urn:ssmix2:codesystem:JANIS');
  });
  it('replaces the ideographic space FHIR strings may not hold', () => {
    expect(obs[6]?.valueString).toBe('少量 検出');
  });
  it('produces schema-valid resources', () => {
    const v = sharedValidator();
    for (const res of r.resources) expect(v.validate(res), res.id).toEqual([]);
  });
});

describe('numeric values keep the precision the laboratory sent', () => {
  const name = parseFileName('P-01_20240105_OML-11_000000000000002_20240105113018000_01_1');
  const parsed = parseHl7(
    [
      'MSH|^~\\&|HIS|SEND|GW|RCV|20240105113018||OUL^R22^OUL_R22|1|P|2.5||||||~ISO IR87||ISO 2022-1994',
      'PID|0001||P-01||山田^花子^^^^^L^I||19800101|F',
      'SPM|1|S1||023^血清^JC10|||||||||||||202401050930',
      'OBR|1|000000000000002||E002^生化学^99O03|||202401050930',
      'OBX|1|NM|3D046000001906202^HbA1c^JC10||10.20|%^%^ISO+|4.9-6.0|H|||F',
      'OBX|2|NM|3C015000002327101^クレアチニン^JC10||0.80|mg/dL^mg/dL^ISO+|0.65-1.07||||F',
      'OBX|3|NM|3D010000002227101^グルコース^JC10||142|mg/dL^mg/dL^ISO+|73-109|H|||F',
    ].join('\r'),
  );
  if (!name.ok || !parsed.ok) throw new Error('bad fixture');
  const r = mapMessage(parsed.message, { fileName: name.value, facility: FACILITY });
  const obs = r.resources.filter((x): x is Observation => x.resourceType === 'Observation');

  it('writes the number and, where the number would drop a zero, the text as sent', () => {
    expect(obs[0]?.valueQuantity).toEqual({
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/originalText', valueString: '10.20' }],
      value: 10.2,
      unit: '%',
      system: 'http://unitsofmeasure.org',
      code: '%',
    });
    expect(obs[1]?.valueQuantity?.extension?.[0]?.valueString).toBe('0.80');
    // 142 reads the same as a number: nothing to add.
    expect(obs[2]?.valueQuantity).not.toHaveProperty('extension');
  });
  it('produces schema-valid resources', () => {
    const v = sharedValidator();
    for (const res of r.resources) expect(v.validate(res), res.id).toEqual([]);
  });
});
