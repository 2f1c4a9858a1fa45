import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { certificatePin } from '@hie/platform';

/**
 * A request option of this fetch (not of the standard one): the gateway's pinned TLS key,
 * `sha256/<base64 SHA-256 of the certificate's SubjectPublicKeyInfo>`. The connection is refused in
 * the handshake — before the request and its assertion are written — when the key differs.
 */
export interface PinnedRequestInit extends RequestInit {
  tlsPin?: string;
}

/** Marks a fetch that honours `tlsPin`; a pinned request through any other fetch is refused by the caller. */
export const PINS_TLS = Symbol.for('hie.fetch.pinsTls');

/** Whether `fetch` checks `tlsPin` (leanFetch does; the global fetch does not). */
export const fetchPinsTls = (fetch: typeof globalThis.fetch): boolean =>
  (fetch as unknown as Record<symbol, unknown>)[PINS_TLS] === true;

/**
 * A `fetch` for the hub's gateway calls (GET, small bodies, many in parallel) over node:http with
 * keep-alive agents. Node's global fetch (undici) cost about half of the hub's CPU per merged timeline
 * in bench/portal (request pipeline, web streams, abort wiring, garbage); this one reads the body into
 * one Buffer and hands back a standard `Response`. Only what the hub's callers use is supported:
 * method, headers, a string or byte body (the entry routes' writes), signal. Answers larger than
 * `maxBytes` are refused.
 */
/** The hub's client certificate for gateways that require mutual TLS, and the CA(s) it trusts for them. */
export interface GatewayClientTls {
  cert: string | Buffer;
  key: string | Buffer;
  /** CA(s) of the gateways' server certificates (default: the system's). */
  ca?: string | Buffer | (string | Buffer)[];
}

export function leanFetch(
  options: { maxSocketsPerHost?: number; maxBytes?: number; tls?: GatewayClientTls } = {},
): typeof fetch {
  const maxSockets = options.maxSocketsPerHost ?? 128;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const httpsAgent = (pin?: string) =>
    new HttpsAgent({
      keepAlive: true,
      maxSockets,
      maxFreeSockets: maxSockets,
      ...(options.tls
        ? { cert: options.tls.cert, key: options.tls.key, ...(options.tls.ca ? { ca: options.tls.ca } : {}) }
        : {}),
      ...(pin ? { checkServerIdentity: pinnedIdentity(pin) } : {}),
    });
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
    'https:': httpsAgent(),
  };
  // One agent per pin: a kept-alive connection is reused only by requests that pinned the same key.
  const pinnedAgents = new Map<string, HttpsAgent>();
  const agentFor = (protocol: 'http:' | 'https:', pin: string | undefined) => {
    if (!pin || protocol === 'http:') return agents[protocol];
    let agent = pinnedAgents.get(pin);
    if (!agent) {
      agent = httpsAgent(pin);
      pinnedAgents.set(pin, agent);
    }
    return agent;
  };
  const lean = (input: string | URL | Request, init: PinnedRequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const signal = init.signal ?? undefined;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
    }
    if (init.tlsPin && url.protocol !== 'https:') {
      return Promise.reject(new TypeError('a pinned gateway is reached over https only'));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const headers = new Headers(init.headers);
    // A write (the entry routes forward a JSON body): sent as it is, with its length.
    const body = init.body ?? null;
    if (body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      return Promise.reject(new TypeError('leanFetch sends a string or bytes as the body'));
    }
    if (body !== null) headers.set('content-length', String(Buffer.byteLength(body)));
    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: init.method ?? 'GET',
          agent: agentFor(url.protocol as 'http:' | 'https:', init.tlsPin),
          headers: Object.fromEntries(headers.entries()),
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              req.destroy(new Error(`response larger than ${maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('end', () => {
            signal?.removeEventListener('abort', onAbort);
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              if (value === undefined) continue;
              for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(name, v);
            }
            const status = res.statusCode ?? 502;
            const noBody = status === 204 || status === 304 || init.method === 'HEAD';
            resolve(
              new Response(noBody ? null : Buffer.concat(chunks, size), {
                status,
                statusText: res.statusMessage ?? '',
                headers: responseHeaders,
              }),
            );
          });
        },
      );
      function fail(error: unknown) {
        signal?.removeEventListener('abort', onAbort);
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: error }));
      }
      function onAbort() {
        req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', fail);
      req.end(body ?? undefined);
    });
  };
  Object.defineProperty(lean, PINS_TLS, { value: true });
  return lean as typeof fetch;
}

/** The CA and host name checks, then the pin: any other key fails the handshake. */
function pinnedIdentity(pin: string) {
  return (host: string, cert: PeerCertificate): Error | undefined => {
    const error = checkServerIdentity(host, cert);
    if (error) return error;
    const presented = cert.raw ? certificatePin(cert.raw) : 'none';
    if (presented !== pin) {
      return Object.assign(new Error(`the gateway presented TLS key ${presented}, pinned ${pin}`), {
        code: 'ERR_TLS_PIN_MISMATCH',
      });
    }
    return undefined;
  };
}
