// Retries with exponential backoff and full jitter ("AWS full jitter": a random wait between 0 and
// base·2^attempt, capped), for what may pass on its own: network errors, time-outs, HTTP 5xx. A
// refusal (401/403), another 4xx, a malformed answer or an Api_Result error is never retried: asking
// again would get the same answer, or lock the patient in ORCA (Api_Result 90 他端末使用中).
import { OrcaError } from '../errors.js';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 15_000 };

/** Time, sleeping and chance, injectable so tests run on fake timers and fixed randomness. */
export interface OrcaClock {
  now(): Date;
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
}

export const systemClock: OrcaClock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The wait before retry number `retry` (1 = the first retry). */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}

/** Runs `attempt` until it succeeds, fails for good, or the tries are used up (the last error then). */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  clock: OrcaClock,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      const retryable = e instanceof OrcaError && e.retryable;
      if (!retryable || n >= policy.attempts) throw e;
      await clock.sleep(backoffDelay(n, policy, clock.random));
    }
  }
}
