/**
 * SS-MIX2 data types (データ種別), SSMIX2.md §5: the folder name, the messages each may hold (cancel
 * events share the original's folder) and where the care date comes from (§4). The care-date fields
 * and message types agree with `samples/ssmix2/reference/SSMIX_CAREDATE.json` (see the test).
 */

export interface DataTypeMessage {
  /** MSH-9.1 ^ MSH-9.2, e.g. `ADT^A08`. */
  type: string;
  /** MSH-9.3 message structure. */
  structure: string;
  /** A cancel event (取消) of the data type's main message. */
  cancel: boolean;
  /** Field whose first 8 characters give the care-date folder; `-` = the `-` folder. */
  careDateField: string;
}

export interface DataTypeInfo {
  code: string;
  nameJa: string;
  nameEn: string;
  messages: readonly DataTypeMessage[];
}

const msg = (type: string, structure: string, careDateField: string, cancel = false): DataTypeMessage => ({
  type,
  structure,
  cancel,
  careDateField,
});

export const DATA_TYPES: readonly DataTypeInfo[] = [
  {
    code: 'ADT-00',
    nameJa: '患者基本情報',
    nameEn: 'Patient demographics',
    messages: [msg('ADT^A08', 'ADT_A01', '-'), msg('ADT^A23', 'ADT_A21', '-', true)],
  },
  {
    code: 'ADT-01',
    nameJa: '担当医情報',
    nameEn: 'Attending doctor',
    messages: [msg('ADT^A54', 'ADT_A54', '-'), msg('ADT^A55', 'ADT_A52', '-', true)],
  },
  {
    code: 'ADT-12',
    nameJa: '外来診察受付',
    nameEn: 'Outpatient visit',
    messages: [msg('ADT^A04', 'ADT_A01', 'PV1-44')],
  },
  {
    code: 'ADT-21',
    nameJa: '入院予定',
    nameEn: 'Admission planned',
    messages: [msg('ADT^A14', 'ADT_A05', 'PV2-8'), msg('ADT^A27', 'ADT_A21', 'PV2-8', true)],
  },
  {
    code: 'ADT-22',
    nameJa: '入院実施',
    nameEn: 'Admission',
    messages: [msg('ADT^A01', 'ADT_A01', 'PV1-44'), msg('ADT^A11', 'ADT_A09', 'PV1-44', true)],
  },
  {
    code: 'ADT-31',
    nameJa: '外出泊実施',
    nameEn: 'Leave of absence',
    messages: [msg('ADT^A21', 'ADT_A21', 'EVN-6'), msg('ADT^A52', 'ADT_A52', 'EVN-6', true)],
  },
  {
    code: 'ADT-32',
    nameJa: '外出泊帰院実施',
    nameEn: 'Return from leave',
    // PV2-47 for the cancel is what SSMIX_CAREDATE.json says (unverified).
    messages: [msg('ADT^A22', 'ADT_A21', 'EVN-6'), msg('ADT^A53', 'ADT_A52', 'PV2-47', true)],
  },
  {
    code: 'ADT-41',
    nameJa: '転科・転棟予定',
    nameEn: 'Transfer planned',
    messages: [msg('ADT^A15', 'ADT_A15', 'PV2-8'), msg('ADT^A26', 'ADT_A21', 'PV2-8', true)],
  },
  {
    code: 'ADT-42',
    nameJa: '転科・転棟実施',
    nameEn: 'Transfer',
    messages: [msg('ADT^A02', 'ADT_A02', 'EVN-6'), msg('ADT^A12', 'ADT_A12', 'EVN-6', true)],
  },
  {
    code: 'ADT-51',
    nameJa: '退院予定',
    nameEn: 'Discharge planned',
    messages: [msg('ADT^A16', 'ADT_A16', 'PV2-9'), msg('ADT^A25', 'ADT_A21', 'PV2-9', true)],
  },
  {
    code: 'ADT-52',
    nameJa: '退院実施',
    nameEn: 'Discharge',
    messages: [msg('ADT^A03', 'ADT_A03', 'PV1-45'), msg('ADT^A13', 'ADT_A01', 'PV1-45', true)],
  },
  {
    code: 'ADT-61',
    nameJa: '患者アレルギー情報',
    nameEn: 'Allergies',
    messages: [msg('ADT^A60', 'ADT_A60', '-')],
  },
  {
    code: 'PPR-01',
    nameJa: '病名(歴)情報',
    nameEn: 'Problem list',
    messages: [msg('PPR^ZD1', 'PPR_ZD1', '-')],
  },
  { code: 'OMD', nameJa: '食事オーダ', nameEn: 'Diet order', messages: [msg('OMD^O03', 'OMD_O03', 'ORC-9')] },
  {
    code: 'OMP-01',
    nameJa: '処方オーダ',
    nameEn: 'Prescription order',
    messages: [msg('RDE^O11', 'RDE_O11', 'ORC-9')],
  },
  {
    code: 'OMP-02',
    nameJa: '注射オーダ',
    nameEn: 'Injection order',
    messages: [msg('RDE^O11', 'RDE_O11', 'ORC-9')],
  },
  {
    code: 'OMP-11',
    nameJa: '処方実施通知',
    nameEn: 'Prescription administered',
    messages: [msg('RAS^O17', 'RAS_O17', 'RXA-3')],
  },
  {
    code: 'OMP-12',
    nameJa: '注射実施通知',
    nameEn: 'Injection administered',
    messages: [msg('RAS^O17', 'RAS_O17', 'RXA-3')],
  },
  {
    code: 'OML-01',
    nameJa: '検体検査オーダ',
    nameEn: 'Laboratory order',
    messages: [msg('OML^O33', 'OML_O33', 'ORC-9')],
  },
  {
    code: 'OML-11',
    nameJa: '検体検査結果通知',
    nameEn: 'Laboratory result',
    messages: [msg('OUL^R22', 'OUL_R22', 'SPM-17')],
  },
  {
    code: 'OMG-01',
    nameJa: '放射線検査オーダ',
    nameEn: 'Radiology order',
    messages: [msg('OMG^O19', 'OMG_O19', 'ORC-9')],
  },
  {
    code: 'OMG-02',
    nameJa: '内視鏡検査オーダ',
    nameEn: 'Endoscopy order',
    messages: [msg('OMG^O19', 'OMG_O19', 'ORC-9')],
  },
  {
    code: 'OMG-03',
    nameJa: '生理検査オーダ',
    nameEn: 'Physiological test order',
    messages: [msg('OMG^O19', 'OMG_O19', 'ORC-9')],
  },
  {
    code: 'OMG-11',
    nameJa: '放射線検査実施通知',
    nameEn: 'Radiology performed',
    messages: [msg('OMI^Z23', 'OMI_Z23', 'OBR-7')],
  },
  {
    code: 'OMG-12',
    nameJa: '内視鏡検査実施通知',
    nameEn: 'Endoscopy performed',
    messages: [msg('OMI^Z23', 'OMI_Z23', 'OBR-7')],
  },
  {
    code: 'OMG-13',
    nameJa: '生理検査結果通知',
    nameEn: 'Physiological test result',
    messages: [msg('ORU^R01', 'ORU_R01', 'OBR-7')],
  },
];

const byCode = new Map(DATA_TYPES.map((d) => [d.code, d]));

export function dataTypeInfo(code: string): DataTypeInfo | undefined {
  return byCode.get(code);
}

/**
 * Data types whose current file holds the whole record and replaces the previous one (the whole
 * problem list, the demographics, the allergy list): one current file per patient is expected.
 */
export const WHOLE_RECORD_TYPES: ReadonlySet<string> = new Set(['ADT-00', 'ADT-61', 'PPR-01']);

/** Care-date field per MSH-9 (`code^event`), `-` for the `-` folder; undefined for unknown types. */
export const CARE_DATE_FIELDS: Readonly<Record<string, string>> = Object.fromEntries(
  DATA_TYPES.flatMap((d) => d.messages.map((m) => [m.type, m.careDateField] as const)),
);
