import { connect, type Socket } from 'node:net';
import { frameMllp, MllpDeframer } from '@hie/hl7v2';

export interface MllpSendOptions {
  host: string;
  port: number;
  /** How long to wait for each ACK (default 30 s). */
  timeoutMs?: number;
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

  static connect(options: MllpSendOptions): Promise<MllpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port }, () => {
        socket.off('error', reject);
        resolve(new MllpClient(socket));
      });
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
