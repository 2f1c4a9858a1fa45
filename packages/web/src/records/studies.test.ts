import { describe, expect, it } from 'vitest';
import type { FhirResource, SourcedResource } from '../api/types';
import { displayUnit, studiesOf } from './studies';

const OUH = { facilityOid: '1.2.392.100495.20.3.11.1319800011', facilityName: '岡山大学病院' };
const KCH = { facilityOid: '1.2.392.100495.20.3.11.1310210012', facilityName: '倉敷中央病院' };
const ORDER = 'http://jpfhir.jp/fhir/clinicalCoreSet/IdSystem/SSMIX2-ORDER/13319800011';
const JJ1017 = 'urn:ssmix2:codesystem:JJ1017';
const LENDO = 'urn:ssmix2:codesystem:LENDO';

const entry = (category: string, date: string, resource: FhirResource, facility = OUH): SourcedResource => ({
  ...facility,
  localId: 'p1',
  date,
  category,
  resource,
});
const code = (system: string, c: string, display: string) => ({
  coding: [{ system, code: c, display }],
  text: display,
});

/** What fhir-jp makes of one OMG-11 (OMI^Z23) chest X-ray: the study, a report per OBR, the order's 体重. */
function chestXray(prefix: string, day: string, facility = OUH): SourcedResource[] {
  const study = `${prefix}.6`;
  const studyRef = [{ reference: `ImagingStudy/${study}` }];
  const report = (id: string, order: string, c: ReturnType<typeof code>, result?: string) =>
    entry(
      'radiology',
      day,
      {
        resourceType: 'DiagnosticReport',
        id,
        identifier: [{ system: ORDER, value: order }],
        status: 'final',
        code: c,
        effectiveDateTime: day,
        imagingStudy: studyRef,
        ...(result ? { result: [{ reference: `Observation/${result}` }] } : {}),
      },
      facility,
    );
  return [
    entry(
      'radiology',
      day,
      {
        resourceType: 'ImagingStudy',
        id: study,
        identifier: [
          { system: 'urn:dicom:uid', value: `urn:oid:2.25.${prefix.length}${day.replaceAll('-', '')}` },
          { type: { coding: [{ code: 'ACSN' }] }, value: `A${day.replaceAll('-', '')}0000200` },
        ],
        status: 'available',
        modality: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'CR' }],
        started: day,
        basedOn: [{ identifier: { system: ORDER, value: `${prefix}00` } }],
        procedureCode: [code(JJ1017, '1000000000000000', 'Ｘ線単純撮影')],
        description: 'Ｘ線単純撮影',
      },
      facility,
    ),
    report(`${prefix}.5`, `${prefix}00`, code(JJ1017, '1000000000000000', 'Ｘ線単純撮影')),
    entry(
      'radiology',
      day,
      {
        resourceType: 'Observation',
        id: `${prefix}.10`,
        status: 'final',
        code: code('urn:ssmix2:codesystem:JSHR001', '01-02', '体重'),
        effectiveDateTime: day,
        valueQuantity: { value: 34.6, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
      },
      facility,
    ),
    report(`${prefix}.9`, `${prefix}00`, code(JJ1017, '1000000000000000', 'Ｘ線単純撮影'), `${prefix}.10`),
    report(
      `${prefix}.14`,
      `${prefix}01`,
      code(JJ1017, '10000002000102000000010000000000', '胸部.Ｘ線単純撮影.立位正面(A→P)'),
    ),
    report(
      `${prefix}.19`,
      `${prefix}02`,
      code(JJ1017, '10000002000106000000010000000000', '胸部.Ｘ線単純撮影.立位側面(L→R)'),
    ),
  ];
}

/** OMG-13 (ORU^R01): an ECG report with its finding and measurements. */
function ecg(day: string): SourcedResource[] {
  const at = `${day}T11:00:31+09:00`;
  const obs = (n: number, label: string, value: Record<string, unknown>) =>
    entry('physiology', at, {
      resourceType: 'Observation',
      id: `ecg.${n}`,
      status: 'final',
      category: [{ coding: [{ code: 'procedure' }] }],
      code: { coding: [{ code: String(n), display: label }], text: label },
      effectiveDateTime: at,
      ...value,
    });
  return [
    obs(5, '心電図所見', { valueString: '洞性徐脈' }),
    obs(6, '心拍数', { valueQuantity: { value: 54, unit: 'bpm' } }),
    obs(7, 'ＰＱ時間', { valueQuantity: { value: 146, unit: 'msec' } }),
    obs(8, 'ＱＲＳ軸', { valueQuantity: { value: -14, unit: 'degree' } }),
    obs(9, 'ＱＴｃ時間', {
      valueQuantity: {
        value: 0.4,
        unit: 's',
        // The text the source sent, kept beside the number (fhir-jp).
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/originalText', valueString: '0.400' }],
      },
    }),
    entry('physiology', at, {
      resourceType: 'DiagnosticReport',
      id: 'ecg.4',
      identifier: [{ system: ORDER, value: '000000060008400' }],
      status: 'final',
      code: code('http://medis.or.jp/CodeSystem/master-JLAC10-17digits', '9A110', '標準１２誘導心電図'),
      effectiveDateTime: at,
      result: [5, 6, 7, 8, 9].map((n) => ({ reference: `Observation/ecg.${n}` })),
      conclusion: '洞性徐脈',
    }),
  ];
}

describe('studies (画像・生理検査)', () => {
  it("a performed X-ray (study + a report per order and child + the order's 体重) is one row", () => {
    const studies = studiesOf(chestXray('000000180000200', '2023-03-13'));
    expect(studies).toHaveLength(1);
    expect(studies[0]).toMatchObject({
      facilityName: '岡山大学病院',
      kind: 'radiology',
      date: '2023-03-13',
      procedure: 'Ｘ線単純撮影',
      bodySites: ['胸部'],
      details: ['立位正面(A→P)', '立位側面(L→R)'],
      modality: 'CR',
      accession: 'A202303130000200',
      findings: [],
      measurements: [],
      // The order's weight is the order's information, with its unit.
      information: [{ label: '体重', value: '34.6', unit: 'kg' }],
    });
    expect(studies[0]?.entries).toHaveLength(6);
  });

  it('the order (OMG-01), the study and its reports are one row: when and by whom it was ordered', () => {
    const order = (id: string, value: string, c: ReturnType<typeof code>, parent?: string, note?: string) =>
      entry('radiology-order', '2023-03-13T09:10:00+09:00', {
        resourceType: 'ServiceRequest',
        id,
        identifier: [{ system: ORDER, value }],
        ...(parent ? { requisition: { system: ORDER, value: parent } } : {}),
        status: 'active',
        intent: parent ? 'instance-order' : 'order',
        category: [{ text: '放射線検査' }],
        code: c,
        authoredOn: '2023-03-13T09:10:00+09:00',
        requester: { display: '森 洋平' },
        ...(note ? { note: [{ text: note }] } : {}),
      });
    const orders = [
      order('o.5', '00000018000020000', code(JJ1017, '1000000000000000', 'Ｘ線単純撮影')),
      order(
        'o.8',
        '00000018000020000',
        code(JJ1017, '1000000000000000', 'Ｘ線単純撮影'),
        undefined,
        '体重: 34.6 kg',
      ),
      order(
        'o.12',
        '00000018000020001',
        code(JJ1017, '10000002000102000000010000000000', '胸部.Ｘ線単純撮影.立位正面(A→P)'),
        '00000018000020000',
      ),
      order(
        'o.16',
        '00000018000020002',
        code(JJ1017, '10000002000106000000010000000000', '胸部.Ｘ線単純撮影.立位側面(L→R)'),
        '00000018000020000',
      ),
    ];
    const studies = studiesOf([...orders, ...chestXray('000000180000200', '2023-03-13')]);
    expect(studies).toHaveLength(1);
    expect(studies[0]).toMatchObject({
      performed: true,
      ordered: '2023-03-13T09:10:00+09:00',
      requester: '森 洋平',
      date: '2023-03-13',
      details: ['立位正面(A→P)', '立位側面(L→R)'],
      // The order's note repeats the 体重 the study carries: listed once.
      information: [{ label: '体重', value: '34.6', unit: 'kg' }],
    });
    expect(studies[0]?.entries).toHaveLength(10);
    // An order nothing was done for yet is a row of its own, not performed, with what it said.
    const [pending] = studiesOf(orders);
    expect(pending).toMatchObject({
      kind: 'radiology',
      performed: false,
      procedure: 'Ｘ線単純撮影',
      bodySites: ['胸部'],
      findings: [],
      information: [{ label: '体重', value: '34.6 kg', unit: '' }],
    });
  });

  it("merges the same study's resources whatever the order they come in, and keeps studies apart", () => {
    const all = [
      ...chestXray('000000180000200', '2023-03-13'),
      ...chestXray('000000180001800', '2026-08-19'),
      ...chestXray('000000180000200', '2023-03-13', KCH),
    ].reverse();
    const studies = studiesOf(all);
    expect(studies[0]?.date).toBe('2026-08-19');
    expect(studies.map((s) => `${s.date} ${s.facilityName} ${s.entries.length}`).sort()).toEqual([
      '2023-03-13 倉敷中央病院 6',
      '2023-03-13 岡山大学病院 6',
      '2026-08-19 岡山大学病院 6',
    ]);
  });

  it('an ECG: finding and measurements with their units, the value as sent', () => {
    const [study] = studiesOf(ecg('2025-09-25'));
    expect(study).toMatchObject({
      kind: 'physiology',
      procedure: '標準１２誘導心電図',
      modality: 'ECG',
      findings: ['洞性徐脈'],
      information: [],
      measurements: [
        { label: '心拍数', value: '54', unit: 'bpm' },
        { label: 'ＰＱ時間', value: '146', unit: 'msec' },
        { label: 'ＱＲＳ軸', value: '-14', unit: '°' },
        { label: 'ＱＴｃ時間', value: '0.400', unit: 's' },
      ],
    });
  });

  it("an endoscopy: procedure and site from the LENDO names; the order's 臨床病名 is information, never a finding", () => {
    const day = '2023-04-05';
    const ref = [{ reference: 'ImagingStudy/es.6' }];
    const [study] = studiesOf([
      entry('endoscopy', day, {
        resourceType: 'ImagingStudy',
        id: 'es.6',
        identifier: [{ system: 'urn:dicom:uid', value: 'urn:oid:2.25.1' }],
        modality: [{ code: 'ES' }],
        started: day,
        procedureCode: [code(LENDO, '11000000000', '検査.上部.-.-.-.-')],
      }),
      entry('endoscopy', day, {
        resourceType: 'DiagnosticReport',
        id: 'es.9',
        identifier: [{ system: ORDER, value: '500' }],
        status: 'final',
        code: code(LENDO, '11000000000', '検査.上部.-.-.-.-'),
        imagingStudy: ref,
        result: [{ reference: 'Observation/es.10' }],
      }),
      entry('endoscopy', day, {
        resourceType: 'Observation',
        id: 'es.10',
        code: { text: '臨床病名' },
        valueString: '胃潰瘍の疑い',
      }),
      entry('endoscopy', day, {
        resourceType: 'DiagnosticReport',
        id: 'es.15',
        identifier: [{ system: ORDER, value: '501' }],
        status: 'final',
        code: code(LENDO, '11020001401', '検査.上部.胃.-.上部通常内視鏡.生検採取'),
        imagingStudy: ref,
        result: [{ reference: 'Observation/es.17' }, { reference: 'Observation/es.19' }],
      }),
      entry('endoscopy', day, {
        resourceType: 'Observation',
        id: 'es.17',
        code: { text: '正従業員の実施医師' },
        valueString: '中山 直樹',
      }),
      entry('endoscopy', day, {
        resourceType: 'Observation',
        id: 'es.19',
        code: { text: '開始時間' },
        valueDateTime: '2023-04-05T12:43:27+09:00',
      }),
    ]);
    expect(study).toMatchObject({
      kind: 'endoscopy',
      procedure: '上部通常内視鏡',
      bodySites: ['上部', '胃'],
      details: ['生検採取'],
      modality: 'ES',
      findings: [],
      information: [
        { label: '臨床病名', value: '胃潰瘍の疑い', unit: '' },
        { label: '正従業員の実施医師', value: '中山 直樹', unit: '' },
        { label: '開始時間', value: '2023/04/05 12:43', unit: '' },
      ],
    });
  });

  it('a result whose report is not in view joins the one study of its facility and day, else stands alone', () => {
    const [head, ...rest] = ecg('2025-09-25').reverse();
    // The report and one measurement are in view; another measurement's report reference is missing.
    const loose = { ...rest[0]!, resource: { ...rest[0]!.resource, id: 'ecg.99' } };
    expect(studiesOf([head!, ...rest, loose])).toHaveLength(1);
    expect(studiesOf([loose])).toHaveLength(1);
  });

  it('writes units as clinicians do', () => {
    expect(displayUnit('degree')).toBe('°');
    expect(displayUnit('10*4/uL')).toBe('万/μL');
    expect(displayUnit('bpm')).toBe('bpm');
    expect(displayUnit(undefined)).toBe('');
  });
});
