// The read APIs this package uses, as ORCA publishes them (日医標準レセプトソフト API, orca.med.or.jp
// /receipt/tec/api/): path, method, the record names of request and answer, and which Api_Result
// codes mean "nothing found" rather than an error. Sources per API are listed in the README.
import { OrcaError } from '../errors.js';
import type { Fields } from './fields.js';

export type OrcaApiName =
  | 'patientlst1v2'
  | 'patientgetv2'
  | 'diseasegetv2'
  | 'medicalgetv2'
  | 'acceptlstv2'
  | 'prescriptionv2'
  | 'medicinenotebookv2';

export interface OrcaEndpoint {
  path: string;
  method: 'GET' | 'POST';
  /** Record name of the request body (`<data><patientlst1req type="record">` / `{"patientlst1req": …}`). */
  request?: string;
  /** Record name of the answer per `class` (`*` when the same for every class); none: the forms APIs. */
  answer?: Readonly<Record<string, string>>;
  /** The forms (帳票) APIs answer JSON only, whatever the format parameter. */
  jsonOnly?: boolean;
  /** Api_Result codes that mean "no such data" (an empty answer, not an error). */
  empty: readonly string[];
}

export const ENDPOINTS: Readonly<Record<OrcaApiName, OrcaEndpoint>> = {
  // 患者番号一覧の取得 (patientidlist.html): class 01 新規・更新, 02 新規.
  patientlst1v2: {
    path: '/api01rv2/patientlst1v2',
    method: 'POST',
    request: 'patientlst1req',
    answer: { '*': 'patientlst1res' },
    empty: [],
  },
  // 患者基本情報の取得 (patientget.html): GET ?id=.
  patientgetv2: {
    path: '/api01rv2/patientgetv2',
    method: 'GET',
    answer: { '*': 'patientinfores' },
    empty: [],
  },
  // 患者病名情報の返却 (disease.html): 21 = 対象の病名がありません.
  diseasegetv2: {
    path: '/api01rv2/diseasegetv2',
    method: 'POST',
    request: 'disease_inforeq',
    answer: { '*': 'disease_infores' },
    empty: ['21'],
  },
  // 診療情報の返却 (medicalinfo.html): 01 受診履歴, 02 診療行為剤内容詳細; 15 = 対象がありません.
  medicalgetv2: {
    path: '/api01rv2/medicalgetv2',
    method: 'POST',
    request: 'medicalgetreq',
    answer: { '01': 'medicalget01res', '02': 'medicalget02res' },
    empty: ['15'],
  },
  // 受付一覧 (acceptancelst.html): 01 受付中, 02 会計済, 03 全受付; 21 = 対象の受付がありません.
  acceptlstv2: {
    path: '/api01rv2/acceptlstv2',
    method: 'POST',
    request: 'acceptlstreq',
    answer: { '*': 'acceptlstres' },
    empty: ['21'],
  },
  // 処方せん印刷 (report_print/shohosen.html): JSON; 0001 = 帳票データが存在しませんでした.
  prescriptionv2: {
    path: '/api01rv2/prescriptionv2',
    method: 'POST',
    request: 'prescriptionv2req',
    jsonOnly: true,
    empty: ['0001'],
  },
  // お薬手帳印刷 (report_print/okusuri_techo.html): JSON; same error table as the other forms.
  medicinenotebookv2: {
    path: '/api01rv2/medicinenotebookv2',
    method: 'POST',
    request: 'medicine_notebookv2req',
    jsonOnly: true,
    empty: ['0001'],
  },
};

/** Record name of the answer of `api` for `class` (undefined for the forms APIs). */
export function answerKey(api: OrcaApiName, klass?: string): string | undefined {
  const a = ENDPOINTS[api].answer;
  if (!a) return undefined;
  return a[klass ?? '*'] ?? a['*'];
}

/** Success: all zeros (`00`, `000`, `0000` — the width differs per API), or a warning `K1`, `W00`. */
export const isSuccess = (code: string) => /^0+$/.test(code) || /^[KW]\d+$/.test(code);

/** The outcome of an answer's Api_Result: read on, "nothing found", or an `orca-api-error`. */
export type ApiOutcome = { kind: 'ok'; warning?: string } | { kind: 'empty'; code: string };

export function apiOutcome(body: Fields, api: OrcaApiName, patientId?: string): ApiOutcome {
  const code = body.requiredText('Api_Result');
  if (/^0+$/.test(code)) return { kind: 'ok' };
  if (isSuccess(code))
    return { kind: 'ok', warning: `${code} ${body.text('Api_Result_Message') ?? ''}`.trim() };
  if (ENDPOINTS[api].empty.includes(code)) return { kind: 'empty', code };
  const message = body.text('Api_Result_Message');
  throw new OrcaError('orca-api-error', {
    api: ENDPOINTS[api].path,
    apiResult: code,
    ...(message ? { apiResultMessage: message } : {}),
    ...(patientId !== undefined ? { patientId } : {}),
  });
}
