/** Every refusal the gateway can give, with a stable code, an HTTP status and words in Japanese and English. */
const CATALOG = {
  missing: [401, 'login', '署名付きアサーションがありません', 'No signed assertion was presented'],
  malformed: [401, 'security', 'アサーションの形式が正しくありません', 'The assertion is malformed'],
  'bad-signature': [
    401,
    'security',
    'アサーションの署名が正しくありません',
    'The assertion signature is invalid',
  ],
  'unknown-key': [
    401,
    'security',
    'アサーションの署名鍵が信頼されていません',
    'The assertion is signed by an untrusted key',
  ],
  'wrong-issuer': [
    401,
    'security',
    'アサーションの発行者が署名鍵と一致しません',
    'The assertion issuer does not own the signing key',
  ],
  expired: [401, 'expired', 'アサーションの有効期限が切れています', 'The assertion has expired'],
  'not-yet-valid': [
    401,
    'security',
    'アサーションはまだ有効ではありません',
    'The assertion is not valid yet',
  ],
  'lifetime-too-long': [
    401,
    'security',
    'アサーションの有効期間が長すぎます',
    'The assertion lifetime is too long',
  ],
  'wrong-audience': [
    401,
    'security',
    'このゲートウェイ宛てのアサーションではありません',
    'The assertion is meant for another gateway',
  ],
  'wrong-operation': [
    401,
    'security',
    'このアサーションは別の要求のために発行されています',
    'The assertion was issued for another request (method, path or query)',
  ],
  replayed: [
    401,
    'security',
    'このアサーションは既に使用されています',
    'The assertion was already used (replay)',
  ],
  'client-certificate': [
    401,
    'security',
    'クライアント証明書が必要です',
    'A valid client certificate is required',
  ],
  'patient-mismatch': [
    403,
    'forbidden',
    'アサーションの対象外の患者です',
    'The patient is not covered by the assertion',
  ],
  'purpose-not-accepted': [
    403,
    'forbidden',
    'この利用目的では閲覧できません',
    'The purpose of use does not allow reading records',
  ],
  'requester-unknown': [
    403,
    'forbidden',
    'ネットワークの名簿にない利用者または施設からの要求です',
    'The user or facility named in the assertion is not active in the network directory',
  ],
  'facility-suspended': [
    403,
    'forbidden',
    'この施設はネットワークの名簿で利用停止中のため開示しません',
    'This facility is suspended in the network directory and discloses nothing',
  ],
  'admin-forbidden': [403, 'forbidden', '管理操作の権限がありません', 'Not authorised for administration'],
  'admin-disabled': [
    403,
    'forbidden',
    '管理APIは無効です',
    'The admin API is disabled (no admin token configured)',
  ],
  'not-found': [404, 'not-found', '見つかりません', 'Not found'],
  'unsupported-type': [
    404,
    'not-supported',
    'このリソース型は提供していません',
    'This resource type is not served',
  ],
  'bad-parameter': [400, 'invalid', 'パラメータが正しくありません', 'Invalid parameter'],
  'unknown-parameter': [400, 'not-supported', '対応していないパラメータです', 'Unsupported parameter'],
  'bad-request': [400, 'invalid', '要求が正しくありません', 'Bad request'],
  'not-acceptable': [
    406,
    'not-supported',
    'その形式では返せません',
    'The requested media type cannot be returned',
  ],
  'unsupported-transfer-syntax': [
    415,
    'not-supported',
    'この画像の転送構文には対応していません',
    'The image is stored in a transfer syntax that is not served',
  ],
  'contract-version': [
    409,
    'not-supported',
    'ハブと契約（インターフェース）のバージョンが合いません',
    'The hub speaks another major version of the contract',
  ],
  unavailable: [503, 'transient', 'データベースに接続できません', 'The database is unreachable'],
  'pacs-unavailable': [
    502,
    'transient',
    '病院のPACSから画像を取得できません',
    'The hospital PACS could not provide the images',
  ],
  'pacs-timeout': [
    504,
    'timeout',
    '病院のPACSが時間内に応答しません',
    'The hospital PACS did not answer in time',
  ],
  internal: [500, 'exception', '内部エラーが発生しました', 'Internal error'],
} as const satisfies Record<string, readonly [number, string, string, string]>;

export type GatewayErrorCode = keyof typeof CATALOG;

/** The one HTTP error shape: thrown by handlers, turned into an OperationOutcome by the app. */
export class GatewayError extends Error {
  readonly status: number;
  constructor(
    readonly code: GatewayErrorCode,
    /** Technical detail in English, for the client's developers and the audit log. */
    readonly detail?: string,
  ) {
    super(detail ? `${CATALOG[code][3]}: ${detail}` : CATALOG[code][3]);
    this.name = 'GatewayError';
    this.status = CATALOG[code][0];
  }
}

export const ERROR_SYSTEM = 'urn:hie:gateway:error';

export interface OperationOutcome {
  resourceType: 'OperationOutcome';
  issue: {
    severity: 'error';
    code: string;
    details: { coding: { system: string; code: string }[]; text: string };
    diagnostics?: string;
  }[];
}

export function operationOutcome(error: GatewayError): OperationOutcome {
  const [, issueCode, ja, en] = CATALOG[error.code];
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: 'error',
        code: issueCode,
        details: { coding: [{ system: ERROR_SYSTEM, code: error.code }], text: `${ja} / ${en}` },
        ...(error.detail ? { diagnostics: error.detail } : {}),
      },
    ],
  };
}

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
