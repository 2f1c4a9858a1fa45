import { type Socket, connect as tcpConnect } from 'node:net';
import { hostname } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import type { AuditAnchor } from './anchor.js';

/** Where a syslog collector (rsyslog, syslog-ng, an ATNA audit record repository) listens. */
export interface SyslogTarget {
  host: string;
  port: number;
  /** RFC 5425 (syslog over TLS): the collector's CA, and our client certificate if it asks for one. */
  tls?: { ca: string | Buffer; cert?: string | Buffer; key?: string | Buffer; servername?: string };
  /** APP-NAME of the messages; default `hie-audit`. */
  appName?: string;
  /** Give up on one anchor after this long (the next anchor tries again); default 5 s. */
  timeoutMs?: number;
}

/** facility 13 (log audit, RFC 5424 §6.2.1) × 8 + severity 5 (notice). */
const PRI = 13 * 8 + 5;

/**
 * RFC 5424 message carrying one anchor: MSGID `ANCHOR`, structured data none, the anchor's JSON as MSG
 * (the line `hie audit verify --anchors` reads back from the collector's file).
 */
export function syslogAnchorMessage(anchor: AuditAnchor, appName = 'hie-audit', host = hostname()): string {
  const name = (s: string, max: number) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-';
  return `<${PRI}>1 ${anchor.at} ${name(host, 255)} ${name(appName, 48)} ${process.pid} ANCHOR - ${JSON.stringify(anchor)}`;
}

/**
 * A witness outside the store and outside this host: each anchor is sent to a syslog collector over TCP
 * with octet-counting framing (RFC 6587 §3.4.1), or over TLS (RFC 5425). One connection per anchor:
 * anchors are minutes apart, and a collector restarted in between costs nothing. Resolves when the
 * message is written and the connection closed cleanly; a collector that is down rejects (the other
 * witnesses are written regardless, and the next anchor covers this one's events).
 */
export class SyslogWitness {
  constructor(readonly target: SyslogTarget) {}

  write(anchor: AuditAnchor): Promise<void> {
    return sendSyslog(this.target, [syslogAnchorMessage(anchor, this.target.appName)]);
  }
}

/**
 * Sends RFC 5424 messages to a collector on one connection, each with octet-counting framing (RFC 6587
 * §3.4.1), over TCP or TLS (RFC 5425). Resolves when every byte is written and the connection closed
 * cleanly; rejects when the collector is down, refuses TLS, or does not take them within the timeout.
 */
export function sendSyslog(target: SyslogTarget, messages: readonly string[]): Promise<void> {
  const frames = messages.map((m) => {
    const message = Buffer.from(m, 'utf8');
    return Buffer.concat([Buffer.from(`${message.length} `), message]);
  });
  const frame = Buffer.concat(frames);
  const { host, port, tls } = target;
  const timeout = target.timeoutMs ?? 5000;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let written = false;
    const done = (error?: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    const send = () => socket.end(frame);
    const socket: Socket = tls
      ? tlsConnect(
          {
            host,
            port,
            ca: tls.ca,
            ...(tls.cert ? { cert: tls.cert } : {}),
            ...(tls.key ? { key: tls.key } : {}),
            ...(tls.servername ? { servername: tls.servername } : {}),
          },
          send,
        )
      : tcpConnect({ host, port }, send);
    socket.setTimeout(timeout, () =>
      done(new Error(`syslog ${host}:${port}: no answer within ${timeout} ms`)),
    );
    socket.on('error', (e) => done(e));
    socket.on('finish', () => {
      written = true;
      // Our side is written; the collector closes, or we do shortly after.
      setTimeout(() => done(), 50).unref();
    });
    socket.on('close', () =>
      done(written ? undefined : new Error(`syslog ${host}:${port}: closed before the messages were sent`)),
    );
  });
}
