import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type PeerCertificate, type TLSSocket } from 'node:tls';
import { frameMllp, MllpDeframer } from '@hie/hl7v2';
import { httpsServerOptions, type MutualTlsOptions } from '@hie/platform';
import { encodeAck } from './ack.js';
import { type InboundLog, silentLog } from './log.js';
import type { MessageSink } from './receiver.js';
import type { InboundSender } from './sender.js';

export interface MllpListenerOptions {
  host?: string;
  /** 0 = an ephemeral port (tests). */
  port: number;
  /** Largest frame accepted (default 16 MiB): a larger one gets a NAK and the connection is closed. */
  maxFrameSize?: number;
  /** Close a connection idle this long (default 5 min), so dead peers do not hold sockets. */
  idleTimeoutMs?: number;
  /** Refuse connections beyond this many at once (default 256). */
  maxConnections?: number;
  /** Frames queued on one connection before reading pauses (default 64): backpressure for fast senders. */
  maxQueuedFrames?: number;
  /**
   * MLLP over TLS: the server's key and certificate, and the CA whose client certificates it requires
   * (`@hie/platform` httpsServerOptions: requestCert + rejectUnauthorized). A client without a valid
   * certificate is refused in the handshake.
   */
  tls?: MutualTlsOptions;
  /**
   * Who is at the other end of a connection (by its address, or over TLS by its verified client
   * certificate). A connection from nobody known is closed at once. The gateway always passes one;
   * without it (library use, tests) messages carry no sender and MSH-4 is not checked.
   */
  senderOf?: (peer: MllpPeer) => InboundSender | null;
  /** Told of each connection `senderOf` refused (the gateway audits it). */
  onRefused?: (peer: MllpPeer) => void;
  log?: InboundLog;
}

/** What the listener knows of the other end of a connection before any message. */
export interface MllpPeer {
  remoteAddress: string | undefined;
  /** Over TLS: the client certificate, present only when the handshake verified it against the CA. */
  certificate?: PeerCertificate;
}

export interface MllpListener {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, lets each connection finish the message in hand, then closes it. */
  close(): Promise<void>;
}

/**
 * MLLP over TCP, or over TLS with client certificates (`tls`): frames may arrive split anywhere or
 * several to a chunk. Each connection handles its frames one after the other and answers each in
 * order (senders wait for the ACK of one message before the next: that is what keeps a patient's
 * updates in order). A TLS socket is a stream like a TCP one: the same connection code serves both.
 */
export async function startMllpListener(
  receiver: MessageSink,
  options: MllpListenerOptions,
): Promise<MllpListener> {
  const log = options.log ?? silentLog;
  const connections = new Set<Connection>();
  let closing = false;
  const accept = (socket: Socket, peer: MllpPeer) => {
    if (closing) {
      socket.destroy();
      return;
    }
    let sender: InboundSender | undefined;
    if (options.senderOf) {
      const known = options.senderOf(peer);
      if (!known) {
        log.warn(
          {
            remoteAddress: peer.remoteAddress,
            ...(peer.certificate
              ? { certificate: peer.certificate.fingerprint256, subject: peer.certificate.subject?.CN }
              : {}),
          },
          'MLLP connection from an unknown sender refused',
        );
        socket.destroy();
        options.onRefused?.(peer);
        return;
      }
      sender = known;
    }
    const connection = new Connection(socket, receiver, options, log, sender);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  };
  // Half-open: a sender may send its frames and shut its side; the ACKs still have to reach it. Over TLS
  // only once the handshake is done: a client that gives up in the handshake (it refused our certificate)
  // and shuts its side would otherwise hold its socket open until the handshake timeout (120 s), and
  // keep `close()`, hence the gateway's stop, waiting that long.
  const server: Server = options.tls
    ? createTlsServer(httpsServerOptions(options.tls), (socket) => {
        socket.allowHalfOpen = true;
        accept(socket, { remoteAddress: socket.remoteAddress, ...verifiedCertificate(socket) });
      })
    : createServer({ allowHalfOpen: true }, (socket) =>
        accept(socket, { remoteAddress: socket.remoteAddress }),
      );
  if (options.tls) {
    server.on('tlsClientError', (e: Error, socket: TLSSocket) =>
      log.warn({ err: e, remoteAddress: socket.remoteAddress }, 'MLLP/TLS handshake refused'),
    );
  }
  server.maxConnections = options.maxConnections ?? 256;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log.error({ err: e }, 'MLLP listener error'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info(
    { host: options.host ?? '127.0.0.1', port, tls: options.tls !== undefined },
    'MLLP listener started',
  );
  return {
    host: options.host ?? '127.0.0.1',
    port,
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...connections].map((c) => c.finish()));
      await stopped;
    },
  };
}

/** The client certificate, only when the handshake verified it against the CA (never merely presented). */
function verifiedCertificate(socket: TLSSocket): { certificate?: PeerCertificate } {
  if (!socket.authorized) return {};
  const certificate = socket.getPeerCertificate();
  return certificate?.raw ? { certificate } : {};
}

class Connection {
  private readonly deframer: MllpDeframer;
  private readonly queue: Uint8Array[] = [];
  private working: Promise<void> | undefined;
  private ending = false;
  private readonly maxQueued: number;

  constructor(
    private readonly socket: Socket,
    private readonly receiver: MessageSink,
    options: MllpListenerOptions,
    private readonly log: InboundLog,
    private readonly sender: InboundSender | undefined,
  ) {
    this.deframer = new MllpDeframer({ maxFrameSize: options.maxFrameSize ?? 16 * 1024 * 1024 });
    this.maxQueued = options.maxQueuedFrames ?? 64;
    socket.setNoDelay(true);
    socket.setTimeout(options.idleTimeoutMs ?? 5 * 60_000, () => {
      log.info({ peer: this.peer }, 'MLLP connection idle: closing');
      void this.finish();
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => {
      for (const event of this.deframer.end()) {
        if (event.type === 'error') log.warn({ peer: this.peer, code: event.code }, event.message);
      }
      void this.finish();
    });
    socket.on('error', (e) => log.warn({ err: e, peer: this.peer }, 'MLLP connection error'));
  }

  private get peer(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  private onData(chunk: Buffer): void {
    if (this.ending) return;
    for (const event of this.deframer.push(chunk)) {
      if (event.type === 'frame') {
        this.queue.push(event.frame);
      } else if (event.code === 'FRAME_TOO_LARGE') {
        // The frame is gone: say so, then close, since the sender may be streaming garbage.
        this.log.warn({ peer: this.peer }, event.message);
        this.queue.push(TOO_LARGE);
        this.ending = true;
        break;
      } else {
        // Stray bytes between frames (often a file's own trailing 0x1C sent inside a frame): harmless.
        this.log.info({ peer: this.peer, code: event.code }, event.message);
      }
    }
    if (this.queue.length >= this.maxQueued) this.socket.pause();
    this.pump();
  }

  private pump(): void {
    if (this.working) return;
    this.working = this.drain().finally(() => {
      this.working = undefined;
      if (this.ending && this.queue.length === 0) this.socket.end();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const frame = this.queue.shift()!;
      if (this.queue.length < this.maxQueued && this.socket.isPaused()) this.socket.resume();
      const ack =
        frame === TOO_LARGE
          ? encodeAck(undefined, {
              code: 'AR',
              text: 'frame too large',
              problem: {
                hl7Code: '207',
                reason: 'FRAME_TOO_LARGE',
                message: 'the MLLP frame exceeds the size limit',
              },
            })
          : (await this.receiver.receive(frame, this.sender ? { sender: this.sender } : {})).ack;
      if (ack && !this.socket.destroyed && this.socket.writable) this.socket.write(frameMllp(ack));
    }
  }

  /** Answers what is queued, then ends the connection. */
  async finish(): Promise<void> {
    this.ending = true;
    if (this.working) await this.working;
    if (!this.socket.destroyed) {
      await new Promise<void>((resolve) => {
        this.socket.end(() => resolve());
        setTimeout(() => {
          this.socket.destroy();
          resolve();
        }, 2000).unref();
      });
    }
  }
}

/** Marker in the frame queue: answer with the oversize NAK, in order after the frames before it. */
const TOO_LARGE = new Uint8Array(0);
