// Test support for the HL7 v2 listener: two facilities with feed tokens, the published JAHIS ADT rewritten
// where the tests need it, a client that speaks MLLP (plain or TLS) over real sockets, and an ACK reader.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { type Charset, encodeHl7Text, frameMllp, type Hl7Message, MllpDeframer, parseHl7 } from '@hie/hl7v2';
import type { Engine } from '@hie/platform';
import { type HubUnderTest, hubUnderTest } from '../../testing.js';
import { seedSystems } from '../testing.js';

/** The sending hospital (its 医療機関コード 1312345678) and another one. */
export const OWN = '1.2.392.200284.33.1312345678';
export const OWN_CODE = '1312345678';
export const OTHER = '1.2.392.200284.33.1398765432';
export const TOKENS = { [OWN]: 'token-own-hospital-0123456789', [OTHER]: 'token-other-hospital-0123456789' };
export const REGIONAL = '1.2.392.200284.0.2';

const _sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** A hub store with the two facilities holding their feed tokens (no HTTP routes: the listener is apart). */
export async function v2Hub(engine: Engine): Promise<HubUnderTest> {
  const hub = await hubUnderTest(engine, [], { settings: { oidRoot: '1.2.392.200284' } });
  await seedSystems(hub, TOKENS);
  return hub;
}

/** The published JAHIS ADT^A08 (ISO-2022-JP), as text. */
export function nhoAdtText(): string {
  const parsed = parseHl7(readFileSync(new URL('./fixtures/nho-9999013-ADT-00', import.meta.url)));
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.message.toString();
}

/** Sets field `field` of the first `segment` (MSH counted as HL7 does: MSH-3 is the third field). */
export function setField(text: string, segment: string, field: number, value: string): string {
  const lines = text.split('\r');
  const i = lines.findIndex((l) => l.startsWith(`${segment}|`));
  if (i < 0) throw new Error(`no ${segment}`);
  const fields = lines[i]!.split('|');
  const at = segment === 'MSH' ? field - 1 : field;
  while (fields.length <= at) fields.push('');
  fields[at] = value;
  lines[i] = fields.join('|');
  return lines.join('\r');
}

/** The JAHIS ADT from `facility`'s system: MSH-4 its OID, MSH-8 its token (or `token`), PID-3 `pid3`. */
export function jahisAdt(
  options: { msh4?: string; token?: string | null; pid3?: string; event?: string } = {},
): Uint8Array {
  let text = nhoAdtText();
  text = setField(text, 'MSH', 4, options.msh4 ?? `^${OWN}^ISO`);
  text = setField(text, 'MSH', 8, options.token === null ? '' : (options.token ?? TOKENS[OWN]));
  text = setField(text, 'PID', 3, options.pid3 ?? `9999013^^^&${OWN}&ISO^PI`);
  if (options.event) text = setField(text, 'MSH', 9, `ADT^${options.event}^ADT_A01`);
  return encodeHl7Text(text, 'ISO-2022-JP');
}

/** A UTF-8 message of the given segments after an MSH from OWN's system (token in MSH-8). */
export function v2Message(
  type: string,
  segments: readonly string[],
  options: { token?: string; msh4?: string; charset?: Charset } = {},
): Uint8Array {
  const declared = options.charset === 'ISO-2022-JP' ? '~ISO IR87' : 'UNICODE UTF-8';
  const msh = `MSH|^~\\&|EHR|${options.msh4 ?? `^${OWN}^ISO`}|HUB|NETWORK|20261207100000|${options.token ?? TOKENS[OWN]}|${type}|m${Math.random().toString(36).slice(2, 10)}|P|2.5||||||${declared}`;
  return encodeHl7Text(`${[msh, ...segments].join('\r')}\r`, options.charset ?? 'UTF-8');
}

export interface Answer {
  bytes: Uint8Array;
  message: Hl7Message;
  code: string;
  err?: { code: string; location: string; reason: string };
}

export function readAnswer(bytes: Uint8Array): Answer {
  const parsed = parseHl7(bytes);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const m = parsed.message;
  const err = m.segment('ERR');
  return {
    bytes,
    message: m,
    code: m.get('MSA-1') ?? '',
    ...(err
      ? {
          err: {
            code: err.get(3, 1, 1) ?? '',
            location: err.raw(2),
            reason: err.get(5, 1, 1) ?? '',
          },
        }
      : {}),
  };
}

export interface TlsClient {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** Sends frames on one connection (plain, or TLS as `tls`), half-closes, and reads the answers until closed. */
export function send(port: number, frames: readonly Uint8Array[], tls?: TlsClient, host = '127.0.0.1') {
  return new Promise<Answer[]>((resolve, reject) => {
    const deframer = new MllpDeframer();
    const answers: Answer[] = [];
    const write = () => {
      for (const f of frames) socket.write(frameMllp(f));
      socket.end();
    };
    const socket = tls
      ? tlsConnect({ host, port, servername: 'localhost', ...tls }, write)
      : tcpConnect({ host, port }, write);
    socket.on('data', (chunk: Buffer) => {
      for (const e of deframer.push(chunk)) if (e.type === 'frame') answers.push(readAnswer(e.frame));
    });
    socket.on('close', () => resolve(answers));
    socket.on('error', (e: NodeJS.ErrnoException) =>
      e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve(answers) : reject(e),
    );
  });
}

/** The hub's `mpi` audit events' details, oldest first. */
export async function mpiAudit(hub: HubUnderTest): Promise<Array<Record<string, unknown>>> {
  const rows = await hub.store.db
    .selectFrom('audit_event')
    .select('event_json')
    .where('type', '=', 'mpi')
    .orderBy('seq')
    .execute();
  return rows.map((r) => JSON.parse(r.event_json) as Record<string, unknown>);
}
