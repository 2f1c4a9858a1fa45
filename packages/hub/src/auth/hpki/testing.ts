import { request } from 'node:https';
import type { TestCard } from './demo-pki.js';

export interface CardAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are read field by field
  json: any;
  setCookie: string[];
}

/**
 * One HTTPS request to the card listener on a new connection (no keep-alive: each test sees a fresh
 * handshake, as after a CRL swap), presenting `card` (or no certificate). Tests only.
 */
export function cardRequest(
  baseUrl: string,
  path: string,
  options: {
    card?: TestCard | null;
    method?: 'GET' | 'POST';
    body?: object;
    cookie?: string;
    csrf?: string;
  } = {},
): Promise<CardAnswer> {
  const url = new URL(path, baseUrl);
  const payload = options.body ? JSON.stringify(options.body) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? (payload ? 'POST' : 'GET'),
        agent: false,
        rejectUnauthorized: false,
        ...(options.card ? { cert: options.card.certPem, key: options.card.keyPem } : {}),
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...(options.cookie ? { cookie: options.cookie } : {}),
          ...(options.csrf ? { 'x-csrf-token': options.csrf } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = text;
          }
          const setCookie = res.headers['set-cookie'] ?? [];
          resolve({ status: res.statusCode ?? 0, json, setCookie });
        });
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** `name=value` of the session cookie a login set. */
export function sessionCookieOf(answer: CardAnswer): string {
  const cookie = answer.setCookie.find((c) => c.startsWith('hie_session='));
  if (!cookie) throw new Error(`no session cookie (status ${answer.status})`);
  return cookie.split(';')[0] as string;
}
