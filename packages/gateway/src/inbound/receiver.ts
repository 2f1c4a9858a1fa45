import { createHash } from 'node:crypto';
import { open, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type AckCode, type Charset, formatHl7Error, type Hl7Message, parseHl7 } from '@hie/hl7v2';
import {
  type ConditionFlag,
  formatFileName,
  keyFolders,
  parseFileName,
  type StorageEntry,
  StorageWriter,
  storageKey,
  WHOLE_RECORD_TYPES,
} from '@hie/ssmix2';
import { ackCodeFor, encodeAck, type Verdict } from './ack.js';
import { classifyMessage, messageTypeKey } from './classify.js';
import { RecentControlIds } from './dedupe.js';
import { type InboundProblem, planFiling } from './entry.js';
import { type InboundLog, silentLog } from './log.js';
import { type InboundSender, senderProblem } from './sender.js';
import { jstTimestamp } from './timestamp.js';

export interface InboundOptions {
  /** Root of the standardized storage the gateway owns (never the hospital's own storage). */
  storageRoot: string;
  /** Called with the written paths once they are in place (the wiring passes GatewayIngest.notify). */
  onStored?: (paths: string[]) => Promise<unknown> | unknown;
  /** Longest wait for `onStored` before acknowledging anyway (default 1.5 s). */
  notifyWaitMs?: number;
  /** How long a control ID is remembered for duplicate detection (default 24 h). */
  duplicateWindowMs?: number;
  /** Bound on remembered control IDs (default 100,000). */
  maxRemembered?: number;
  /** fsync the file and its folder before acknowledging (default true: an ACK means stored). */
  fsync?: boolean;
  /**
   * May this sender file this record (storage key)? The gateway passes one that lets a sender update or
   * cancel only what it filed itself; null = yes.
   */
  authorise?: (sender: InboundSender, recordKey: string) => Promise<InboundProblem | null>;
  /** MSH-3 / MSH-4 of our ACKs (default: the message's MSH-5 / MSH-6). */
  application?: string;
  facility?: string;
  log?: InboundLog;
  /** Clock (tests). */
  now?: () => Date;
}

/** The record a message files into: SS-MIX2's storage key, a patient's whole list for whole-record types. */
export function inboundRecordKey(entry: {
  patientId: string;
  careDate: string;
  dataType: string;
  orderNo: string;
}): string {
  const whole = WHOLE_RECORD_TYPES.has(entry.dataType);
  return `${entry.patientId}_${entry.careDate}_${entry.dataType}_${whole ? '*' : entry.orderNo}`;
}

/** What the listener knows of a message beside its bytes. */
export interface InboundHint {
  /** `?dataType=` of an HTTP sender: which of the data types sharing one MSH-9 it means. */
  dataType?: string;
  charset?: Charset;
  /** The authenticated sender; the gateway's listeners always pass one (library callers may not). */
  sender?: InboundSender;
}

/** Whatever takes received messages: the receiver itself, or a wrapper that counts or routes them. */
export type MessageSink = Pick<InboundReceiver, 'receive'>;

/** What happened to one received message. */
export interface InboundResult {
  /** The acknowledgment to send back; undefined when the sender's enhanced mode asked for none. */
  ack: Uint8Array | undefined;
  code: AckCode | undefined;
  outcome: 'stored' | 'deleted' | 'duplicate' | 'rejected' | 'failed';
  /** The file written (stored / deleted, or the earlier file of a duplicate). */
  path?: string;
  /** PID-3 of the message, when it has one (for the audit). */
  patientId?: string;
  problem?: InboundProblem;
  controlId?: string;
  dataType?: string;
  /** The charset the message arrived in. */
  charset?: Charset;
}

interface Filed {
  path: string;
  touched: string[];
  outcome: 'stored' | 'deleted';
  dataType: string;
}

/**
 * The one pipeline of a received HL7 v2 message, whatever the transport (MLLP or HTTP):
 * parse → classify (MSH-9 → data type) → plan the file name → drop duplicates → write durably →
 * notify ingest → acknowledge. A valid message is acknowledged only once its file is in place.
 */
export class InboundReceiver {
  private readonly writer: StorageWriter;
  private readonly recent: RecentControlIds<Filed>;
  private readonly log: InboundLog;
  private readonly now: () => Date;
  private readonly fsync: boolean;
  private lastTimestamp = '';

  constructor(private readonly options: InboundOptions) {
    this.fsync = options.fsync ?? true;
    this.writer = new StorageWriter(options.storageRoot, { fsync: this.fsync });
    this.recent = new RecentControlIds(
      options.duplicateWindowMs ?? 24 * 3600_000,
      options.maxRemembered ?? 100_000,
    );
    this.log = options.log ?? silentLog;
    this.now = options.now ?? (() => new Date());
  }

  get storageRoot(): string {
    return this.options.storageRoot;
  }

  /** Handles one message (bytes of one frame or one HTTP body). Never throws. */
  async receive(bytes: Uint8Array, hint: InboundHint = {}): Promise<InboundResult> {
    try {
      return await this.handle(bytes, hint);
    } catch (e) {
      this.log.error({ err: e }, 'inbound message handling failed');
      return this.refuse(undefined, 'reject', {
        hl7Code: '207',
        reason: 'STORAGE_FAILED',
        message: `internal error, send the message again later: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }

  private async handle(bytes: Uint8Array, hint: InboundHint): Promise<InboundResult> {
    const parsed = parseHl7(bytes, hint.charset ? { charset: hint.charset } : {});
    if (!parsed.ok) {
      const e = parsed.error;
      const problem: InboundProblem = {
        hl7Code:
          e.code === 'NO_MSH' || e.code === 'BAD_SEGMENT' ? '100' : e.code === 'TRUNCATED' ? '101' : '102',
        reason: 'UNPARSABLE',
        message: formatHl7Error(e),
      };
      if (e.segment !== undefined) problem.segment = e.segment;
      if (e.segmentIndex !== undefined) problem.segmentIndex = e.segmentIndex;
      if (e.field !== undefined) problem.field = e.field;
      if (e.line !== undefined) problem.line = e.line;
      return this.refuse(undefined, 'error', problem);
    }
    const message = parsed.message;
    // The authenticated sender, not the message, says which facility it speaks for.
    if (hint.sender) {
      const refused = senderProblem(hint.sender, message);
      if (refused) {
        this.log.warn(
          { sender: hint.sender.id, controlId: message.controlId, msh4: message.get('MSH-4') },
          'inbound message refused: the sender may not send for its MSH-4',
        );
        return this.refuse(message, 'reject', refused);
      }
    }
    const type = classifyMessage(message, hint.dataType);
    if (!type) {
      const msh = message.segments[0];
      return this.refuse(message, 'reject', {
        hl7Code: '200',
        reason: 'UNSUPPORTED_TYPE',
        message: hint.dataType
          ? `MSH-9 '${messageTypeKey(message)}' is not a message of data type ${hint.dataType}`
          : `MSH-9 '${messageTypeKey(message)}' maps to no SS-MIX2 data type`,
        segment: 'MSH',
        segmentIndex: 1,
        field: 9,
        ...(msh?.line !== undefined ? { line: msh.line } : {}),
      });
    }
    const planned = planFiling(message, type, bytes);
    if (!planned.ok) return this.refuse(message, 'error', planned.problem);
    if (hint.sender && this.options.authorise) {
      const refused = await this.options.authorise(hint.sender, inboundRecordKey(planned.plan.entry));
      if (refused) return this.refuse(message, 'reject', refused);
    }

    const key = duplicateKey(message);
    const seen = key ? this.recent.lookup(key, this.now().getTime()) : undefined;
    if (seen) {
      const earlier = 'value' in seen ? seen.value : await seen.pending;
      if (earlier) return this.duplicate(message, earlier);
    }
    const { plan } = planned;
    let failure: unknown;
    const work = async (): Promise<Filed | undefined> => {
      try {
        // No await between taking the timestamp and queueing the write: the writer serializes per key in
        // call order, so a later message can never become current before an earlier one.
        const entry = { ...plan.entry, timestamp: this.nextTimestamp() };
        const path = plan.cancel ? await this.writer.delete(entry) : await this.writer.write(entry);
        if (this.fsync) await syncFolder(dirname(path));
        const touched = await keyFilesAndFormerNames(this.options.storageRoot, entry, path);
        return {
          path,
          touched,
          outcome: plan.cancel ? 'deleted' : 'stored',
          dataType: type.dataType,
        };
      } catch (e) {
        failure = e;
        return undefined;
      }
    };
    const filed = key ? await this.recent.track(key, () => this.now().getTime(), work) : await work();
    if (!filed) {
      this.log.error({ err: failure, controlId: message.controlId }, 'inbound message could not be stored');
      return this.refuse(message, 'reject', {
        hl7Code: '207',
        reason: 'STORAGE_FAILED',
        message: `the message could not be stored, send it again later: ${failure instanceof Error ? failure.message : String(failure)}`,
      });
    }
    if (plan.reencodedFrom) {
      this.log.info(
        { path: filed.path, from: plan.reencodedFrom },
        'inbound message re-encoded to ISO-2022-JP',
      );
    }
    await this.notify(filed.touched);
    const code = ackCodeFor(message, 'accept');
    return {
      ack: code ? this.ack(message, code) : undefined,
      code,
      outcome: filed.outcome,
      path: filed.path,
      patientId: plan.entry.patientId,
      controlId: message.controlId,
      dataType: filed.dataType,
      charset: message.charset,
    };
  }

  private duplicate(message: Hl7Message, earlier: Filed): InboundResult {
    const code = ackCodeFor(message, 'accept');
    this.log.info(
      { controlId: message.controlId, path: earlier.path },
      'duplicate control ID: acknowledged, not filed again',
    );
    return {
      ack: code ? this.ack(message, code, 'duplicate: already stored') : undefined,
      code,
      outcome: 'duplicate',
      path: earlier.path,
      controlId: message.controlId,
      dataType: earlier.dataType,
      charset: message.charset,
    };
  }

  private refuse(message: Hl7Message | undefined, verdict: Verdict, problem: InboundProblem): InboundResult {
    const code = ackCodeFor(message, verdict);
    this.log.warn({ controlId: message?.controlId, problem }, 'inbound message refused');
    const result: InboundResult = {
      ack: code ? this.ack(message, code, problem.message, problem) : undefined,
      code,
      outcome: verdict === 'reject' && problem.reason === 'STORAGE_FAILED' ? 'failed' : 'rejected',
      problem,
    };
    if (message) {
      result.controlId = message.controlId;
      result.charset = message.charset;
      const patientId = message.get('PID-3.1');
      if (patientId) result.patientId = patientId.slice(0, 64);
    }
    return result;
  }

  private ack(
    message: Hl7Message | undefined,
    code: AckCode,
    text?: string,
    problem?: InboundProblem,
  ): Uint8Array {
    return encodeAck(message, {
      code,
      ...(text !== undefined ? { text: text.slice(0, 80) } : {}),
      ...(problem ? { problem } : {}),
      ...(this.options.application !== undefined ? { sendingApplication: this.options.application } : {}),
      ...(this.options.facility !== undefined ? { sendingFacility: this.options.facility } : {}),
    });
  }

  /**
   * Lets ingest load the file before the ACK goes out (so an acknowledged message is queryable), but
   * waits at most `notifyWaitMs`: a sender must not time out while ingest is busy with a full load.
   * Ingest failures never undo the ACK: the file is stored, and the periodic rescan will load it.
   */
  private async notify(paths: string[]): Promise<void> {
    if (!this.options.onStored) return;
    const notified = Promise.resolve()
      .then(() => this.options.onStored?.(paths))
      .catch((e: unknown) => {
        this.log.error(
          { err: e, paths },
          'ingest notification failed; the periodic rescan will load the file',
        );
      });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.options.notifyWaitMs ?? 1500);
    });
    await Promise.race([notified, waited]);
    clearTimeout(timer);
  }

  /** Strictly increasing 17-digit JST timestamps, so two writes in one millisecond never share a name. */
  private nextTimestamp(): string {
    let ts = jstTimestamp(this.now());
    if (ts <= this.lastTimestamp) ts = (BigInt(this.lastTimestamp) + 1n).toString();
    this.lastTimestamp = ts;
    return ts;
  }
}

/**
 * MSH-3 | MSH-4 | MSH-10 | content hash. A re-send after a lost ACK repeats the message exactly; a
 * sender that reuses a control ID for other content (the guideline samples do) must not lose that
 * message, so the content is part of the key. Empty MSH-10 → no duplicate detection.
 */
function duplicateKey(message: Hl7Message): string | undefined {
  const msh = message.segments[0];
  const controlId = message.controlId;
  if (!msh || controlId === '') return undefined;
  const digest = createHash('sha256').update(message.toString()).digest('base64url');
  return `${msh.get(3, 1, 1) ?? ''}|${msh.get(4, 1, 1) ?? ''}|${controlId}|${digest}`;
}

/**
 * The key's files now, plus the names the writer just renamed them from (`_2` was `_1`; `_0` was `_1`
 * or `_2`), so ingest sees the new file, the renamed ones, and the old names as gone.
 */
async function keyFilesAndFormerNames(
  root: string,
  entry: Omit<StorageEntry, 'bytes'>,
  written: string,
): Promise<string[]> {
  const dir = join(root, ...keyFolders(entry));
  const key = storageKey(entry);
  const out = new Set<string>([written]);
  let names: string[] = [];
  try {
    names = await readdir(dir);
  } catch {
    return [...out];
  }
  for (const name of names) {
    const parsed = parseFileName(name);
    if (!parsed.ok || storageKey(parsed.value) !== key) continue;
    out.add(join(dir, name));
    const former: ConditionFlag[] =
      parsed.value.flag === '2' ? ['1'] : parsed.value.flag === '0' ? ['1', '2'] : [];
    for (const flag of former) out.add(join(dir, formatFileName({ ...parsed.value, flag })));
  }
  return [...out];
}

/** Makes the rename durable: on POSIX a new directory entry survives power loss only once the folder is synced. */
async function syncFolder(folder: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(folder, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) cannot open or sync a folder; the file itself was synced.
  } finally {
    await handle?.close();
  }
}
