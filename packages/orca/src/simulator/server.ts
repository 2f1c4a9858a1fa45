// An ORCA API server for tests and the demo: the published paths and methods (GET patientgetv2, POST
// the others), `class=` and `format=json` (ORCA's xml2 without it), HTTP Basic (401 otherwise), JSON or
// xml2 request bodies, Api_Result errors for what ORCA refuses — serving the recorded answers and
// variants of them for a generated clinic. Faults can be injected: slow answers, 500/503, a reset
// connection, malformed JSON, an Api_Result error, a field ORCA would never write.

import { timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { answerKey, ENDPOINTS, type OrcaApiName } from '../answers/apis.js';
import { jstDate } from '../answers/dates.js';
import { parseXml2, toXml2 } from '../answers/xml2.js';
import {
  acceptanceList,
  diseaseInfo,
  errorAnswer,
  medicationForm,
  type Now,
  patientInfo,
  patientList,
  type Served,
  str,
  visitDetail,
  visitList,
} from './answers.js';
import { DISEASES } from './catalog.js';
import type { SimPerson } from './population.js';
import { generateClinic, type SimClinic, type SimPatient, type SimVisit } from './population.js';

export type SimulatorFailureKind =
  /** HTTP 500 / 503 with an HTML body (retried by the client). */
  | 'http-500'
  | 'http-503'
  /** The connection is dropped before an answer (retried). */
  | 'reset'
  /** The answer comes after `delayMs` (a time-out when longer than the client waits). */
  | 'slow'
  /** HTTP 200 with the answer cut off half-way: not JSON. */
  | 'malformed-json'
  /** HTTP 200 with an Api_Result error (`apiResult`, default 90 他端末使用中; forms 0089). */
  | 'api-error'
  /** HTTP 200, valid JSON, but Information_Date is not a date. */
  | 'bad-field';

export interface SimulatorFailure {
  kind: SimulatorFailureKind;
  /** Only this API (default: any). */
  api?: OrcaApiName;
  /** Only requests about this patient (default: any). */
  patientId?: string;
  /** How many requests it hits (default: all). */
  times?: number;
  delayMs?: number;
  apiResult?: string;
  message?: string;
}

export interface OrcaSimulatorOptions {
  /** 0 or absent: any free port. */
  port?: number;
  host?: string;
  username: string;
  password: string;
  /** Generated patients (default 20). */
  patients?: number;
  /** Generated ORCA テスト患者 besides (default 0). */
  testPatients?: number;
  seed?: number;
  /** The clinic's today (default: today in Japan). */
  today?: string;
  /** The first generated patients are these people (more people than `patients` are ignored). */
  people?: readonly SimPerson[];
  /** Also serve the recorded patients and answers (default true). */
  recorded?: boolean;
  /** Wait before every answer. */
  latencyMs?: number;
  failures?: SimulatorFailure[];
  /** A path before `/api01rv2/…` (WebORCA's `/api`). */
  basePath?: string;
  /** Serve https; ask for a client certificate signed by `ca` when `ca` is given. */
  tls?: { key: string | Buffer; cert: string | Buffer; ca?: string | Buffer };
}

export interface SimulatedRequest {
  method: string;
  path: string;
  api?: OrcaApiName;
  klass?: string;
  format: 'json' | 'xml';
  patientId?: string;
  status: number;
  apiResult?: string;
  /** The request record's fields as sent. */
  fields: Record<string, unknown>;
}

export interface OrcaSimulator {
  /** Base URL for an OrcaClient (basePath included). */
  url: string;
  port: number;
  clinic: SimClinic;
  /** Every request answered, in order. */
  requests: SimulatedRequest[];
  fail(failure: SimulatorFailure): void;
  clearFailures(): void;
  /** Moves the clinic's today (the date ORCA answers with). */
  setToday(date: string): void;
  /** A visit today (billed unless `billed: false`: then only a 受付), with the patient's usual drugs. */
  addVisit(patientId: string, options?: { outside?: boolean; billed?: boolean }): SimVisit;
  /** Changes 患者登録 data: the patient's 更新日 becomes today. */
  updatePatient(
    patientId: string,
    changes: Partial<Pick<SimPatient, 'name' | 'kana' | 'address1' | 'address2' | 'phone'>>,
  ): void;
  /** A new patient registered today. */
  addPatient(): SimPatient;
  /** Deletes a patient (patientgetv2 answers Api_Result 10 from then on). */
  deletePatient(patientId: string): void;
  close(): Promise<void>;
}

const FORMS = new Set<OrcaApiName>(['prescriptionv2', 'medicinenotebookv2']);

export async function startOrcaSimulator(options: OrcaSimulatorOptions): Promise<OrcaSimulator> {
  const clinic = generateClinic({
    seed: options.seed ?? 1,
    patients: options.patients ?? 20,
    testPatients: options.testPatients ?? 0,
    today: options.today ?? jstDate(new Date()),
    recorded: options.recorded ?? true,
    ...(options.people ? { people: options.people } : {}),
  });
  const failures: SimulatorFailure[] = [...(options.failures ?? [])];
  const requests: SimulatedRequest[] = [];
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  const expected = Buffer.from(
    `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`,
  );
  const sockets = new Set<import('node:net').Socket>();

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void answer(req, res, Buffer.concat(chunks).toString('utf8')).catch(() => {
        if (!res.headersSent) send(res, 500, 'text/plain', 'simulator error');
      });
    });
  };

  async function answer(req: IncomingMessage, res: ServerResponse, bodyText: string): Promise<void> {
    if (options.latencyMs) await sleep(options.latencyMs);
    const url = new URL(req.url ?? '/', 'http://orca');
    const format = url.searchParams.get('format') === 'json' ? 'json' : 'xml';
    const log = (entry: Omit<SimulatedRequest, 'method' | 'path' | 'format'>) =>
      requests.push({ method: req.method ?? '', path: url.pathname, format, ...entry });
    const got = Buffer.from(req.headers.authorization ?? '');
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      log({ status: 401, fields: {} });
      res.setHeader('WWW-Authenticate', 'Basic realm="ORCA"');
      return send(res, 401, 'text/plain', 'Unauthorized');
    }
    const path = url.pathname.startsWith(`${basePath}/`) ? url.pathname.slice(basePath.length) : '';
    const api = (Object.keys(ENDPOINTS) as OrcaApiName[]).find((a) => ENDPOINTS[a].path === path);
    if (!api) {
      log({ status: 404, fields: {} });
      return send(res, 404, 'text/plain', 'Not Found');
    }
    const endpoint = ENDPOINTS[api];
    if (req.method !== endpoint.method) {
      log({ api, status: 405, fields: {} });
      res.setHeader('Allow', endpoint.method);
      return send(res, 405, 'text/plain', 'Method Not Allowed');
    }
    const klass = url.searchParams.get('class') ?? undefined;
    const now: Now = {
      date: clinic.today,
      time: new Date(Date.now() + 9 * 3_600_000).toISOString().slice(11, 19),
    };
    let fields: Record<string, unknown> = {};
    let served: Served;
    try {
      fields = readRequest(bodyText, endpoint.request, req.headers['content-type'] ?? '', format);
      served = route(api, klass, fields, url, now);
    } catch {
      served = FORMS.has(api)
        ? {
            json: {
              Information_Date: now.date,
              Information_Time: now.time,
              Api_Result: '0098',
              Api_Result_Message: '送信内容の読込ができませんでした。',
            },
          }
        : errorAnswer(answerKey(api, klass) ?? 'res', now, '98', '送信内容の読込ができませんでした');
    }
    const patientId = str(fields.Patient_ID) || url.searchParams.get('id') || undefined;
    const failure = takeFailure(api, patientId);
    const jsonOut = format === 'json' || endpoint.jsonOnly === true;
    const entry = { api, ...(klass ? { klass } : {}), ...(patientId ? { patientId } : {}), fields };
    if (failure) {
      if (failure.kind === 'slow') await sleep(failure.delayMs ?? 60_000);
      if (failure.kind === 'reset') {
        log({ ...entry, status: 0 });
        req.socket.destroy();
        return;
      }
      if (failure.kind === 'http-500' || failure.kind === 'http-503') {
        const status = failure.kind === 'http-500' ? 500 : 503;
        log({ ...entry, status });
        return send(res, status, 'text/html', `<html><body>${status}</body></html>`);
      }
      if (failure.kind === 'api-error') served = { json: apiError(api, klass, now, failure) };
      if (failure.kind === 'bad-field') served = { json: badField(api, klass, served.json) };
    }
    const result = apiResultOf(api, klass, served.json);
    log({ ...entry, status: 200, ...(result ? { apiResult: result } : {}) });
    let text = jsonOut
      ? (served.text ?? JSON.stringify(served.json, null, 2))
      : toXml2('xmlio2', served.json);
    if (failure?.kind === 'malformed-json') text = text.slice(0, Math.floor(text.length * 0.6));
    send(res, 200, jsonOut ? 'application/json; charset=UTF-8' : 'application/xml; charset=UTF-8', text);
  }

  function route(
    api: OrcaApiName,
    klass: string | undefined,
    fields: Record<string, unknown>,
    url: URL,
    now: Now,
  ): Served {
    switch (api) {
      case 'patientlst1v2':
        return patientList(clinic, now, klass ?? '01', fields);
      case 'patientgetv2':
        return patientInfo(clinic, now, url.searchParams.get('id') ?? undefined);
      case 'diseasegetv2':
        return diseaseInfo(clinic, now, fields);
      case 'medicalgetv2':
        if (klass === '01' || klass === undefined) return visitList(clinic, now, fields);
        if (klass === '02') return visitDetail(clinic, now, fields);
        // class 03 (診療月診療コード情報) and 04 (xml2 only) are not imitated.
        return errorAnswer(`medicalget${klass}res`, now, '91', '処理区分未設定');
      case 'acceptlstv2':
        return acceptanceList(clinic, now, klass ?? '01', fields);
      case 'prescriptionv2':
      case 'medicinenotebookv2':
        return medicationForm(clinic, now, api, fields);
    }
  }

  function takeFailure(api: OrcaApiName, patientId: string | undefined): SimulatorFailure | undefined {
    const i = failures.findIndex(
      (f) => (!f.api || f.api === api) && (!f.patientId || f.patientId === patientId) && (f.times ?? 1) > 0,
    );
    if (i < 0) return undefined;
    const f = failures[i]!;
    if (f.times !== undefined) {
      f.times--;
      if (f.times <= 0) failures.splice(i, 1);
    }
    return f;
  }

  const server = options.tls
    ? https.createServer(
        {
          key: options.tls.key,
          cert: options.tls.cert,
          ...(options.tls.ca ? { ca: options.tls.ca, requestCert: true, rejectUnauthorized: true } : {}),
        },
        handler,
      )
    : http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';

  const patient = (id: string) => {
    const p = clinic.patients.get(id);
    if (!p) throw new Error(`no simulated patient ${id}`);
    return p;
  };
  return {
    url: `${options.tls ? 'https' : 'http'}://${host}:${port}${basePath}`,
    port,
    clinic,
    requests,
    fail: (f) => failures.push({ ...f }),
    clearFailures: () => {
      failures.length = 0;
    },
    setToday: (date) => {
      clinic.today = date;
    },
    addVisit: (id, o = {}) => {
      const p = patient(id);
      const codes = (d: { singles: readonly { code: string }[] }) => d.singles.map((s) => s.code).join();
      const treated = p.diseases
        .map((d) => DISEASES.find((c) => codes(c) === codes(d)))
        .find((c) => c?.drugs.length);
      return clinic.visit(p, treated ?? DISEASES[0], clinic.today, o.outside, o.billed ?? true);
    },
    updatePatient: (id, changes) => {
      Object.assign(patient(id), changes, { updateDate: clinic.today });
    },
    addPatient: () => {
      const ids = [...clinic.patients.keys()].filter((k) => /^\d+$/.test(k)).map(Number);
      const id = String(Math.max(1000, ...ids) + 1).padStart(5, '0');
      const p = clinic.generate(id, clinic.today);
      p.diseases = [];
      p.visits = [];
      clinic.patients.set(id, p);
      return p;
    },
    deletePatient: (id) => {
      patient(id);
      clinic.patients.delete(id);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The request record's fields: JSON (`{"patientlst1req": {…}}`) or xml2 (`<data><patientlst1req …>`). */
function readRequest(text: string, record: string | undefined, contentType: string, format: 'json' | 'xml') {
  if (!record || text.trim() === '') return {};
  const parsed =
    contentType.includes('json') || (format === 'json' && !text.trimStart().startsWith('<'))
      ? (JSON.parse(text) as Record<string, unknown>)
      : parseXml2(text, 'request');
  const fields = parsed[record];
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new Error(`no ${record}`);
  return fields as Record<string, unknown>;
}

function apiResultOf(
  api: OrcaApiName,
  klass: string | undefined,
  json: Record<string, unknown>,
): string | undefined {
  const key = answerKey(api, klass);
  const body = (key ? json[key] : json) as Record<string, unknown> | undefined;
  return typeof body?.Api_Result === 'string' ? body.Api_Result : undefined;
}

function apiError(
  api: OrcaApiName,
  klass: string | undefined,
  now: Now,
  f: SimulatorFailure,
): Record<string, unknown> {
  const head = { Information_Date: now.date, Information_Time: now.time };
  if (FORMS.has(api))
    return {
      ...head,
      Api_Result: f.apiResult ?? '0089',
      Api_Result_Message: f.message ?? '職員情報が取得できません。',
    };
  return errorAnswer(answerKey(api, klass) ?? 'res', now, f.apiResult ?? '90', f.message ?? '他端末使用中')
    .json;
}

function badField(
  api: OrcaApiName,
  klass: string | undefined,
  json: Record<string, unknown>,
): Record<string, unknown> {
  const copy = structuredClone(json);
  const key = answerKey(api, klass);
  const body = (key ? copy[key] : copy) as Record<string, unknown>;
  body.Information_Date = '2017-13-45';
  return copy;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
