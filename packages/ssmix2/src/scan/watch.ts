import { existsSync, type FSWatcher, watch } from 'node:fs';
import { join } from 'node:path';
import { type StorageChange, scanChanges } from './incremental.js';
import {
  readTransactionLogs,
  type TransactionLogPosition,
  type TransactionRecord,
} from './transaction-log.js';

export interface WatchOptions {
  /** Checkpoint file kept between rescans (created by the first one, which reports every file as added). */
  checkpoint: string;
  /** Full incremental rescan period. Default 60 s. */
  rescanMs?: number;
  /** Transaction-log poll period (also woken by fs.watch on the year folders). Default 1 s. */
  logPollMs?: number;
  /** A log modified less than this long ago may be mid-record: its last record waits. Default 2 s. */
  logSettleMs?: number;
  /** Where each root's transaction logs start reading; default: their current end (only new records). */
  logPositions?: Record<string, TransactionLogPosition | undefined>;
  /** Changes found by a rescan, in walk order, in batches. */
  onChanges?: (changes: StorageChange[]) => void | Promise<void>;
  /** New transaction-log records (the fast feed, where the site writes one). */
  onTransactions?: (root: string, records: TransactionRecord[], position: TransactionLogPosition) => void;
  onError?: (error: unknown) => void;
}

export interface StorageWatch {
  /** Starts a rescan now (or right after the running one) and resolves when it has finished. */
  rescanNow(): Promise<void>;
  close(): Promise<void>;
}

const BATCH = 1000;

/**
 * Follows a storage: Linux has no recursive fs.watch on Node 20 and a tree of millions of folders
 * cannot be watched folder by folder, so the tree is rescanned periodically against a checkpoint
 * (only changes are reported), while the transaction logs, when the site writes them, give the
 * changes within about a second.
 */
export function watchStorage(roots: readonly string[], options: WatchOptions): StorageWatch {
  let closed = false;
  let running: Promise<void> | undefined;
  const report = (e: unknown) => options.onError?.(e);

  const rescan = async () => {
    const since = existsSync(options.checkpoint) ? options.checkpoint : undefined;
    let batch: StorageChange[] = [];
    for await (const change of scanChanges(roots, { since, save: options.checkpoint })) {
      batch.push(change);
      if (batch.length >= BATCH) {
        await options.onChanges?.(batch);
        batch = [];
      }
      if (closed) break;
    }
    if (batch.length > 0) await options.onChanges?.(batch);
  };
  // At most one scan runs; calls during it share one follow-up scan that starts after it, so
  // every call's promise settles after a scan that began after the call.
  let queued: Promise<void> | undefined;
  const rescanNow = (): Promise<void> => {
    if (closed) return Promise.resolve();
    if (running) {
      queued ??= running.then(() => {
        queued = undefined;
        return rescanNow();
      });
      return queued;
    }
    running = rescan()
      .catch(report)
      .finally(() => {
        running = undefined;
      });
    return running;
  };

  // Transaction logs: start at their current end unless told otherwise.
  const positions = new Map<string, TransactionLogPosition | undefined>();
  for (const root of roots) {
    if (options.logPositions && root in options.logPositions) positions.set(root, options.logPositions[root]);
    else positions.set(root, readTransactionLogs(root, undefined, 0).position);
  }
  const pollLogs = () => {
    if (closed || !options.onTransactions) return;
    for (const root of roots) {
      try {
        const read = readTransactionLogs(root, positions.get(root), options.logSettleMs);
        for (const p of read.problems) report(new Error(`${p.file}@${p.offset}: ${p.message}`));
        if (read.position) positions.set(root, read.position);
        if (read.records.length > 0 && read.position)
          options.onTransactions(root, read.records, read.position);
      } catch (e) {
        report(e);
      }
    }
  };
  const watchers: FSWatcher[] = [];
  if (options.onTransactions) {
    const year = String(new Date().getFullYear());
    for (const root of roots) {
      const dir = join(root, year);
      if (!existsSync(dir)) continue;
      try {
        watchers.push(watch(dir, { persistent: false }, () => pollLogs()));
      } catch (e) {
        report(e);
      }
    }
  }
  const rescanTimer = setInterval(() => void rescanNow(), options.rescanMs ?? 60_000);
  const logTimer = setInterval(pollLogs, options.logPollMs ?? 1000);
  void rescanNow();

  return {
    rescanNow,
    async close() {
      closed = true;
      clearInterval(rescanTimer);
      clearInterval(logTimer);
      for (const w of watchers) w.close();
      await running;
      await queued;
    },
  };
}
