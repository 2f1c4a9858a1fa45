// HTTP to ORCA: node:http for a clinic's on-premises ORCA (port 8000), node:https with an optional
// client certificate and CA for WebORCA or an ORCA behind TLS. One function type, so tests inject
// their own. Answers are bounded in size and time: ORCA is untrusted input.
import http from 'node:http';
import https from 'node:https';
import { OrcaError } from '../errors.js';

export interface OrcaHttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
  /** Longest wait for the whole answer. */
  timeoutMs: number;
}

export interface OrcaHttpResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: string;
}

/** Sends one request. Network failures reject with `orca-unavailable`, time-outs with `orca-timeout`. */
export type OrcaTransport = (request: OrcaHttpRequest) => Promise<OrcaHttpResponse>;

/** TLS material, already read from its files (PEM text or DER/PKCS#12 bytes). */
export interface OrcaTls {
  /** Client certificate and key (WebORCA クラウド issues one per clinic), or a PKCS#12 bundle. */
  cert?: string | Buffer;
  key?: string | Buffer;
  pfx?: Buffer;
  passphrase?: string;
  /** CA certificate(s) of the server, when not a public CA (a clinic's own ORCA over TLS). */
  ca?: string | Buffer;
}

/** No ORCA answer of the APIs used here comes near this; a larger one is refused, not buffered. */
export const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

/** The default transport: keep-alive agents, TLS material when given, size and time limits. */
export function nodeTransport(tls: OrcaTls = {}, maxBytes = MAX_ANSWER_BYTES): OrcaTransport {
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const httpsAgent = new https.Agent({
    keepAlive: true,
    maxSockets: 4,
    ...(tls.cert ? { cert: tls.cert } : {}),
    ...(tls.key ? { key: tls.key } : {}),
    ...(tls.pfx ? { pfx: tls.pfx } : {}),
    ...(tls.passphrase ? { passphrase: tls.passphrase } : {}),
    ...(tls.ca ? { ca: tls.ca } : {}),
  });
  return (request) =>
    new Promise<OrcaHttpResponse>((resolve, reject) => {
      const api = request.url.pathname;
      const secure = request.url.protocol === 'https:';
      const req = (secure ? https : http).request(request.url, {
        method: request.method,
        headers: {
          ...request.headers,
          ...(request.body !== undefined
            ? { 'Content-Length': String(Buffer.byteLength(request.body)) }
            : {}),
        },
        agent: secure ? httpsAgent : httpAgent,
      });
      let settled = false;
      const fail = (e: OrcaError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(e);
      };
      const timer = setTimeout(
        () =>
          fail(
            new OrcaError('orca-timeout', { api, detail: `no complete answer in ${request.timeoutMs} ms` }),
          ),
        request.timeoutMs,
      );
      req.on('error', (e: NodeJS.ErrnoException) =>
        fail(new OrcaError('orca-unavailable', { api, detail: e.code ?? e.message })),
      );
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes)
            fail(new OrcaError('orca-bad-answer', { api, detail: `answer larger than ${maxBytes} bytes` }));
          else chunks.push(chunk);
        });
        res.on('error', (e: NodeJS.ErrnoException) =>
          fail(new OrcaError('orca-unavailable', { api, detail: e.code ?? e.message })),
        );
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const headers: Record<string, string | undefined> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      if (request.body !== undefined) req.write(request.body);
      req.end();
    });
}
