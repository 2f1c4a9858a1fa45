import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHl7Text } from '@hie/hl7v2';
import { validateStorage } from '@hie/ssmix2';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inboundHttpPlugin } from './http.js';
import { InboundReceiver } from './receiver.js';
import { readAck, sampleFiles } from './testing.js';

function count(root: string): number {
  let n = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else n++;
    }
  };
  walk(root);
  return n;
}

describe('POST /hl7/v2', () => {
  let root: string;
  let app: FastifyInstance;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'hie-inbound-http-'));
    app = Fastify();
    await app.register(inboundHttpPlugin, { receiver: new InboundReceiver({ storageRoot: root }) });
  });
  afterEach(async () => {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  });

  const post = (body: Uint8Array | string, contentType = 'application/hl7-v2', query = '') =>
    app.inject({
      method: 'POST',
      url: `/hl7/v2${query}`,
      headers: { 'content-type': contentType },
      payload: Buffer.from(body),
    });

  it('files every NHO sample and answers each with an AA in the message charset', async () => {
    const samples = sampleFiles();
    for (const [i, s] of samples.entries()) {
      const response = await post(s.bytes, i % 2 ? 'text/plain' : 'application/hl7-v2');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('application/hl7-v2; charset=ISO-2022-JP');
      expect(readAck(response.rawPayload).code).toBe('AA');
    }
    expect(count(root)).toBe(samples.length);
    expect((await validateStorage(root)).summary.error).toBe(0);
  });

  it('answers AE (400) naming the field, AR (422) for an unsupported type, and a duplicate once', async () => {
    const noPid = 'MSH|^~\\&|HIS|H|GW|G|20240101120000||ADT^A08^ADT_A01|H1|P|2.5\rEVN||20240101\rPID\r';
    const bad = await post(noPid);
    expect(bad.statusCode).toBe(400);
    expect(readAck(bad.rawPayload)).toMatchObject({ code: 'AE', errLocation: 'PID^3^3' });
    const unsupported = await post('MSH|^~\\&|HIS|H|GW|G|20240101120000||MDM^T02^MDM_T02|H2|P|2.5\r');
    expect(unsupported.statusCode).toBe(422);
    expect(readAck(unsupported.rawPayload).code).toBe('AR');
    const sample = sampleFiles().find((s) => s.dataType === 'OMP-02')!;
    expect((await post(sample.bytes)).statusCode).toBe(200);
    expect((await post(sample.bytes)).statusCode).toBe(200);
    expect(count(root)).toBe(1);
  });

  it('lets the sender name the data type among those sharing one MSH-9', async () => {
    const prescription = sampleFiles().find((s) => s.dataType === 'OMP-01')!;
    const response = await post(prescription.bytes, 'application/hl7-v2', '?dataType=OMP-02');
    expect(response.statusCode).toBe(200);
    expect(readdirSync(root, { recursive: true }).some((p) => String(p).endsWith('/OMP-02'))).toBe(true);
    const wrong = await post(prescription.bytes, 'application/hl7-v2', '?dataType=OML-11');
    expect(wrong.statusCode).toBe(422);
  });

  it('reads a Shift_JIS body by its MSH-18 and files it as ISO-2022-JP', async () => {
    const text =
      'MSH|^~\\&|RECEPT|H|GW|G|20240101120000||ADT^A08^ADT_A01|SJ1|P|2.5||||||SHIFT-JIS\rEVN||20240101\r' +
      'PID|||7001||山田^太郎^^^^^L^I~ヤマダ^タロウ^^^^^L^P||19600101|M\rPV1||O\r';
    const response = await post(encodeHl7Text(text, 'Shift_JIS'), 'text/plain; charset=Shift_JIS');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/hl7-v2; charset=Shift_JIS');
    const [file] = readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    const stored = new TextDecoder('iso-2022-jp', { fatal: true }).decode(
      readFileSync(join(file!.parentPath, file!.name)),
    );
    expect(stored).toContain('|~ISO IR87||ISO 2022-1994');
    expect(stored).toContain('山田^太郎');
  });

  it('refuses a JSON body', async () => {
    const response = await app.inject({ method: 'POST', url: '/hl7/v2', payload: { a: 1 } });
    expect(response.statusCode).toBe(415);
  });
});
