import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import {
  createServer as createTlsServer,
  type PeerCertificate,
  type TLSSocket,
  type TlsOptions,
} from 'node:tls';
import { buildAck } from './ack.js';
import { encodeHl7Text } from './charset.js';
import { frameMllp, MllpDeframer } from './mllp.js';

/**
 * Whatever takes the frames of a connection: each gets its ACK (undefined: send none, e.g. when the
 * sender's enhanced acknowledgment mode asked for none). `sender` is what `senderOf` named, if anything.
 */
export interface MllpSink<S> {
  receive(frame: Uint8Array, hint: { sender?: S }): Promise<{ ack: Uint8Array | undefined }>;
}

/** The part of a logger the server writes to (pino fits it). */
export interface MllpLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

const silent: MllpLog = { info() {}, warn() {}, error() {} };

/**
 * Node's TLS server options, as given: the caller decides the key, the certificate, the CA and whether a
 * client certificate is required (`requestCert` + `rejectUnauthorized`: refused in the handshake).
 */
export type MllpTlsOptions = Pick<TlsOptions, 'key' | 'cert' | 'ca' | 'requestCert' | 'rejectUnauthorized'>;

export interface MllpServerOptions<S> {
  /** Default 127.0.0.1. */
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
  /** MLLP over TLS; without it plain TCP. */
  tls?: MllpTlsOptions;
  /**
   * Who is at the other end of a connection (by its address, or over TLS by its verified client
   * certificate), looked up once before any of its bytes is read. A connection from nobody known
   * (null) is closed at once. Without it frames carry no sender.
   */
  senderOf?: (peer: MllpPeer) => S | null | Promise<S | null>;
  /** Told of each connection `senderOf` refused (for the audit). */
  onRefused?: (peer: MllpPeer) => void;
  /** The NAK for a frame over `maxFrameSize` (default: an AR built with `buildAck`, ERR TOO_LARGE). */
  frameTooLargeAck?: () => Uint8Array;
  log?: MllpLog;
}

/** What the server knows of the other end of a connection before any message. */
export interface MllpPeer {
  remoteAddress: string | undefined;
  /** Over TLS: the client certificate, present only when the handshake verified it against the CA. */
  certificate?: PeerCertificate;
}

export interface MllpServer {
  readonly host: string;
  readonly port: number;
  /** Stops accepting, lets each connection finish the message in hand, then closes it. */
  close(): Promise<void>;
}

/**
 * MLLP over TCP, or over TLS (`tls`): frames may arrive split anywhere or several to a chunk. Each
 * connection handles its frames one after the other and answers each in order (senders wait for the
 * ACK of one message before the next: that is what keeps a patient's updates in order). A TLS socket is
 * a stream like a TCP one: the same connection code serves both.
 */
export async function startMllpServer<S>(
  sink: MllpSink<S>,
  options: MllpServerOptions<S>,
): Promise<MllpServer> {
  const log = options.log ?? silent;
  const host = options.host ?? '127.0.0.1';
  const connections = new Set<Connection<S>>();
  // Connections whose sender is being looked up: close() waits for them to be accepted or refused.
  const pending = new Set<Promise<void>>();
  let closing = false;
  const refuse = (socket: Socket, peer: MllpPeer) => {
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
  };
  const open = (socket: Socket, sender: S | undefined) => {
    if (closing) {
      socket.destroy();
      return;
    }
    const connection = new Connection(socket, sink, options, log, sender);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  };
  const accept = (socket: Socket, peer: MllpPeer) => {
    if (closing) {
      socket.destroy();
      return;
    }
    if (!options.senderOf) return open(socket, undefined);
    let known: S | null | Promise<S | null>;
    try {
      known = options.senderOf(peer);
    } catch (e) {
      log.error({ err: e, remoteAddress: peer.remoteAddress }, 'MLLP sender lookup failed');
      socket.destroy();
      return;
    }
    if (!(known instanceof Promise)) {
      if (known === null) refuse(socket, peer);
      else open(socket, known);
      return;
    }
    // Until the sender is known nothing is read: the socket's bytes wait in its buffer (no 'data'
    // listener yet), so no frame is taken from a peer who turns out to be nobody.
    socket.on('error', () => undefined);
    const lookup = known.then(
      (sender) => (sender === null ? refuse(socket, peer) : open(socket, sender)),
      (e: unknown) => {
        log.error({ err: e, remoteAddress: peer.remoteAddress }, 'MLLP sender lookup failed');
        socket.destroy();
      },
    );
    pending.add(lookup);
    void lookup.finally(() => pending.delete(lookup));
  };
  // Half-open: a sender may send its frames and shut its side; the ACKs still have to reach it. Over TLS
  // only once the handshake is done: a client that gives up in the handshake (it refused our certificate)
  // and shuts its side would otherwise hold its socket open until the handshake timeout (120 s), and
  // keep `close()`, hence the process's stop, waiting that long.
  const server: Server = options.tls
    ? createTlsServer(options.tls, (socket) => {
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
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (e) => log.error({ err: e }, 'MLLP listener error'));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  log.info({ host, port, tls: options.tls !== undefined }, 'MLLP listener started');
  return {
    host,
    port,
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...pending]);
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

/**
 * The SHA-256 fingerprint of a certificate (its DER bytes), lower-case hex: how a sender's client
 * certificate is registered. The fingerprint, not the subject: the network CA may issue another
 * certificate with the same CN to another system, but never one with the same fingerprint.
 */
export function certificateFingerprint(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** A configured fingerprint as openssl prints it (`AB:CD:…`) or as plain hex → lower-case hex. */
export function normaliseFingerprint(value: string): string {
  return value.replaceAll(':', '').toLowerCase();
}

/** The registered form of a verified peer's certificate, or undefined when it showed none. */
export function peerFingerprint(peer: MllpPeer): string | undefined {
  const raw = peer.certificate?.raw;
  return raw && raw.length > 0 ? certificateFingerprint(raw) : undefined;
}

const defaultTooLarge = () =>
  encodeHl7Text(
    buildAck(undefined, {
      code: 'AR',
      text: 'frame too large',
      error: { code: 'TOO_LARGE', message: 'the MLLP frame exceeds the size limit' },
    }),
    'UTF-8',
  );

class Connection<S> {
  private readonly deframer: MllpDeframer;
  private readonly queue: Uint8Array[] = [];
  private working: Promise<void> | undefined;
  private ending = false;
  private readonly maxQueued: number;
  private readonly tooLarge: () => Uint8Array;

  constructor(
    private readonly socket: Socket,
    private readonly sink: MllpSink<S>,
    options: MllpServerOptions<S>,
    private readonly log: MllpLog,
    private readonly sender: S | undefined,
  ) {
    this.deframer = new MllpDeframer({ maxFrameSize: options.maxFrameSize ?? 16 * 1024 * 1024 });
    this.maxQueued = options.maxQueuedFrames ?? 64;
    this.tooLarge = options.frameTooLargeAck ?? defaultTooLarge;
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
    this.working = this.drain()
      .catch((e: unknown) => {
        // The sink failed (it should answer every frame, even with a NAK): no ACK, so the sender sends
        // again later; whatever else is queued is dropped with the connection.
        this.log.error({ err: e, peer: this.peer }, 'MLLP frame not handled: connection closed');
        this.queue.length = 0;
        this.ending = true;
        this.socket.destroy();
      })
      .finally(() => {
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
          ? this.tooLarge()
          : (await this.sink.receive(frame, this.sender !== undefined ? { sender: this.sender } : {})).ack;
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
