import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { HubError, type HubRoutes, requirePrincipal } from '../http.js';
import { normalizeCardNumber } from './card.js';
import {
  contentDisposition,
  FORM_CONTENT_TYPES,
  FORM_EXTENSIONS,
  FORM_MAX_BYTES,
  type FormMediaType,
} from './form.js';
import { type LocalPatientQuery, searchLocalPatients } from './local-search.js';
import {
  consentFor,
  getConsentForm,
  lookupLocalPatient,
  putConsentForm,
  registerConsent,
  viewConsents,
  withdrawConsent,
} from './registry.js';

const TAGS = ['consent'];
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const idParams = z.object({ id: z.string().min(1).max(100) });

/**
 * The consent registry's API: staff of the disclosing facility register, read and withdraw consents
 * of their own patients and upload the signed form; the office may read (not change) any consent.
 * Every call is audited (type `consent`); an id the principal may not touch answers 404 like an unknown one.
 */
export const consentRoutes: HubRoutes = async (app, deps) => {
  await app.register(async (scoped) => {
    // The signed form arrives as raw bytes; only inside this plugin.
    scoped.addContentTypeParser(
      [...FORM_CONTENT_TYPES],
      { parseAs: 'buffer', bodyLimit: FORM_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );

    scoped.post(
      '/consents',
      {
        schema: {
          tags: TAGS,
          summary: 'Register a consent (同意登録) for a patient of your facility; returns the card number',
          body: z.object({
            facilityOid: z.string().min(1),
            localId: z.string().min(1).max(64),
            scope: z.enum(['all', 'listed']),
            viewers: z.array(z.string().min(1)).max(500).default([]),
            startDate: day,
            endDate: day.nullable().optional(),
            note: z.string().max(1000).nullable().optional(),
          }),
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const body = request.body as {
          facilityOid: string;
          localId: string;
          scope: 'all' | 'listed';
          viewers: string[];
          startDate: string;
          endDate?: string | null;
          note?: string | null;
        };
        const consent = await registerConsent(deps, principal, body);
        return reply.status(201).send(consent);
      },
    );

    scoped.get(
      '/consents/patient',
      {
        schema: {
          tags: TAGS,
          summary:
            "The patient a local id of your facility belongs to (name, birth date, sex) and your facility's consents for the patient",
          querystring: z.object({ localId: z.string().trim().min(1).max(64) }),
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { localId } = request.query as { localId: string };
        return lookupLocalPatient(deps, principal, localId, request.ip);
      },
    );

    scoped.get(
      '/consents/patients',
      {
        schema: {
          tags: TAGS,
          summary:
            "Find patients of your facility by name (kana or kanji, prefix) and/or birth date — your facility's patients only (受付の患者検索)",
          querystring: z.object({
            kana: z.string().trim().min(1).max(100).optional(),
            kanji: z.string().trim().min(1).max(100).optional(),
            birthDate: day.optional(),
          }),
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        return searchLocalPatients(deps, principal, request.query as LocalPatientQuery, request.ip);
      },
    );

    scoped.get(
      '/consents',
      {
        schema: {
          tags: TAGS,
          summary: "List your facility's consents, by person, local id or card number",
          querystring: z.object({
            personId: z.string().min(1).optional(),
            localId: z.string().min(1).optional(),
            cardNumber: z.string().min(1).optional(),
            status: z.enum(['active', 'withdrawn']).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).default(0),
          }),
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const q = request.query as {
          personId?: string;
          localId?: string;
          cardNumber?: string;
          status?: 'active' | 'withdrawn';
          limit: number;
          offset: number;
        };
        const card = q.cardNumber === undefined ? undefined : normalizeCardNumber(q.cardNumber);
        if (card === null) {
          throw new HubError(
            400,
            'invalid-card-number',
            'not a valid card number / カード番号が正しくありません',
          );
        }
        let query = deps.store.db
          .selectFrom('hub_consent')
          .leftJoin('mpi_record', (j) =>
            j
              .onRef('mpi_record.facility_oid', '=', 'hub_consent.facility_oid')
              .onRef('mpi_record.local_id', '=', 'hub_consent.local_id'),
          );
        if (!principal.office) query = query.where('hub_consent.facility_oid', '=', principal.facilityOid);
        if (q.personId) query = query.where('mpi_record.person_id', '=', q.personId);
        if (q.localId) query = query.where('hub_consent.local_id', '=', q.localId);
        if (card) query = query.where('hub_consent.card_number', '=', card);
        if (q.status) query = query.where('hub_consent.status', '=', q.status);
        const [{ total }] = (await query.select((eb) => eb.fn.countAll<number>().as('total')).execute()) as [
          { total: number },
        ];
        const rows = await query
          .select('hub_consent.id')
          .orderBy('hub_consent.registered_at', 'desc')
          .orderBy('hub_consent.id')
          .limit(q.limit)
          .offset(q.offset)
          .execute();
        const consents = await viewConsents(
          deps,
          rows.map((r) => r.id),
        );
        await auditHub(deps, [
          {
            type: 'consent',
            action: 'R',
            outcome: '0',
            agent: agentOf(principal),
            ...(q.personId ? { patient: { personId: q.personId } } : {}),
            entities: consents.map((c) => `Consent/${c.id}`),
            detail: Object.fromEntries(
              Object.entries({
                personId: q.personId,
                localId: q.localId,
                cardNumber: card,
                status: q.status,
              }).filter((e): e is [string, string] => typeof e[1] === 'string'),
            ),
          },
        ]);
        return { total: Number(total), consents };
      },
    );

    scoped.get(
      '/consents/:id',
      { schema: { tags: TAGS, summary: 'One consent with its viewers and form', params: idParams } },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        const row = await consentFor(deps, principal, id, 'read');
        const [consent] = await viewConsents(deps, [id]);
        await auditHub(deps, [
          {
            type: 'consent',
            action: 'R',
            outcome: '0',
            agent: agentOf(principal),
            patient: {
              ...(consent?.personId ? { personId: consent.personId } : {}),
              facilityOid: row.facility_oid,
              localId: row.local_id,
            },
            entities: [`Consent/${id}`],
          },
        ]);
        return consent;
      },
    );

    scoped.put(
      '/consents/:id/form',
      {
        bodyLimit: FORM_MAX_BYTES,
        schema: {
          tags: TAGS,
          summary: 'Upload the signed form (PDF, PNG or JPEG, ≤ 10 MB; raw bytes as the body)',
          params: idParams,
          querystring: z.object({ fileName: z.string().min(1).max(200).optional() }),
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        const { fileName } = request.query as { fileName?: string };
        if (!Buffer.isBuffer(request.body)) {
          throw new HubError(
            415,
            'unsupported-media-type',
            'send the form as application/pdf, image/png or image/jpeg',
          );
        }
        const declared = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
        return putConsentForm(deps, principal, id, request.body, declared, fileName ?? null);
      },
    );

    scoped.get(
      '/consents/:id/form',
      { schema: { tags: TAGS, summary: 'Download the signed form', params: idParams } },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        const form = await getConsentForm(deps, principal, id);
        const name =
          form.fileName ?? `consent-${id}.${FORM_EXTENSIONS[form.mediaType as FormMediaType] ?? 'bin'}`;
        return reply
          .header('content-type', form.mediaType)
          .header('content-disposition', contentDisposition(name))
          .header('x-content-type-options', 'nosniff')
          .header('cache-control', 'no-store')
          .header('etag', `"${form.sha256}"`)
          .send(form.bytes);
      },
    );

    scoped.post(
      '/consents/:id/withdraw',
      {
        schema: {
          tags: TAGS,
          summary: 'Withdraw a consent (同意撤回); takes effect at once',
          params: idParams,
          body: z.object({ reason: z.string().trim().min(1).max(1000) }),
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id } = request.params as { id: string };
        const { reason } = request.body as { reason: string };
        return withdrawConsent(deps, principal, id, reason);
      },
    );
  });
};
