// A clinic's ORCA over its HTTP API: HTTP Basic (ORCA's user and password, or WebORCA's API key as
// the password), an optional client certificate, `?format=json` (or ORCA's own xml2), a time limit
// per request and retries with backoff. Each method reads one answer into validated plain data.

import { readAcceptances } from '../answers/accept.js';
import { ENDPOINTS, type OrcaApiName } from '../answers/apis.js';
import { readDiseases } from '../answers/disease.js';
import { readMedicationForm } from '../answers/forms.js';
import { readVisitDetail, readVisitList } from '../answers/medical.js';
import { readPatient, readPatientList } from '../answers/patient.js';
import type {
  AcceptanceListAnswer,
  DiseaseAnswer,
  MedicationFormAnswer,
  PatientAnswer,
  PatientListAnswer,
  Visit,
  VisitDetailAnswer,
  VisitListAnswer,
} from '../answers/types.js';
import { parseAnswerText, toXml2 } from '../answers/xml2.js';
import { OrcaError } from '../errors.js';
import { DEFAULT_RETRY, type OrcaClock, type RetryPolicy, systemClock, withRetry } from './retry.js';
import { nodeTransport, type OrcaTls, type OrcaTransport } from './transport.js';

export interface OrcaClientOptions {
  /** Where the API is: `http://orca.clinic.local:8000`, or WebORCA's `https://…/api`. */
  baseUrl: string;
  username: string;
  password: string;
  /** Client certificate (and CA) for an https ORCA that asks for one. */
  tls?: OrcaTls;
  /** Longest wait for one answer (default 30 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** `json` (default, `?format=json`, ORCA 5.0 and later) or ORCA's xml2. */
  format?: 'json' | 'xml';
  /** Injected HTTP (tests); the default is node:http(s). */
  transport?: OrcaTransport;
  clock?: Partial<OrcaClock>;
  /** Called after every HTTP exchange (for logs and metrics): never with credentials or answers. */
  onExchange?: (exchange: OrcaExchange) => void;
}

export interface OrcaExchange {
  api: string;
  method: 'GET' | 'POST';
  attempt: number;
  status?: number;
  ms: number;
  error?: string;
}

/** What one call sends besides the path: `class`, query parameters, the request record's fields. */
interface CallParams {
  klass?: string;
  query?: Record<string, string>;
  fields?: Record<string, unknown>;
}

export class OrcaClient {
  private readonly base: URL;
  private readonly authorization: string;
  private readonly transport: OrcaTransport;
  private readonly policy: RetryPolicy;
  readonly clock: OrcaClock;
  readonly format: 'json' | 'xml';
  readonly timeoutMs: number;

  constructor(private readonly options: OrcaClientOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new OrcaError('orca-config', { detail: `baseUrl is not a URL: ${options.baseUrl}` });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new OrcaError('orca-config', { detail: 'baseUrl must be http: or https:' });
    if (base.username || base.password)
      throw new OrcaError('orca-config', {
        detail: 'credentials belong in username/password, not in the URL',
      });
    this.base = base;
    this.authorization = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.transport = options.transport ?? nodeTransport(options.tls);
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.clock = { ...systemClock, ...options.clock };
    this.format = options.format ?? 'json';
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The API root as configured (never with credentials), for messages. */
  get url(): string {
    return this.base.href.replace(/\/$/, '');
  }

  /** Sends one request (retrying what may pass) and returns the answer's JSON form, not yet read. */
  async call(api: OrcaApiName, params: CallParams = {}): Promise<unknown> {
    const endpoint = ENDPOINTS[api];
    const json = this.format === 'json' || endpoint.jsonOnly === true;
    const url = new URL(this.base.href.replace(/\/$/, '') + endpoint.path);
    if (params.klass) url.searchParams.set('class', params.klass);
    for (const [k, v] of Object.entries(params.query ?? {})) url.searchParams.set(k, v);
    if (this.format === 'json') url.searchParams.set('format', 'json');
    const record = endpoint.request ? { [endpoint.request]: params.fields ?? {} } : undefined;
    const body =
      endpoint.method === 'GET' || !record
        ? undefined
        : this.format === 'json'
          ? JSON.stringify(record)
          : toXml2('data', record);
    const headers: Record<string, string> = {
      Authorization: this.authorization,
      Accept: json ? 'application/json' : 'application/xml',
      ...(body !== undefined
        ? {
            'Content-Type': `${this.format === 'json' ? 'application/json' : 'application/xml'}; charset=UTF-8`,
          }
        : {}),
    };
    const text = await withRetry(
      async (attempt) => {
        const started = Date.now();
        try {
          const res = await this.transport({
            method: endpoint.method,
            url,
            headers,
            ...(body !== undefined ? { body } : {}),
            timeoutMs: this.timeoutMs,
          });
          this.options.onExchange?.({
            api: endpoint.path,
            method: endpoint.method,
            attempt,
            status: res.status,
            ms: Date.now() - started,
          });
          return checkStatus(res.status, res.body, endpoint.path);
        } catch (e) {
          if (e instanceof OrcaError && e.context.httpStatus === undefined)
            this.options.onExchange?.({
              api: endpoint.path,
              method: endpoint.method,
              attempt,
              ms: Date.now() - started,
              error: e.code,
            });
          throw e;
        }
      },
      this.policy,
      this.clock,
    );
    return parseAnswerText(text, json ? 'json' : 'xml', endpoint.path);
  }

  /** 患者番号一覧: patients registered or changed from `from` (to `to`, when given). */
  async patientList(
    from: string,
    to?: string,
    options: { newOnly?: boolean; includeTestPatients?: boolean } = {},
  ): Promise<PatientListAnswer> {
    const raw = await this.call('patientlst1v2', {
      klass: options.newOnly ? '02' : '01',
      fields: {
        Base_StartDate: from,
        ...(to ? { Base_EndDate: to } : {}),
        Contain_TestPatient_Flag: options.includeTestPatients ? '1' : '0',
      },
    });
    return readPatientList(raw);
  }

  /** 患者基本情報 (GET ?id=). An unknown patient: `orca-api-error` with Api_Result 10. */
  async patient(patientId: string): Promise<PatientAnswer> {
    return readPatient(await this.call('patientgetv2', { query: { id: patientId } }), patientId);
  }

  /** Every disease of the patient (Select_Mode All: ended ones too). */
  async diseases(patientId: string): Promise<DiseaseAnswer> {
    const raw = await this.call('diseasegetv2', {
      klass: '01',
      fields: { Patient_ID: patientId, Base_Date: '', Select_Mode: 'All' },
    });
    return readDiseases(raw, patientId);
  }

  /**
   * 受診履歴: the visits of the `months` months up to and including the month of `performDate`
   * (1–12), or of all history, newest 150 (`months` = 99).
   */
  async visits(patientId: string, performDate: string, months: number): Promise<VisitListAnswer> {
    const raw = await this.call('medicalgetv2', {
      klass: '01',
      fields: {
        Patient_ID: patientId,
        Perform_Date: performDate,
        For_Months: String(months).padStart(2, '0'),
      },
    });
    return readVisitList(raw, patientId);
  }

  /** 診療行為剤内容詳細 of one visit. */
  async visitDetail(patientId: string, visit: Visit): Promise<VisitDetailAnswer> {
    const raw = await this.call('medicalgetv2', {
      klass: '02',
      fields: {
        Patient_ID: patientId,
        Perform_Date: visit.performDate,
        Medical_Information: {
          Department_Code: visit.departmentCode,
          Sequential_Number: visit.sequentialNumber,
          ...(visit.insuranceCombinationNumber
            ? { Insurance_Combination_Number: visit.insuranceCombinationNumber }
            : {}),
        },
      },
    });
    return readVisitDetail(raw, patientId);
  }

  /** 受付一覧 of one day: class 01 受付中, 02 会計済, 03 全受付 (default). */
  async acceptances(date: string, klass: '01' | '02' | '03' = '03'): Promise<AcceptanceListAnswer> {
    return readAcceptances(
      await this.call('acceptlstv2', { klass, fields: { Acceptance_Date: date } }),
      date,
    );
  }

  /** 処方せん (院外処方) of a visit, by 伝票番号; null when the visit has none. */
  async prescription(patientId: string, invoiceNumber: string): Promise<MedicationFormAnswer | null> {
    return this.form('prescriptionv2', patientId, invoiceNumber, true);
  }

  /** お薬手帳 (院内処方) of a visit, by 伝票番号; null when the visit has none. */
  async medicineNotebook(patientId: string, invoiceNumber: string): Promise<MedicationFormAnswer | null> {
    return this.form('medicinenotebookv2', patientId, invoiceNumber, false);
  }

  private async form(
    api: 'prescriptionv2' | 'medicinenotebookv2',
    patientId: string,
    invoiceNumber: string,
    outside: boolean,
  ): Promise<MedicationFormAnswer | null> {
    const raw = await this.call(api, {
      fields: {
        Request_Number: '01',
        Patient_ID: patientId,
        Invoice_Number: invoiceNumber,
        Outside_Class: outside ? 'True' : 'False',
      },
    });
    return readMedicationForm(api, raw, patientId);
  }
}

/** 200 → the body; 401/403 → orca-auth; 5xx → orca-unavailable (retried); else orca-http. */
function checkStatus(status: number, body: string, api: string): string {
  if (status === 200) return body;
  if (status === 401 || status === 403) throw new OrcaError('orca-auth', { api, httpStatus: status });
  if (status >= 500) throw new OrcaError('orca-unavailable', { api, httpStatus: status });
  throw new OrcaError('orca-http', { api, httpStatus: status });
}
