import { ENTRY_KINDS, type EntryKind, mayEnter, mayImportNotebook, UNNAMED_PATIENT } from '@hie/contract';
import { contractHeaders, operationOf, signAssertion } from '@hie/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { isRepositoryTenant } from '../auth/abilities.js';
import { HubError, type HubRoutes, requirePrincipal } from '../http.js';
import { fetchPinsTls, type PinnedRequestInit } from '../viewing/lean-fetch.js';

const TAGS = ['entries'];
const facilityParam = z.object({ facility: z.string().min(1).max(128) });
const patientParams = facilityParam.extend({ patient: z.string().min(1).max(64) });
const kindParams = patientParams.extend({ kind: z.enum(ENTRY_KINDS) });
const entryParams = kindParams.extend({ id: z.string().min(1).max(100) });

/**
 * Hand-made entries of a small facility's staff (記録の入力), forwarded to the facility's tenant of the
 * repository: the hub vouches for the user with an assertion bound to the one write (method and path),
 * for the user's own facility only (staff write only their facility's records) and only for the entry
 * kinds their profession may enter (contract ENTRY_PROFESSIONS). The repository checks all of it again;
 * both audit the write. The body is passed as the user sent it: the repository validates it (one set
 * of rules, the contract's schemas) and answers field by field.
 */
export const entryRoutes: HubRoutes = async (app, deps) => {
  const forward = async (
    request: FastifyRequest,
    reply: FastifyReply,
    target: {
      facility: string;
      patient: string;
      kind?: EntryKind;
      path: string;
      method: 'GET' | 'POST' | 'PUT' | 'DELETE';
    },
  ) => {
    const principal = requirePrincipal(request);
    const refuse = async (error: HubError) => {
      await auditHub(deps, [
        entryAudit(principal, request, target, String(error.status), `${error.code}: ${error.message}`),
      ]);
      throw error;
    };
    if (principal.office || principal.facilityOid !== target.facility)
      await refuse(
        new HubError(
          403,
          'entry-own-facility-only',
          '自施設の記録のみ入力できます / you can enter records of your own facility only',
        ),
      );
    if (target.kind && target.method !== 'GET' && !mayEnter(principal.profession, target.kind))
      await refuse(
        new HubError(
          403,
          'entry-profession',
          'この職種では入力できない項目です / your profession may not enter this',
        ),
      );
    const facility = await deps.store.db
      .selectFrom('hub_facility')
      .select(['gateway_url', 'gateway_tls_pin'])
      .where('oid', '=', target.facility)
      .executeTakeFirst();
    if (!facility?.gateway_url || !isRepositoryTenant(deps, facility.gateway_url))
      await refuse(
        new HubError(
          409,
          'entry-no-repository',
          '施設の記録の保存先が登録されていません / the facility has no record server',
        ),
      );
    const pin = facility?.gateway_tls_pin;
    if (pin && !fetchPinsTls(deps.fetch))
      await refuse(
        new HubError(
          502,
          'entry-pin-unchecked',
          'the record server’s TLS key is pinned and cannot be checked',
        ),
      );
    const base = facility!.gateway_url!.replace(/\/+$/, '');
    const url = new URL(`${base}${target.path}`);
    const root = new URL(base).pathname.replace(/\/+$/, '');
    const token = await signAssertion(
      deps.signingKey,
      {
        issuer: deps.settings.issuer,
        audience: target.facility,
        userId: principal.userId,
        profession: principal.profession,
        facilityOid: principal.facilityOid,
        patientId: target.patient || UNNAMED_PATIENT,
        purposeOfUse: 'TREAT',
        categories: [],
        operation: operationOf(target.method, decodeURIComponent(url.pathname.slice(root.length)), ''),
      },
      { now: Math.floor(deps.now().getTime() / 1000) },
    );
    let response: Response;
    try {
      response = await deps.fetch(url, {
        method: target.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(target.method === 'GET' ? {} : { 'content-type': 'application/json' }),
          ...contractHeaders(),
        },
        ...(target.method === 'GET' ? {} : { body: JSON.stringify(request.body ?? {}) }),
        signal: AbortSignal.timeout(deps.settings.gatewayTimeoutMs),
        ...(pin ? { tlsPin: pin } : {}),
      } as PinnedRequestInit);
    } catch (e) {
      return refuse(
        new HubError(
          502,
          'entry-unreachable',
          `記録の保存先に接続できません / the record server is unreachable: ${(e as Error).message}`,
        ),
      );
    }
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (target.method !== 'GET' || !response.ok)
      await auditHub(deps, [
        entryAudit(
          principal,
          request,
          target,
          String(response.status),
          response.ok ? undefined : JSON.stringify(answer.error ?? {}),
        ),
      ]);
    return reply.status(response.status).send(answer);
  };

  app.post(
    '/entries/:facility/patients',
    {
      schema: {
        tags: TAGS,
        summary: 'Register a patient of your facility (患者登録)',
        params: facilityParam,
      },
    },
    (request, reply) => {
      const { facility } = request.params as z.infer<typeof facilityParam>;
      const patient = String((request.body as { patientId?: unknown } | undefined)?.patientId ?? '');
      return forward(request, reply, { facility, patient, path: '/entries/patients', method: 'POST' });
    },
  );
  app.post(
    '/entries/:facility/okusuri-techo',
    {
      schema: {
        tags: TAGS,
        summary: 'Publish the pharmacy’s own dispensings from scanned お薬手帳 QR codes (pharmacists)',
        params: facilityParam,
      },
    },
    async (request, reply) => {
      const { facility } = request.params as z.infer<typeof facilityParam>;
      const principal = requirePrincipal(request);
      if (!mayImportNotebook(principal.profession)) {
        const error = new HubError(
          403,
          'entry-profession',
          'お薬手帳の取込は薬剤師が行います / pharmacists import お薬手帳 data',
        );
        await auditHub(deps, [
          entryAudit(principal, request, { facility, patient: '', method: 'POST' }, '403', error.message),
        ]);
        throw error;
      }
      const patient = String((request.body as { patientId?: unknown } | undefined)?.patientId ?? '');
      return forward(request, reply, { facility, patient, path: '/entries/okusuri-techo', method: 'POST' });
    },
  );
  // The patient's entries, and one write each: the path below the tenant is the hub's path without the facility.
  const ROUTES = [
    {
      method: 'GET',
      url: '/entries/:facility/:patient',
      params: patientParams,
      summary: 'The entries of a patient of your facility, every version',
    },
    {
      method: 'POST',
      url: '/entries/:facility/:patient/:kind',
      params: kindParams,
      summary: 'Enter an allergy, diagnosis, medication, 服薬指導 or note',
    },
    {
      method: 'PUT',
      url: '/entries/:facility/:patient/:kind/:id',
      params: entryParams,
      summary: 'Correct an entry (a new version; the old one is kept)',
    },
    {
      method: 'DELETE',
      url: '/entries/:facility/:patient/:kind/:id',
      params: entryParams,
      summary: 'Delete an entry, with its reason (the trace is kept)',
    },
  ] as const;
  for (const route of ROUTES) {
    app.route({
      method: route.method,
      url: route.url,
      schema: { tags: TAGS, summary: route.summary, params: route.params },
      handler: (request, reply) => {
        const p = request.params as { facility: string; patient: string; kind?: EntryKind; id?: string };
        const path = ['/entries', encodeURIComponent(p.patient), p.kind, p.id && encodeURIComponent(p.id)]
          .filter(Boolean)
          .join('/');
        return forward(request, reply, { ...p, path, method: route.method });
      },
    });
  }
};

function entryAudit(
  principal: ReturnType<typeof requirePrincipal>,
  request: FastifyRequest,
  target: { facility: string; patient: string; kind?: EntryKind; method: string },
  status: string,
  failure?: string,
) {
  return {
    type: 'entry' as const,
    action:
      target.method === 'POST'
        ? ('C' as const)
        : target.method === 'PUT'
          ? ('U' as const)
          : target.method === 'DELETE'
            ? ('D' as const)
            : ('R' as const),
    outcome: failure ? (Number(status) >= 500 ? ('8' as const) : ('4' as const)) : ('0' as const),
    ...(failure ? { outcomeDescription: failure } : {}),
    agent: agentOf(principal, request.ip),
    ...(target.patient ? { patient: { facilityOid: target.facility, localId: target.patient } } : {}),
    purposeOfUse: 'TREAT',
    detail: {
      request: `${request.method} ${request.url}`,
      status,
      ...(target.kind ? { kind: target.kind } : {}),
    },
  };
}
