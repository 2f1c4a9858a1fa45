import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the last background checkpoint did (SQLite's `wal_checkpoint` result). */
export interface CheckpointResult {
  busy: number;
  /** WAL frames in the log. */
  log: number;
  /** Frames copied back into the database file so far. */
  checkpointed: number;
  /** The WAL passed `truncateBytes` (log or file): the writer is asked to truncate it. */
  large?: boolean;
}

export interface WalCheckpointer {
  /** Result of the most recent checkpoint, undefined before the first. */
  readonly last: CheckpointResult | undefined;
  /** Checkpoints run so far. */
  readonly runs: number;
  /** TRUNCATE checkpoints the writer ran (the WAL had passed `truncateBytes`). */
  readonly truncations: number;
  stop(): Promise<void>;
}

/** The store's own connection (better-sqlite3 Database): the one that writes. */
export interface WalWriter {
  readonly open: boolean;
  readonly inTransaction: boolean;
  pragma(source: string): unknown;
}

/** WAL size past which the writer runs a TRUNCATE checkpoint. */
export const DEFAULT_TRUNCATE_BYTES = 256 * 1024 * 1024;

/**
 * SQLite's automatic checkpoint runs inside whichever commit crosses the WAL threshold: it copies the
 * pages into the database file and fsyncs twice, several milliseconds on the one main thread, while
 * every request waits (bench/gateway-read: ~65 % of commit time). Here a worker thread with its own
 * connection runs PASSIVE checkpoints every `intervalMs` instead; PASSIVE never blocks the writer or
 * readers. The caller turns the automatic checkpoint off (`wal_autocheckpoint = 0`) only once this is
 * running; if the worker dies, the caller is told (`onFailure`) to turn it back on.
 *
 * PASSIVE alone lets the WAL grow without bound under a writer that never pauses: the log restarts
 * from its beginning only when a transaction begins with every frame already copied, and a writer
 * that always has a transaction open stays a few frames ahead of PASSIVE (bench/mpi saw 4 GB in 5
 * minutes). The worker cannot fix that itself: RESTART and TRUNCATE take the write lock, and a
 * transaction of the writer that read first then fails at once with SQLITE_BUSY when it tries to
 * write (SQLite runs no busy handler on that upgrade, to avoid deadlocks). So when the log or the
 * file passes `truncateBytes`, the worker tells the main thread, and the `writer` connection runs
 * `wal_checkpoint(TRUNCATE)` itself between two of its transactions: PASSIVE has copied nearly every
 * frame by then, so it costs the writer little, about once per `truncateBytes` written.
 */
export function startWalCheckpointer(
  path: string,
  options: {
    intervalMs?: number;
    truncateBytes?: number;
    /** The connection that writes; without it the WAL is checkpointed but never truncated. */
    writer?: WalWriter;
    onFailure?: (error: unknown) => void;
  } = {},
): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // Inline (eval) worker: the same code runs from src under vitest and from dist when built.
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver,
      path,
      intervalMs: options.intervalMs ?? 250,
      truncateBytes: options.truncateBytes ?? DEFAULT_TRUNCATE_BYTES,
    },
  });
  worker.unref();
  let last: CheckpointResult | undefined;
  let runs = 0;
  let truncations = 0;
  let stopped = false;
  let pending: NodeJS.Timeout | undefined;
  const writer = options.writer;
  /** TRUNCATE on the writer's connection, once it is between transactions. */
  const truncate = (attempt: number) => {
    pending = undefined;
    if (stopped || !writer?.open) return;
    if (writer.inTransaction) {
      if (attempt < 1000) {
        pending = setTimeout(() => truncate(attempt + 1), 1);
        pending.unref();
      }
      return;
    }
    const [result] = writer.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (result?.busy === 0) truncations += 1;
  };
  worker.on('message', (result: CheckpointResult) => {
    last = result;
    runs += 1;
    if (result.large && writer && pending === undefined) truncate(0);
  });
  const fail = (error: unknown) => {
    if (!stopped) options.onFailure?.(error);
  };
  worker.on('error', fail);
  const exited = new Promise<void>((resolve) =>
    worker.on('exit', (code) => {
      fail(new Error(`WAL checkpoint worker exited (${code})`));
      resolve();
    }),
  );
  return {
    get last() {
      return last;
    },
    get runs() {
      return runs;
    },
    get truncations() {
      return truncations;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (pending) clearTimeout(pending);
      // Let the worker finish a checkpoint in progress and close its connection cleanly.
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const WORKER_SOURCE = `
const { statSync } = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const frameBytes = db.pragma('page_size', { simple: true }) + 24;
const walSize = () => {
  try {
    return statSync(workerData.path + '-wal').size;
  } catch {
    return 0;
  }
};
const run = () => {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  if (!result) return;
  const large = result.log * frameBytes > workerData.truncateBytes || walSize() > workerData.truncateBytes;
  parentPort.postMessage({ busy: result.busy, log: result.log, checkpointed: result.checkpointed, large });
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
