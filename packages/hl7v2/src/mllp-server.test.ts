import { X509Certificate } from 'node:crypto';
import { connect } from 'node:net';
import { rootCertificates } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import {
  certificateFingerprint,
  encodeHl7Text,
  frameMllp,
  MllpDeframer,
  type MllpServer,
  type MllpServerOptions,
  type MllpSink,
  normaliseFingerprint,
  parseHl7,
  startMllpServer,
} from './index.js';

// The transport alone, over plain TCP with a sink that answers each frame with its own text: the
// gateway's and the repository's tests cover TLS with client certificates (they make the certificates).

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

/** Answers `ack:<frame>`; remembers the sender each frame came with. */
function echo(delayMs = 0): MllpSink<string> & { seen: (string | undefined)[] } {
  const seen: (string | undefined)[] = [];
  return {
    seen,
    async receive(frame, hint) {
      seen.push(hint.sender);
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      return { ack: bytes(`ack:${text(frame)}`) };
    },
  };
}

/** Writes `chunks` (then half-closes), collects every frame answered until the server closes. */
function exchange(port: number, chunks: Uint8Array[]): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      for (const c of chunks) socket.write(c);
      socket.end();
    });
    const deframer = new MllpDeframer();
    const got: string[] = [];
    socket.on('data', (chunk: Buffer) => {
      for (const e of deframer.push(chunk)) if (e.type === 'frame') got.push(text(e.frame));
    });
    socket.on('close', () => resolve(got));
    socket.on('error', reject);
  });
}

describe('MLLP server', () => {
  let server: MllpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const start = async <S = string>(sink: MllpSink<S>, options: Partial<MllpServerOptions<S>> = {}) => {
    server = await startMllpServer(sink, { port: 0, ...options });
    return server.port;
  };

  it('answers frames split byte by byte and several in one chunk, in order, to a half-closed sender', async () => {
    const port = await start(echo());
    const all = Buffer.concat(['one', 'two', 'three'].map((m) => frameMllp(bytes(m))));
    const split = [...all].map((b) => new Uint8Array([b]));
    expect(await exchange(port, split)).toEqual(['ack:one', 'ack:two', 'ack:three']);
    expect(await exchange(port, [all])).toEqual(['ack:one', 'ack:two', 'ack:three']);
  });

  it('keeps the order under backpressure: a slow sink, a sender far ahead of it', async () => {
    const port = await start(echo(5), { maxQueuedFrames: 2 });
    const messages = Array.from({ length: 30 }, (_, i) => `m${i}`);
    const all = Buffer.concat(messages.map((m) => frameMllp(bytes(m))));
    expect(await exchange(port, [all])).toEqual(messages.map((m) => `ack:${m}`));
  });

  it('answers an oversized frame with its AR (built with buildAck by default) and closes', async () => {
    const port = await start(echo(), { maxFrameSize: 100 });
    const got = await exchange(port, [frameMllp(new Uint8Array(500).fill(0x41)), frameMllp(bytes('after'))]);
    expect(got).toHaveLength(1);
    const ack = parseHl7(encodeHl7Text(got[0]!, 'UTF-8'));
    if (!ack.ok) throw new Error(ack.error.message);
    expect(ack.message.get('MSA-1')).toBe('AR');
    expect(ack.message.get('ERR-5.1')).toBe('TOO_LARGE');
  });

  it('uses the NAK the caller builds', async () => {
    const port = await start(echo(), { maxFrameSize: 10, frameTooLargeAck: () => bytes('too big') });
    expect(await exchange(port, [frameMllp(new Uint8Array(50))])).toEqual(['too big']);
  });

  it('names each frame’s sender, looked up once per connection, synchronously or not', async () => {
    const sink = echo();
    const port = await start(sink, { senderOf: async (peer) => `from ${peer.remoteAddress}` });
    expect(await exchange(port, [frameMllp(bytes('a')), frameMllp(bytes('b'))])).toEqual(['ack:a', 'ack:b']);
    expect(sink.seen).toEqual(['from 127.0.0.1', 'from 127.0.0.1']);
  });

  it('closes a connection from nobody known before reading any of it, and says so', async () => {
    for (const senderOf of [() => null, async () => null]) {
      const sink = echo();
      const refused: (string | undefined)[] = [];
      const port = await start(sink, { senderOf, onRefused: (peer) => refused.push(peer.remoteAddress) });
      expect(await exchange(port, [frameMllp(bytes('a'))])).toEqual([]);
      expect(sink.seen).toEqual([]);
      expect(refused).toEqual(['127.0.0.1']);
      await server?.close();
    }
  });

  it('closes the connection without an ACK when the sink fails (the sender will send again)', async () => {
    const port = await start<string>({
      receive: async () => {
        throw new Error('store down');
      },
    });
    expect(await exchange(port, [frameMllp(bytes('a')), frameMllp(bytes('b'))])).toEqual([]);
  });

  it('lets the message in hand finish on close', async () => {
    const port = await start(echo(200));
    const answered = exchange(port, [frameMllp(bytes('slow'))]);
    await new Promise((r) => setTimeout(r, 50));
    await server?.close();
    server = undefined;
    expect(await answered).toEqual(['ack:slow']);
  });
});

describe('certificate fingerprints', () => {
  it('are the SHA-256 of the DER, lower-case hex, and read openssl’s colon form', () => {
    // Any certificate will do: Node's bundled roots are at hand.
    const x509 = new X509Certificate(rootCertificates[0]!);
    expect(certificateFingerprint(x509.raw)).toBe(normaliseFingerprint(x509.fingerprint256));
    expect(normaliseFingerprint('AB:CD:0F')).toBe('abcd0f');
  });
});
