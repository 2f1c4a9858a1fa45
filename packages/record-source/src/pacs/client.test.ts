// The PACS client against a PACS that misbehaves on purpose (a local HTTP server): frames are handed on
// as they arrive — never after the whole answer —, a PACS that stalls mid-answer or refuses the
// gateway's credentials fails with a stable code, and a consumer that stops early closes the PACS's answer.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PacsClient, PacsError } from './client.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function pacs(handler: (req: IncomingMessage, res: ServerResponse) => void, timeoutMs = 2000) {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return new PacsClient({
    url: `http://127.0.0.1:${port}/dicom-web/`,
    username: 'gw',
    password: 'pässword',
    timeoutMs,
  });
}

const PATH = { study: '1.2.3', series: '1.2.3.4', sop: '1.2.3.4.5' };
/** A part as Orthanc writes it: with its length, so it is complete at its last byte. */
const part = (bytes: Buffer) =>
  Buffer.concat([
    Buffer.from(`--B\r\nContent-Type: application/octet-stream\r\nContent-Length: ${bytes.length}\r\n\r\n`),
    bytes,
    Buffer.from('\r\n'),
  ]);
const frameType = 'multipart/related; type="application/octet-stream"; boundary=B';

describe('the PACS client', () => {
  it('hands each frame on as soon as its part has arrived, asking uncompressed frames with HTTP Basic', async () => {
    let sendRest: () => void = () => undefined;
    const rest = new Promise<void>((r) => {
      sendRest = r;
    });
    const seen: Record<string, string | undefined> = {};
    const client = await pacs((req, res) => {
      seen.url = req.url;
      seen.authorization = req.headers.authorization;
      seen.accept = req.headers.accept;
      res.writeHead(200, { 'content-type': frameType });
      res.write(part(Buffer.alloc(1000, 1)));
      // The second frame only once the first has reached the consumer: a client that waited for the
      // whole answer would never get there.
      rest.then(() => {
        res.write(part(Buffer.alloc(1000, 2)));
        res.end('--B--\r\n');
      });
    });
    const frames = await client.frames(PATH, [1, 2]);
    const first = await frames.next();
    expect(Buffer.from(first.value as Uint8Array).equals(Buffer.alloc(1000, 1))).toBe(true);
    sendRest();
    const second = await frames.next();
    expect(Buffer.from(second.value as Uint8Array).equals(Buffer.alloc(1000, 2))).toBe(true);
    expect((await frames.next()).done).toBe(true);
    expect(seen).toEqual({
      url: '/dicom-web/studies/1.2.3/series/1.2.3.4/instances/1.2.3.4.5/frames/1,2',
      authorization: `Basic ${Buffer.from('gw:pässword').toString('base64')}`,
      accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1',
    });
  });

  it('a PACS that stalls in the middle of its answer times out; one that sends fewer frames than asked is caught', async () => {
    const client = await pacs((_req, res) => {
      res.writeHead(200, { 'content-type': frameType });
      res.write(part(Buffer.alloc(10, 1))); // …and then nothing
    }, 300);
    const frames = await client.frames(PATH, [1, 2]);
    await frames.next();
    await expect(frames.next()).rejects.toMatchObject({ code: 'pacs-timeout' });

    const short = await pacs((_req, res) => {
      res.writeHead(200, { 'content-type': frameType });
      res.end(Buffer.concat([part(Buffer.alloc(10, 1)), Buffer.from('--B--\r\n')]));
    });
    const one = await short.frames(PATH, [1, 2]);
    await one.next();
    await expect(one.next()).rejects.toMatchObject({ code: 'pacs-bad-answer' });
  });

  it('closes the PACS’s answer when the consumer stops early (the hub went away)', async () => {
    let closed: () => void = () => undefined;
    const gone = new Promise<void>((r) => {
      closed = r;
    });
    const client = await pacs((_req, res) => {
      res.writeHead(200, { 'content-type': frameType });
      res.write(part(Buffer.alloc(10, 1)));
      res.on('close', closed);
    });
    const frames = await client.frames(PATH, [1, 2, 3]);
    await frames.next();
    await frames.return(undefined);
    await gone; // the test would time out otherwise
  });

  it('names why: refused credentials, a missing instance, pixels it cannot send uncompressed, no PACS there', async () => {
    const statuses = [401, 404, 406, 500];
    const client = await pacs((_req, res) => {
      res.writeHead(statuses.shift() ?? 500).end('no');
    });
    const codes: string[] = [];
    for (let i = 0; i < 4; i++)
      codes.push(
        await client.frames(PATH, [1]).then(
          () => 'ok',
          (e: PacsError) => e.code,
        ),
      );
    expect(codes).toEqual([
      'pacs-unavailable',
      'pacs-not-found',
      'pacs-unsupported-transfer-syntax',
      'pacs-unavailable',
    ]);
    const nowhere = new PacsClient({ url: 'http://127.0.0.1:1/dicom-web', timeoutMs: 1000 });
    await expect(nowhere.studies({ offset: 0, limit: 10 })).rejects.toBeInstanceOf(PacsError);
    await expect(nowhere.studies({ offset: 0, limit: 10 })).rejects.toMatchObject({
      code: 'pacs-unavailable',
    });
  });
});
