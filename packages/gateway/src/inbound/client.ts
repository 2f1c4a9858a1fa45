import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { frameMllp, MllpDeframer } from '@hie/hl7v2';

export interface MllpSendOptions {
  host: string;
  port: number;
  /** How long to wait for each ACK (default 30 s). */
  timeoutMs?: number;
  /** MLLP over TLS: the gateway's certificate is verified against `ca`; `cert` + `key` are ours. */
  tls?: MllpClientTls;
}

/** PEM contents (not paths) for MLLP over TLS. */
export interface MllpClientTls {
  /** CA(s) the gateway's certificate must chain to (default: Node's public roots). */
  ca?: string | Buffer | (string | Buffer)[];
  /** Our client certificate and its key, registered to a sender at the gateway. */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** The name the gateway's certificate must carry, when `host` is not it (SNI and identity check). */
  servername?: string;
}

/** The answer to one sent message: its ACK frame, or why there was none. */
export type MllpReply =
  | { ok: true; ack: Uint8Array }
  | { ok: false; reason: 'timeout' | 'closed'; message: string };

/**
 * A small MLLP sender (for tests, `hie gateway send` and site scripts): one connection, each
 * message sent only after the previous one's ACK arrived, as MLLP senders do.
 */
export class MllpClient {
  private readonly deframer = new MllpDeframer();
  private readonly acks: Uint8Array[] = [];
  private waiter: ((ack: Uint8Array | undefined) => void) | undefined;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const event of this.deframer.push(chunk)) if (event.type === 'frame') this.deliver(event.frame);
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiter?.(undefined);
    });
    socket.on('error', () => undefined);
  }

  /** Connects (over TLS with `options.tls`: resolves once the handshake is done and the gateway verified). */
  static connect(options: MllpSendOptions): Promise<MllpClient> {
    return new Promise((resolve, reject) => {
      const connected = () => {
        socket.off('error', reject);
        resolve(new MllpClient(socket));
      };
      const target = { host: options.host, port: options.port };
      const socket: Socket = options.tls
        ? connectTls({ ...target, ...options.tls }, connected)
        : connect(target, connected);
      socket.once('error', reject);
    });
  }

  /** Sends raw bytes as they are (tests use it for split and malformed frames). */
  write(bytes: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(bytes, (e) => (e ? reject(e) : resolve())));
  }

  /** Sends one message framed and waits for its ACK. */
  async send(message: Uint8Array, timeoutMs = 30_000): Promise<MllpReply> {
    await this.write(frameMllp(message));
    return this.nextAck(timeoutMs);
  }

  /** The next ACK frame received (already received ones first). */
  nextAck(timeoutMs = 30_000): Promise<MllpReply> {
    const ready = this.acks.shift();
    if (ready) return Promise.resolve({ ok: true, ack: ready });
    if (this.closed) return Promise.resolve({ ok: false, reason: 'closed', message: 'connection closed' });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        resolve({ ok: false, reason: 'timeout', message: `no ACK within ${timeoutMs} ms` });
      }, timeoutMs);
      this.waiter = (ack) => {
        clearTimeout(timer);
        this.waiter = undefined;
        resolve(
          ack
            ? { ok: true, ack }
            : { ok: false, reason: 'closed', message: 'connection closed before the ACK' },
        );
      };
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => this.socket.destroy(), 1000).unref();
    });
  }

  private deliver(frame: Uint8Array): void {
    if (this.waiter) this.waiter(frame);
    else this.acks.push(frame);
  }
}

/** Sends messages one by one on one connection; one reply per message, in order. */
export async function sendMllp(
  messages: readonly Uint8Array[],
  options: MllpSendOptions,
): Promise<MllpReply[]> {
  const client = await MllpClient.connect(options);
  const replies: MllpReply[] = [];
  try {
    for (const m of messages) {
      const reply = await client.send(m, options.timeoutMs);
      replies.push(reply);
      if (!reply.ok) break;
    }
  } finally {
    await client.close();
  }
  return replies;
}
