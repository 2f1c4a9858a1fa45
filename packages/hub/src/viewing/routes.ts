import { Readable } from 'node:stream';
import { SERVED_TYPES } from '@hie/contract';
import { patientResourceId } from '@hie/fhir-jp';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal, type HubRoutes, requirePrincipal } from '../http.js';
import { getPersonRecords } from '../mpi/manage.js';
import { searchPersons } from '../mpi/pdq.js';
import { type Purpose, tokyoDay } from '../policy/decide.js';
import { isCategory } from '../policy/matrix.js';
import type { RecordsForPerson } from '../policy/records.js';
import { loadViewer, personFilter, recordFilter } from '../policy/sql.js';
import { installViewingBudget } from './budget.js';
import { type FanOutResult, fetchBinary, MAX_PER_SOURCE, openDicomweb } from './gateway-client.js';
import { LAB_CATEGORIES, LAB_SUMMARY_MAX_PER_SOURCE, summarizeLabs } from './labs.js';
import { cardHolder, facilityNames } from './lookups.js';
import { mergeNewestFirst } from './merge.js';
import type { PartnerRecords } from './partners.js';
import {
  ageOn,
  allergyOut,
  entitiesOf,
  entityOf,
  entryOut,
  fanOut,
  personNotFound,
  SEX_LABELS,
  sourcesDetail,
  VISIT_CATEGORIES,
  visiblePerson,
  visitOut,
} from './views.js';

const TAGS = ['viewing'];
const day = z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'YYYY[-MM[-DD]]');
const purpose = z
  .enum(['TREAT', 'ETREAT'])
  .optional()
  .describe(
    'TREAT (consent) or ETREAT (emergency: also records opened by your active break-the-glass grant)',
  );
const personParams = z.object({ personId: z.string().min(1).max(64) });
/** Types the gateways search (Binary is read by id only). */
const SEARCH_TYPES = SERVED_TYPES.filter((t) => t !== 'Binary') as [string, ...string[]];
const CODE = /^[A-Za-z0-9._:-]{1,64}$/;

const listQuery = z.object({
  kana: z.string().min(1).max(64).optional().describe('reading (any kana), prefix'),
  kanji: z.string().min(1).max(64).optional().describe('written name, prefix'),
  birthDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  sex: z.enum(['M', 'F', 'O', 'U']).optional(),
  facilityOid: z.string().min(1).max(64).optional(),
  localId: z.string().min(1).max(64).optional(),
  cardNumber: z.string().min(1).max(64).optional().describe('患者カード番号 (printed on consent)'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  purpose,
});

const viewQuery = z.object({ purpose });
const rangeQuery = z.object({
  from: day.optional().describe('first day (inclusive)'),
  to: day.optional().describe('last day (inclusive)'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(MAX_PER_SOURCE).default(0),
  purpose,
});
const recordsQuery = rangeQuery.extend({
  category: z
    .string()
    .min(1)
    .refine((s) => s.split(',').every(isCategory), 'unknown category')
    .optional()
    .describe('category, comma = or'),
  facility: z.string().min(1).max(64).optional().describe('source facility OID'),
  type: z
    .enum(SEARCH_TYPES)
    .optional()
    .describe('FHIR resource type: only that type, through the gateways’ search (not $everything)'),
  code: z
    .string()
    .min(1)
    .max(2000)
    .refine((s) => s.split(',').every((c) => CODE.test(c)), 'codes: letters, digits, . - _ : (comma = or)')
    .optional()
    .describe(
      'code(s) as the gateways index them, e.g. JLAC10 3D046000001906202 (HbA1c); comma = or; needs type',
    ),
});
const labSummaryQuery = z.object({
  from: day.optional().describe('first day (inclusive)'),
  to: day.optional().describe('last day (inclusive)'),
  purpose,
});

/**
 * Viewing (M3): the patient list (PDQ through the policy's SQL filters), the patient header, the
 * visit history (受診歴一覧), the merged timeline and record lists fetched from every visible gateway in
 * parallel, and documents passed through. Every answer is audited before it is sent.
 */
export const createViewingRoutes =
  (partners: PartnerRecords | null = null): HubRoutes =>
  async (parent, deps) => {
    // A child scope, so the per-user budget applies to viewing alone.
    await parent.register(async (app) => {
      installViewingBudget(app, deps.settings.viewingConcurrencyPerUser);
      app.get(
        '/patients',
        {
          schema: {
            tags: TAGS,
            summary: '患者一覧・検索 (PDQ) — patients the user may see',
            querystring: listQuery,
          },
        },
        async (request) => {
          const principal = requirePrincipal(request);
          const q = request.query as z.infer<typeof listQuery>;
          const now = deps.now();
          const today = tokyoDay(now);
          const viewer = await loadViewer(deps.store, principal, now);
          const chosen: Purpose = q.purpose ?? 'ETREAT';
          const byCard = q.cardNumber ? await cardHolder(deps.store, q.cardNumber) : undefined;
          const result =
            byCard === null
              ? { total: 0, persons: [] }
              : await searchPersons(
                  deps.store,
                  {
                    ...(q.kana ? { kana: q.kana } : {}),
                    ...(q.kanji ? { kanji: q.kanji } : {}),
                    ...(q.birthDate ? { birthDate: q.birthDate } : {}),
                    ...(q.sex ? { sex: q.sex } : {}),
                    ...(q.facilityOid ? { facilityOid: q.facilityOid } : {}),
                    ...(q.localId ? { localId: q.localId } : {}),
                    ...(byCard ?? {}),
                  },
                  {
                    personFilter: personFilter(viewer, today, chosen),
                    recordFilter: recordFilter(viewer, today, chosen),
                    limit: q.limit,
                    offset: q.offset,
                  },
                );
          const names = await facilityNames(
            deps.store,
            result.persons.flatMap((p) => p.records.map((r) => r.facilityOid)),
          );
          await auditHub(deps, [
            {
              type: 'search',
              action: 'E',
              outcome: '0',
              agent: agentOf(principal, request.ip),
              entities: result.persons.map((p) => p.personId),
              // The list includes break-the-glass persons only for a user holding a grant: only then is it ETREAT.
              purposeOfUse: chosen === 'ETREAT' && viewer.breakGlass.length > 0 ? 'ETREAT' : 'TREAT',
              detail: {
                query: JSON.stringify({ ...q, limit: undefined, offset: undefined }),
                total: String(result.total),
              },
            },
          ]);
          return {
            total: result.total,
            limit: q.limit,
            offset: q.offset,
            persons: result.persons.map((p) => ({
              personId: p.personId,
              nameKanji: p.nameKanji,
              nameKana: p.nameKana,
              birthDate: p.birthDate,
              age: ageOn(p.birthDate, today),
              sex: p.sex,
              records: p.records.map((r) => ({
                ...r,
                facilityName: names.get(r.facilityOid) ?? r.facilityOid,
              })),
            })),
          };
        },
      );

      app.get(
        '/patients/:personId',
        {
          schema: {
            tags: TAGS,
            summary: '患者ヘッダ — names, age, sex, ids per visible facility, allergy banner',
            params: personParams,
            querystring: viewQuery,
          },
        },
        async (request) => {
          const { principal, personId, access, purpose: chosen } = await viewOrRefuse(deps, request);
          const visible = new Set(access.records.map((r) => `${r.facilityOid}\u0000${r.localId}`));
          const identities = (await getPersonRecords(deps.store, personId)).filter((r) =>
            visible.has(`${r.facility_oid}\u0000${r.local_id}`),
          );
          const shown = identities.reduce<(typeof identities)[number] | undefined>(
            (a, r) => (a === undefined || r.updated_at > a.updated_at ? r : a),
            undefined,
          );
          const allergyAllowed = access.records.some((r) => r.categories.includes('allergy'));
          const allergies = allergyAllowed
            ? await withPartners(
                fanOut(deps, principal, access, chosen, { categories: ['allergy'] }),
                // An allergy the partner network knows belongs on the banner too.
                partners?.records(
                  deps,
                  principal,
                  access,
                  personId,
                  { categories: ['allergy'] },
                  MAX_PER_SOURCE,
                  chosen,
                ) ?? null,
              )
            : undefined;
          const banner = allergies?.entries.map(allergyOut).filter((a) => a !== null) ?? [];
          await auditView(
            deps,
            principal,
            request.ip,
            personId,
            chosen,
            access,
            'header',
            [
              ...access.records.map((r) => entityOf(r.facilityOid, 'Patient', patientResourceId(r.localId))),
              ...banner.map((a) => entityOf(a.facilityOid, 'AllergyIntolerance', a.id)),
            ],
            allergies ? { sources: sourcesDetail(allergies) } : {},
          );
          const today = tokyoDay(deps.now());
          const birthDate = shown?.birth_date ?? null;
          const sex = shown?.sex ?? null;
          return {
            personId,
            purpose: chosen,
            name: { kanji: shown?.name_kanji ?? null, kana: shown?.name_kana ?? null },
            birthDate,
            age: ageOn(birthDate, today),
            sex,
            sexLabel: sex ? (SEX_LABELS[sex] ?? null) : null,
            identifiers: access.records.map((r) => ({
              facilityOid: r.facilityOid,
              facilityName: r.facilityName,
              localId: r.localId,
              basis: r.basis,
              categories: r.categories,
            })),
            allergies: {
              allowed: allergyAllowed,
              items: banner,
              sources: allergies?.sources ?? [],
            },
            breakGlass: access.breakGlass
              ? { id: access.breakGlass.id, expiresAt: access.breakGlass.expiresAt }
              : null,
          };
        },
      );

      app.get(
        '/patients/:personId/visits',
        {
          schema: {
            tags: TAGS,
            summary: '受診歴一覧 — visits and stays at every visible facility (Encounter), newest first',
            params: personParams,
            querystring: rangeQuery.omit({ limit: true, offset: true }),
          },
        },
        async (request) => {
          const { principal, personId, access, purpose: chosen } = await viewOrRefuse(deps, request);
          const q = request.query as z.infer<typeof rangeQuery>;
          const query = {
            categories: VISIT_CATEGORIES,
            ...(q.from ? { start: q.from } : {}),
            ...(q.to ? { end: q.to } : {}),
          };
          const result = await withPartners(
            fanOut(deps, principal, access, chosen, query),
            partners?.records(deps, principal, access, personId, query, MAX_PER_SOURCE, chosen) ?? null,
          );
          const visits = result.entries.filter((e) => e.resource.resourceType === 'Encounter');
          await auditView(
            deps,
            principal,
            request.ip,
            personId,
            chosen,
            access,
            'visits',
            entitiesOf(visits),
            {
              sources: sourcesDetail(result),
            },
          );
          return { personId, purpose: chosen, visits: visits.map(visitOut), sources: result.sources };
        },
      );

      const listed = async (request: FastifyRequest, view: 'timeline' | 'records') => {
        const { principal, personId, access, purpose: chosen } = await viewOrRefuse(deps, request);
        const q = request.query as z.infer<typeof recordsQuery>;
        if (q.code !== undefined && q.type === undefined) {
          throw new HubError(400, 'invalid-request', 'code= needs type= (e.g. type=Observation)', {
            field: 'code',
          });
        }
        const categories = q.category?.split(',');
        const want = q.offset + q.limit;
        const query = {
          ...(categories ? { categories } : {}),
          ...(q.from ? { start: q.from } : {}),
          ...(q.to ? { end: q.to } : {}),
          ...(q.type ? { resourceType: q.type } : {}),
          ...(q.code ? { codes: q.code.split(',') } : {}),
        };
        // A partner network answers for the patient, not for one of our facilities.
        const result = await withPartners(
          fanOut(
            deps,
            principal,
            access,
            chosen,
            { ...query, ...(q.facility ? { facility: q.facility } : {}) },
            {
              perSource: want,
              mergeLimit: want,
            },
          ),
          // A facility of ours is answered by our gateways alone; a partner's facility by the partner.
          partners && (q.facility === undefined || !access.records.some((r) => r.facilityOid === q.facility))
            ? partners.records(deps, principal, access, personId, query, want, chosen).then((r) =>
                q.facility === undefined
                  ? r
                  : {
                      entries: r.entries.filter((e) => e.facilityOid === q.facility),
                      sources: r.sources.filter((x) => x.facilityOid === q.facility),
                    },
              )
            : null,
          want,
        );
        const page = result.entries.slice(q.offset, q.offset + q.limit);
        await auditView(deps, principal, request.ip, personId, chosen, access, view, entitiesOf(page), {
          sources: sourcesDetail(result),
          ...(q.category ? { category: q.category } : {}),
          ...(q.facility ? { facility: q.facility } : {}),
          ...(q.type ? { type: q.type } : {}),
          ...(q.code ? { code: q.code } : {}),
        });
        const total = result.sources.reduce((n, s) => n + (s.total ?? 0), 0);
        return {
          personId,
          purpose: chosen,
          total,
          /** False when a source did not answer: `total` and the page then miss its records. */
          complete: result.sources.every((s) => s.status === 'ok' || s.status === 'denied'),
          limit: q.limit,
          offset: q.offset,
          entries: page.map(entryOut),
          sources: result.sources,
        };
      };

      app.get(
        '/patients/:personId/timeline',
        {
          schema: {
            tags: TAGS,
            summary: 'Merged timeline of every visible facility, newest first, tagged with the source',
            params: personParams,
            querystring: rangeQuery,
          },
        },
        (request) => listed(request, 'timeline'),
      );

      app.get(
        '/patients/:personId/records',
        {
          schema: {
            tags: TAGS,
            summary: 'Records by category, facility, period, resource type and code, merged newest first',
            params: personParams,
            querystring: recordsQuery,
          },
        },
        (request) => listed(request, 'records'),
      );

      app.get(
        '/patients/:personId/labs/summary',
        {
          schema: {
            tags: TAGS,
            summary:
              '検査項目一覧 — the tests of the period (code, name, unit, count, latest result), no series',
            params: personParams,
            querystring: labSummaryQuery,
          },
        },
        async (request) => {
          const { principal, personId, access, purpose: chosen } = await viewOrRefuse(deps, request);
          const q = request.query as z.infer<typeof labSummaryQuery>;
          const query = {
            categories: LAB_CATEGORIES,
            resourceType: 'Observation',
            ...(q.from ? { start: q.from } : {}),
            ...(q.to ? { end: q.to } : {}),
          };
          const result = await withPartners(
            fanOut(deps, principal, access, chosen, query, { capPerSource: LAB_SUMMARY_MAX_PER_SOURCE }),
            partners?.records(deps, principal, access, personId, query, MAX_PER_SOURCE, chosen) ?? null,
          );
          const tests = summarizeLabs(result.entries);
          // What is shown: each test's latest result and the one before it (the counts show no result).
          await auditView(
            deps,
            principal,
            request.ip,
            personId,
            chosen,
            access,
            'lab-summary',
            tests.flatMap((t) => [
              entityOf(t.latest.facilityOid, 'Observation', t.latest.id),
              ...(t.previous ? [entityOf(t.previous.facilityOid, 'Observation', t.previous.id)] : []),
            ]),
            { sources: sourcesDetail(result) },
          );
          return {
            personId,
            purpose: chosen,
            from: q.from ?? null,
            to: q.to ?? null,
            // False when a source did not answer or held more than the summary reads.
            complete: result.sources.every(
              (s) => (s.status === 'ok' && !s.truncated) || s.status === 'denied',
            ),
            tests,
            sources: result.sources,
          };
        },
      );

      const binaryParams = personParams.extend({
        facilityOid: z.string().min(1).max(64),
        id: z.string().regex(/^[A-Za-z0-9\-.]{1,64}$/),
      });
      app.get(
        '/patients/:personId/binary/:facilityOid/:id',
        {
          schema: {
            tags: TAGS,
            summary: 'A document (PDF, image) from its gateway, shown inline',
            params: binaryParams,
            querystring: viewQuery,
          },
        },
        async (request, reply) => {
          const { principal, personId, access, purpose: chosen } = await viewOrRefuse(deps, request);
          const { facilityOid, id } = request.params as z.infer<typeof binaryParams>;
          const sources = access.records.filter((r) => r.facilityOid === facilityOid);
          for (const source of sources) {
            const answer = await fetchBinary(deps, principal, source, chosen, id);
            if (answer.ok) {
              await auditView(deps, principal, request.ip, personId, chosen, access, 'binary', [
                entityOf(facilityOid, 'Binary', id),
              ]);
              return sendDocument(reply, answer.contentType, answer.bytes);
            }
            if (answer.status === 'timeout') throw new HubError(504, 'gateway-timeout', answer.message);
            if (answer.status === 'error') throw new HubError(502, 'gateway-error', answer.message);
          }
          // A partner network's facility: the document through the partner hub (partner/README.md).
          const partner =
            sources.length === 0 && partners
              ? await partners.binary(deps, principal, access, personId, facilityOid, id, chosen)
              : null;
          if (partner?.ok) {
            await auditView(
              deps,
              principal,
              request.ip,
              personId,
              chosen,
              access,
              'binary',
              [entityOf(facilityOid, 'Binary', id)],
              { network: partner.network },
            );
            return sendDocument(reply, partner.contentType, partner.bytes);
          }
          if (partner?.status === 'timeout') throw new HubError(504, 'gateway-timeout', partner.message);
          if (partner?.status === 'error') throw new HubError(502, 'gateway-error', partner.message);
          throw new HubError(
            404,
            'not-found',
            '文書が見つかりません / no such document (or not visible to you)',
          );
        },
      );

      // DICOMweb of one facility's images of the person (issue 12): the same policy as every view
      // (consent × profession × disclosure → the imaging categories), an assertion per request, audited
      // here and at the gateway; frames stream through, never whole studies in memory.
      const dicomwebParams = personParams.extend({
        facilityOid: z.string().min(1).max(64),
        '*': z.string().regex(DICOMWEB_PATH, 'a DICOMweb path (studies/…)'),
      });
      app.get(
        '/patients/:personId/dicomweb/:facilityOid/*',
        {
          schema: {
            tags: TAGS,
            summary:
              'DICOMweb (QIDO-RS, WADO-RS frames and metadata, rendered) of the person at one facility',
            params: dicomwebParams,
            querystring: dicomwebQuery,
          },
        },
        async (request, reply) => {
          const { principal, personId, access, purpose: chosen } = await viewOrRefuse(deps, request);
          const params = request.params as z.infer<typeof dicomwebParams>;
          const { purpose: _hubOnly, ...forward } = request.query as z.infer<typeof dicomwebQuery>;
          const search = new URLSearchParams(
            Object.entries(forward).flatMap(([k, v]): [string, string][] =>
              v === undefined ? [] : [[k, String(v)]],
            ),
          ).toString();
          const path = params['*'];
          const accept = request.headers.accept ?? '*/*';
          for (const source of access.records.filter((r) => r.facilityOid === params.facilityOid)) {
            const answer = await openDicomweb(
              deps,
              principal,
              source,
              chosen,
              path,
              search ? `?${search}` : '',
              accept,
            );
            if (!answer.ok) {
              if (answer.status === 'not-found') continue;
              if (answer.status === 'timeout') throw new HubError(504, 'gateway-timeout', answer.message);
              if (
                answer.status === 'refused' &&
                answer.httpStatus &&
                [400, 406, 415].includes(answer.httpStatus)
              )
                throw new HubError(answer.httpStatus, 'gateway-refused', answer.message);
              throw new HubError(502, 'gateway-error', answer.message);
            }
            const study = /^studies\/([0-9.]+)/.exec(path)?.[1];
            await auditView(
              deps,
              principal,
              request.ip,
              personId,
              chosen,
              access,
              'dicomweb',
              study ? [entityOf(params.facilityOid, 'ImagingStudy', study)] : [],
              { dicomweb: path.slice(0, 300) },
            );
            const type = answer.response.headers.get('content-type') ?? 'application/octet-stream';
            reply
              .type(
                DICOMWEB_TYPES.some((t) => type.toLowerCase().startsWith(t))
                  ? type
                  : 'application/octet-stream',
              )
              .header('x-content-type-options', 'nosniff')
              .header('content-security-policy', "sandbox; default-src 'none'")
              .header('cache-control', 'private, no-store');
            const length = answer.response.headers.get('content-length');
            if (length) reply.header('content-length', length);
            return reply.send(answer.response.body ? Readable.fromWeb(answer.response.body as never) : '');
          }
          throw new HubError(
            404,
            'not-found',
            '画像が見つかりません / no such images (or not visible to you)',
          );
        },
      );
    });
  };

/** The DICOMweb paths the hub passes on (QIDO-RS, WADO-RS metadata and frames, rendered, thumbnail). */
const U = '[0-9]+(?:\\.[0-9]+)*';
const DICOMWEB_PATH = new RegExp(
  `^studies(?:/${U}(?:/metadata|/series(?:/${U}(?:/metadata|/instances(?:/${U}(?:/rendered|/thumbnail|/frames/[0-9]{1,5}(?:,[0-9]{1,5}){0,199}(?:/rendered)?))?)?)?)?)?$`,
);
/** What a DICOMweb answer may be; anything else goes out as a download. */
const DICOMWEB_TYPES = ['application/dicom+json', 'multipart/related', 'image/png', 'image/jpeg'];
const dicomwebQuery = z.object({
  purpose,
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).max(100_000).optional(),
  StudyInstanceUID: z
    .string()
    .regex(/^[0-9.]{1,64}$/)
    .optional(),
  AccessionNumber: z.string().min(1).max(16).optional(),
  ModalitiesInStudy: z
    .string()
    .regex(/^[A-Z]{2,4}$/)
    .optional(),
  window: z
    .string()
    .regex(/^-?\d+(\.\d+)?,\d+(\.\d+)?(,[A-Z]+)?$/)
    .optional(),
  viewport: z
    .string()
    .regex(/^\d{1,4}(,\d{1,4})?$/)
    .optional(),
});

/** Shown inline only for types a browser renders safely; anything else is a download. */
const INLINE_TYPES = ['application/pdf', 'image/png', 'image/jpeg', 'image/gif', 'text/plain'];

function sendDocument(reply: FastifyReply, contentType: string, bytes: Buffer): FastifyReply {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  const inline = INLINE_TYPES.includes(type);
  return reply
    .type(inline ? contentType : 'application/octet-stream')
    .header('content-disposition', inline ? 'inline' : 'attachment')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "sandbox; default-src 'none'")
    .header('cache-control', 'no-store')
    .send(bytes);
}

/**
 * For a request on one patient (`:personId`, `?purpose`): the principal, and the person as the policy
 * lets that principal see them — or the one 404, audited as a refusal.
 */
async function viewOrRefuse(
  deps: HubDeps,
  request: FastifyRequest,
): Promise<{ principal: HubPrincipal; personId: string; access: RecordsForPerson; purpose: Purpose }> {
  const principal = requirePrincipal(request);
  const { personId } = request.params as z.infer<typeof personParams>;
  const { purpose } = request.query as z.infer<typeof viewQuery>;
  try {
    return { principal, personId, ...(await visiblePerson(deps, principal, personId, purpose)) };
  } catch (error) {
    if (error instanceof HubError && error.status === 404) {
      await auditHub(deps, [
        {
          type: 'view',
          action: 'R',
          outcome: '4',
          outcomeDescription: 'not visible or unknown',
          agent: agentOf(principal, request.ip),
          patient: { personId },
          ...(purpose ? { purposeOfUse: purpose } : {}),
        },
      ]);
      throw personNotFound();
    }
    throw error;
  }
}

async function auditView(
  deps: HubDeps,
  principal: HubPrincipal,
  address: string,
  personId: string,
  purpose: Purpose,
  access: RecordsForPerson,
  view: string,
  entities: string[],
  detail: Record<string, string> = {},
): Promise<void> {
  const glass = access.breakGlass && access.records.some((r) => r.basis === 'break-glass');
  await auditHub(deps, [
    {
      type: 'view',
      action: 'R',
      outcome: '0',
      agent: agentOf(principal, address),
      patient: { personId },
      entities,
      purposeOfUse: purpose,
      detail: {
        view,
        ...detail,
        ...(glass && access.breakGlass
          ? { breakGlassId: access.breakGlass.id, breakGlassReason: access.breakGlass.reason }
          : {}),
      },
    },
  ]);
}

/** Our fan-out and the partners' answer (if asked) as one newest-first list with every source. */
async function withPartners(
  local: Promise<FanOutResult>,
  partner: Promise<FanOutResult> | null,
  limit?: number,
): Promise<FanOutResult> {
  const [ours, theirs] = await Promise.all([local, partner]);
  if (!theirs) return ours;
  return {
    entries: mergeNewestFirst([ours.entries, theirs.entries], limit),
    sources: [...ours.sources, ...theirs.sources],
  };
}

/** The viewing routes without partner networks. */
export const viewingRoutes: HubRoutes = createViewingRoutes();
