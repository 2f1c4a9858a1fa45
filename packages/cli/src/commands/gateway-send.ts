import { readFileSync, statSync } from 'node:fs';
import { type MllpClientTls, type MllpReply, sendMllp } from '@hie/gateway';
import { parseHl7 } from '@hie/hl7v2';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';
import { portOption } from './gateway-options.js';
import { countOption } from './ssmix2-args.js';

interface SendFlags {
  host: string;
  port: number;
  timeout: number;
  json?: boolean;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  servername?: string;
}

interface SendLine {
  file: string;
  ack?: string;
  controlId?: string;
  error?: string;
  reason?: string;
}

/**
 * `hie gateway send FILE… --host H --port N [--tls-ca CA --tls-cert CRT --tls-key KEY]`: exit 1 unless
 * every message is accepted (AA / CA).
 */
export function registerGatewaySendCommand(gateway: Command): void {
  gateway
    .command('send')
    .description(
      'Send HL7 v2 files over MLLP, one message per file, each after the previous ACK, and print the ACKs. ' +
        "Over TLS with --tls-cert and --tls-key (this system's client certificate, registered to a sender at " +
        "the gateway) and --tls-ca (the network CA the gateway's certificate is checked against). " +
        'Exit 1 unless every message is accepted (AA or CA).',
    )
    .argument('<file...>', 'HL7 v2 message files (bytes sent as they are)')
    .requiredOption('--port <n>', 'MLLP port (the MLLP/TLS port with --tls-*)', portOption('--port'))
    .option('--host <host>', 'MLLP host', '127.0.0.1')
    .option('--timeout <ms>', 'wait this long for each ACK', countOption('--timeout'), 30_000)
    .option('--json', 'print one JSON object per line')
    .option(
      '--tls-ca <pem>',
      "MLLP over TLS: the CA the gateway's certificate must chain to (the network CA)",
    )
    .option('--tls-cert <pem>', 'MLLP over TLS: our client certificate (with --tls-key)')
    .option('--tls-key <pem>', 'MLLP over TLS: the private key of --tls-cert')
    .option(
      '--servername <name>',
      "MLLP over TLS: the name the gateway's certificate carries, when --host is not it",
    )
    .action(async (files: string[], flags: SendFlags) => {
      for (const f of files) {
        let isFile = false;
        try {
          isFile = statSync(f).isFile();
        } catch {
          throw new UsageError(`${f}: no such file`);
        }
        if (!isFile) throw new UsageError(`${f}: not a file`);
      }
      const tls = tlsOf(flags);
      const messages = files.map((f) => readFileSync(f));
      let replies: MllpReply[];
      try {
        replies = await sendMllp(messages, {
          host: flags.host,
          port: flags.port,
          timeoutMs: flags.timeout,
          ...(tls ? { tls } : {}),
        });
      } catch (e) {
        const over = tls ? ' over TLS' : '';
        process.stderr.write(
          `hie: cannot reach ${flags.host}:${flags.port}${over}: ${(e as Error).message}\n`,
        );
        process.exitCode = EXIT.findings;
        return;
      }
      const lines = files.map((file, i) => describe(file, replies[i]));
      for (const line of lines) {
        process.stdout.write(flags.json ? `${JSON.stringify(line)}\n` : `${formatLine(line)}\n`);
      }
      const accepted = lines.every((l) => l.ack === 'AA' || l.ack === 'CA');
      process.exitCode = accepted ? EXIT.ok : EXIT.findings;
    });
}

/**
 * The TLS side of `send`, read from the PEM files; undefined for plain MLLP. A certificate without its
 * key (or the reverse), a file that is not there, or --servername without TLS is a usage error.
 */
function tlsOf(flags: SendFlags): MllpClientTls | undefined {
  if (!flags.tlsCa && !flags.tlsCert && !flags.tlsKey) {
    if (flags.servername) throw new UsageError('--servername is for MLLP over TLS (--tls-ca, --tls-cert)');
    return undefined;
  }
  if (!flags.tlsCert !== !flags.tlsKey)
    throw new UsageError('--tls-cert and --tls-key go together: the client certificate and its key');
  const pem = (option: string, path: string) => {
    try {
      return readFileSync(path);
    } catch {
      throw new UsageError(`${option} ${path}: cannot read that file`);
    }
  };
  return {
    ...(flags.tlsCa ? { ca: pem('--tls-ca', flags.tlsCa) } : {}),
    ...(flags.tlsCert ? { cert: pem('--tls-cert', flags.tlsCert) } : {}),
    ...(flags.tlsKey ? { key: pem('--tls-key', flags.tlsKey) } : {}),
    ...(flags.servername ? { servername: flags.servername } : {}),
  };
}

function describe(file: string, reply: MllpReply | undefined): SendLine {
  if (!reply) return { file, reason: 'not sent (an earlier message got no ACK)' };
  if (!reply.ok) return { file, reason: reply.message };
  const parsed = parseHl7(reply.ack);
  if (!parsed.ok) return { file, reason: `unreadable ACK: ${parsed.error.message}` };
  const m = parsed.message;
  const line: SendLine = { file, ack: m.get('MSA-1') ?? '', controlId: m.get('MSA-2') ?? '' };
  const err = m.segment('ERR');
  if (err) {
    const location = [err.get(2, 1, 1), err.get(2, 1, 2), err.get(2, 1, 3)].filter(Boolean).join('^');
    line.error =
      `${location ? `${location} ` : ''}${err.get(3, 1, 1) ?? ''} ${err.get(8) ?? m.get('MSA-3') ?? ''}`.trim();
  }
  return line;
}

function formatLine(l: SendLine): string {
  if (!l.ack) return `${l.file}\tNO ACK\t${l.reason ?? ''}`;
  return [l.file, l.ack, l.controlId, l.error].filter((x) => x !== undefined && x !== '').join('\t');
}
