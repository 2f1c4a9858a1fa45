import { isProfession, SERVED_TYPES } from '@hie/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal, type HubRoutes } from '../http.js';
import { hubOids, V3 } from '../ihe/v3.js';
import { kanaKey } from '../mpi/normalize.js';
import { searchPersons } from '../mpi/pdq.js';
import { tokyoDay } from '../policy/decide.js';
import { isCategory } from '../policy/matrix.js';
import { loadViewer, personFilter, recordFilter } from '../policy/sql.js';
import { SamlOnce } from '../saml/sp/once.js';
import type { SamlSp } from '../saml/sp/routes.js';
import { userOfAssertion } from '../saml/sp/users.js';
import { askedCategories, fetchBinary, MAX_PER_SOURCE } from '../viewing/gateway-client.js';
import { entitiesOf, entityOf, fanOut, sourcesDetail, visiblePerson } from '../viewing/views.js';
import { type SoapOperation, soapGatewayAnswer, XCA_PATH, XCPD_PATH } from './soap-gateway.js';
import {
  GENDER_OF_SEX,
  SEX_OF_GENDER,
  SOURCE_FACILITY,
  SOURCE_PATIENT,
  SOURCE_TOTAL,
  XC_ROOT,
} from './wire.js';
import {
  crossGatewayQuery,
  crossGatewayRetrieve,
  QUERY,
  retrieveResponse,
  XCA_QUERY_ACTION,
  XCA_QUERY_ANSWER,
  XCA_RETRIEVE_ACTION,
  XCA_RETRIEVE_ANSWER,
  XDS,
} from './xca.js';
import { crossGatewayPatientDiscovery, XCPD_ACTION, XCPD_ANSWER } from './xcpd.js';
import { type Asserted, verifyXua, type XuaTrust } from './xua.js';

const pdqQuery = z.object({
  name: z.string().min(1).max(64),
  birthdate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  gender: z.enum(['male', 'female', 'other', 'unknown']).optional(),
  _count: z.coerce.number().int().min(1).max(10).default(10),
});
const everythingQuery = z.object({
  start: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)
    .optional(),
  end: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)
    .optional(),
  _category: z
    .string()
    .min(1)
    .refine((s) => s.split(',').every(isCategory), 'unknown category')
    .optional(),
  _count: z.coerce.number().int().min(1).max(MAX_PER_SOURCE).default(50),
  /** One resource type (the gateways' search instead of $everything), as our own record lists allow. */
  _type: z.enum(SERVED_TYPES.filter((t) => t !== 'Binary') as [string, ...string[]]).optional(),
  /** Codes as the gateways index them (comma = or); only with `_type`. */
  code: z
    .string()
    .min(1)
    .max(2000)
    .refine((s) => s.split(',').every((c) => /^[A-Za-z0-9._:-]{1,64}$/.test(c)))
    .optional(),
});

/**
 * The responding side (partner/README.md § Records into a partner's timeline): a partner hub asks for
 * its user, with an XUA assertion per call. The user is the directory's (linked to the partner IdP's
 * subject, or created just in time where the office opened the facility — as for portal to portal);
 * every answer is **our** policy for that user of the partner's facility: PDQm finds only persons our
 * consent shows to that facility (both the reading and the birth date are required: no fishing), and
 * the records are our fan-out under our decision. Everything is audited here as that user.
 */
export function partnerRespondingRoutes(sp: SamlSp): HubRoutes {
  return async (app, deps) => {
    const once = new SamlOnce(deps.store, deps.now);
    // Read per call: the SP's public URL is settled once the portal listens.
    const trust = (): XuaTrust | null =>
      sp.identity.acsUrl
        ? {
            audience: sp.identity.entityId,
            recipient: `${sp.identity.acsUrl.replace(/\/saml\/sp\/acs$/, '')}${XC_ROOT}`,
            identityProviders: sp.identityProviders,
            once,
          }
        : null;
    // The SOAP binding (XCPD ITI-55, XCA ITI-38/39): the same rules (partner/soap-gateway.ts).
    const community = () => `urn:oid:${hubOids(deps.settings).homeCommunity}`;
    const xcpd = new Map<string, SoapOperation>([
      [
        XCPD_ACTION,
        {
          body: { ns: V3, name: 'PRPA_IN201305UV02' },
          handle: async (principal, asserted, payload, address) => ({
            action: XCPD_ANSWER,
            body: await crossGatewayPatientDiscovery(deps, principal, asserted, payload, address),
          }),
        },
      ],
    ]);
    const xca = new Map<string, SoapOperation>([
      [
        XCA_QUERY_ACTION,
        {
          body: { ns: QUERY, name: 'AdhocQueryRequest' },
          handle: async (principal, asserted, payload, address) => ({
            action: XCA_QUERY_ANSWER,
            body: await crossGatewayQuery(deps, principal, asserted, payload, address),
          }),
        },
      ],
      [
        XCA_RETRIEVE_ACTION,
        {
          body: { ns: XDS, name: 'RetrieveDocumentSetRequest' },
          handle: async (principal, asserted, payload, address) => {
            const results = await crossGatewayRetrieve(deps, principal, asserted, payload, address);
            return {
              action: XCA_RETRIEVE_ANSWER,
              body: retrieveResponse(results, community()),
              parts: results.flatMap((r) => (r.ok ? [{ cid: r.cid, type: r.mimeType, bytes: r.bytes }] : [])),
            };
          },
        },
      ],
    ]);
    await app.register(async (scoped) => {
      scoped.addContentTypeParser(
        ['application/soap+xml', 'text/xml', 'multipart/related'],
        { parseAs: 'buffer', bodyLimit: 2 * 1024 * 1024 },
        (_request, body, done) => done(null, body),
      );
      const principal = (asserted: Asserted) => principalOf(deps, asserted);
      scoped.post(XCPD_PATH, { schema: { hide: true } }, (request, reply) =>
        soapGatewayAnswer(deps, trust(), request, reply, principal, xcpd),
      );
      scoped.post(XCA_PATH, { schema: { hide: true } }, (request, reply) =>
        soapGatewayAnswer(deps, trust(), request, reply, principal, xca),
      );
    });

    app.get(`${XC_ROOT}/Patient`, { schema: { hide: true } }, (request, reply) =>
      answer(deps, trust(), request, reply, async (principal, asserted) => {
        const parsed = pdqQuery.safeParse(request.query);
        if (!parsed.success)
          throw new HubError(
            400,
            'xc-query-too-broad',
            'name (reading) and birthdate are required / カナ氏名と生年月日が必要です',
          );
        const q = parsed.data;
        const now = deps.now();
        const viewer = await loadViewer(deps.store, principal, now);
        // The whole reading, exactly (a near name is another person), never an empty one.
        if (kanaKey(q.name) === '')
          throw new HubError(
            400,
            'xc-query-too-broad',
            'name (reading) and birthdate are required / カナ氏名と生年月日が必要です',
          );
        const query = {
          kana: q.name,
          kanaExact: true,
          birthDate: q.birthdate,
          ...(q.gender ? { sex: SEX_OF_GENDER[q.gender] } : {}),
        };
        const result = await searchPersons(deps.store, query, {
          personFilter: personFilter(viewer, tokyoDay(now), 'TREAT'),
          recordFilter: recordFilter(viewer, tokyoDay(now), 'TREAT'),
          limit: q._count,
          offset: 0,
        });
        await auditHub(deps, [
          {
            type: 'search',
            action: 'E',
            outcome: '0',
            agent: agentOf(principal, request.ip),
            entities: result.persons.map((p) => p.personId),
            purposeOfUse: 'TREAT',
            detail: {
              via: 'xua',
              idp: asserted.idp.entityId,
              assertion: asserted.assertionId,
              total: String(result.total),
            },
          },
        ]);
        // Several candidates: the count only — no identities of people the partner did not mean.
        const shown = result.total === 1 ? result.persons : [];
        return {
          resourceType: 'Bundle',
          type: 'searchset',
          total: result.total,
          entry: shown.map((p) => ({
            resource: {
              resourceType: 'Patient',
              id: p.personId,
              name: [
                ...(p.nameKanji ? [{ use: 'official', text: p.nameKanji }] : []),
                ...(p.nameKana ? [{ use: 'official', text: p.nameKana, extension: [IDE_SYL] }] : []),
              ],
              ...(p.birthDate ? { birthDate: p.birthDate } : {}),
              ...(p.sex && GENDER_OF_SEX[p.sex] ? { gender: GENDER_OF_SEX[p.sex] } : {}),
            },
            search: { mode: 'match' },
          })),
        };
      }),
    );

    app.get(
      `${XC_ROOT}/Patient/:id/Binary/:facilityOid/:binaryId`,
      { schema: { hide: true } },
      (request, reply) =>
        answer(deps, trust(), request, reply, (principal, asserted) =>
          partnerBinary(deps, request, reply, principal, asserted),
        ),
    );

    app.get(`${XC_ROOT}/Patient/:id/$everything`, { schema: { hide: true } }, (request, reply) =>
      answer(deps, trust(), request, reply, async (principal, asserted) => {
        const { id } = request.params as { id: string };
        const parsed = everythingQuery.safeParse(request.query);
        if (!parsed.success || id.length > 64 || (parsed.data.code && !parsed.data._type))
          throw new HubError(
            400,
            'invalid-request',
            parsed.error?.issues[0]?.message ?? 'bad request (code needs _type)',
          );
        const q = parsed.data;
        const { access } = await visibleOrAudited(deps, request, principal, asserted, id);
        const result = await fanOut(
          deps,
          principal,
          access,
          'TREAT',
          {
            ...(q._category ? { categories: q._category.split(',') } : {}),
            ...(q.start ? { start: q.start } : {}),
            ...(q.end ? { end: q.end } : {}),
            ...(q._type ? { resourceType: q._type } : {}),
            ...(q.code ? { codes: q.code.split(',') } : {}),
          },
          { perSource: q._count, mergeLimit: q._count },
        );
        const page = result.entries.slice(0, q._count);
        await auditHub(deps, [
          {
            type: 'view',
            action: 'R',
            outcome: '0',
            agent: agentOf(principal, request.ip),
            patient: { personId: id },
            entities: entitiesOf(page),
            purposeOfUse: 'TREAT',
            detail: {
              view: 'partner-timeline',
              via: 'xua',
              idp: asserted.idp.entityId,
              assertion: asserted.assertionId,
              sources: sourcesDetail(result),
            },
          },
        ]);
        return {
          resourceType: 'Bundle',
          type: 'searchset',
          total: result.sources.reduce((n, s) => n + (s.total ?? 0), 0),
          entry: [
            ...page.map((e) => ({
              extension: [
                {
                  url: SOURCE_FACILITY,
                  valueReference: {
                    identifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:${e.facilityOid}` },
                    display: e.facilityName,
                  },
                },
                { url: SOURCE_PATIENT, valueString: e.localId },
              ],
              resource: e.resource,
              search: { mode: 'match' },
            })),
            {
              resource: {
                resourceType: 'OperationOutcome',
                id: 'sources',
                issue: result.sources.map((s) => ({
                  severity: s.status === 'ok' ? 'information' : 'warning',
                  code: ISSUE_OF_STATUS[s.status],
                  details: {
                    coding: [
                      { system: 'urn:ietf:rfc:3986', code: `urn:oid:${s.facilityOid}`, display: s.name },
                    ],
                  },
                  ...(s.message ? { diagnostics: s.message } : {}),
                  ...(s.total !== undefined
                    ? { extension: [{ url: SOURCE_TOTAL, valueInteger: s.total }] }
                    : {}),
                })),
              },
              search: { mode: 'outcome' },
            },
          ],
        };
      }),
    );
  };
}

/** A document of the person at one of our facilities, for the partner's user (`_category`: their rule's categories). */
async function partnerBinary(
  deps: HubDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  principal: HubPrincipal,
  asserted: Asserted,
): Promise<unknown> {
  const params = binaryParams.safeParse(request.params);
  const query = binaryQuery.safeParse(request.query);
  if (!params.success || !query.success) throw new HubError(400, 'invalid-request', 'bad document request');
  const { id, facilityOid, binaryId } = params.data;
  const { access } = await visibleOrAudited(deps, request, principal, asserted, id);
  const wanted = query.data._category?.split(',');
  for (const source of access.records.filter((r) => r.facilityOid === facilityOid)) {
    const answer = await fetchBinary(
      deps,
      principal,
      { ...source, categories: askedCategories(source, wanted) },
      'TREAT',
      binaryId,
    );
    if (answer.ok) {
      await auditHub(deps, [
        {
          type: 'view',
          action: 'R',
          outcome: '0',
          agent: agentOf(principal, request.ip),
          patient: { personId: id },
          entities: [entityOf(facilityOid, 'Binary', binaryId)],
          purposeOfUse: 'TREAT',
          detail: { view: 'binary', via: 'xua', idp: asserted.idp.entityId, assertion: asserted.assertionId },
        },
      ]);
      return reply
        .type(answer.contentType)
        .header('x-content-type-options', 'nosniff')
        .header('content-security-policy', "sandbox; default-src 'none'")
        .send(answer.bytes);
    }
    if (answer.status === 'timeout') throw new HubError(504, 'gateway-timeout', answer.message);
    if (answer.status === 'error') throw new HubError(502, 'gateway-error', answer.message);
  }
  throw new HubError(404, 'not-found', '文書が見つかりません / no such document (or not visible to you)');
}

const binaryParams = z.object({
  id: z.string().min(1).max(64),
  facilityOid: z.string().min(1).max(64),
  binaryId: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
});
const binaryQuery = z.object({
  _category: z
    .string()
    .min(1)
    .refine((s) => s.split(',').every(isCategory))
    .optional(),
});

/** The person as our policy lets this user see them; a refusal (the one 404) is audited. */
async function visibleOrAudited(
  deps: HubDeps,
  request: FastifyRequest,
  principal: HubPrincipal,
  asserted: Asserted,
  personId: string,
) {
  try {
    return await visiblePerson(deps, principal, personId, 'TREAT');
  } catch (error) {
    await auditHub(deps, [
      {
        type: 'view',
        action: 'R',
        outcome: '4',
        outcomeDescription: 'not visible or unknown',
        agent: agentOf(principal, request.ip),
        patient: { personId },
        purposeOfUse: 'TREAT',
        detail: { via: 'xua', idp: asserted.idp.entityId },
      },
    ]);
    throw error;
  }
}

/** JP Core's reading (カナ) of a name: the ISO 21090 EN representation `SYL`. */
const IDE_SYL = {
  url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation',
  valueCode: 'SYL',
};

const ISSUE_OF_STATUS = {
  ok: 'informational',
  timeout: 'timeout',
  error: 'exception',
  denied: 'forbidden',
} as const;

/**
 * One XUA call: the assertion verified for this very request, the directory's user for it, then the
 * handler as that user. A refusal is an OperationOutcome with our stable code, and audited.
 */
async function answer(
  deps: HubDeps,
  trust: XuaTrust | null,
  request: FastifyRequest,
  reply: FastifyReply,
  handler: (principal: HubPrincipal, asserted: Asserted) => Promise<unknown>,
): Promise<unknown> {
  reply.header('cache-control', 'no-store').type('application/fhir+json; charset=utf-8');
  let asserted: Asserted | null = null;
  try {
    if (!trust) throw new HubError(404, 'not-found', 'this hub answers no partner network');
    const url = new URL(request.url, 'http://hub');
    asserted = await verifyXua(request.headers.authorization, trust, {
      method: request.method,
      path: url.pathname,
      search: url.search,
    });
    const principal = await principalOf(deps, asserted);
    return await handler(principal, asserted);
  } catch (error) {
    const e =
      error instanceof HubError
        ? error
        : new HubError(500, 'internal', 'the partner query failed / 照会に失敗しました');
    if (e.status === 500) request.log.error(error);
    if (e.status === 401 || e.status === 403 || asserted === null)
      await auditHub(deps, [
        {
          type: 'partner',
          action: 'E',
          outcome: '4',
          outcomeDescription: `${e.code}: ${e.message}`.slice(0, 300),
          agent: { userId: asserted?.subject ?? 'unknown', facilityOid: '', address: request.ip },
          detail: { via: 'xua', idp: asserted?.idp.entityId ?? '', path: request.url.split('?')[0] ?? '' },
        },
      ]).catch(() => undefined);
    if (e.status === 401) reply.header('www-authenticate', 'Bearer realm="xc", error="invalid_token"');
    return reply.code(e.status).send({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code:
            e.status === 404
              ? 'not-found'
              : e.status === 400
                ? 'invalid'
                : e.status >= 500
                  ? 'exception'
                  : 'security',
          details: { coding: [{ system: 'urn:hie:error', code: e.code }], text: e.message },
          diagnostics: e.code,
        },
      ],
    });
  }
}

/** The directory user the assertion speaks for, as a principal of the partner's facility. */
async function principalOf(deps: HubDeps, asserted: Asserted): Promise<HubPrincipal> {
  const { userId, facilityOid } = await userOfAssertion(deps, asserted);
  const user = await deps.store.db
    .selectFrom('hub_user')
    .select(['login_id', 'name', 'profession', 'status'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.status !== 'active' || !isProfession(user.profession) || user.profession === 'office')
    throw new HubError(
      403,
      'xua-user-inactive',
      'the account is not active in this network / 利用できない利用者です',
    );
  return {
    userId,
    loginId: user.login_id,
    name: user.name,
    profession: user.profession,
    facilityOid,
    facilityRole: 'member',
    office: false,
    sessionId: `xua:${asserted.assertionId}`,
  };
}
