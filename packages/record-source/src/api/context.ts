import type { AccessAssertion } from '@hie/contract';
import type { AuditRecord, HubKeys, NonceLedger, Store } from '@hie/platform';
import type { FastifyRequest } from 'fastify';
import type { DisclosureRegistry } from '../access/index.js';
import type { GatewayFacility } from '../facility.js';
import type { GwDicomInstanceTable, Schema } from '../store/schema.js';
import type { AuditQueue } from './audit-queue.js';
import type { DicomFrameSource } from './dicom-sources.js';
import type { GatewayMetrics } from './metrics.js';
import { GatewayError } from './outcome.js';

/** Everything the routes share, built once by buildGatewayApp. */
export interface GatewayContext {
  store: Store<Schema>;
  facility: GatewayFacility;
  hubKeys: HubKeys;
  disclosure: DisclosureRegistry;
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
  return `${ctx.baseUrl ?? `${request.protocol}://${request.host}`}/fhir`;
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
