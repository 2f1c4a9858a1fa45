/**
 * Fixed-window attempt counters, in memory. Enough for one hub process (the deployment we ship);
 * several hub processes behind a balancer would each count on their own, so the limits would
 * multiply — the per-account lockout, which lives in the store, still holds. See README.
 */
export interface RateLimit {
  /** Attempts allowed per window. */
  max: number;
  windowSeconds: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number; first: boolean };

interface Window {
  count: number;
  resetsAt: number;
}

export class AttemptCounter {
  readonly #windows = new Map<string, Window>();

  constructor(readonly limit: RateLimit) {}

  /**
   * Counts one attempt for `key` at `now`. `first` tells whether this is the first refusal of the
   * window, so a flood is audited once, not once per request.
   */
  hit(key: string, now: Date): RateDecision {
    const at = now.getTime();
    let window = this.#windows.get(key);
    if (!window || window.resetsAt <= at) {
      this.#prune(at);
      window = { count: 0, resetsAt: at + this.limit.windowSeconds * 1000 };
      this.#windows.set(key, window);
    }
    window.count++;
    if (window.count <= this.limit.max) return { allowed: true };
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((window.resetsAt - at) / 1000)),
      first: window.count === this.limit.max + 1,
    };
  }

  /** Whether `key` has used up its window at `now` (without counting an attempt). */
  blocked(key: string, now: Date): boolean {
    const window = this.#windows.get(key);
    return window !== undefined && window.resetsAt > now.getTime() && window.count >= this.limit.max;
  }

  #prune(at: number): void {
    if (this.#windows.size < 10_000) return;
    for (const [key, window] of this.#windows) if (window.resetsAt <= at) this.#windows.delete(key);
  }
}
