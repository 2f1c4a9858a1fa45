import type { FastifyInstance, FastifyRequest } from 'fastify';
import { applyIntake, type IntakeSource, recordRejectedIntake } from '../intake/apply.js';
import type { IntakeBatch, IntakeCounts, IntakeIssue } from '../intake/batch.js';
import {
  LAB_CSV_LAYOUTS,
  type LabMessage,
  mapLabCsvResult,
  mapLabMessage,
  readLabCsv,
  readLabMessage,
} from '../intake/lab/index.js';
import type { Tenant } from '../tenants/registry.js';
import { labMayWrite, type Sender } from '../tenants/senders.js';
import {
  type AuditWhere,
  type IntakeContext,
  intakeAudit,
  requireSender,
  sha256,
  uploadBody,
  uploadName,
} from './intake-context.js';
import { IntakeError } from './intake-errors.js';

/**
 * Lab results from lab centres (検査センター), routed to the ordering clinic's tenant by its 医療機関コード:
 *   POST /intake/lab            one HL7 v2.5 message (OUL^R22 / ORU^R01, JAHIS 臨床検査データ交換規約)
 *   POST /intake/lab-csv?layout= a lab centre's own CSV layout (a plug-in: LAB_CSV_LAYOUTS)
 * (MLLP/TLS and drop folders, run/lab-*.ts, take the same path: receiveLabMessage, receiveLabCsv.)
 * The sender is a lab centre's credential; the message's MSH-4 must be that lab centre's own code, the
 * clinic must have linked it (rp_lab_link), and the patient must be the clinic's. A message sent twice
 * (same MSH-4 and MSH-10) is acknowledged again and written once.
 */
export function registerLabRoutes(app: FastifyInstance, ctx: IntakeContext): void {
  app.post('/intake/lab', async (request, reply) => {
    let sender: Sender | undefined;
    try {
      sender = await requireLabSender(ctx, request);
    } catch (e) {
      throw await refused(
        ctx,
        request,
        { tenant: undefined, sender: undefined, kind: 'lab', name: 'HL7' },
        e,
      );
    }
    reply.send(await receiveLabMessage(ctx, sender, uploadBody(request, 'the message or file'), request));
  });

  app.post<{ Querystring: { layout?: string } }>('/intake/lab-csv', async (request, reply) => {
    const name = uploadName(request, 'lab.csv');
    let sender: Sender | undefined;
    try {
      sender = await requireLabSender(ctx, request);
    } catch (e) {
      throw await refused(ctx, request, { tenant: undefined, sender: undefined, kind: 'lab-csv', name }, e);
    }
    const body = Buffer.isBuffer(request.body) ? request.body : new Uint8Array(0);
    reply.send(await receiveLabCsv(ctx, sender, body, name, request.query.layout, request));
  });
}

export interface LabCsvReceipt {
  results: number;
  tenants: { tenant: string; intakeId: string; resources: number }[];
}

/**
 * One CSV delivery from a lab centre in its own layout (`layout`: a key of LAB_CSV_LAYOUTS), whatever
 * brought it (HTTPS, a drop folder). The whole file is checked before anything is written: every clinic
 * known and linked, every patient the clinic's, every result mappable — else nothing of it is imported.
 * Audited per clinic written, or once when refused.
 */
export async function receiveLabCsv(
  ctx: IntakeContext,
  sender: Sender,
  bytes: Uint8Array,
  name: string,
  layout: string | undefined,
  where: FastifyRequest | AuditWhere,
): Promise<LabCsvReceipt> {
  const facts: Parameters<typeof intakeAudit>[1] = { tenant: undefined, sender, kind: 'lab-csv', name };
  try {
    const plugin = LAB_CSV_LAYOUTS[layout ?? ''];
    if (!plugin)
      throw new IntakeError(
        'bad-request',
        `layout must be one of ${Object.keys(LAB_CSV_LAYOUTS).join(', ')}`,
      );
    if (bytes.length === 0) throw new IntakeError('bad-request', 'expected the message or file as the body');
    const read = readLabCsv(bytes, plugin, name);
    if (!read.ok) throw new IntakeError('rejected', read.issues[0]?.message, read.issues);
    const byTenant = new Map<string, { tenant: Tenant; batches: IntakeBatch[]; warnings: IntakeIssue[] }>();
    for (const result of read.results) {
      const tenant = await routeToClinic(ctx, sender, result.clinicCode, '医療機関コード');
      await requireKnownPatient(ctx, tenant, result.patientId, name);
      const mapped = mapLabCsvResult(result, tenant, name, sender.facilityCode ?? sender.id);
      if (!mapped.ok) throw new IntakeError('rejected', mapped.issues[0]?.message, mapped.issues);
      const entry = byTenant.get(tenant.oid) ?? { tenant, batches: [], warnings: [] };
      entry.batches.push(mapped.batch);
      entry.warnings.push(...mapped.warnings);
      byTenant.set(tenant.oid, entry);
    }
    const source: IntakeSource = { kind: 'lab', name, sha256: sha256(bytes), sender: sender.id };
    const out: LabCsvReceipt['tenants'] = [];
    for (const { tenant, batches, warnings } of byTenant.values()) {
      const applied = await applyIntake(ctx.tenants.storeOf(tenant.oid), source, batches, { warnings });
      await ctx.audit.append(
        intakeAudit(where, {
          ...facts,
          tenant: tenant.oid,
          intakeId: applied.intakeId,
          counts: applied.counts,
        }),
      );
      out.push({ tenant: tenant.oid, intakeId: applied.intakeId, resources: applied.counts.resources });
    }
    return { results: read.results.length, tenants: out };
  } catch (e) {
    throw await refused(ctx, where, facts, e);
  }
}

export interface LabReceipt {
  intakeId: string;
  tenant: string;
  duplicate?: true;
  counts?: IntakeCounts;
  warnings?: readonly IntakeIssue[];
}

/**
 * One HL7 lab result from a lab centre, whatever brought it (HTTPS, MLLP/TLS, a drop folder): read,
 * checked (MSH-4 is the sender's own code; the clinic named in MSH-6 is a tenant that linked this lab
 * centre; the patient is the clinic's), mapped and written whole, or refused with its reasons — audited
 * either way. A message already imported (same MSH-4, MSH-10 and bytes) is acknowledged, not written again.
 */
export async function receiveLabMessage(
  ctx: IntakeContext,
  sender: Sender,
  bytes: Uint8Array,
  where: FastifyRequest | AuditWhere,
): Promise<LabReceipt> {
  const facts: Parameters<typeof intakeAudit>[1] = { tenant: undefined, sender, kind: 'lab', name: 'HL7' };
  try {
    const read = readLabMessage(bytes, { sourceName: 'HL7' });
    if (!read.ok) throw new IntakeError('rejected', read.issues[0]?.message, read.issues);
    facts.name = `${read.sendingFacility}:${read.controlId}`;
    facts.patientId = read.patientId;
    if (read.sendingFacility !== sender.facilityCode)
      throw new IntakeError(
        'sender-other-facility',
        `MSH-4 ${read.sendingFacility} is not the sender's facility ${sender.facilityCode}`,
        [{ code: 'lab-sender-mismatch', message: 'MSH-4 names another facility', field: 'MSH-4', line: 1 }],
      );
    const tenant = await routeToClinic(ctx, sender, read.clinicCode, 'MSH-6');
    facts.tenant = tenant.oid;
    const source: IntakeSource = { kind: 'lab', name: facts.name, sha256: sha256(bytes), sender: sender.id };
    const duplicate = await earlierIntake(ctx, tenant.oid, source);
    if (duplicate) {
      await ctx.audit.append(intakeAudit(where, { ...facts, intakeId: duplicate }));
      return { intakeId: duplicate, duplicate: true, tenant: tenant.oid };
    }
    await requireClinicPatient(ctx, tenant, read, source);
    const mapped = mapLabMessage(read, tenant, new Date());
    if (!mapped.ok) return await reject(ctx, tenant, source, mapped.issues);
    const applied = await applyIntake(ctx.tenants.storeOf(tenant.oid), source, [mapped.batch], {
      warnings: mapped.warnings,
    });
    await ctx.audit.append(
      intakeAudit(where, { ...facts, intakeId: applied.intakeId, counts: applied.counts }),
    );
    return { ...applied, tenant: tenant.oid, warnings: mapped.warnings };
  } catch (e) {
    throw await refused(ctx, where, facts, e);
  }
}

/** The lab centre a credential (bearer token) belongs to, or 401 / 403. */
export async function requireLabSender(ctx: IntakeContext, request: FastifyRequest): Promise<Sender> {
  const sender = await requireSender(ctx, request);
  if (sender.kind !== 'lab-centre' || !sender.facilityCode)
    throw new IntakeError('sender-other-tenant', 'only a lab centre’s credential may send lab results here');
  return sender;
}

/** The clinic a result is for: a tenant, and one that linked this lab centre. */
async function routeToClinic(
  ctx: IntakeContext,
  sender: Sender,
  clinicCode: string,
  field: string,
): Promise<Tenant> {
  const tenant = ctx.tenants.byInstitutionCode(clinicCode);
  if (tenant?.status !== 'active')
    throw new IntakeError('rejected', `no clinic ${clinicCode} in the repository`, [
      { code: 'lab-unknown-clinic', message: `${clinicCode} is not a facility of this repository`, field },
    ]);
  if (!(await labMayWrite(ctx.base, sender.id, tenant.oid)))
    throw new IntakeError('lab-not-linked', `${sender.name} is not linked to ${tenant.name} (${clinicCode})`);
  return tenant;
}

async function requireClinicPatient(
  ctx: IntakeContext,
  tenant: Tenant,
  read: LabMessage,
  source: IntakeSource,
): Promise<void> {
  try {
    await requireKnownPatient(ctx, tenant, read.patientId, source.name);
  } catch (e) {
    if (e instanceof IntakeError) await reject(ctx, tenant, source, e.issues);
    throw e;
  }
}

async function requireKnownPatient(
  ctx: IntakeContext,
  tenant: Tenant,
  patientId: string,
  file: string,
): Promise<void> {
  const row = await ctx.tenants
    .storeOf(tenant.oid)
    .db.selectFrom('gw_patient')
    .select('patient_id')
    .where('patient_id', '=', patientId)
    .executeTakeFirst();
  if (!row)
    throw new IntakeError('rejected', `patient ${patientId} is not a patient of ${tenant.name}`, [
      {
        code: 'lab-unknown-patient',
        message: `PID-3 ${patientId} is not a patient of ${tenant.institutionCode}`,
        file,
        field: 'PID-3',
      },
    ]);
}

/** The same message (MSH-4, MSH-10 and bytes) imported before: a replay, acknowledged and not written again. */
async function earlierIntake(
  ctx: IntakeContext,
  oid: string,
  source: IntakeSource,
): Promise<string | undefined> {
  const row = await ctx.tenants
    .storeOf(oid)
    .db.selectFrom('rp_intake')
    .select('id')
    .where('kind', '=', 'lab')
    .where('name', '=', source.name)
    .where('sha256', '=', source.sha256 ?? '')
    .where('status', '=', 'imported')
    .executeTakeFirst();
  return row?.id;
}

async function reject(
  ctx: IntakeContext,
  tenant: Tenant,
  source: IntakeSource,
  issues: readonly IntakeIssue[],
): Promise<never> {
  const id = await recordRejectedIntake(ctx.tenants.storeOf(tenant.oid), source, issues);
  throw new IntakeError('rejected', issues[0]?.message, issues, { intakeId: id });
}

async function refused(
  ctx: IntakeContext,
  request: FastifyRequest | AuditWhere,
  facts: Parameters<typeof intakeAudit>[1],
  e: unknown,
): Promise<IntakeError> {
  const error = e instanceof IntakeError ? e : new IntakeError('internal', (e as Error).message);
  if (error.code === 'internal' && 'log' in request) request.log.error(e);
  await ctx.audit.append(intakeAudit(request, { ...facts, error, issues: error.issues }));
  return error;
}
