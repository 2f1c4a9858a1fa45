// The client against the simulator: full and incremental pulls with the checkpoint, refusals, retries,
// Api_Result errors, malformed answers, one bad patient among good ones, xml2, TLS with a client
// certificate.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OrcaError } from '../errors.js';
import { mapOrcaPatient } from '../mapping/map.js';
import { recordedText } from '../simulator/recorded.js';
import type { OrcaSimulator } from '../simulator/server.js';
import { applyTo, clientOf, FACILITY, PASSWORD, simulator, USER } from '../testing/support.js';
import { OrcaClient } from './client.js';
import { pullChanges, visitRequests } from './pull.js';
import { backoffDelay, DEFAULT_RETRY } from './retry.js';
import type { OrcaHttpRequest } from './transport.js';

let sim: OrcaSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
  vi.useRealTimers();
});

describe('pulls', () => {
  it('full pull, then an incremental one finds exactly who changed since the checkpoint', async () => {
    sim = await simulator();
    const client = clientOf(sim);
    const full = await pullChanges(client);
    expect(full.full).toBe(true);
    expect(full.failures).toEqual([]);
    expect(full.until).toBe('2024-06-28');
    expect(full.checkpoint).toEqual({ since: '2024-06-28', pending: [] });
    expect(full.patients.map((p) => p.patientId)).toEqual([...sim.clinic.patients.keys()].sort());

    sim.setToday('2024-07-02');
    sim.addVisit('01002');
    sim.updatePatient('01004', { address2: '１２３' });
    const registered = sim.addPatient();
    const before = sim.requests.length;
    const next = await pullChanges(client, full.checkpoint);
    expect(next.full).toBe(false);
    expect(next.since).toBe('2024-06-28');
    expect(next.patients.map((p) => p.patientId)).toEqual(['01002', '01004', registered.id]);
    expect(next.checkpoint).toEqual({ since: '2024-07-02', pending: [] });
    // The 受付 of every day since the checkpoint were listed (a visit does not touch the patient table).
    const days = sim.requests
      .slice(before)
      .filter((r) => r.api === 'acceptlstv2')
      .map((r) => r.fields.Acceptance_Date);
    expect(days).toEqual(['2024-06-28', '2024-06-29', '2024-06-30', '2024-07-01', '2024-07-02']);
    const visited = next.patients.find((p) => p.patientId === '01002')!;
    expect(visited.months).toEqual(['2024-06', '2024-07']);
    expect(visited.visits.at(-1)?.visit.performDate).toBe('2024-07-02');
    expect(visited.acceptances.map((a) => a.acceptanceDate)).toEqual(['2024-07-02']);

    // Nothing changed since: the checkpoint's day is listed again (ORCA keeps days, not times), its
    // patients read again, and they map to the same ids — a re-pull replaces, it never adds.
    const again = await pullChanges(client, next.checkpoint);
    expect(again.patients.map((p) => p.patientId)).toEqual(['01002', '01004', registered.id]);
    const store = new Map<string, unknown>();
    for (const pull of [full, next])
      for (const p of pull.patients) applyTo(store, mapOrcaPatient(p, { facility: FACILITY }));
    const stored = JSON.stringify([...store].sort());
    for (const p of again.patients) applyTo(store, mapOrcaPatient(p, { facility: FACILITY }));
    expect(JSON.stringify([...store].sort())).toBe(stored);
    // The next day, once more for the 2nd; then nobody.
    sim.setToday('2024-07-03');
    const later = await pullChanges(client, again.checkpoint);
    expect(later.patients).toHaveLength(3);
    const idle = await pullChanges(client, later.checkpoint);
    expect(idle.patients).toEqual([]);
    expect(idle.checkpoint.since).toBe('2024-07-03');
  });

  it('a patient deleted in ORCA comes back as gone, and maps to deletions', async () => {
    sim = await simulator();
    const client = clientOf(sim);
    const full = await pullChanges(client);
    sim.deletePatient('01003');
    const next = await pullChanges(client, {
      ...full.checkpoint,
      pending: [{ patientId: '01003', since: '2024-01-01' }],
    });
    const gone = next.patients.find((p) => p.patientId === '01003')!;
    expect(gone.status).toBe('gone');
    expect(mapOrcaPatient(gone, { facility: FACILITY }).deleteIds).toEqual(['01003.ADT-00']);
  });

  it('one bad patient does not block the others, and is read again next time', async () => {
    sim = await simulator();
    sim.fail({ kind: 'malformed-json', api: 'diseasegetv2', patientId: '01002' });
    sim.fail({ kind: 'bad-field', api: 'patientgetv2', patientId: '01005' });
    sim.fail({ kind: 'api-error', api: 'medicalgetv2', patientId: '01006' });
    const client = clientOf(sim);
    const pull = await pullChanges(client);
    expect(pull.failures.map((f) => [f.patientId, f.error.code])).toEqual([
      ['01002', 'orca-bad-answer'],
      ['01005', 'orca-bad-answer'],
      ['01006', 'orca-api-error'],
    ]);
    const [malformed, badField, apiError] = pull.failures.map((f) => f.error);
    expect(malformed?.context).toMatchObject({ api: '/api01rv2/diseasegetv2', patientId: '01002' });
    expect(malformed?.context.line).toBeGreaterThan(1);
    expect(badField?.context).toMatchObject({ path: 'patientinfores.Information_Date', value: '2017-13-45' });
    expect(apiError?.context).toMatchObject({ apiResult: '90', apiResultMessage: '他端末使用中' });
    // The others are complete; the failed ones are pending, not lost.
    expect(pull.patients.map((p) => p.patientId)).not.toContain('01002');
    expect(pull.patients.length).toBe(sim.clinic.patients.size - 3);
    // On a full pull they failed in full: they are read in full again.
    expect(pull.checkpoint.pending).toEqual([
      { patientId: '01002' },
      { patientId: '01005' },
      { patientId: '01006' },
    ]);
    // An Api_Result error is never retried: ORCA was asked once about 01006's visits.
    expect(sim.requests.filter((r) => r.api === 'medicalgetv2' && r.patientId === '01006')).toHaveLength(1);

    sim.clearFailures();
    const again = await pullChanges(client, pull.checkpoint);
    expect(again.failures).toEqual([]);
    expect(again.patients.map((p) => p.patientId)).toEqual(['01002', '01005', '01006']);
  });

  it('a patient that failed is read again from the day the failed pull read from', async () => {
    sim = await simulator();
    const client = clientOf(sim);
    const full = await pullChanges(client);
    sim.setToday('2024-06-30');
    sim.addVisit('01002');
    sim.fail({ kind: 'http-503', api: 'diseasegetv2', patientId: '01002' });
    const failed = await pullChanges(client, full.checkpoint);
    expect(failed.checkpoint.pending).toEqual([{ patientId: '01002', since: '2024-06-28' }]);
    sim.clearFailures();
    sim.setToday('2024-08-05');
    const later = await pullChanges(client, failed.checkpoint);
    const patient = later.patients.find((p) => p.patientId === '01002')!;
    expect(patient.months).toEqual(['2024-06', '2024-07', '2024-08']);
    expect(patient.visits.map((v) => v.visit.performDate)).toContain('2024-06-30');
  });

  it('an answer about another patient than the one asked for is not used', async () => {
    const client = new OrcaClient({
      baseUrl: 'http://orca.test:8000',
      username: USER,
      password: PASSWORD,
      transport: async (req: OrcaHttpRequest) =>
        req.url.pathname.endsWith('acceptlstv2')
          ? ok({
              acceptlstres: {
                Information_Date: '2017-06-28',
                Api_Result: '21',
                Acceptance_Date: '2017-06-28',
              },
            })
          : req.url.pathname.endsWith('patientlst1v2')
            ? ok({
                patientlst1res: {
                  Information_Date: '2017-06-28',
                  Api_Result: '00',
                  Target_Patient_Count: '0001',
                  Patient_Information: [{ Patient_ID: '00002' }],
                },
              })
            : { status: 200, headers: {}, body: recordedText('api01rv2_patientgetv2') },
    });
    const pull = await pullChanges(client, { since: '2017-06-28', pending: [] });
    expect(pull.patients).toEqual([]);
    expect(pull.failures[0]?.error.context).toMatchObject({
      patientId: '00002',
      api: '/api01rv2/patientgetv2',
    });
    expect(pull.failures[0]?.error.message).toContain('ORCA answered 00001');
  });

  it('halves the span while more patients changed than patientlst1v2 lists (1000)', async () => {
    const asked: [string, string | undefined][] = [];
    const client = new OrcaClient({
      baseUrl: 'http://orca.test:8000',
      username: USER,
      password: PASSWORD,
      transport: async (req: OrcaHttpRequest) => {
        if (req.url.pathname.endsWith('acceptlstv2'))
          return ok({
            acceptlstres: { Information_Date: '2024-06-28', Api_Result: '21', Acceptance_Date: '2024-06-28' },
          });
        if (req.url.pathname.endsWith('patientgetv2'))
          return ok({
            patientinfores: {
              Information_Date: '2024-06-28',
              Api_Result: '10',
              Api_Result_Message: '患者番号に該当する患者が存在しません',
            },
          });
        const f = (
          JSON.parse(req.body!) as { patientlst1req: { Base_StartDate: string; Base_EndDate?: string } }
        ).patientlst1req;
        asked.push([f.Base_StartDate, f.Base_EndDate]);
        const single = f.Base_StartDate === f.Base_EndDate;
        return ok({
          patientlst1res: {
            Information_Date: '2024-06-28',
            Api_Result: '00',
            Target_Patient_Count: single ? '0001' : '1001',
            Patient_Information: single
              ? [{ Patient_ID: f.Base_StartDate.replaceAll('-', '').slice(2) }]
              : [],
          },
        });
      },
    });
    const pull = await pullChanges(client, { since: '2024-06-25', pending: [] });
    expect(asked[0]).toEqual(['2024-06-25', undefined]);
    expect(asked.filter(([a, b]) => a === b).map(([a]) => a)).toEqual([
      '2024-06-25',
      '2024-06-26',
      '2024-06-27',
      '2024-06-28',
    ]);
    expect(pull.patients.map((p) => p.patientId)).toEqual(['240625', '240626', '240627', '240628']);
  });

  it('covers a long gap with 12-month medicalgetv2 windows', () => {
    const months = Array.from(
      { length: 14 },
      (_, i) => `${2023 + Math.floor((i + 5) / 12)}-${String(((i + 5) % 12) + 1).padStart(2, '0')}`,
    );
    expect(visitRequests(months)).toEqual([
      { performDate: '2024-07-01', months: 12 },
      { performDate: '2023-07-01', months: 2 },
    ]);
  });
});

const ok = (json: unknown) => Promise.resolve({ status: 200, headers: {}, body: JSON.stringify(json) });

describe('refusals, retries, time-outs', () => {
  it('a wrong password: orca-auth at once, never retried', async () => {
    sim = await simulator();
    const client = clientOf(sim, { password: 'wrong' });
    const e = await client.patient('00001').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OrcaError);
    expect((e as OrcaError).code).toBe('orca-auth');
    expect((e as OrcaError).context.httpStatus).toBe(401);
    expect(sim.requests).toHaveLength(1);
  });

  it('5xx and a dropped connection are retried, with exponential backoff and jitter', async () => {
    sim = await simulator();
    sim.fail({ kind: 'http-503', api: 'patientgetv2', times: 2 });
    sim.fail({ kind: 'reset', api: 'diseasegetv2', times: 1 });
    const waits: number[] = [];
    const client = clientOf(sim, { clock: { sleep: async (ms) => void waits.push(ms), random: () => 0.5 } });
    expect((await client.patient('00001')).patientId).toBe('00001');
    expect((await client.diseases('00001')).diseases).toHaveLength(7);
    // Full jitter: random × min(max, base × 2^(n−1)): 0.5 × 500, 0.5 × 1000; then 0.5 × 500.
    expect(waits).toEqual([250, 500, 250]);
    expect(sim.requests.map((r) => r.status)).toEqual([503, 503, 200, 0, 200]);
  });

  it('gives up after the last try with the last error', async () => {
    sim = await simulator();
    sim.fail({ kind: 'http-500', api: 'patientgetv2' });
    const client = clientOf(sim, { retry: { attempts: 3 } });
    const e = (await client.patient('00001').catch((x: unknown) => x)) as OrcaError;
    expect(e.code).toBe('orca-unavailable');
    expect(e.context.httpStatus).toBe(500);
    expect(sim.requests).toHaveLength(3);
  });

  it('a slow ORCA: orca-timeout per try, retried', async () => {
    sim = await simulator();
    sim.fail({ kind: 'slow', api: 'patientgetv2', delayMs: 400, times: 1 });
    const client = clientOf(sim, { timeoutMs: 100 });
    expect((await client.patient('00001')).patientId).toBe('00001');
    sim.fail({ kind: 'slow', api: 'patientgetv2', delayMs: 400 });
    const e = (await clientOf(sim, { timeoutMs: 100, retry: { attempts: 2 } })
      .patient('00001')
      .catch((x: unknown) => x)) as OrcaError;
    expect(e.code).toBe('orca-timeout');
  });

  it('the backoff waits on the real clock (fake timers): nothing is asked before the wait is over', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    let calls = 0;
    const client = new OrcaClient({
      baseUrl: 'http://orca.test:8000',
      username: USER,
      password: PASSWORD,
      clock: { random: () => 1 - Number.EPSILON },
      transport: async () => {
        calls++;
        return calls < 3
          ? { status: 502, headers: {}, body: 'bad gateway' }
          : { status: 200, headers: {}, body: recordedText('api01rv2_patientgetv2') };
      },
    });
    const answer = client.patient('00001');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(498);
    expect(calls).toBe(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(calls).toBe(2);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toBe(3);
    expect((await answer).patientId).toBe('00001');
  });

  it('the backoff ceiling', () => {
    const r = () => 0.999;
    expect([1, 2, 3, 4, 10].map((n) => backoffDelay(n, DEFAULT_RETRY, r))).toEqual([
      499, 999, 1998, 3996, 14985,
    ]);
  });

  it('refuses unusable settings: no URL, credentials in the URL', () => {
    expect(() => new OrcaClient({ baseUrl: 'orca', username: 'a', password: 'b' })).toThrow(/baseUrl/);
    expect(() => new OrcaClient({ baseUrl: 'http://u:p@orca:8000', username: 'a', password: 'b' })).toThrow(
      /credentials/,
    );
  });
});

describe('formats and transports', () => {
  it('ORCA xml2 (no format=json) gives the same data and the same FHIR as JSON', async () => {
    sim = await simulator();
    const json = await pullChanges(clientOf(sim));
    const xml = await pullChanges(clientOf(sim, { format: 'xml' }));
    expect(sim.requests.some((r) => r.format === 'xml' && r.api === 'diseasegetv2')).toBe(true);
    const map = (p: (typeof json.patients)[number]) => mapOrcaPatient(p, { facility: FACILITY }).resources;
    expect(xml.patients.map(map)).toEqual(json.patients.map(map));
  });

  it.skipIf(!hasOpenssl())('https with a client certificate (WebORCA style, under /api)', async () => {
    const pki = makePki();
    sim = await simulator({
      basePath: '/api',
      tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.caCert },
    });
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api$/);
    const client = clientOf(sim, { tls: { cert: pki.clientCert, key: pki.clientKey, ca: pki.caCert } });
    expect((await client.patient('00001')).patientId).toBe('00001');
    const without = clientOf(sim, { tls: { ca: pki.caCert }, retry: { attempts: 1 } });
    const e = (await without.patient('00001').catch((x: unknown) => x)) as OrcaError;
    expect(e.code).toBe('orca-unavailable');
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makePki() {
  const dir = mkdtempSync(join(tmpdir(), 'orca-pki-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=Test ORCA CA',
  );
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
    ssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name}`,
    );
    ssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    caCert: read('ca.crt'),
    serverKey: read('server.key'),
    serverCert: read('server.crt'),
    clientKey: read('client.key'),
    clientCert: read('client.crt'),
  };
}
