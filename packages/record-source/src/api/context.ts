import type { AccessAssertion } from '@hie/contract';
import type { AuditRecord, HubKeys, NonceLedger, Store } from '@hie/platform';
import type { FastifyRequest } from 'fastify';
import type { DisclosureRegistry } from '../access/index.js';
import type { DirectoryRequesters } from '../directory/requesters.js';
import type { GatewayFacility } from '../facility.js';
import type { GwDicomInstanceTable, Schema } from '../store/schema.js';
import type { AuditQueue } from './audit-queue.js';
import type { DicomFrameSource } from './dicom-sources.js';
import type { GatewayMetrics } from './metrics.js';
import { GatewayError } from './outcome.js';

/**
 * Everything the routes share about one disclosing facility: built once by buildGatewayApp, or once per
 * tenant by a multi-tenant server (the repository), whose `store` is then the tenant's scoped store.
 */
export interface GatewayContext {
  store: Store<Schema>;
  facility: GatewayFacility;
  /**
   * The path the facility's API is served under (`''` for a gateway, `/t/<facility OID>` for a tenant of
   * the repository): its FHIR root is `<root>/fhir`, and assertions name paths below `<root>`.
   */
  root: string;
  hubKeys: HubKeys;
  disclosure: DisclosureRegistry;
  /** The network directory as the hub pushed it (ITI-59): who may be named in assertions (one per tenant). */
  requesters?: DirectoryRequesters;
  nonces: NonceLedger;
  audit: AuditQueue;
  metrics: GatewayMetrics;
  storageRoots: readonly string[];
  /** Where an indexed DICOM instance's frames are read: its file, or the PACS. */
  dicomSource: (row: GwDicomInstanceTable) => DicomFrameSource;
  adminToken: string | undefined;
  baseUrl: string | undefined;
  assertionLimits: { maxLifetimeSeconds?: number; clockSkewSeconds?: number };
  now: (() => number) | undefined;
  /** What the audit record of a request needs, filled in as the request goes through the pipeline. */
  requests: WeakMap<FastifyRequest, RequestAudit>;
}

/** The context of the facility a request is for (one constant for a gateway; by tenant for the repository). */
export type ContextOf = (request: FastifyRequest) => GatewayContext;

/** The audit facts of one request; the success path or the error handler writes exactly one record. */
export interface RequestAudit {
  type: string;
  action: AuditRecord['action'];
  assertion?: AccessAssertion;
  /** Why a read found nothing (kept for the auditor; the caller sees the same 404 either way). */
  notFound?: 'unknown' | 'not-visible';
  written?: boolean;
  /** Extra facts for the record (e.g. disclosure settings before and after a change). */
  detail?: Record<string, string>;
}

export function fhirBase(ctx: GatewayContext, request: FastifyRequest): string {
  return `${ctx.baseUrl ?? `${request.protocol}://${request.host}`}${ctx.root}/fhir`;
}

export function requestUrl(ctx: GatewayContext, request: FastifyRequest): URL {
  return new URL(request.url, ctx.baseUrl ?? `${request.protocol}://${request.host}`);
}

export const reference = (row: { resource_type: string; id: string }) => `${row.resource_type}/${row.id}`;

/** The one 404 of a read: why it was not found goes to the audit record only. */
export function notFound(
  ctx: GatewayContext,
  request: FastifyRequest,
  why: 'unknown' | 'not-visible',
): GatewayError {
  const state = ctx.requests.get(request);
  if (state) state.notFound = why;
  return new GatewayError('not-found', `${request.url.split('?')[0]} is not available`);
}
