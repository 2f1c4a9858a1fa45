import type { IntakeIssue } from '../intake/batch.js';

/** Every refusal of the intake and office API, with a stable code and the HTTP status it answers. */
export const INTAKE_ERRORS = {
  'sender-missing': [401, '送信者の認証情報がありません', 'No sender credential was presented'],
  'sender-unknown': [401, '送信者の認証情報が正しくありません', 'The sender credential is not valid'],
  'sender-other-tenant': [
    403,
    'この施設への送信は許可されていません',
    'This sender may not write to this facility',
  ],
  'sender-other-facility': [
    403,
    '送信者と異なる施設を名乗るデータです',
    'The data claims another facility than the sender',
  ],
  'lab-not-linked': [
    403,
    'この検査センターはこの医療機関の結果を送信できません',
    'This lab centre is not linked to the ordering clinic',
  ],
  'requester-unknown': [
    403,
    'ネットワークの名簿にない利用者または施設からの要求です',
    'The user or facility named in the assertion is not active in the network directory',
  ],
  'facility-suspended': [
    403,
    'この施設はネットワークの名簿で利用停止中です',
    'This facility is suspended in the network directory',
  ],
  'admin-forbidden': [403, '管理操作の権限がありません', 'Not authorised for administration'],
  'admin-disabled': [
    403,
    '管理APIは無効です（管理トークン未設定）',
    'The admin API is disabled (no admin token)',
  ],
  'tenant-unknown': [404, '施設が見つかりません', 'No such facility'],
  'tenant-exists': [409, 'この施設は登録済みです', 'The facility is already a tenant'],
  'tenant-code-taken': [409, 'この医療機関コードは登録済みです', 'The institution code is already a tenant'],
  'tenant-invalid': [400, '施設の情報が正しくありません', 'The facility data is invalid'],
  'bad-request': [400, '要求が正しくありません', 'Bad request'],
  'patient-ambiguous': [
    409,
    '該当する患者が複数います。患者を選んでください',
    'Several patients match: pick one',
  ],
  rejected: [422, '取り込めませんでした（何も取り込んでいません）', 'Rejected: nothing was imported'],
  'uke-masters-missing': [
    503,
    'レセプト電算のマスターファイルが設定されていません',
    'The UKE master files are not configured',
  ],
  'orca-not-configured': [409, 'ORCAの接続が設定されていません', 'No ORCA connection is configured'],
  'orca-failed': [502, 'ORCAから取得できませんでした', 'The pull from ORCA failed'],
  internal: [500, '内部エラーが発生しました', 'Internal error'],
} as const satisfies Record<string, readonly [number, string, string]>;

export type IntakeErrorCode = keyof typeof INTAKE_ERRORS;

export class IntakeError extends Error {
  readonly status: number;
  constructor(
    readonly code: IntakeErrorCode,
    detail?: string,
    readonly issues: readonly IntakeIssue[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? INTAKE_ERRORS[code][2]);
    this.name = 'IntakeError';
    this.status = INTAKE_ERRORS[code][0];
  }

  body() {
    const [, ja, en] = INTAKE_ERRORS[this.code];
    return {
      error: { code: this.code, message: this.message, messageJa: ja, messageEn: en },
      ...(this.issues.length ? { issues: this.issues } : {}),
      ...this.extra,
    };
  }
}
