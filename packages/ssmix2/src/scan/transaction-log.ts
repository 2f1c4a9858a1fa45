import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { compareNames } from '../storage/walk.js';

/**
 * Transaction storage (SSMIX2.md §11): `<root>/<YYYY>/TR_YYYYMMDDHHMMSSFFF_nnnnn.DAT`, each record a
 * header line `#SSMIX,<version>,<facility>,<patient>,<care date>,<data type>,<order no>,<INS|DEL>,
 * <dept>,<transaction time>` followed by the message. The record separator is not public: we take a
 * record to run until the next line starting with `#SSMIX,` (unverified), and strip the line breaks
 * and 0x1C framing around the message.
 */
export interface TransactionRecord {
  /** The log file and the byte offset of the record's header. */
  file: string;
  offset: number;
  version: string;
  facilityId: string;
  patientId: string;
  careDate: string;
  dataType: string;
  orderNo: string;
  /** 処理区分: INS = create or update, DEL = delete. */
  operation: 'INS' | 'DEL';
  department: string;
  transactionTime: string;
  /** Header fields beyond the ten known ones. */
  extra: string[];
  message: Uint8Array;
}

export interface TransactionLogProblem {
  file: string;
  offset: number;
  message: string;
}

export interface TransactionLogRead {
  records: TransactionRecord[];
  problems: TransactionLogProblem[];
  /** Where the next read of this file should start (after the last complete record). */
  nextOffset: number;
}

const MARK = [0x23, 0x53, 0x53, 0x4d, 0x49, 0x58, 0x2c]; // "#SSMIX,"

/**
 * Parses the records of one log from `fromOffset`. With `holdLast`, the last record is not
 * returned (a writer may still be appending to it) and `nextOffset` points at its header.
 */
export function parseTransactionLog(
  file: string,
  bytes: Uint8Array,
  options: { fromOffset?: number; holdLast?: boolean } = {},
): TransactionLogRead {
  const starts: number[] = [];
  const from = options.fromOffset ?? 0;
  for (let i = from; i < bytes.length; i++) {
    if ((i === from || bytes[i - 1] === 0x0a || bytes[i - 1] === 0x0d) && startsWithMark(bytes, i))
      starts.push(i);
  }
  const records: TransactionRecord[] = [];
  const problems: TransactionLogProblem[] = [];
  if (starts.length === 0 || starts[0]! > from) {
    const junkEnd = starts[0] ?? bytes.length;
    if (trimEnd(bytes, from, junkEnd) > from) {
      problems.push({ file, offset: from, message: 'bytes before the first #SSMIX header' });
    }
  }
  const usable = options.holdLast ? starts.slice(0, -1) : starts;
  for (let k = 0; k < usable.length; k++) {
    const start = usable[k]!;
    const end = starts[k + 1] ?? bytes.length;
    const parsed = parseRecord(file, bytes, start, end);
    if (parsed.ok) records.push(parsed.record);
    else problems.push(parsed.problem);
  }
  const nextOffset = options.holdLast ? (starts[starts.length - 1] ?? from) : bytes.length;
  return { records, problems, nextOffset };
}

function parseRecord(
  file: string,
  bytes: Uint8Array,
  start: number,
  end: number,
): { ok: true; record: TransactionRecord } | { ok: false; problem: TransactionLogProblem } {
  let lineEnd = start;
  while (lineEnd < end && bytes[lineEnd] !== 0x0d && bytes[lineEnd] !== 0x0a) lineEnd++;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, lineEnd));
  const fields = header.split(',');
  const op = fields[7];
  if (fields.length < 10 || (op !== 'INS' && op !== 'DEL')) {
    const message = `header '${header.slice(0, 120)}' does not have 10 fields with INS/DEL`;
    return { ok: false, problem: { file, offset: start, message } };
  }
  let bodyStart = lineEnd;
  if (bytes[bodyStart] === 0x0d) bodyStart++;
  if (bytes[bodyStart] === 0x0a) bodyStart++;
  if (bytes[bodyStart] === 0x0b) bodyStart++;
  const bodyEnd = trimEnd(bytes, bodyStart, end);
  const record: TransactionRecord = {
    file,
    offset: start,
    version: fields[1]!,
    facilityId: fields[2]!,
    patientId: fields[3]!,
    careDate: fields[4]!,
    dataType: fields[5]!,
    orderNo: fields[6]!,
    operation: op,
    department: fields[8]!,
    transactionTime: fields[9]!,
    extra: fields.slice(10),
    // Keep the message's own final CR: drop only what separates it from the next header.
    message: bytes.slice(bodyStart, bodyEnd),
  };
  return { ok: true, record };
}

/** End of the content in [start, end) without trailing line breaks and 0x1C, keeping one final CR. */
function trimEnd(bytes: Uint8Array, start: number, end: number): number {
  let e = end;
  while (e > start && (bytes[e - 1] === 0x0a || bytes[e - 1] === 0x0d || bytes[e - 1] === 0x1c)) e--;
  return e < end && bytes[e] === 0x0d ? e + 1 : e;
}

function startsWithMark(bytes: Uint8Array, i: number): boolean {
  for (let k = 0; k < MARK.length; k++) if (bytes[i + k] !== MARK[k]) return false;
  return true;
}

/** Where a change feed has read up to: the log file (relative to the root) and the byte offset. */
export interface TransactionLogPosition {
  file: string;
  offset: number;
}

/** The `<YYYY>/TR_*.DAT` logs under a root, oldest first (names sort by their timestamp). */
export function listTransactionLogs(root: string): string[] {
  const out: string[] = [];
  let years: string[];
  try {
    years = readdirSync(root)
      .filter((y) => /^[0-9]{4}$/.test(y))
      .sort(compareNames);
  } catch {
    return out;
  }
  for (const year of years) {
    let names: string[];
    try {
      names = readdirSync(join(root, year));
    } catch {
      continue;
    }
    for (const n of names.filter((s) => /^TR_[0-9]{17}_[0-9]+\.DAT$/i.test(s)).sort(compareNames)) {
      out.push(`${year}/${n}`);
    }
  }
  return out;
}

/**
 * Reads the transaction logs of a root from a position: every complete record after it, and the
 * position to continue from. The newest log's last record is held back while the log was modified
 * less than `settleMs` ago (default 2 s): a writer may still be appending to it.
 */
export function readTransactionLogs(
  root: string,
  since?: TransactionLogPosition,
  settleMs = 2000,
): {
  records: TransactionRecord[];
  problems: TransactionLogProblem[];
  position: TransactionLogPosition | undefined;
} {
  const logs = listTransactionLogs(root).filter((l) => !since || compareNames(l, since.file) >= 0);
  const records: TransactionRecord[] = [];
  const problems: TransactionLogProblem[] = [];
  let position = since;
  logs.forEach((log, i) => {
    const path = join(root, log);
    const fromOffset = since && log === since.file ? since.offset : 0;
    let bytes: Uint8Array;
    let settled: boolean;
    try {
      const stat = statSync(path);
      if (stat.size <= fromOffset) return;
      settled = settleMs <= 0 || Date.now() - stat.mtimeMs >= settleMs;
      bytes = readFileSync(path);
    } catch (e) {
      problems.push({
        file: path,
        offset: fromOffset,
        message: `cannot read: ${(e as NodeJS.ErrnoException).code}`,
      });
      return;
    }
    const read = parseTransactionLog(path, bytes, {
      fromOffset,
      holdLast: i === logs.length - 1 && !settled,
    });
    records.push(...read.records);
    problems.push(...read.problems);
    position = { file: log, offset: read.nextOffset };
  });
  return { records, problems, position };
}
