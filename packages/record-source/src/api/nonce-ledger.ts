import type { NonceLedger, Store } from '@hie/platform';
import { QueryTemplates } from '@hie/platform';
import type { Schema } from '../store/schema.js';

interface PendingClaim {
  nonce: string;
  expiresAt: number;
  resolve: (first: boolean) => void;
  reject: (error: unknown) => void;
}

/**
 * Used nonces in the store's gw_nonce table, so replays are refused across restarts and across
 * gateway processes sharing a store. Claims made in the same turn of the event loop are written in
 * one INSERT … ON CONFLICT DO NOTHING RETURNING: the rows that come back are first uses, the others
 * replays — one round trip under load instead of one transaction per request.
 */
export class StoreNonceLedger implements NonceLedger {
  private pending: PendingClaim[] = [];
  private flushing = false;
  private lastCleanup: number;
  /** The insert compiled once per batch size (see QueryTemplates). */
  private readonly inserts = new QueryTemplates();

  constructor(
    private readonly store: Store<Schema>,
    private readonly options: { cleanupIntervalMs?: number; now?: () => number } = {},
  ) {
    this.lastCleanup = this.now();
  }

  claim(nonce: string, expiresAt: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ nonce, expiresAt, resolve, reject });
      if (this.pending.length === 1 && !this.flushing) setImmediate(() => void this.flush());
    });
  }

  /** Deletes nonces whose assertions have expired: after that, a replay fails on `expired` anyway. */
  async cleanup(): Promise<number> {
    const now = Math.floor(this.now() / 1000);
    const result = await this.store.db
      .deleteFrom('gw_nonce')
      .where('expires_at', '<', now)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, 500);
        try {
          const first = await this.insert(batch);
          for (const claim of batch) claim.resolve(first.has(claim));
        } catch (error) {
          for (const claim of batch) claim.reject(error);
        }
      }
      const interval = this.options.cleanupIntervalMs ?? 60_000;
      if (this.now() - this.lastCleanup >= interval) {
        this.lastCleanup = this.now();
        await this.cleanup().catch(() => undefined);
      }
    } finally {
      this.flushing = false;
      if (this.pending.length > 0) setImmediate(() => void this.flush());
    }
  }

  /** Returns the claims that were first uses. A nonce twice in one batch: only its first claim wins. */
  private async insert(batch: readonly PendingClaim[]): Promise<Set<PendingClaim>> {
    const firstByNonce = new Map<string, PendingClaim>();
    for (const claim of batch) if (!firstByNonce.has(claim.nonce)) firstByNonce.set(claim.nonce, claim);
    const values = [...firstByNonce.values()].flatMap((c) => [c.nonce, c.expiresAt]);
    const { rows: inserted } = await this.store.db.executeQuery(
      this.inserts.compile(String(firstByNonce.size), values, (v) =>
        this.store.db
          .insertInto('gw_nonce')
          .values(
            Array.from({ length: v.length / 2 }, (_, i) => ({
              jti: v[2 * i] as string,
              expires_at: v[2 * i + 1] as number,
            })),
          )
          .onConflict((oc) => oc.column('jti').doNothing())
          .returning('jti'),
      ),
    );
    const result = new Set<PendingClaim>();
    for (const row of inserted) {
      const claim = firstByNonce.get(row.jti);
      if (claim) result.add(claim);
    }
    return result;
  }
}
