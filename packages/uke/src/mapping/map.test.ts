import { isCategory } from '@hie/contract';
import { ID_PATTERN } from '@hie/fhir-jp';
import type { Condition, MedicationStatement, Patient } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
// fhir-jp's test support: the official FHIR R4 JSON schema (shared, not copied).
import { fhirValidator } from '../../../fhir-jp/src/testing/fhir-schema.js';
import {
  CLAIM_DIAGNOSIS_NOTE,
  CLAIM_DRUG_NOTE,
  importUke,
  mapUke,
  parseUke,
  type UkeFile,
  type UkeMapping,
} from '../index.js';
import { FIXTURE_NAME, FIXTURE_RECORDS, fixtureBytes } from '../testing/fixture-file.js';
import { fixtureMasters } from '../testing/masters.js';
import { go, ho, ir, re, shiftJis, sy, ukeText } from '../testing/write.js';

const masters = fixtureMasters();
const FACILITY = { institutionCode: '1311234567' };

function fileOf(bytes: Uint8Array, fileName = FIXTURE_NAME): UkeFile {
  const r = parseUke(bytes, { fileName });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.file;
}

function mapped(bytes: Uint8Array = fixtureBytes()): UkeMapping {
  const r = mapUke(fileOf(bytes), { masters, facility: FACILITY });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.mapping;
}

const byId = <T>(m: UkeMapping, id: string) => m.resources.find((r) => r.id === id) as T;

describe('mapUke: a month of claims → JP Core resources', () => {
  const m = mapped();

  it('one Patient per patient number, a Condition per SY, a MedicationStatement per IY', () => {
    expect(m.counts).toEqual({ claims: 3, patients: 3, conditions: 8, medicationStatements: 7 });
    expect(m.keyPrefix).toBe('uke.202406.1.');
    expect(m.patientIds).toEqual(['uke.1001', 'uke.A-2D77', 'uke.3003']);
  });

  it('Patient: the clinic’s number as identifier, 漢字 and カナ names as sent, sex, birth date', () => {
    expect(byId<Patient>(m, 'uke.1001')).toEqual({
      resourceType: 'Patient',
      id: 'uke.1001',
      meta: {
        profile: ['http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient'],
        source: 'urn:uke:1311234567:RECEIPTC.UKE',
      },
      identifier: [{ system: 'urn:oid:1.2.392.100495.20.3.51.11311234567', value: '1001' }],
      name: [
        {
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'IDE' },
          ],
          use: 'official',
          text: '山田 太郎',
          family: '山田',
          given: ['太郎'],
        },
        {
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' },
          ],
          use: 'official',
          text: 'ヤマダ タロウ',
          family: 'ヤマダ',
          given: ['タロウ'],
        },
      ],
      gender: 'male',
      birthDate: '1955-04-01',
      managingOrganization: { display: 'テスト内科クリニック' },
    });
  });

  it('Condition names composed as the spec says: 接頭語 + 傷病名 + 接尾語; unknown modifiers stay visible', () => {
    const names = m.resources
      .filter((r): r is Condition => r.resourceType === 'Condition')
      .map((c) => c.code?.text);
    expect(names).toEqual([
      '高血圧症',
      '２型糖尿病',
      '急性上気道炎',
      '肺炎の疑い',
      '急性胃炎',
      'テスト症候群',
      '変形性膝関節症',
      '〔修飾語9999〕慢性気管支炎急性増悪',
    ]);
  });

  it('Condition: codes from the master, 主傷病, 診療開始日 as onset, the claim-diagnosis note', () => {
    const c = byId<Condition>(m, 'uke.202406.1.1.SY1');
    expect(c.code?.coding).toEqual([
      {
        system: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterB-disease',
        code: '8833421',
        display: '高血圧症',
      },
      { system: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/ICD10-2013-full', code: 'I10' },
      { system: 'http://medis.or.jp/CodeSystem/master-disease-exCode', code: 'TST1' },
      { system: 'http://medis.or.jp/CodeSystem/master-disease-keyNumber', code: '28833421' },
    ]);
    expect(c.category?.[1]).toEqual({
      coding: [{ system: 'urn:uke:codesystem:shubyo', code: '01', display: '主傷病' }],
      text: '主傷病',
    });
    expect(c.onsetDateTime).toBe('2018-01-10');
    expect(c.clinicalStatus?.coding?.[0]?.code).toBe('active');
    expect(c.verificationStatus?.coding?.[0]?.code).toBe('confirmed');
    expect(c.abatementDateTime).toBeUndefined();
    expect(c.note).toEqual([{ text: CLAIM_DIAGNOSIS_NOTE }]);
    expect(c.subject).toEqual({ reference: 'Patient/uke.1001' });
  });

  it('8002 の疑い: provisional, the modifier as a postfix extension', () => {
    const c = byId<Condition>(m, 'uke.202406.1.1.SY4');
    expect(c.verificationStatus?.coding?.[0]?.code).toBe('provisional');
    expect(c.extension?.slice(1)).toEqual([
      {
        url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Condition_DiseasePostfixModifier',
        valueCodeableConcept: {
          coding: [
            {
              system: 'http://jpfhir.jp/fhir/core/mhlw/CodeSystem/masterZ-disease-modifier',
              code: '8002',
              display: 'の疑い',
            },
          ],
          text: 'の疑い',
        },
      },
    ]);
    expect(c.note?.[1]).toEqual({ text: '胸部Ｘ線で経過観察' });
  });

  it('転帰: 治ゆ → resolved, 中止 → inactive, abated in the 診療年月; the receipt 転帰区分 kept', () => {
    const cured = byId<Condition>(m, 'uke.202406.1.1.SY3');
    expect([cured.clinicalStatus?.coding?.[0]?.code, cured.abatementDateTime]).toEqual([
      'resolved',
      '2024-05',
    ]);
    expect(cured.extension?.[0]).toEqual({
      url: 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/JP_Condition_DiseaseOutcome',
      valueCodeableConcept: {
        coding: [
          {
            system: 'http://jpfhir.jp/fhir/core/CodeSystem/JP_ConditionDiseaseOutcomeReceipt_CS',
            code: '2',
            display: '治ゆ',
          },
        ],
      },
    });
    const stopped = byId<Condition>(m, 'uke.202406.1.2.SY3');
    expect([stopped.clinicalStatus?.coding?.[0]?.code, stopped.abatementDateTime]).toEqual([
      'inactive',
      '2024-05',
    ]);
  });

  it('未コード化傷病名: the name as sent, no code (0000999 would merge every uncoded disease)', () => {
    const c = byId<Condition>(m, 'uke.202406.1.2.SY2');
    expect(c.code).toEqual({ text: 'テスト症候群' });
    const entry = m.entries.find((e) => e.index.id === c.id)!;
    expect(entry.index).toEqual({
      resourceType: 'Condition',
      id: 'uke.202406.1.2.SY2',
      patientId: 'A-77',
      category: 'diagnosis',
      date: '2024-05-01',
    });
  });

  it('内服: a statement of unknown status from the first 算定日, the daily dose as a rate', () => {
    const s = byId<MedicationStatement>(m, 'uke.202406.1.1.IY1');
    expect(s.status).toBe('unknown');
    expect(s.effectivePeriod).toEqual({ start: '2024-05-02' });
    expect(s.dateAsserted).toBe('2024-06');
    expect(s.medicationCodeableConcept?.coding?.[0]).toEqual({
      system: 'urn:uke:codesystem:masterY-drug',
      code: '620000001',
      display: 'ロキソプロフェンＮａ錠６０ｍｇ「テスト」',
    });
    expect(s.category?.coding).toEqual([
      { system: 'http://terminology.hl7.org/CodeSystem/medication-statement-category', code: 'outpatient' },
      { system: 'urn:uke:codesystem:shinryo-shikibetsu', code: '21', display: '内服' },
    ]);
    expect(s.dosage).toEqual([
      {
        text: '内服 1日量 3錠 ×14日分（算定日: 2日×14）',
        doseAndRate: [
          {
            rateRatio: {
              numerator: { value: 3, unit: '錠' },
              denominator: { value: 1, unit: '日', system: 'http://unitsofmeasure.org', code: 'd' },
            },
          },
        ],
      },
    ]);
    expect(s.note).toEqual([{ text: CLAIM_DRUG_NOTE }]);
    expect(s.informationSource).toEqual({ display: 'テスト内科クリニック' });
    // The IY without its own 診療識別 is 内服 too.
    expect(byId<MedicationStatement>(m, 'uke.202406.1.1.IY2').dosage?.[0]?.text).toBe(
      '内服 1日量 1錠 ×14日分（算定日: 2日×14）',
    );
    expect(byId<MedicationStatement>(m, 'uke.202406.1.1.IY3').dosage?.[0]).toEqual({
      text: '屯服 1回量 1錠 ×5回分（算定日: 16日×5）',
      doseAndRate: [{ doseQuantity: { value: 1, unit: '錠' } }],
    });
    expect(byId<MedicationStatement>(m, 'uke.202406.1.1.IY4').dosage?.[0]).toEqual({
      text: '外用 1調剤 25ｇ ×1回（算定日: 16日）',
    });
  });

  it('注射: JP_MedicationStatement_Injection, completed on its days, index category injection', () => {
    const s = byId<MedicationStatement>(m, 'uke.202406.1.2.IY1');
    expect(s.meta?.profile).toEqual([
      'http://jpfhir.jp/fhir/core/StructureDefinition/JP_MedicationStatement_Injection',
    ]);
    expect(s.medicationReference).toEqual({ reference: '#med' });
    expect(s.contained?.[0]).toMatchObject({
      resourceType: 'Medication',
      id: 'med',
      code: { text: 'ブドウ糖注射液５％「テスト」５００ｍＬ' },
    });
    expect([s.status, s.effectivePeriod]).toEqual(['completed', { start: '2024-05-08', end: '2024-05-08' }]);
    expect(s.dosage?.[0]?.text).toBe('その他の注射 1回 1袋 ×1回（算定日: 8日）');
    const categories = Object.fromEntries(m.entries.map((e) => [e.index.id, e.index.category]));
    expect(categories['uke.202406.1.2.IY1']).toBe('injection');
    expect(categories['uke.202406.1.2.IY2']).toBe('prescription'); // 処置: given at the clinic, not an injection
    expect(byId<MedicationStatement>(m, 'uke.202406.1.2.IY2')).toMatchObject({
      status: 'completed',
      effectivePeriod: { start: '2024-05-08', end: '2024-05-15' },
      dosage: [{ text: '処置 使用量 2.5ｍＬ ×2回（算定日: 8日、15日）' }],
    });
  });

  it('an unknown drug is mapped with its code, no unit guessed, and a warning; so is an unknown modifier', () => {
    const s = byId<MedicationStatement>(m, 'uke.202406.1.3.IY1');
    expect(s.medicationCodeableConcept).toEqual({
      coding: [{ system: 'urn:uke:codesystem:masterY-drug', code: '629999999' }],
      text: '医薬品コード629999999（マスター未収載）',
    });
    expect(s.dosage).toEqual([{ text: '内服 1日量 2（単位不明） ×7日分（算定日: 20日×7）' }]);
    expect(m.warnings.map((w) => [w.code, w.line, w.field, w.value])).toEqual([
      ['uke-unknown-modifier', 29, 5, '9999'],
      ['uke-unknown-drug', 30, 4, '629999999'],
    ]);
  });

  it('index entries: the facility’s patient number, a contract category, the code and date', () => {
    for (const e of m.entries) {
      expect(isCategory(e.index.category)).toBe(true);
      expect(e.index.id).toBe(e.resource.id);
      expect(e.index.resourceType).toBe(e.resource.resourceType);
    }
    const drug = m.entries.find((e) => e.index.id === 'uke.202406.1.1.IY1')!.index;
    expect(drug).toEqual({
      resourceType: 'MedicationStatement',
      id: 'uke.202406.1.1.IY1',
      patientId: '1001',
      category: 'prescription',
      date: '2024-05-02',
      code: '620000001',
      codeSystem: 'urn:uke:codesystem:masterY-drug',
    });
  });

  it('is valid FHIR R4 (the official JSON schema)', () => {
    const v = fhirValidator(['Patient', 'Condition', 'MedicationStatement', 'Medication']);
    for (const r of m.resources) expect(v.validate(r), `${r.resourceType}/${r.id}`).toEqual([]);
  });
});

describe('importing the same month again replaces, never duplicates', () => {
  it('the same file gives the same ids and resources', () => {
    expect(mapped()).toEqual(mapped());
  });

  it('ids are FHIR ids; claim ids start with the file’s prefix, Patient ids never do', () => {
    const m = mapped();
    const ids = m.resources.map((r) => r.id!);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(ID_PATTERN);
    for (const r of m.resources)
      expect(r.id!.startsWith(m.keyPrefix), r.id).toBe(r.resourceType !== 'Patient');
  });

  it('a corrected file: the gateway deletes what the first import made and the second did not', () => {
    const first = mapped();
    const corrected = FIXTURE_RECORDS.filter((_, i) => i !== 7); // the 肺炎の疑い SY of claim 1
    const second = mapped(shiftJis(ukeText(corrected)));
    const kept = new Set(second.resources.map((r) => r.id));
    const stale = first.resources
      .map((r) => r.id!)
      .filter((id) => id.startsWith(second.keyPrefix) && !kept.has(id));
    expect(stale).toEqual(['uke.202406.1.1.SY4']);
  });

  it('the 国保 file of the same month has its own prefix', () => {
    const kokuho = FIXTURE_RECORDS.map((r, i) => (i === 0 ? ir({ payer: '2', phone: '03-1234-5678' }) : r));
    expect(mapped(shiftJis(ukeText(kokuho))).keyPrefix).toBe('uke.202406.2.');
  });
});

describe('mapUke: what would mislead is refused, for the whole file', () => {
  const claim = (no: number, name: string, patientNumber?: string, birth = '3300401') => [
    re({ no, name, sex: '1', birth, ...(patientNumber ? { patientNumber } : {}) }),
    ho({}),
    sy({ code: '8833421', start: '5060501' }),
  ];
  const file = (...claims: (string[] | string)[][]) =>
    fileOf(shiftJis(ukeText([ir({}), ...claims.flat(), go({ count: claims.length })])));

  it('a claim without カルテ番号等: uke-no-patient-id (RE line, field 14)', () => {
    const r = mapUke(file(claim(1, '山田　太郎', '1'), claim(2, '佐藤　一郎')), { masters });
    expect(r).toEqual({
      ok: false,
      errors: [
        expect.objectContaining({ code: 'uke-no-patient-id', line: 5, field: 14, fieldName: 'カルテ番号等' }),
      ],
    });
  });

  it('one カルテ番号 for two people: uke-patient-conflict; for one person twice (入院 + 外来): one Patient', () => {
    const conflict = mapUke(file(claim(1, '山田　太郎', '7'), claim(2, '山田　次郎', '7')), { masters });
    expect(conflict).toMatchObject({
      ok: false,
      errors: [{ code: 'uke-patient-conflict', line: 5, value: '7' }],
    });
    const same = mapUke(file(claim(1, '山田　太郎', '7'), claim(2, '山田　太郎', '7')), { masters });
    expect(same.ok && same.mapping.counts).toEqual({
      claims: 2,
      patients: 1,
      conditions: 2,
      medicationStatements: 0,
    });
  });

  it('another facility’s file: uke-facility-mismatch', () => {
    const r = mapUke(file(claim(1, '山田　太郎', '1')), {
      masters,
      facility: { institutionCode: '1319999999' },
    });
    expect(r).toMatchObject({ ok: false, errors: [{ code: 'uke-facility-mismatch', line: 1, field: 5 }] });
  });

  it('importUke: parse and map in one call, errors from either', () => {
    const ok = importUke(fixtureBytes(), { fileName: FIXTURE_NAME, masters, facility: FACILITY });
    expect(ok.ok && [ok.recordCount, ok.mapping.resources.length]).toEqual([FIXTURE_RECORDS.length, 18]);
    const bad = importUke(new TextEncoder().encode('IR,1'), { fileName: 'x.UKE', masters });
    expect(bad.ok).toBe(false);
  });
});
