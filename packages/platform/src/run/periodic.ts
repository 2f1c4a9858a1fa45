/**
 * A background job run every `intervalMs` after the previous run ended (never two at once): `runNow()`
 * runs it at once (or joins the run in progress), `stop()` waits for the run in progress. A failed run
 * is reported to `onError` and the next one comes as usual. Timers do not keep the process alive.
 */
export class Periodic {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly options: { intervalMs: number; onError?: (error: unknown) => void },
  ) {}

  start(): this {
    const tick = () => {
      this.runNow()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
    return this;
  }

  runNow(): Promise<void> {
    this.running ??= this.run()
      .then(() => undefined)
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }
}

/**
 * A background sender run by a Periodic: `start()`, `stop()` (waits for the round in progress) and
 * `round()` (one round now, or the one in progress) around the subclass's `runRound`.
 */
export abstract class PeriodicJob {
  private readonly periodic: Periodic;

  constructor(options: { intervalMs: number; onError?: ((error: unknown) => void) | undefined }) {
    this.periodic = new Periodic(() => this.runRound(), {
      intervalMs: options.intervalMs,
      ...(options.onError ? { onError: options.onError } : {}),
    });
  }

  protected abstract runRound(): Promise<void>;

  start(): this {
    this.periodic.start();
    return this;
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  round(): Promise<void> {
    return this.periodic.runNow();
  }
}
