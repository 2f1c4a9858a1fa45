import type { AuditRecord } from '@hie/platform';
import type { FastifyRequest } from 'fastify';
import type { GatewayContext, RequestAudit } from './context.js';
import type { GatewayError } from './outcome.js';

/**
 * The audit event of one request (IHE BALP shape): who (from the verified assertion only — claims of
 * a refused token are not trusted, so a refusal records just the address), whose data, what was
 * returned (entity ids), why (purpose of use), and the outcome.
 */
export function auditRecordOf(
  ctx: GatewayContext,
  request: FastifyRequest,
  state: RequestAudit,
  result: { entities: string[]; error?: GatewayError },
): AuditRecord {
  const a = state.assertion;
  const error = result.error;
  const detail: Record<string, string> = {
    request: `${request.method} ${request.url}`,
    status: String(error?.status ?? 200),
    address: request.ip,
  };
  if (a) {
    detail.issuer = a.issuer;
    detail.assertionId = a.nonce;
  }
  if (state.notFound) detail.notFound = state.notFound;
  Object.assign(detail, state.detail);
  return {
    type: state.type,
    action: state.action,
    outcome: error ? (error.status >= 500 ? '8' : '4') : '0',
    ...(error ? { outcomeDescription: `${error.code}: ${error.message}` } : {}),
    ...(a
      ? {
          agent: {
            userId: a.userId,
            ...(a.subjectName ? { name: a.subjectName } : {}),
            profession: a.profession,
            facilityOid: a.facilityOid,
          },
        }
      : {}),
    ...(a ? { patient: { facilityOid: ctx.facility.oid, localId: a.patientId } } : {}),
    ...(result.entities.length > 0 ? { entities: result.entities } : {}),
    ...(a ? { purposeOfUse: a.purposeOfUse } : {}),
    source: ctx.facility.oid,
    detail,
  };
}

/** Writes the request's one audit record (success path) and waits for it: no audit, no disclosure. */
export async function auditDisclosure(
  ctx: GatewayContext,
  request: FastifyRequest,
  entities: string[],
): Promise<void> {
  const state = ctx.requests.get(request);
  if (!state || state.written) return;
  state.written = true;
  await ctx.audit.append(auditRecordOf(ctx, request, state, { entities }));
}

/** The refusal's audit record (outcome 4, or 8 for a server fault), unless one was written already. */
export async function auditRefusal(
  ctx: GatewayContext,
  request: FastifyRequest,
  error: GatewayError,
): Promise<void> {
  const state = ctx.requests.get(request);
  if (!state || state.written) return;
  state.written = true;
  await ctx.audit.append(auditRecordOf(ctx, request, state, { entities: [], error }));
}
