// The one error of this package: a stable code, where it happened (API, field path, line of a syntax
// error, patient) and a message in Japanese and English. ORCA's answers are untrusted input: every
// way they can be wrong ends here, never in a half-read value.

/** Stable reasons, with the Japanese and English wording shown to an operator. */
const CATALOG = {
  /** The answer is not what the published API describes: not JSON/XML, a field missing or malformed. */
  'orca-bad-answer': [
    'ORCAの応答が仕様どおりではありません',
    'ORCA answered something the API does not describe',
  ],
  /** ORCA answered, with an Api_Result that is neither success nor a known "nothing found". */
  'orca-api-error': ['ORCAがエラーを返しました', 'ORCA answered with an error'],
  /** HTTP 401/403: the user, password or client certificate was refused. */
  'orca-auth': ['ORCAの認証に失敗しました', 'ORCA refused the credentials'],
  /** Not reachable, connection reset, or HTTP 5xx (after the retries). */
  'orca-unavailable': ['ORCAに接続できません', 'ORCA is not reachable'],
  /** No complete answer within the time limit (after the retries). */
  'orca-timeout': ['ORCAが時間内に応答しません', 'ORCA did not answer in time'],
  /** Another HTTP status (404 unknown path, 405 method): a configuration or version mismatch. */
  'orca-http': ['ORCAがHTTPエラーを返しました', 'ORCA answered with an HTTP error'],
  /** More than 1000 patients changed on one day: patientlst1v2 cannot list them. */
  'orca-too-many': [
    '1日の変更患者数がAPIの上限を超えています',
    'More patients changed on one day than the API can list',
  ],
  /** The client's own settings are unusable (URL, certificate files). */
  'orca-config': ['ORCA接続設定に誤りがあります', 'The ORCA connection settings are not usable'],
} as const satisfies Record<string, readonly [string, string]>;

export type OrcaErrorCode = keyof typeof CATALOG;
export const ORCA_ERROR_CODES = Object.keys(CATALOG) as OrcaErrorCode[];

/** Where an error was found. Every part is optional: a network error has no field. */
export interface OrcaErrorContext {
  /** The API path, e.g. `/api01rv2/patientgetv2`. */
  api?: string;
  /** JSON path of the offending field, e.g. `patientinfores.Patient_Information.BirthDate`. */
  path?: string;
  /** 1-based line and column of a syntax error in the answer's text. */
  line?: number;
  column?: number;
  /** The offending value, cut to 80 characters (never a whole answer: it may hold personal data). */
  value?: string;
  patientId?: string;
  /** ORCA's Api_Result and Api_Result_Message, for `orca-api-error`. */
  apiResult?: string;
  apiResultMessage?: string;
  httpStatus?: number;
  /** Technical detail in English. */
  detail?: string;
}

export class OrcaError extends Error {
  override readonly name = 'OrcaError';
  readonly messageJa: string;
  constructor(
    readonly code: OrcaErrorCode,
    readonly context: OrcaErrorContext = {},
  ) {
    const [ja, en] = CATALOG[code];
    super(`${en}${describe(context)}`);
    this.messageJa = `${ja}${describe(context)}`;
  }

  /** Network errors, timeouts and server errors may pass; a refusal or a bad answer will not. */
  get retryable(): boolean {
    return this.code === 'orca-unavailable' || this.code === 'orca-timeout';
  }
}

function describe(c: OrcaErrorContext): string {
  const where = [
    c.api,
    c.patientId !== undefined ? `patient ${c.patientId}` : undefined,
    c.path,
    c.line !== undefined ? `line ${c.line}${c.column !== undefined ? `:${c.column}` : ''}` : undefined,
    c.httpStatus !== undefined ? `HTTP ${c.httpStatus}` : undefined,
    c.apiResult !== undefined
      ? `Api_Result ${c.apiResult}${c.apiResultMessage ? ` ${c.apiResultMessage}` : ''}`
      : undefined,
  ].filter((x) => x !== undefined);
  const value = c.value !== undefined ? ` (value '${c.value}')` : '';
  const detail = c.detail ? `: ${c.detail}` : '';
  return `${where.length ? ` [${where.join(', ')}]` : ''}${detail}${value}`;
}

/** A value for an error message: at most 80 characters. */
export const excerpt = (value: unknown): string => {
  const s = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};
