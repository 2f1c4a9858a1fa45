// Pulls on a schedule, one loop per tenant (a clinic's ORCA): a tenant's pulls never overlap, a
// failing ORCA is asked less often (the interval doubles per failed pull, up to a ceiling), the first
// pulls are spread over the interval so a hundred clinics are not asked in the same second, and stop()
// lets the pulls in progress finish their current patient and keep what they read.
import type { OrcaClient } from './client.js';
import { type OrcaCheckpoint, type OrcaPull, type PullOptions, pullChanges } from './pull.js';
import { type OrcaClock, systemClock } from './retry.js';

export interface TenantPull {
  tenantId: string;
  client: OrcaClient;
  /** Wait between the end of one pull and the start of the next. */
  everyMs: number;
  options?: Omit<PullOptions, 'signal'>;
  /** The tenant's stored checkpoint; undefined: never pulled (a full pull). */
  loadCheckpoint(): Promise<OrcaCheckpoint | undefined>;
  /** Stores the mapped data and `pull.checkpoint` together (one transaction). */
  save(pull: OrcaPull): Promise<void>;
}

export interface PullSchedule {
  /** Pulls this tenant now (or waits for the pull in progress). */
  runNow(tenantId: string): Promise<void>;
  /** Stops every loop; resolves when the pulls in progress have ended. */
  stop(): Promise<void>;
}

export interface PullScheduleOptions {
  clock?: Partial<OrcaClock>;
  /** A pull that failed as a whole (ORCA unreachable, the list refused, save failed). */
  onError?: (tenantId: string, error: unknown) => void;
  /** Ceiling of the backed-off interval (default one day). */
  maxIntervalMs?: number;
}

export function startPullSchedule(
  tenants: readonly TenantPull[],
  options: PullScheduleOptions = {},
): PullSchedule {
  const clock: OrcaClock = { ...systemClock, ...options.clock };
  const maxInterval = options.maxIntervalMs ?? 86_400_000;
  const abort = new AbortController();
  let stopped = false;
  const state = new Map<string, { running?: Promise<void>; wake?: () => void }>();

  const runOnce = (t: TenantPull): Promise<void> => {
    const s = state.get(t.tenantId)!;
    s.running ??= (async () => {
      const checkpoint = await t.loadCheckpoint();
      const pull = await pullChanges(t.client, checkpoint, { ...t.options, signal: abort.signal });
      await t.save(pull);
    })().finally(() => {
      s.running = undefined;
    });
    return s.running;
  };

  const wait = (t: TenantPull, ms: number) =>
    new Promise<void>((resolve) => {
      const s = state.get(t.tenantId)!;
      s.wake = resolve;
      void clock.sleep(ms).then(resolve);
    });

  const loop = async (t: TenantPull) => {
    let failures = 0;
    // Spread the first pulls over the interval.
    let delay = Math.floor(clock.random() * Math.min(t.everyMs, 60_000));
    while (!stopped) {
      await wait(t, delay);
      if (stopped) break;
      try {
        await runOnce(t);
        failures = 0;
      } catch (e) {
        failures++;
        options.onError?.(t.tenantId, e);
      }
      const base = Math.min(maxInterval, t.everyMs * 2 ** failures);
      delay = Math.floor(base * (0.9 + 0.2 * clock.random()));
    }
  };

  for (const t of tenants) state.set(t.tenantId, {});
  const loops = tenants.map(loop);
  return {
    runNow: async (tenantId) => {
      const t = tenants.find((x) => x.tenantId === tenantId);
      if (!t) throw new Error(`unknown tenant ${tenantId}`);
      await runOnce(t);
    },
    stop: async () => {
      stopped = true;
      abort.abort();
      for (const s of state.values()) s.wake?.();
      await Promise.allSettled([...state.values()].map((s) => s.running));
      await Promise.all(loops);
    },
  };
}
