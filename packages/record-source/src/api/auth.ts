import { createHash, timingSafeEqual } from 'node:crypto';
import { type AccessAssertion, pathBelowRoot } from '@hie/contract';
import { patientResourceId } from '@hie/fhir-jp';
import { operationOf, peerContract, verifyAssertion } from '@hie/platform';
import type { FastifyRequest } from 'fastify';
import { decideAccess, type GatewayAccess, GatewayRepository } from '../access/index.js';
import type { GatewayContext, RequestAudit } from './context.js';
import { GatewayError } from './outcome.js';

/**
 * The first steps of every data request: verify the hub's assertion (401 with its reason code),
 * narrow it by the facility's disclosure settings (403 for a purpose that reads nothing), and hand
 * back the repository that carries the resulting rule — the only way a route reads records.
 */
export async function authenticate(
  ctx: GatewayContext,
  request: FastifyRequest,
  audit: Omit<RequestAudit, 'assertion'>,
): Promise<GatewayRepository> {
  const state: RequestAudit = { ...audit };
  ctx.requests.set(request, state);
  // A hub of another contract major would mean something else by the same claims: refused, audited.
  const contract = peerContract(request.headers);
  if (!contract.ok) throw new GatewayError('contract-version', contract.message);
  const assertion = await verifiedAssertion(ctx, request);
  const requester = await ctx.requesters?.check(assertion.userId, assertion.facilityOid, ctx.facility.oid);
  if (requester === 'suspended')
    throw new GatewayError('facility-suspended', `${ctx.facility.oid} is inactive in the directory`);
  if (requester === 'unknown')
    throw new GatewayError(
      'requester-unknown',
      `${assertion.userId} at ${assertion.facilityOid} is not active in the directory`,
    );
  const { settings } = await ctx.disclosure.current();
  const decision = decideAccess(assertion, settings);
  if (!decision.ok) throw new GatewayError(decision.reason, decision.message);
  return new GatewayRepository(ctx.store, decision.access);
}

/**
 * The hub's assertion for this very request (401 with its reason code otherwise: signature, audience =
 * this facility, times, the bound operation, a nonce used once), kept for the request's audit record.
 */
export async function verifiedAssertion(
  ctx: GatewayContext,
  request: FastifyRequest,
): Promise<AccessAssertion> {
  const verified = await verifyAssertion(bearerToken(request), ctx.hubKeys, {
    audience: ctx.facility.oid,
    nonces: ctx.nonces,
    operation: requestOperation(request, ctx.root),
    ...ctx.assertionLimits,
    ...(ctx.now ? { now: ctx.now() } : {}),
  });
  if (!verified.ok) throw new GatewayError(verified.reason, verified.message);
  const state = ctx.requests.get(request);
  if (state) state.assertion = verified.assertion;
  return verified.assertion;
}

/** The FHIR API's root path below the facility's root: assertions name paths below it. */
export const FHIR_ROOT = '/fhir';

/**
 * The operation this request is, as the hub binds an assertion to it (operationOf): below the FHIR root
 * for FHIR, below the facility's root (`root`, `''` for a gateway) for DICOMweb.
 */
export function requestOperation(request: FastifyRequest, root = '') {
  const url = request.url;
  const q = url.indexOf('?');
  const full = q < 0 ? url : url.slice(0, q);
  const path = root !== '' && full.startsWith(`${root}/`) ? full.slice(root.length) : full;
  return operationOf(request.method, pathBelowRoot(path, FHIR_ROOT) ?? path, q < 0 ? '' : url.slice(q));
}

/**
 * 403 when the request names a patient other than the assertion's. Decided from the request alone,
 * without looking anything up, so it tells nothing about whether that patient exists here.
 * Accepts `Patient/<id>`, the FHIR Patient id, or the local patient id.
 */
export function requireSamePatient(access: GatewayAccess, named: string | undefined): void {
  if (named === undefined) return;
  const id = named.startsWith('Patient/') ? named.slice('Patient/'.length) : named;
  if (id !== patientResourceId(access.patientId) && id !== access.patientId) {
    throw new GatewayError('patient-mismatch', `the assertion covers patient ${access.patientId} only`);
  }
}

/** `Authorization: Bearer <token>`; any other scheme counts as malformed, none as missing. */
function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match?.[1] ?? 'not-a-bearer-token';
}

/**
 * Admin API: a local token from the gateway's config, not a hub assertion. Disclosure settings are
 * the facility's own decision and the gateway's defence in depth against the hub: if the hub's key
 * could also widen them, one stolen hub key would both authorise requests and open the data.
 */
export function requireAdmin(ctx: GatewayContext, request: FastifyRequest): void {
  if (!ctx.adminToken) throw new GatewayError('admin-disabled');
  const given = bearerToken(request) ?? '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!timingSafeEqual(digest(given), digest(ctx.adminToken))) throw new GatewayError('admin-forbidden');
}
