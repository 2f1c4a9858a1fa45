import { createHash } from 'node:crypto';
import type { AuditRecord, Store } from '@hie/platform';
import type { AuditQueue } from '@hie/record-source';
import type { UkeMasters } from '@hie/uke';
import type { FastifyRequest } from 'fastify';
import type { IntakeCounts, IntakeIssue } from '../intake/batch.js';
import type { RepositorySchema } from '../store/schema.js';
import type { TenantRegistry } from '../tenants/registry.js';
import { type Sender, senderOfToken } from '../tenants/senders.js';
import { IntakeError } from './intake-errors.js';

/** What the intake and office routes share. */
export interface IntakeContext {
  base: Store<RepositorySchema>;
  tenants: TenantRegistry;
  audit: AuditQueue;
  /** The operator's UKE master files; without them a UKE upload is refused (503). */
  ukeMasters: UkeMasters | undefined;
  /** The network office's token for /admin/* (tenants, senders); without one the office API is off. */
  adminToken: string | undefined;
  /** Runs a tenant's ORCA pull now (the ORCA schedule's), if the tenant has ORCA. */
  runOrcaPull?: (oid: string) => Promise<OrcaPullOutcome>;
  /** After the office created or changed a tenant: its schedule and feed start (the running process's). */
  onTenantsChanged?: () => Promise<void>;
}

export interface OrcaPullOutcome {
  intakeId: string | null;
  patients: number;
  failures: number;
  counts: IntakeCounts;
}

export function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  return /^Bearer +(\S+) *$/i.exec(header)?.[1] ?? '';
}

/** The sender of a request, or 401: every write names who sent it. */
export async function requireSender(ctx: IntakeContext, request: FastifyRequest): Promise<Sender> {
  const token = bearer(request);
  if (token === undefined) throw new IntakeError('sender-missing');
  const sender = await senderOfToken(ctx.base, token);
  if (!sender) throw new IntakeError('sender-unknown');
  return sender;
}

/** A tenant's own sender, for its tenant only. */
export async function requireTenantSender(
  ctx: IntakeContext,
  request: FastifyRequest,
  oid: string,
): Promise<Sender> {
  const sender = await requireSender(ctx, request);
  if (sender.kind !== 'tenant' || sender.tenant !== oid)
    throw new IntakeError(
      'sender-other-tenant',
      `sender ${sender.id} (${sender.name}) may not write to ${oid}`,
    );
  return sender;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Where a write came in, for its audit event: an HTTP request, or a connection of another transport. */
export interface AuditWhere {
  /** `POST /intake/lab`, `MLLP/TLS`, `drop folder <path>`. */
  request: string;
  address?: string;
}

const whereOf = (w: FastifyRequest | AuditWhere): AuditWhere =>
  'method' in w ? { request: `${w.method} ${w.url}`, address: w.ip } : w;

/** The audit event of one write (or refused write): who, for which facility, what came in, what it did. */
export function intakeAudit(
  at: FastifyRequest | AuditWhere,
  facts: {
    tenant: string | undefined;
    sender: Sender | undefined;
    kind: string;
    name: string;
    error?: IntakeError;
    counts?: IntakeCounts;
    intakeId?: string;
    patientId?: string;
    issues?: readonly IntakeIssue[];
  },
): AuditRecord {
  const { error, sender } = facts;
  const where = whereOf(at);
  const detail: Record<string, string> = {
    request: where.request,
    status: String(error?.status ?? 200),
    ...(where.address ? { address: where.address } : {}),
    intake: facts.kind,
    name: facts.name,
  };
  if (facts.intakeId) detail.intakeId = facts.intakeId;
  if (facts.counts) detail.counts = JSON.stringify(facts.counts);
  if (facts.issues?.length)
    detail.issues = facts.issues
      .slice(0, 5)
      .map((i) => i.code)
      .join(',');
  return {
    type: 'intake',
    action: 'C',
    outcome: error ? (error.status >= 500 ? '8' : '4') : '0',
    ...(error ? { outcomeDescription: `${error.code}: ${error.message}` } : {}),
    ...(sender
      ? {
          agent: {
            userId: `sender:${sender.id}`,
            name: sender.name,
            facilityOid: sender.tenant ?? undefined,
          },
        }
      : {}),
    ...(facts.patientId && facts.tenant
      ? { patient: { facilityOid: facts.tenant, localId: facts.patientId } }
      : {}),
    source: facts.tenant ?? 'repository',
    detail,
  };
}

/** The body of an upload (a file, a message, a zip), or 400 naming what was expected. */
export function uploadBody(request: FastifyRequest, expected: string): Buffer {
  if (!Buffer.isBuffer(request.body) || request.body.length === 0)
    throw new IntakeError('bad-request', `expected ${expected} as the body`);
  return request.body;
}

/** The uploaded file's name (header `x-file-name`, percent-encoded for non-ASCII names), for errors. */
export function uploadName(request: FastifyRequest, fallback: string): string {
  const raw = request.headers['x-file-name'];
  if (typeof raw !== 'string' || raw === '') return fallback;
  let name = raw;
  try {
    name = decodeURIComponent(raw);
  } catch {}
  return name.replace(/[\\/\u0000-\u001f]/g, '_').slice(0, 200);
}
