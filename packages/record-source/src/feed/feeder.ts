// The gateway's patient identity feed to the hub's MPI (PIX feed, internal API for now): new and
// changed gw_patient rows since the checkpoint, in batches, with retries. It only reads the store
// and runs beside ingest, so a slow or absent hub never holds up ingest.
import { feedIdentitySchema } from '@hie/contract';
import type { Store } from '@hie/platform';
import type { Schema } from '../store/schema.js';
import { advanceCheckpoint, nextBatch, pendingCount, readCheckpoint, resetCheckpoint } from './checkpoint.js';
import { type FeedAnswer, type HubFeedTarget, postIdentities } from './client.js';
import type { FeedIdentity } from './identity.js';

/** The hub takes at most this many identities per request. */
export const MAX_FEED_BATCH = 500;

/** Pino-shaped (Fastify's `app.log` fits). */
export interface FeedLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface FeederOptions {
  hub: HubFeedTarget;
  /** This facility's OID: every identity is (facility OID, local id). */
  facilityOid: string;
  fetch?: typeof fetch;
  /** Identities per request, 1–500 (default 500). */
  batchSize?: number;
  /** Look for changes this often even without a wake-up (default 60 s; 0 = only on wake-up). */
  pollIntervalMs?: number;
  retry?: {
    /** First wait after a 5xx or network error, doubled each time (default 1 s)… */
    initialMs?: number;
    /** …up to this (default 5 min). */
    maxMs?: number;
    /** Wait after 401/403 or a refused batch: a configuration problem, not a passing one (default 5 min). */
    slowMs?: number;
  };
  /** One request's time limit (default 30 s). */
  requestTimeoutMs?: number;
  log?: FeedLog;
  /** Called after each run of the loop (tests wait on it instead of on the clock). */
  onRun?: (result: FeedRunResult) => void;
}

export type FeedFailureKind = 'auth' | 'rejected' | 'unavailable' | 'store';

export interface FeedFailure {
  kind: FeedFailureKind;
  status: number | null;
  message: string;
  at: string;
}

/** One drain: everything pending is sent, or the first failure stops it. */
export interface FeedRunResult {
  /** Identities the hub accepted. */
  sent: number;
  requests: number;
  /** Identities the hub refused one by one while it took the rest of their batch. */
  skipped: string[];
  failure?: FeedFailure;
}

export interface FeederStatus {
  enabled: true;
  hubUrl: string;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  lastError: FeedFailure | null;
  consecutiveFailures: number;
  nextRetryAt: string | null;
  sentTotal: number;
  skippedTotal: number;
  /** Hub outcomes since start ('new', 'auto-link', 'review', 'updated', 'unchanged'). */
  outcomes: Record<string, number>;
}

type Sent =
  | { ok: true; accepted: number; skipped: string[]; requests: number; outcomes: Record<string, number> }
  | { ok: false; answer: Exclude<FeedAnswer, { kind: 'ok' }>; requests: number };

export class IdentityFeeder {
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly slowMs: number;
  private readonly timeoutMs: number;
  private readonly stopping = new AbortController();
  private running: Promise<FeedRunResult> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  /** A wake-up came during a run: run again right after it. */
  private again = false;
  private readonly state: Omit<FeederStatus, 'enabled' | 'hubUrl'> = {
    lastSuccessAt: null,
    lastAttemptAt: null,
    lastError: null,
    consecutiveFailures: 0,
    nextRetryAt: null,
    sentTotal: 0,
    skippedTotal: 0,
    outcomes: {},
  };

  constructor(
    private readonly store: Store<Schema>,
    private readonly options: FeederOptions,
  ) {
    this.batchSize = Math.max(1, Math.min(MAX_FEED_BATCH, options.batchSize ?? MAX_FEED_BATCH));
    this.pollMs = options.pollIntervalMs ?? 60_000;
    this.initialMs = options.retry?.initialMs ?? 1_000;
    this.maxMs = options.retry?.maxMs ?? 300_000;
    this.slowMs = options.retry?.slowMs ?? 300_000;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /** Feeds at once, then on every wake-up, every poll interval, and after failures with backoff. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.schedule(0);
  }

  /** New patient rows may be there (ingest committed a batch). Ignored while waiting to retry. */
  wake(): void {
    if (!this.started || this.stopped) return;
    if (this.running) this.again = true;
    else if (this.state.consecutiveFailures === 0) this.schedule(0);
  }

  /** Stops the loop; an in-flight request is aborted (its batch is sent again next time). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.running?.catch(() => undefined);
  }

  /** Sends everything pending now (one run at a time: a second call joins the first). */
  feedOnce(): Promise<FeedRunResult> {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Forgets the checkpoint so that every patient is sent again, then feeds. */
  async feedAll(): Promise<FeedRunResult> {
    await this.running?.catch(() => undefined);
    await resetCheckpoint(this.store.db);
    return this.feedOnce();
  }

  status(): FeederStatus {
    return {
      enabled: true,
      hubUrl: this.options.hub.url,
      ...this.state,
      outcomes: { ...this.state.outcomes },
    };
  }

  /** Patients new or changed since the hub last accepted a batch. */
  async pending(): Promise<number> {
    return pendingCount(this.store.db, (await readCheckpoint(this.store.db)).position);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.loopOnce();
    }, delayMs);
    this.timer.unref();
  }

  private loopOnce(): void {
    this.again = false;
    this.feedOnce().then(
      (result) => {
        this.options.onRun?.(result);
        if (this.stopped) return;
        if (result.failure) {
          this.schedule(this.retryDelay(result.failure));
        } else if (this.again) {
          this.schedule(0);
        } else if (this.pollMs > 0) {
          this.schedule(this.pollMs);
        }
      },
      // drain() catches everything; this is for the impossible case, so the loop never dies.
      () => this.schedule(this.maxMs),
    );
  }

  private retryDelay(failure: FeedFailure): number {
    let delay: number;
    if (failure.kind === 'auth' || failure.kind === 'rejected') delay = this.slowMs;
    else {
      const exp = this.initialMs * 2 ** Math.min(30, this.state.consecutiveFailures - 1);
      // Jitter (½–1×): gateways that lost the hub together do not all come back in the same instant.
      delay = Math.min(this.maxMs, exp) * (0.5 + Math.random() / 2);
    }
    this.state.nextRetryAt = new Date(Date.now() + delay).toISOString();
    return delay;
  }

  private async drain(): Promise<FeedRunResult> {
    const result: FeedRunResult = { sent: 0, requests: 0, skipped: [] };
    const db = this.store.db;
    try {
      while (!this.stopped) {
        const checkpoint = await readCheckpoint(db);
        const batch = await nextBatch(db, checkpoint.position, this.options.facilityOid, this.batchSize);
        if (!batch.next) break;
        this.state.lastAttemptAt = new Date().toISOString();
        // What the contract refuses is never sent: it would be refused again at every retry, and a batch
        // of nothing else would hold back every patient after it.
        const { valid, invalid } = this.screen(batch.identities);
        const sent: Sent =
          valid.length > 0
            ? await this.send(valid)
            : { ok: true, accepted: 0, skipped: [], requests: 0, outcomes: {} };
        if (sent.ok) sent.skipped.unshift(...invalid);
        result.requests += sent.requests;
        if (!sent.ok) {
          if (this.stopped) break; // aborted by stop(): not a failure
          result.failure = this.failed(sent.answer.kind, sent.answer.status, sent.answer.message);
          return result;
        }
        // If the checkpoint was reset meanwhile, the next round starts from the reset one.
        await advanceCheckpoint(db, checkpoint, batch.next, new Date().toISOString());
        result.sent += sent.accepted;
        result.skipped.push(...sent.skipped);
        this.succeeded(sent);
      }
    } catch (e) {
      result.failure = this.failed('store', null, e instanceof Error ? e.message : String(e));
    }
    return result;
  }

  /** Splits a batch into what the hub's contract accepts and the local ids of what it would refuse (logged). */
  private screen(identities: readonly FeedIdentity[]): { valid: FeedIdentity[]; invalid: string[] } {
    const valid: FeedIdentity[] = [];
    const invalid: string[] = [];
    for (const identity of identities) {
      const checked = feedIdentitySchema.safeParse(identity);
      if (checked.success) {
        valid.push(identity);
        continue;
      }
      const issue = checked.error.issues[0];
      invalid.push(identity.localId);
      this.options.log?.error(
        {
          localId: identity.localId.slice(0, 64),
          field: issue?.path.join('.') ?? '?',
          reason: issue?.message ?? 'invalid',
        },
        'this patient identity breaks the feed contract (field too long or malformed); not sent, skipped until the patient changes',
      );
    }
    return { valid, invalid };
  }

  /**
   * Sends a batch. A refused batch (a 4xx other than 401/403) is halved until the refused identities
   * are alone: those are skipped (and logged) as long as the hub took the others; if it took none,
   * the refusal is about the feed itself, and the whole batch waits.
   */
  private async send(identities: readonly FeedIdentity[]): Promise<Sent> {
    const answer = await postIdentities(this.options.hub, identities, {
      signal: AbortSignal.any([this.stopping.signal, AbortSignal.timeout(this.timeoutMs)]),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
    });
    if (answer.kind === 'ok') {
      for (const refused of answer.rejected) {
        this.options.log?.error(
          { localId: refused.localId, hub: refused.reason },
          'the hub refused this patient identity; skipped until the patient changes',
        );
      }
      const skipped = answer.rejected.map((r) => r.localId);
      return {
        ok: true,
        accepted: identities.length - skipped.length,
        skipped,
        requests: 1,
        outcomes: answer.outcomes,
      };
    }
    if (answer.kind !== 'rejected' || identities.length === 1) return { ok: false, answer, requests: 1 };
    const half = Math.ceil(identities.length / 2);
    const parts = [identities.slice(0, half), identities.slice(half)];
    const merged = {
      accepted: 0,
      skipped: [] as string[],
      requests: 1,
      outcomes: {} as Record<string, number>,
    };
    let refusal: Exclude<FeedAnswer, { kind: 'ok' }> | undefined;
    for (const part of parts) {
      const r = await this.send(part);
      merged.requests += r.requests;
      if (r.ok) {
        merged.accepted += r.accepted;
        merged.skipped.push(...r.skipped);
        addCounts(merged.outcomes, r.outcomes);
      } else if (r.answer.kind === 'rejected' && part.length === 1) {
        merged.skipped.push(part[0]!.localId);
        refusal = r.answer;
        this.options.log?.error(
          { localId: part[0]!.localId, status: r.answer.status, hub: r.answer.message },
          'the hub refused this patient identity; skipped until the patient changes',
        );
      } else {
        return { ok: false, answer: r.answer, requests: merged.requests };
      }
    }
    if (merged.accepted === 0 && refusal) return { ok: false, answer: refusal, requests: merged.requests };
    return { ok: true, ...merged };
  }

  private succeeded(sent: Extract<Sent, { ok: true }>): void {
    const s = this.state;
    if (s.consecutiveFailures > 0)
      this.options.log?.info({ after: s.consecutiveFailures }, 'patient feed to the hub works again');
    s.lastSuccessAt = new Date().toISOString();
    s.consecutiveFailures = 0;
    s.nextRetryAt = null;
    s.lastError = null;
    s.sentTotal += sent.accepted;
    s.skippedTotal += sent.skipped.length;
    addCounts(s.outcomes, sent.outcomes);
  }

  private failed(kind: FeedFailureKind, status: number | null, message: string): FeedFailure {
    const failure: FeedFailure = { kind, status, message, at: new Date().toISOString() };
    this.state.lastError = failure;
    this.state.consecutiveFailures += 1;
    const where = {
      hub: this.options.hub.url,
      status,
      error: message,
      failures: this.state.consecutiveFailures,
    };
    if (kind === 'auth') {
      this.options.log?.error(
        where,
        'the hub refused the feed token (401/403): check hub.feedToken and that the hub knows this facility OID; retrying slowly',
      );
    } else if (kind === 'rejected') {
      this.options.log?.error(where, 'the hub refused the patient feed; retrying slowly');
    } else {
      this.options.log?.warn(where, 'patient feed to the hub failed; retrying with backoff');
    }
    return failure;
  }
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}
