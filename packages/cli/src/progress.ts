import cliProgress from 'cli-progress';

export interface Progress {
  /** Sets the total when it becomes known (0 = unknown). */
  setTotal(total: number): void;
  increment(by?: number): void;
  stop(): void;
}

/**
 * A progress bar on stderr for work that may run over a second. It draws only on a terminal, and
 * only after the first second, so quick runs and pipes stay clean.
 */
export function startProgress(label: string, total = 0): Progress {
  const tty = process.stderr.isTTY === true && process.env.CI !== 'true';
  let done = 0;
  let bar: cliProgress.SingleBar | undefined;
  let knownTotal = total;
  const startedAt = Date.now();
  const ensureBar = () => {
    if (!tty || bar || Date.now() - startedAt < 1000) return;
    bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total} | {eta_formatted}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(knownTotal || Math.max(done, 1), done);
  };
  return {
    setTotal(t) {
      knownTotal = t;
      bar?.setTotal(t);
    },
    increment(by = 1) {
      done += by;
      ensureBar();
      if (bar) {
        if (!knownTotal && done > bar.getTotal()) bar.setTotal(done * 2);
        bar.update(done);
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
