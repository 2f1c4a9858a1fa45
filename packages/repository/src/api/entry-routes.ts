import { randomBytes } from 'node:crypto';
import {
  type AccessAssertion,
  ENTRY_KINDS,
  ENTRY_SCHEMAS,
  type EntryKind,
  type EntryVersion,
  entryDeleteSchema,
  mayEnter,
  mayImportNotebook,
  notebookScanSchema,
  patientEntrySchema,
  UNNAMED_PATIENT,
} from '@hie/contract';
import { type AuditRecord, verifyAssertion } from '@hie/platform';
import { requestOperation } from '@hie/record-source';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ENTRY_PREFIX, entryResource, patientResource } from '../entries/fhir.js';
import { applyIntake } from '../intake/apply.js';
import type { IntakeBatch } from '../intake/batch.js';
import { mapOtcIntake, matchNotebookPatient, readOtcInput } from '../intake/otc.js';
import type { Tenant } from '../tenants/registry.js';
import type { TenantStore } from '../tenants/scoped-store.js';
import type { TenantContexts } from './contexts.js';
import { bearer, type IntakeContext } from './intake-context.js';
import { IntakeError } from './intake-errors.js';
import { activeTenant } from './intake-routes.js';

type Params = { tenant: string; patient: string; kind: string; id: string };

/**
 * Hand-made entries by a facility's own staff (the portal's 記録の入力), at `/t/<OID>/entries/…`.
 * The writer is a hub-signed assertion, exactly as for reads, bound to this one request: its audience
 * is the tenant, its user's facility must be the tenant itself (staff write only their own facility's
 * records), and the user's profession must be one that may enter the kind (contract `ENTRY_PROFESSIONS`).
 * Once the hub has pushed the tenant its directory (ITI-59), the user must be active there at the tenant.
 * Every version is kept (rp_entry); a deletion removes the record from what is served and keeps who,
 * when and why. Each write is one audit event, refused ones too.
 */
export function registerEntryRoutes(
  app: FastifyInstance,
  ctx: IntakeContext,
  contexts: TenantContexts,
): void {
  const writer = async (request: FastifyRequest<{ Params: Partial<Params> }>, patient: string) => {
    const tenant = activeTenant(ctx, request.params.tenant ?? '');
    const source = contexts.contextOf(request);
    const verified = await verifyAssertion(bearer(request), source.hubKeys, {
      audience: tenant.oid,
      nonces: source.nonces,
      operation: requestOperation(request, source.root),
      ...source.assertionLimits,
      ...(source.now ? { now: source.now() } : {}),
    });
    if (!verified.ok) throw new IntakeError('sender-unknown', `${verified.reason}: ${verified.message}`);
    const a = verified.assertion;
    if (a.facilityOid !== tenant.oid || a.purposeOfUse !== 'TREAT')
      throw new IntakeError(
        'sender-other-tenant',
        `staff of ${a.facilityOid} may not write ${tenant.oid}'s records`,
      );
    if (a.patientId !== (patient || UNNAMED_PATIENT))
      throw new IntakeError(
        'sender-other-tenant',
        `the assertion is for patient ${a.patientId}, not ${patient}`,
      );
    // The network directory the hub pushed to the tenant (ITI-59) narrows writes as it narrows reads.
    const listed = await source.requesters?.check(a.userId, a.facilityOid, tenant.oid);
    if (listed === 'suspended')
      throw new IntakeError('facility-suspended', `${tenant.oid} is inactive in the network directory`);
    if (listed === 'unknown')
      throw new IntakeError(
        'requester-unknown',
        `${a.userId} at ${a.facilityOid} is not active in the network directory`,
      );
    return { tenant, assertion: a, store: ctx.tenants.storeOf(tenant.oid) };
  };

  const audited = async <T>(
    request: FastifyRequest<{ Params: Partial<Params> }>,
    facts: { action: AuditRecord['action']; patient: string },
    work: (w: Awaited<ReturnType<typeof writer>>) => Promise<T & { entity?: string }>,
  ): Promise<T> => {
    let w: Awaited<ReturnType<typeof writer>> | undefined;
    try {
      w = await writer(request, facts.patient);
      const result = await work(w);
      await ctx.audit.append(entryAudit(request, facts, w, result.entity));
      return result;
    } catch (e) {
      const error = e instanceof IntakeError ? e : new IntakeError('internal', (e as Error).message);
      if (error.code === 'internal') request.log.error(e);
      await ctx.audit.append(entryAudit(request, facts, w, undefined, error));
      throw error;
    }
  };

  app.post<{ Params: Pick<Params, 'tenant'> }>('/t/:tenant/entries/patients', (request) => {
    const body = patientEntrySchema.safeParse(request.body);
    const patientId = body.success ? (body.data.patientId ?? '') : '';
    return audited(request, { action: 'C', patient: patientId }, async ({ tenant, assertion, store }) => {
      if (!body.success) throw invalid(body.error);
      const localId = body.data.patientId ?? (await newPatientId(store));
      const exists = await store.db
        .selectFrom('gw_patient')
        .select('patient_id')
        .where('patient_id', '=', localId)
        .executeTakeFirst();
      if (exists) throw new IntakeError('bad-request', `patient ${localId} is already registered`);
      const mapped = patientResource(localId, body.data, tenant);
      await write(
        store,
        assertion,
        { id: mapped.index.id, kind: 'patient', patient: localId, action: 'create' },
        body.data,
        {
          recordKey: `manual:${mapped.index.id}`,
          origin: `manual:${assertion.userId}`,
          entries: [mapped],
          replacePrefixes: [],
          deleteIds: [],
        },
      );
      return { patientId: localId, id: mapped.index.id, entity: `Patient/${mapped.index.id}` };
    });
  });

  // A pharmacist scanned the お薬手帳 QR codes the pharmacy system printed: its own dispensings published.
  app.post<{ Params: Pick<Params, 'tenant'> }>('/t/:tenant/entries/okusuri-techo', (request) => {
    const body = notebookScanSchema.safeParse(request.body);
    const picked = body.success ? (body.data.patientId ?? '') : '';
    return audited(request, { action: 'C', patient: picked }, async ({ tenant, assertion, store }) => {
      if (!mayImportNotebook(assertion.profession))
        throw new IntakeError(
          'sender-other-tenant',
          `a ${assertion.profession} may not import お薬手帳 data`,
        );
      if (!body.success) throw invalid(body.error);
      const read = readOtcInput({ kind: 'qr', parts: body.data.qr });
      if (!read.ok) throw new IntakeError('rejected', read.issues[0]?.message, read.issues);
      const match = await matchNotebookPatient(store, read.demographics, body.data.patientId);
      if (match.kind === 'ambiguous')
        throw new IntakeError('patient-ambiguous', undefined, [], { candidates: match.candidates });
      const mapped = mapOtcIntake(read, match.patientId, tenant, { includePatient: match.kind === 'new' });
      if (!mapped.ok) throw new IntakeError('rejected', mapped.issues[0]?.message, mapped.issues);
      const applied = await applyIntake(
        store,
        { kind: 'okusuri-techo', name: 'QR', sender: `user:${assertion.userId}` },
        mapped.batches,
        { warnings: mapped.warnings },
      );
      return {
        ...applied,
        patientId: match.patientId,
        newPatient: match.kind === 'new',
        dispensings: mapped.batches.filter(
          (b) => b.recordKey.startsWith('otc:') && !b.recordKey.startsWith('otc:patient:'),
        ).length,
        warnings: mapped.warnings,
        entity: `Patient/${match.patientId}`,
      };
    });
  });

  app.post<{ Params: Pick<Params, 'tenant' | 'patient' | 'kind'> }>(
    '/t/:tenant/entries/:patient/:kind',
    (request) =>
      audited(
        request,
        { action: 'C', patient: request.params.patient },
        async ({ tenant, assertion, store }) => {
          const kind = entryKind(request.params.kind, assertion);
          const body = parseEntry(kind, request.body);
          await requirePatient(store, request.params.patient);
          const id = `${ENTRY_PREFIX}${kind}.${randomBytes(8).toString('hex')}`;
          const at = new Date().toISOString();
          const mapped = entryResource(kind, id, request.params.patient, body, assertion, tenant, at);
          await write(
            store,
            assertion,
            { id, kind, patient: request.params.patient, action: 'create' },
            body,
            batchOf(mapped, assertion),
          );
          return { id, version: 1, entity: `${mapped.index.resourceType}/${id}` };
        },
      ),
  );

  app.put<{ Params: Params }>('/t/:tenant/entries/:patient/:kind/:id', (request) =>
    audited(
      request,
      { action: 'U', patient: request.params.patient },
      async ({ tenant, assertion, store }) => {
        const kind = entryKind(request.params.kind, assertion);
        const body = parseEntry(kind, request.body);
        const last = await currentVersion(store, request.params);
        const at = new Date().toISOString();
        const mapped = entryResource(
          kind,
          request.params.id,
          request.params.patient,
          body,
          assertion,
          tenant,
          at,
        );
        await write(
          store,
          assertion,
          {
            id: request.params.id,
            kind,
            patient: request.params.patient,
            action: 'update',
            version: last.version + 1,
          },
          body,
          batchOf(mapped, assertion),
        );
        return {
          id: request.params.id,
          version: last.version + 1,
          entity: `${mapped.index.resourceType}/${request.params.id}`,
        };
      },
    ),
  );

  app.delete<{ Params: Params }>('/t/:tenant/entries/:patient/:kind/:id', (request) =>
    audited(request, { action: 'D', patient: request.params.patient }, async ({ assertion, store }) => {
      const kind = entryKind(request.params.kind, assertion);
      const reason = entryDeleteSchema.safeParse(request.body);
      if (!reason.success)
        throw new IntakeError('bad-request', 'a deletion needs its reason: {"reason": "…"}');
      const last = await currentVersion(store, request.params);
      await write(
        store,
        assertion,
        {
          id: request.params.id,
          kind,
          patient: request.params.patient,
          action: 'delete',
          version: last.version + 1,
          reason: reason.data.reason,
        },
        {},
        {
          recordKey: `manual:${request.params.id}`,
          origin: `manual:${assertion.userId}`,
          entries: [],
          replacePrefixes: [],
          deleteIds: [request.params.id],
        },
      );
      return { id: request.params.id, deleted: true, version: last.version + 1 };
    }),
  );

  app.get<{ Params: Pick<Params, 'tenant' | 'patient'> }>('/t/:tenant/entries/:patient', async (request) => {
    const { store } = await writer(request, request.params.patient);
    const rows = await store.db
      .selectFrom('rp_entry')
      .selectAll()
      .where('patient_id', '=', request.params.patient)
      .orderBy('at')
      .orderBy('version')
      .execute();
    const versions: EntryVersion[] = rows.map((r) => ({
      id: r.id,
      kind: r.kind as EntryVersion['kind'],
      patientId: r.patient_id,
      version: Number(r.version),
      action: r.action as EntryVersion['action'],
      userId: r.user_id,
      userName: null,
      profession: r.profession,
      at: r.at,
      body: JSON.parse(r.body),
      reason: r.reason,
    }));
    return { entries: versions };
  });
}

function entryKind(value: string, assertion: AccessAssertion): EntryKind {
  if (!(ENTRY_KINDS as readonly string[]).includes(value))
    throw new IntakeError('bad-request', `no entry kind ${value}`);
  const kind = value as EntryKind;
  if (!mayEnter(assertion.profession, kind))
    throw new IntakeError('sender-other-tenant', `a ${assertion.profession} may not enter ${kind}`);
  return kind;
}

function parseEntry<K extends EntryKind>(kind: K, body: unknown) {
  const parsed = ENTRY_SCHEMAS[kind].safeParse(body);
  if (!parsed.success) throw invalid(parsed.error);
  return parsed.data as never;
}

/** Every field's problem, as the form shows it beside the field. */
function invalid(error: z.ZodError): IntakeError {
  return new IntakeError(
    'rejected',
    z.prettifyError(error),
    error.issues.map((i) => ({ code: 'entry-invalid', message: i.message, field: i.path.join('.') })),
  );
}

async function requirePatient(store: TenantStore, patientId: string): Promise<void> {
  const row = await store.db
    .selectFrom('gw_patient')
    .select('patient_id')
    .where('patient_id', '=', patientId)
    .executeTakeFirst();
  if (!row)
    throw new IntakeError('rejected', `no patient ${patientId} at this facility`, [
      { code: 'entry-unknown-patient', message: `no patient ${patientId}`, field: 'patient' },
    ]);
}

async function currentVersion(store: TenantStore, p: Params): Promise<{ version: number }> {
  const last = await store.db
    .selectFrom('rp_entry')
    .select(['version', 'action', 'kind', 'patient_id'])
    .where('id', '=', p.id)
    .orderBy('version', 'desc')
    .executeTakeFirst();
  if (!last || last.action === 'delete' || last.kind !== p.kind || last.patient_id !== p.patient)
    throw new IntakeError('bad-request', `no entry ${p.id} of kind ${p.kind} for patient ${p.patient}`);
  return { version: Number(last.version) };
}

const batchOf = (mapped: ReturnType<typeof entryResource>, a: AccessAssertion): IntakeBatch => ({
  recordKey: `manual:${mapped.index.id}`,
  origin: `manual:${a.userId}`,
  entries: [mapped],
  replacePrefixes: [],
  deleteIds: [],
});

/** The record and its history row, in one transaction. */
async function write(
  store: TenantStore,
  a: AccessAssertion,
  v: {
    id: string;
    kind: string;
    patient: string;
    action: 'create' | 'update' | 'delete';
    version?: number;
    reason?: string;
  },
  body: unknown,
  batch: IntakeBatch,
): Promise<void> {
  const at = new Date().toISOString();
  await applyIntake(
    store,
    { kind: 'manual', name: `${v.action} ${v.kind}`, sender: `user:${a.userId}` },
    [batch],
    {
      also: async (tx) => {
        await tx
          .insertInto('rp_entry')
          .values({
            id: v.id,
            version: v.version ?? 1,
            kind: v.kind,
            patient_id: v.patient,
            action: v.action,
            user_id: a.userId,
            profession: a.profession,
            at,
            body: JSON.stringify(body),
            reason: v.reason ?? null,
          })
          .execute();
      },
    },
  );
}

/** A patient id for a registration without one: `M` + 6 digits, the next free one. */
async function newPatientId(store: TenantStore): Promise<string> {
  for (let n = 0; n < 20; n++) {
    const id = `M${String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0')}`;
    const taken = await store.db
      .selectFrom('gw_patient')
      .select('patient_id')
      .where('patient_id', '=', id)
      .executeTakeFirst();
    if (!taken) return id;
  }
  throw new IntakeError('internal', 'no free patient id');
}

function entryAudit(
  request: FastifyRequest<{ Params: Partial<Params> }>,
  facts: { action: AuditRecord['action']; patient: string },
  w: { tenant: Tenant; assertion: AccessAssertion } | undefined,
  entity: string | undefined,
  error?: IntakeError,
): AuditRecord {
  const a = w?.assertion;
  const oid = w?.tenant.oid ?? request.params.tenant ?? 'repository';
  return {
    type: 'entry',
    action: facts.action,
    outcome: error ? (error.status >= 500 ? '8' : '4') : '0',
    ...(error ? { outcomeDescription: `${error.code}: ${error.message}` } : {}),
    ...(a ? { agent: { userId: a.userId, profession: a.profession, facilityOid: a.facilityOid } } : {}),
    ...(a && facts.patient ? { patient: { facilityOid: oid, localId: facts.patient } } : {}),
    ...(entity ? { entities: [entity] } : {}),
    ...(a ? { purposeOfUse: a.purposeOfUse } : {}),
    source: oid,
    detail: {
      request: `${request.method} ${request.url}`,
      status: String(error?.status ?? 200),
      address: request.ip,
      ...(a ? { issuer: a.issuer, assertionId: a.nonce } : {}),
    },
  };
}
