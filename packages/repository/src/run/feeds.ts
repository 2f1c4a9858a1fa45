import {
  FEED_TOKEN_STATE,
  type FeedLog,
  type FeedRunResult,
  type HubFeedTarget,
  IdentityFeeder,
} from '@hie/record-source';
import type { TenantRegistry } from '../tenants/registry.js';
import { sourceStore } from '../tenants/scoped-store.js';

export interface TenantFeedOptions {
  /** The hub's base URL; without it nothing is fed. */
  hubUrl: string | undefined;
  pollIntervalMs: number;
  log?: FeedLog;
  fetch?: typeof fetch;
  /** After each run of a tenant's feed (tests wait on it instead of on the clock). */
  onRun?: (oid: string, result: FeedRunResult) => void;
}

interface RunningFeed {
  feeder: IdentityFeeder;
  /** Read at every request: a token handed over replaces it in place. */
  target: HubFeedTarget;
}

/**
 * The identity feed of every active tenant that has a feed token, each with its own token: the one the
 * hub handed over with its directory (ITI-59, kept in the tenant's `gw_state` `hub-feed-token`) wins over
 * the one the office set in the tenant's settings, as a gateway's pushed token wins over its config's.
 */
export class TenantFeeds {
  private readonly running = new Map<string, RunningFeed>();
  /** Tokens handed over while this process runs: they win over a store read that raced their write. */
  private readonly handed = new Map<string, string>();
  private closed = false;

  constructor(
    private readonly tenants: TenantRegistry,
    private readonly options: TenantFeedOptions,
  ) {}

  /** (Re)starts every tenant's feed from the registry as it is now (after a tenant was added or changed). */
  async refresh(): Promise<void> {
    const tokens = new Map<string, string>();
    if (this.options.hubUrl)
      for (const t of this.tenants.list()) {
        if (t.status !== 'active') continue;
        const token = this.handed.get(t.oid) ?? (await this.storedToken(t.oid)) ?? t.settings.feedToken;
        if (token) tokens.set(t.oid, token);
      }
    const stopping = this.stopAll();
    for (const [oid, token] of tokens) this.start(oid, this.handed.get(oid) ?? token);
    await stopping;
  }

  /**
   * The hub handed `oid` a new feed token: the running feed uses it from its next request, without a
   * restart; a tenant that had none starts feeding with it.
   */
  readonly handOver = (oid: string, token: string): void => {
    this.handed.set(oid, token);
    const running = this.running.get(oid);
    if (running) running.target.feedToken = token;
    else if (this.options.hubUrl && this.tenants.get(oid)?.status === 'active') this.start(oid, token);
    this.options.log?.info(
      { tenant: oid },
      'the hub handed over a new feed token with its directory (ITI-59)',
    );
    this.running.get(oid)?.feeder.wake();
  };

  /** The token a tenant's feed sends now (none when it is not fed). */
  tokenOf(oid: string): string | undefined {
    return this.running.get(oid)?.target.feedToken;
  }

  /** Stops every tenant's feed for good (an in-flight request is aborted; its batch is sent next time). */
  stop(): Promise<void> {
    this.closed = true;
    return this.stopAll();
  }

  private stopAll(): Promise<void> {
    const feeders = [...this.running.values()].map((r) => r.feeder);
    this.running.clear();
    return Promise.all(feeders.map((f) => f.stop())).then(() => undefined);
  }

  private start(oid: string, feedToken: string): void {
    const hubUrl = this.options.hubUrl;
    if (!hubUrl || this.closed) return;
    const target: HubFeedTarget = { url: hubUrl, feedToken };
    const onRun = this.options.onRun;
    const feeder = new IdentityFeeder(sourceStore(this.tenants.storeOf(oid)), {
      hub: target,
      facilityOid: oid,
      pollIntervalMs: this.options.pollIntervalMs,
      ...(this.options.log ? { log: this.options.log } : {}),
      ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
      ...(onRun ? { onRun: (result: FeedRunResult) => onRun(oid, result) } : {}),
    });
    this.running.set(oid, { feeder, target });
    feeder.start();
  }

  private async storedToken(oid: string): Promise<string | undefined> {
    const row = await this.tenants
      .storeOf(oid)
      .db.selectFrom('gw_state')
      .select('value')
      .where('name', '=', FEED_TOKEN_STATE)
      .executeTakeFirst();
    return row?.value;
  }
}
