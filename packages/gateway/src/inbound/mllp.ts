import { type MllpPeer, type MllpServer, startMllpServer } from '@hie/hl7v2';
import { httpsServerOptions, type MutualTlsOptions } from '@hie/platform';
import { encodeAck } from './ack.js';
import type { InboundLog } from './log.js';
import type { MessageSink } from './receiver.js';
import type { InboundSender } from './sender.js';

// The transport (connections, backpressure, idle timeout, half-open, frame size, TLS) is @hie/hl7v2's
// MLLP server, shared with the repository's lab centre listener; this adapter adds the gateway's TLS
// settings, its senders and its NAK.
export type { MllpPeer };
export type MllpListener = MllpServer;

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

/**
 * MLLP over TCP, or over TLS with client certificates (`tls`), into the gateway's receiver: each
 * connection's frames handled one after the other and answered in order.
 */
export function startMllpListener(
  receiver: MessageSink,
  options: MllpListenerOptions,
): Promise<MllpListener> {
  const { tls, ...rest } = options;
  return startMllpServer<InboundSender>(receiver, {
    ...rest,
    ...(tls ? { tls: httpsServerOptions(tls) } : {}),
    frameTooLargeAck: () =>
      encodeAck(undefined, {
        code: 'AR',
        text: 'frame too large',
        problem: {
          hl7Code: '207',
          reason: 'FRAME_TOO_LARGE',
          message: 'the MLLP frame exceeds the size limit',
        },
      }),
  });
}
