import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What the last background checkpoint did (SQLite's `wal_checkpoint` result). */
export interface CheckpointResult {
  busy: number;
  /** WAL frames in the log. */
  log: number;
  /** Frames copied back into the database file so far. */
  checkpointed: number;
}

export interface WalCheckpointer {
  /** Result of the most recent checkpoint, undefined before the first. */
  readonly last: CheckpointResult | undefined;
  /** Checkpoints run so far. */
  readonly runs: number;
  stop(): Promise<void>;
}

/**
 * SQLite's automatic checkpoint runs inside whichever commit crosses the WAL threshold: it copies the
 * pages into the database file and fsyncs twice, several milliseconds on the one main thread, while
 * every request waits (bench/gateway-read: ~65 % of commit time). Here a worker thread with its own
 * connection runs PASSIVE checkpoints every `intervalMs` instead; PASSIVE never blocks the writer or
 * readers. The caller turns the automatic checkpoint off (`wal_autocheckpoint = 0`) only once this is
 * running; if the worker dies, the caller is told (`onFailure`) to turn it back on.
 */
export function startWalCheckpointer(
  path: string,
  options: { intervalMs?: number; onFailure?: (error: unknown) => void } = {},
): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // Inline (eval) worker: the same code runs from src under vitest and from dist when built.
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, path, intervalMs: options.intervalMs ?? 250 },
  });
  worker.unref();
  let last: CheckpointResult | undefined;
  let runs = 0;
  let stopped = false;
  worker.on('message', (result: CheckpointResult) => {
    last = result;
    runs += 1;
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
    async stop() {
      if (stopped) return;
      stopped = true;
      // Let the worker finish a checkpoint in progress and close its connection cleanly.
      worker.postMessage('stop');
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const run = () => {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  if (result) parentPort.postMessage({ busy: result.busy, log: result.log, checkpointed: result.checkpointed });
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;
