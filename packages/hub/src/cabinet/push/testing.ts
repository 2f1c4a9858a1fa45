import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

/**
 * A push service for tests, written from RFC 8030 / 8291 / 8292 rather than from web-push: it checks the
 * VAPID token's ES256 signature and claims, decrypts the aes128gcm body with the browser's private key,
 * and keeps what arrived. An endpoint may be told to answer a status (410 gone, 500 …) a number of times.
 */
export interface ReceivedPush {
  endpoint: string;
  headers: Record<string, string | string[] | undefined>;
  claims: { aud: string; exp: number; sub: string };
  message: Record<string, unknown>;
}

export interface TestPushService {
  host: string;
  received: ReceivedPush[];
  /** A new browser's subscription at this service (what `PushSubscription.toJSON()` gives). */
  subscription(): { endpoint: string; keys: { p256dh: string; auth: string } };
  /** The next `times` pushes to `endpoint` are answered `status`. */
  answer(endpoint: string, status: number, times?: number): void;
  close(): Promise<void>;
}

export async function startTestPushService(tls: { key: Buffer; cert: Buffer }): Promise<TestPushService> {
  const browsers = new Map<string, { ecdh: ReturnType<typeof createECDH>; auth: Buffer }>();
  const scripted = new Map<string, number[]>();
  const received: ReceivedPush[] = [];
  let origin = '';
  const server: Server = createServer(tls, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const endpoint = `${origin}${request.url}`;
      const status = scripted.get(endpoint)?.shift();
      if (status !== undefined) {
        response.writeHead(status).end();
        return;
      }
      const browser = browsers.get(endpoint);
      try {
        if (!browser) throw new Error('unknown subscription');
        if (request.headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
        const claims = checkVapid(String(request.headers.authorization ?? ''));
        const message = JSON.parse(decrypt(Buffer.concat(chunks), browser).toString('utf8'));
        received.push({ endpoint, headers: request.headers, claims, message });
        response.writeHead(201).end();
      } catch (error) {
        response.writeHead(400).end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const host = `127.0.0.1:${port}`;
  origin = `https://${host}`;
  return {
    host,
    received,
    subscription() {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      const endpoint = `${origin}/push/${randomBytes(12).toString('hex')}`;
      browsers.set(endpoint, { ecdh, auth });
      return {
        endpoint,
        keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
      };
    },
    answer(endpoint, status, times = 1) {
      scripted.set(endpoint, [...(scripted.get(endpoint) ?? []), ...Array<number>(times).fill(status)]);
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** RFC 8292: `vapid t=<JWT>, k=<P-256 public key>`; the JWT is ES256 over the key given. */
function checkVapid(authorization: string): ReceivedPush['claims'] {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!match?.[1] || !match[2]) throw new Error('no vapid authorization');
  const [header, payload, signature] = match[1].split('.');
  if (!header || !payload || !signature) throw new Error('not a JWT');
  if (JSON.parse(Buffer.from(header, 'base64url').toString()).alg !== 'ES256') throw new Error('not ES256');
  const raw = Buffer.from(match[2], 'base64url');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33, 65).toString('base64url'),
    },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!ok) throw new Error('bad VAPID signature');
  return JSON.parse(Buffer.from(payload, 'base64url').toString());
}

/** RFC 8291 §3.4 + RFC 8188: one aes128gcm record, decrypted with the browser's key and auth secret. */
function decrypt(body: Buffer, browser: { ecdh: ReturnType<typeof createECDH>; auth: Buffer }): Buffer {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const serverKey = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const secret = browser.ecdh.computeSecret(serverKey);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), browser.ecdh.getPublicKey(), serverKey]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, browser.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end > 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('not the last record');
  return padded.subarray(0, end);
}
