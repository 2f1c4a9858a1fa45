import type { FastifyInstance, FastifyRequest } from 'fastify';
import { applyIntake, type IntakeSource, recordRejectedIntake } from '../intake/apply.js';
import { readSsmix2Zip } from '../intake/ssmix2/read.js';
import {
  type IntakeContext,
  intakeAudit,
  requireTenantSender,
  sha256,
  uploadBody,
  uploadName,
} from './intake-context.js';
import { IntakeError } from './intake-errors.js';
import { activeTenant, INTAKE_BODY_LIMIT } from './intake-routes.js';

/** The zip as sent; what it may inflate to is bounded separately (SSMIX2_ZIP_LIMITS). */
export const SSMIX2_BODY_LIMIT = INTAKE_BODY_LIMIT;

type TenantParams = { Params: { tenant: string } };

/**
 * `POST /t/<facility OID>/intake/ssmix2`: a clinic whose electronic record writes SS-MIX2 standardized
 * storage uploads it (or a part of it) as a zip. Authenticated by the tenant's sender, audited accepted
 * or refused, all or nothing: every file must be the tenant's own and readable, else the zip is refused
 * with every problem (entry path, line, field, code) and only the refusal is recorded. Per record key the
 * newest file in the zip replaces what the key held; keys the zip does not carry are left as they are.
 *
 * Register after registerIntakeRoutes: it owns the `application/octet-stream` parser of the context.
 */
export function registerSsmix2Routes(app: FastifyInstance, ctx: IntakeContext): void {
  const asBuffer = { parseAs: 'buffer', bodyLimit: SSMIX2_BODY_LIMIT } as const;
  const passBuffer = (_request: FastifyRequest, body: Buffer, done: (e: null, body: Buffer) => void) =>
    done(null, body);
  // Windows browsers label a .zip `application/x-zip-compressed`.
  app.addContentTypeParser(['application/zip', 'application/x-zip-compressed'], asBuffer, passBuffer);
  if (!app.hasContentTypeParser('application/octet-stream'))
    app.addContentTypeParser('application/octet-stream', asBuffer, passBuffer);

  app.post<TenantParams>(
    '/t/:tenant/intake/ssmix2',
    // The route's limit wins over the octet-stream parser's, whoever registered it.
    { bodyLimit: SSMIX2_BODY_LIMIT },
    async (request, reply) => {
      const name = uploadName(request, 'ssmix2.zip');
      const facts: Parameters<typeof intakeAudit>[1] = {
        tenant: undefined,
        sender: undefined,
        kind: 'ssmix2',
        name,
      };
      try {
        const tenant = activeTenant(ctx, request.params.tenant);
        facts.tenant = tenant.oid;
        const sender = await requireTenantSender(ctx, request, tenant.oid);
        facts.sender = sender;
        const bytes = uploadBody(request, 'the zip (application/zip)');
        const source: IntakeSource = { kind: 'ssmix2', name, sha256: sha256(bytes), sender: sender.id };
        const store = ctx.tenants.storeOf(tenant.oid);
        const facility = { institutionCode: tenant.institutionCode, oid: tenant.oid, name: tenant.name };
        const read = await readSsmix2Zip(bytes, name, facility);
        if (!read.ok) {
          const intakeId = await recordRejectedIntake(store, source, read.issues);
          const why = `${name}: ${read.issues[0]?.message ?? 'rejected'}`;
          throw new IntakeError('rejected', why, read.issues, { intakeId });
        }
        const applied = await applyIntake(store, source, read.batches, { warnings: read.warnings });
        await ctx.audit.append(
          intakeAudit(request, { ...facts, intakeId: applied.intakeId, counts: applied.counts }),
        );
        return reply.send({ ...applied, storage: read.counts, warnings: read.warnings });
      } catch (e) {
        const error = e instanceof IntakeError ? e : new IntakeError('internal', (e as Error).message);
        if (error.code === 'internal') request.log.error(e);
        await ctx.audit.append(intakeAudit(request, { ...facts, error, issues: error.issues }));
        throw error;
      }
    },
  );
}
