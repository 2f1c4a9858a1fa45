import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { applyIntake, type IntakeSource, recordRejectedIntake } from '../intake/apply.js';
import type { IntakeIssue } from '../intake/batch.js';
import { mapOtcIntake, matchNotebookPatient, type OtcInput, readOtcInput } from '../intake/otc.js';
import { readUkeIntake } from '../intake/uke.js';
import type { Tenant } from '../tenants/registry.js';
import type { Sender } from '../tenants/senders.js';
import {
  type IntakeContext,
  intakeAudit,
  requireTenantSender,
  sha256,
  uploadBody,
  uploadName,
} from './intake-context.js';
import { IntakeError } from './intake-errors.js';

/** A month's UKE file of a large clinic is a few MB; the bound leaves room and stops abuse. */
export const INTAKE_BODY_LIMIT = 64 * 1024 * 1024;

type TenantParams = { Params: { tenant: string } };

/**
 * The intake API of each tenant (`/t/<facility OID>/intake/…`): every write authenticated by the
 * tenant's sender credential, refused for any other tenant, audited (accepted or refused), and
 * all or nothing — a refused file is recorded with its reasons (file, line, field, code) and writes
 * nothing else.
 */
export function registerIntakeRoutes(app: FastifyInstance, ctx: IntakeContext): void {
  app.addContentTypeParser(
    ['application/octet-stream', 'text/plain', 'text/csv', 'application/hl7-v2', 'x-application/hl7-v2+er7'],
    { parseAs: 'buffer', bodyLimit: INTAKE_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.post<TenantParams>('/t/:tenant/intake/uke', async (request, reply) => {
    const fileName = uploadName(request, 'RECEIPTC.UKE');
    await intake(ctx, request, reply, { kind: 'uke', name: fileName }, async (tenant, sender) => {
      const bytes = uploadBody(request, 'the file (application/octet-stream)');
      if (!ctx.ukeMasters) throw new IntakeError('uke-masters-missing');
      const read = readUkeIntake(bytes, fileName, tenant.institutionCode, ctx.ukeMasters);
      const source: IntakeSource = { kind: 'uke', name: fileName, sha256: sha256(bytes), sender: sender.id };
      if (!read.ok) return reject(ctx, tenant, source, read.issues);
      const applied = await applyIntake(ctx.tenants.storeOf(tenant.oid), source, [read.batch], {
        warnings: read.warnings,
      });
      return { ...applied, warnings: read.warnings, claims: read.counts.claims };
    });
  });

  const otcBody = z.union([
    z.object({
      qr: z.array(z.string().max(4096)).min(1).max(64),
      patientId: z.string().min(1).max(64).optional(),
    }),
    z.instanceof(Buffer),
  ]);
  app.post<TenantParams & { Querystring: { patientId?: string } }>(
    '/t/:tenant/intake/okusuri-techo',
    async (request, reply) => {
      const body = otcBody.safeParse(request.body);
      const input: OtcInput | undefined = !body.success
        ? undefined
        : Buffer.isBuffer(body.data)
          ? { kind: 'file', bytes: body.data, fileName: uploadName(request, 'okusuri-techo.csv') }
          : { kind: 'qr', parts: body.data.qr };
      const picked =
        body.success && !Buffer.isBuffer(body.data) ? body.data.patientId : request.query.patientId;
      const name = input?.kind === 'file' ? input.fileName : 'QR';
      await intake(ctx, request, reply, { kind: 'okusuri-techo', name }, async (tenant, sender) => {
        if (!input)
          throw new IntakeError('bad-request', 'expected a file (application/octet-stream) or {"qr": ["…"]}');
        const bytes = input.kind === 'file' ? input.bytes : Buffer.from(input.parts.join('\n'));
        const source: IntakeSource = {
          kind: 'okusuri-techo',
          name,
          sha256: sha256(bytes),
          sender: sender.id,
        };
        const read = readOtcInput(input);
        if (!read.ok) return reject(ctx, tenant, source, read.issues);
        const store = ctx.tenants.storeOf(tenant.oid);
        const match = await matchNotebookPatient(store, read.demographics, picked);
        if (match.kind === 'ambiguous')
          throw new IntakeError('patient-ambiguous', undefined, [], { candidates: match.candidates });
        const mapped = mapOtcIntake(read, match.patientId, tenant, { includePatient: match.kind === 'new' });
        if (!mapped.ok) return reject(ctx, tenant, source, mapped.issues);
        const applied = await applyIntake(store, source, mapped.batches, { warnings: mapped.warnings });
        return {
          ...applied,
          warnings: mapped.warnings,
          patientId: match.patientId,
          newPatient: match.kind === 'new',
        };
      });
    },
  );

  app.post<TenantParams>('/t/:tenant/intake/orca-pull', async (request, reply) => {
    await intake(ctx, request, reply, { kind: 'orca', name: 'pull' }, async (tenant) => {
      if (!tenant.settings.orca || !ctx.runOrcaPull) throw new IntakeError('orca-not-configured');
      return ctx.runOrcaPull(tenant.oid);
    });
  });

  app.get<TenantParams & { Querystring: { limit?: string } }>('/t/:tenant/intake', async (request) => {
    const tenant = activeTenant(ctx, request.params.tenant);
    await requireTenantSender(ctx, request, tenant.oid);
    return { intakes: await recentIntakes(ctx, tenant.oid, Number(request.query.limit ?? 50)) };
  });
}

export async function recentIntakes(ctx: IntakeContext, oid: string, limit: number) {
  const rows = await ctx.tenants
    .storeOf(oid)
    .db.selectFrom('rp_intake')
    .selectAll()
    .orderBy('received_at', 'desc')
    .limit(Math.max(1, Math.min(500, Number.isFinite(limit) ? limit : 50)))
    .execute();
  return rows.map(({ counts, issues, ...r }) => ({
    ...r,
    counts: JSON.parse(counts),
    issues: JSON.parse(issues),
  }));
}

export function activeTenant(ctx: IntakeContext, oid: string): Tenant {
  const tenant = ctx.tenants.get(oid);
  if (tenant?.status !== 'active') throw new IntakeError('tenant-unknown', `no facility ${oid}`);
  return tenant;
}

/** Recorded as rejected (nothing else written), then answered 422 with every reason. */
async function reject(
  ctx: IntakeContext,
  tenant: Tenant,
  source: IntakeSource,
  issues: readonly IntakeIssue[],
): Promise<never> {
  const id = await recordRejectedIntake(ctx.tenants.storeOf(tenant.oid), source, issues);
  throw new IntakeError('rejected', `${source.name}: ${issues[0]?.message ?? 'rejected'}`, issues, {
    intakeId: id,
  });
}

/**
 * One audited intake request: the tenant (404 if unknown), its sender (401/403), the work, then exactly
 * one audit event — accepted or refused — before the answer.
 */
async function intake(
  ctx: IntakeContext,
  request: FastifyRequest<TenantParams>,
  reply: FastifyReply,
  what: { kind: string; name: string },
  work: (tenant: Tenant, sender: Sender) => Promise<object>,
): Promise<void> {
  let sender: Sender | undefined;
  let tenant: Tenant | undefined;
  try {
    tenant = activeTenant(ctx, request.params.tenant);
    sender = await requireTenantSender(ctx, request, tenant.oid);
    const result = await work(tenant, sender);
    const r = result as {
      intakeId?: string;
      counts?: import('../intake/batch.js').IntakeCounts;
      patientId?: string;
    };
    await ctx.audit.append(
      intakeAudit(request, {
        tenant: tenant.oid,
        sender,
        ...what,
        ...(r.intakeId ? { intakeId: r.intakeId } : {}),
        ...(r.counts ? { counts: r.counts } : {}),
        ...(r.patientId ? { patientId: r.patientId } : {}),
      }),
    );
    reply.send(result);
  } catch (e) {
    const error = e instanceof IntakeError ? e : new IntakeError('internal', (e as Error).message);
    if (error.code === 'internal') request.log.error(e);
    await ctx.audit.append(
      intakeAudit(request, { tenant: tenant?.oid, sender, ...what, error, issues: error.issues }),
    );
    throw error;
  }
}
