import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * A `fetch` for the hub's gateway calls (GET, small bodies, many in parallel) over node:http with
 * keep-alive agents. Node's global fetch (undici) cost about half of the hub's CPU per merged timeline
 * in bench/portal (request pipeline, web streams, abort wiring, garbage); this one reads the body into
 * one Buffer and hands back a standard `Response`. Only what the gateway client uses is supported:
 * method (GET/HEAD), headers, signal. Bodies larger than `maxBytes` are refused.
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
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
    'https:': new HttpsAgent({
      keepAlive: true,
      maxSockets,
      maxFreeSockets: maxSockets,
      ...(options.tls
        ? { cert: options.tls.cert, key: options.tls.key, ...(options.tls.ca ? { ca: options.tls.ca } : {}) }
        : {}),
    }),
  };
  const lean = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const signal = init.signal ?? undefined;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const headers = new Headers(init.headers);
    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(
        url,
        {
          method: init.method ?? 'GET',
          agent: agents[url.protocol as 'http:' | 'https:'],
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
      req.end();
    });
  };
  return lean as typeof fetch;
}
