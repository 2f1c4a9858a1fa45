import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { connect } from 'node:tls';
import { frameMllp, MllpDeframer, parseHl7 } from '@hie/hl7v2';
import { makeTestCertificates } from '@hie/record-source/testing';
import { parseFileName, validateStorage } from '@hie/ssmix2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MllpClient, sendMllp } from './client.js';
import { type MllpListener, startMllpListener } from './mllp.js';
import { InboundReceiver } from './receiver.js';
import { readAck, sampleFiles } from './testing.js';

function storedFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out.sort();
}

describe('MLLP listener', () => {
  let root: string;
  let listener: MllpListener;
  let notified: string[][];
  let receiver: InboundReceiver;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'hie-inbound-'));
    notified = [];
    receiver = new InboundReceiver({ storageRoot: root, onStored: (paths) => void notified.push(paths) });
    listener = await startMllpListener(receiver, { host: '127.0.0.1', port: 0 });
  });
  afterEach(async () => {
    await listener.close();
    rmSync(root, { recursive: true, force: true });
  });
  const target = () => ({ host: '127.0.0.1', port: listener.port });

  it('files every NHO sample under its own name, acknowledges each with AA, and the storage validates', async () => {
    const samples = sampleFiles();
    expect(samples).toHaveLength(19);
    const replies = await sendMllp(
      samples.map((s) => s.bytes),
      target(),
    );
    expect(replies.map((r) => (r.ok ? readAck(r.ack).code : r.reason))).toEqual(samples.map(() => 'AA'));
    replies.forEach((r, i) => {
      const sent = parseHl7(samples[i]!.bytes);
      if (!r.ok || !sent.ok) throw new Error('unexpected');
      expect(readAck(r.ack).controlId).toBe(sent.message.controlId);
    });

    const files = storedFiles(root);
    expect(files).toHaveLength(19);
    expect(
      notified
        .flat()
        .map((p) => relative(root, p))
        .sort(),
    ).toEqual(files);
    for (const [i, sample] of samples.entries()) {
      const sent = parseHl7(sample.bytes);
      if (!sent.ok) throw new Error('sample unreadable');
      const file = notified[i]![0]!;
      const name = parseFileName(basename(file));
      if (!name.ok) throw new Error(name.message);
      // The name comes from the message (PID-3, data type by content), not from where the sample sat.
      expect(name.value.patientId).toBe(sent.message.get('PID-3.1'));
      expect(name.value.dataType).toBe(sample.dataType);
      expect(name.value.flag).toBe('1');
      expect(name.value.timestamp).toMatch(/^\d{17}$/);
      // ISO-2022-JP input is stored byte for byte; the samples' trailing 0x1C ended the MLLP frame.
      const body = sample.bytes.at(-1) === 0x1c ? sample.bytes.subarray(0, -1) : sample.bytes;
      expect(Buffer.compare(readFileSync(file), Buffer.from(body))).toBe(0);
    }
    const omp01 = files.find((f) => f.includes('_OMP-01_'))!;
    expect(basename(omp01)).toMatch(/^9999013_20110701_OMP-01_000000011000185_\d{17}_01_1$/);
    const adt00 = files.find((f) => f.includes('_ADT-00_'))!;
    expect(adt00).toMatch(/^999\/901\/9999013\/-\/ADT-00\/9999013_-_ADT-00_999999999999999_\d{17}_-_1$/);

    const report = await validateStorage(root);
    expect(report.summary.files).toBe(19);
    expect(report.summary.error).toBe(0);
  });

  it('answers AE with the ERR location for a message it cannot file, and AR for a type SS-MIX2 does not have', async () => {
    const noPid = 'MSH|^~\\&|HIS|H|GW|G|20240101120000||ADT^A08^ADT_A01|C1|P|2.5\rEVN||20240101\r';
    const badDate =
      'MSH|^~\\&|HIS|H|GW|G|20240101120000||OUL^R22^OUL_R22|C2|P|2.5\rPID|||12345||X^Y\rSPM|1|||023^血清^JC10|||||||||||||notadate\r';
    const unsupported = 'MSH|^~\\&|HIS|H|GW|G|20240101120000||SIU^S12^SIU_S12|C3|P|2.5\rPID|||12345\r';
    const garbage = 'hello, this is not HL7\r';
    const replies = await sendMllp(
      [noPid, badDate, unsupported, garbage].map((s) => new TextEncoder().encode(s)),
      target(),
    );
    const acks = replies.map((r) => (r.ok ? readAck(r.ack) : undefined));
    expect(acks[0]).toMatchObject({ code: 'AE', controlId: 'C1', errLocation: 'PID^^3', errCode: '101' });
    expect(acks[1]).toMatchObject({ code: 'AE', controlId: 'C2', errLocation: 'SPM^3^17', errCode: '102' });
    expect(acks[2]).toMatchObject({ code: 'AR', controlId: 'C3', errLocation: 'MSH^1^9', errCode: '200' });
    expect(acks[3]).toMatchObject({ code: 'AE', errCode: '100' });
    expect(storedFiles(root)).toEqual([]);
  });

  it('reassembles frames split byte by byte and answers several frames sent in one chunk, in order', async () => {
    const samples = sampleFiles().slice(0, 4);
    const client = await MllpClient.connect(target());
    try {
      const first = frameMllp(samples[0]!.bytes);
      for (let i = 0; i < first.length; i += 7) await client.write(first.subarray(i, i + 7));
      const reply = await client.nextAck(5000);
      expect(reply.ok && readAck(reply.ack).code).toBe('AA');
      const together = Buffer.concat(samples.slice(1).map((s) => frameMllp(s.bytes)));
      await client.write(together);
      const codes: string[] = [];
      for (let i = 1; i < samples.length; i++) {
        const r = await client.nextAck(5000);
        codes.push(r.ok ? readAck(r.ack).controlId : r.reason);
      }
      expect(codes).toEqual(
        samples.slice(1).map((s) => {
          const p = parseHl7(s.bytes);
          return p.ok ? p.message.controlId : '';
        }),
      );
    } finally {
      await client.close();
    }
    expect(storedFiles(root)).toHaveLength(4);
  });

  it('acknowledges a re-sent control ID again without filing it twice', async () => {
    const sample = sampleFiles().find((s) => s.dataType === 'OML-11')!;
    const replies = await sendMllp([sample.bytes, sample.bytes], target());
    expect(replies.map((r) => (r.ok ? readAck(r.ack).code : r.reason))).toEqual(['AA', 'AA']);
    expect(storedFiles(root)).toHaveLength(1);
    // A second connection sending it at the same moment as a third one: still one file.
    const again = await Promise.all([sendMllp([sample.bytes], target()), sendMllp([sample.bytes], target())]);
    expect(again.flat().every((r) => r.ok && readAck(r.ack).code === 'AA')).toBe(true);
    expect(storedFiles(root)).toHaveLength(1);
  });

  it('answers an oversized frame with AR and closes the connection', async () => {
    await listener.close();
    listener = await startMllpListener(receiver, { host: '127.0.0.1', port: 0, maxFrameSize: 1000 });
    const client = await MllpClient.connect(target());
    const reply = await client.send(new Uint8Array(5000).fill(0x41), 5000);
    expect(reply.ok && readAck(reply.ack).code).toBe('AR');
    expect((await client.nextAck(5000)).ok).toBe(false);
    await client.close();
  });

  it('speaks the same MLLP over TLS: split frames, a half-closed sender gets every ACK in order, named by its verified certificate', async () => {
    const certs = makeTestCertificates();
    try {
      await listener.close();
      const named: unknown[] = [];
      listener = await startMllpListener(receiver, {
        host: '127.0.0.1',
        port: 0,
        tls: { key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt'), ca: certs.pem('ca.crt') },
        senderOf: (peer) => {
          named.push(peer.certificate?.subject?.CN);
          return { id: 'hub', facilities: ['SEND'] };
        },
      });
      const samples = sampleFiles().slice(0, 5);
      const bytes = Buffer.concat(samples.map((s) => frameMllp(s.bytes)));
      const acks = await new Promise<string[]>((resolve, reject) => {
        const client = { cert: certs.pem('hub.crt'), key: certs.pem('hub.key') };
        const socket = connect(
          { ...target(), ...client, ca: certs.pem('ca.crt'), servername: 'localhost' },
          () => {
            for (let i = 0; i < bytes.length; i += 97) socket.write(bytes.subarray(i, i + 97));
            socket.end();
          },
        );
        const deframer = new MllpDeframer();
        const received: string[] = [];
        socket.on('data', (chunk: Buffer) => {
          for (const e of deframer.push(chunk)) if (e.type === 'frame') received.push(readAck(e.frame).code);
        });
        socket.on('close', () => resolve(received));
        socket.on('error', reject);
      });
      expect(acks).toEqual(samples.map(() => 'AA'));
      expect(named).toEqual(['hub.hie.test']);
      expect(storedFiles(root)).toHaveLength(5);
    } finally {
      certs.dispose();
    }
  });

  it('lets go at once of a client that refuses its certificate mid-handshake: close() does not wait for it', async () => {
    // Found by `hie gateway send --tls-ca <another CA>`: the client gave up in the handshake and shut its
    // side, and the half-open TLS socket held the listener's close (the gateway's stop) for 120 s.
    const certs = makeTestCertificates();
    try {
      await listener.close();
      listener = await startMllpListener(receiver, {
        host: '127.0.0.1',
        port: 0,
        tls: { key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt'), ca: certs.pem('ca.crt') },
        senderOf: () => ({ id: 'hub', facilities: ['SEND'] }),
      });
      const refused = await sendMllp([sampleFiles()[0]!.bytes], {
        ...target(),
        tls: { ca: certs.pem('rogue-ca.crt'), cert: certs.pem('hub.crt'), key: certs.pem('hub.key') },
      }).catch((e: Error) => e.message);
      expect(refused).toMatch(/certificate/);
      const started = Date.now();
      await listener.close();
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      certs.dispose();
    }
  });

  it('serves many connections at once', async () => {
    const samples = sampleFiles();
    const results = await Promise.all(samples.map((s) => sendMllp([s.bytes], target())));
    expect(results.flat().filter((r) => r.ok && readAck(r.ack).code === 'AA')).toHaveLength(samples.length);
    expect(storedFiles(root)).toHaveLength(samples.length);
  });
});
