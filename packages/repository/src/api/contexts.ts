import type { HubKeys, Store } from '@hie/platform';
import {
  type AuditQueue,
  type ContextOf,
  DirectoryRequesters,
  DisclosureRegistry,
  type DisclosureSettings,
  dicomFrameSources,
  type GatewayContext,
  GatewayError,
  type GatewayMetrics,
  type Schema,
  StoreNonceLedger,
} from '@hie/record-source';
import type { FastifyRequest } from 'fastify';
import type { TenantRegistry } from '../tenants/registry.js';
import { sourceStore } from '../tenants/scoped-store.js';

export interface ContextDeps {
  tenants: TenantRegistry;
  hubKeys: HubKeys;
  /** A new tenant's disclosure settings until it sets its own. */
  disclosure: DisclosureSettings;
  /** One audit chain for the whole repository (unscoped store): each event names its facility. */
  audit: AuditQueue;
  metrics: GatewayMetrics;
  baseUrl?: string;
  assertion?: { maxLifetimeSeconds?: number; clockSkewSeconds?: number };
  now?: () => number;
}

/** The path a tenant's API is served under: `/t/<facility OID>` (what the hub's directory lists). */
export const tenantRoot = (oid: string) => `/t/${oid}`;

/**
 * The record server's context of each tenant, made on first use and kept: its scoped store, its facility
 * (the assertion's audience and the audit's source), its disclosure settings, its nonce ledger and the
 * network directory the hub pushed to it (ITI-59). A request for an unknown or suspended tenant is a 404
 * before anything else is looked at.
 */
export class TenantContexts {
  private readonly contexts = new Map<string, GatewayContext>();
  /**
   * Each tenant's directory, read once and kept until that tenant's next feed: kept apart from the
   * contexts (which `forget` drops) so a feed in flight invalidates the one its reads use.
   */
  private readonly requesters = new Map<string, DirectoryRequesters>();
  private readonly requests = new WeakMap();

  constructor(private readonly deps: ContextDeps) {}

  readonly contextOf: ContextOf = (request: FastifyRequest) => {
    const oid = (request.params as { tenant?: string } | undefined)?.tenant;
    const tenant = oid === undefined ? undefined : this.deps.tenants.get(oid);
    if (tenant?.status !== 'active')
      throw new GatewayError('not-found', `${request.url.split('?')[0]} is not available`);
    let ctx = this.contexts.get(tenant.oid);
    if (!ctx) {
      const store = sourceStore(this.deps.tenants.storeOf(tenant.oid));
      ctx = {
        store,
        facility: { oid: tenant.oid, institutionCode: tenant.institutionCode, name: tenant.name },
        root: tenantRoot(tenant.oid),
        hubKeys: this.deps.hubKeys,
        disclosure: new DisclosureRegistry(store, this.deps.disclosure),
        requesters: this.requestersOf(tenant.oid, store),
        nonces: new StoreNonceLedger(store),
        audit: this.deps.audit,
        metrics: this.deps.metrics,
        storageRoots: [],
        dicomSource: dicomFrameSources(undefined),
        adminToken: undefined,
        baseUrl: this.deps.baseUrl?.replace(/\/+$/, ''),
        assertionLimits: this.deps.assertion ?? {},
        now: this.deps.now,
        requests: this.requests,
      };
      this.contexts.set(tenant.oid, ctx);
    }
    return ctx;
  };

  private requestersOf(oid: string, store: Store<Schema>): DirectoryRequesters {
    let requesters = this.requesters.get(oid);
    if (!requesters) {
      requesters = new DirectoryRequesters(store);
      this.requesters.set(oid, requesters);
    }
    return requesters;
  }

  /** A tenant renamed or its settings changed: its context is made again on next use. */
  forget(oid: string): void {
    this.contexts.delete(oid);
  }
}
