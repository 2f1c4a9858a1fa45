import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';
import { type RecordsForPerson, recordsFor } from '../policy/records.js';
import type { ResponseTarget, SamlIdp } from './idp-routes.js';
import { PATIENT_ATTRIBUTES } from './response.js';

type Post = (
  request: FastifyRequest,
  reply: FastifyReply,
  principal: HubPrincipal,
  to: ResponseTarget,
) => Promise<unknown>;

const personQuery = z.object({ personId: z.string().min(1).max(128) });
const crossQuery = z.object({ sp: z.string().min(1).max(1024), person: z.string().min(1).max(128) });

/** The partners (SPs with an agreement) this user's facility may open patients at. */
const partnersOf = (idp: SamlIdp, principal: HubPrincipal) =>
  [...idp.serviceProviders.values()].filter((sp) => sp.crossingFacilities?.includes(principal.facilityOid));

const notFound = () => new HubError(404, 'not-found', 'no such patient / 患者が見つかりません');

/**
 * Portal to portal (saml/README.md, "A partner network"): from a patient's page, a user of a facility
 * in the interconnection agreement opens the same patient at the partner network — an IdP-initiated
 * sign-on whose assertion also carries the patient's identity traits, so the partner's portal finds
 * the patient by its own PDQ and shows what its own rules allow. Only a patient this user may see here
 * (the one policy decision, recordsFor) crosses; every crossing is audited with the patient.
 */
export async function patientCrossingRoutes(
  scope: FastifyInstance,
  deps: HubDeps,
  idp: SamlIdp,
  post: Post,
): Promise<void> {
  scope.get('/api/v1/saml/partners', { schema: { hide: true } }, async (request) => {
    const principal = request.principal;
    if (!principal) throw new HubError(401, 'not-authenticated', 'log in first');
    const parsed = personQuery.safeParse(request.query);
    if (!parsed.success) throw new HubError(400, 'invalid-request', 'personId expected');
    const partners = partnersOf(idp, principal);
    // No partner, or a patient this user may not see: nothing to offer (and nothing learnt).
    if (partners.length === 0) return { partners: [] };
    const access = await recordsFor(deps, principal, parsed.data.personId, 'TREAT');
    if (!access.visible) return { partners: [] };
    return {
      partners: partners.map((sp) => ({
        entityId: sp.entityId,
        name: sp.name,
        url: `/saml/idp/patient?sp=${encodeURIComponent(sp.entityId)}&person=${encodeURIComponent(parsed.data.personId)}`,
      })),
    };
  });

  scope.get('/saml/idp/patient', { schema: { hide: true } }, async (request, reply) => {
    const parsed = crossQuery.safeParse(request.query);
    if (!parsed.success) throw new HubError(400, 'invalid-request', 'sp and person expected');
    const principal = request.principal;
    // No session: no login detour and no same-site reload (as SSO has): a crossing discloses a patient,
    // so it starts only from our own page, where the Strict cookie comes with the click; a link on
    // another site cannot make a logged-in browser cross.
    if (!principal)
      throw new HubError(
        401,
        'not-authenticated',
        'log in, then open the patient at the partner from the patient’s page / ログイン後、患者さんの画面から開いてください',
      );
    const sp = idp.serviceProviders.get(parsed.data.sp);
    if (!sp?.crossingFacilities?.includes(principal.facilityOid)) {
      throw new HubError(
        403,
        'federation-not-agreed',
        'your facility has no agreement to open patients at this network / 連携協定の対象施設ではありません',
      );
    }
    const access = await recordsFor(deps, principal, parsed.data.person, 'TREAT');
    if (!access.visible) throw notFound();
    const record = await visibleTraits(deps, access, parsed.data.person);
    if (!record) throw notFound();
    const attributes: Record<string, string[]> = {
      [PATIENT_ATTRIBUTES.id]: [`${parsed.data.person}^^^&${idp.entityId}&URI`],
      [PATIENT_ATTRIBUTES.nameKana]: record.name_kana ? [record.name_kana] : [],
      [PATIENT_ATTRIBUTES.nameKanji]: record.name_kanji ? [record.name_kanji] : [],
      [PATIENT_ATTRIBUTES.birthDate]: record.birth_date ? [record.birth_date] : [],
      [PATIENT_ATTRIBUTES.sex]: record.sex ? [record.sex] : [],
    };
    return post(request, reply, principal, {
      sp,
      acs: sp.acs[0]?.location ?? '',
      inResponseTo: null,
      relayState: null,
      patient: { personId: parsed.data.person, attributes },
    });
  });
}

/** A patient's identity traits as one record this user may see states them (reading, name, birth date, sex). */
export interface PatientTraits {
  name_kana: string | null;
  name_kanji: string | null;
  birth_date: string | null;
  sex: string | null;
}

/**
 * The traits of the newest record of the person that the policy lets this user see and that has a
 * reading and a birth date (what a partner's PDQ needs) — never a record outside `access`; null if none.
 */
export async function visibleTraits(
  deps: HubDeps,
  access: RecordsForPerson,
  personId: string,
): Promise<PatientTraits | null> {
  const seen = new Set(access.records.map((r) => `${r.facilityOid}\n${r.localId}`));
  const rows = await deps.store.db
    .selectFrom('mpi_record')
    .select(['facility_oid', 'local_id', 'name_kana', 'name_kanji', 'birth_date', 'sex'])
    .where('person_id', '=', personId)
    .orderBy('updated_at', 'desc')
    .execute();
  return (
    rows.find((r) => seen.has(`${r.facility_oid}\n${r.local_id}`) && r.name_kana && r.birth_date) ?? null
  );
}
