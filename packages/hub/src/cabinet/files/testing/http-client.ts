import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HubUnderTest } from '../../../testing.js';

/** Test support: requests over a real connection to a listening hub (to break one halfway, to stream). */

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export async function listening(hub: HubUnderTest): Promise<number> {
  await hub.app.listen({ port: 0, host: '127.0.0.1' });
  return (hub.app.server.address() as AddressInfo).port;
}

/**
 * Sends `chunks` (yielded lazily, with backpressure) and returns the answer. `contentLength` declares a
 * length (the chunks may be fewer bytes: see `abortAfterMs`); without it the body is chunked.
 */
export function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  chunks: Iterable<Buffer> = [],
  options: { contentLength?: number; abortAfterMs?: number } = {},
): Promise<Answer | null> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method,
      path,
      headers: {
        ...headers,
        ...(options.contentLength !== undefined ? { 'content-length': String(options.contentLength) } : {}),
      },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (chunk: Buffer) => parts.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
      );
      res.on('error', reject);
    });
    req.on('error', (error) =>
      options.abortAfterMs !== undefined && !answered ? resolve(null) : reject(error),
    );
    const iterator = chunks[Symbol.iterator]();
    const pump = () => {
      if (answered) return;
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
      if (options.abortAfterMs !== undefined) {
        // A connection that breaks halfway (a train enters a tunnel): the hub keeps what arrived.
        setTimeout(() => {
          req.destroy();
          resolve(null);
        }, options.abortAfterMs);
      } else req.end();
    };
    pump();
  });
}
