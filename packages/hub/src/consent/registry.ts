import { createHash, randomUUID } from 'node:crypto';
import { isDay } from '@hie/contract';
import type { Selectable } from 'kysely';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';
import { consentDenial, tokyoDay } from '../policy/decide.js';
import type { HubConsentTable } from '../store/consent-tables.js';
import { newCardNumber } from './card.js';
import { type FormMediaType, sniffFormType } from './form.js';

/**
 * The consent registry (M5): a patient's consent given at one disclosing facility (施設単位), for its
 * records of the patient, to listed viewing facilities or to all. Staff of that facility register and
 * withdraw it; withdrawal takes effect at once (the policy reads status on every decision).
 */

export interface ConsentInput {
  facilityOid: string;
  localId: string;
  scope: 'all' | 'listed';
  viewers: readonly string[];
  startDate: string;
  endDate?: string | null;
  note?: string | null;
}

export interface ConsentView {
  id: string;
  facilityOid: string;
  localId: string;
  personId: string | null;
  scope: string;
  viewers: { oid: string; name: string | null }[];
  startDate: string;
  endDate: string | null;
  status: string;
  /** Active and within its dates today (Asia/Tokyo). */
  inEffect: boolean;
  cardNumber: string | null;
  registeredBy: string;
  registeredAt: string;
  withdrawnBy: string | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
  note: string | null;
  form: {
    mediaType: string;
    sha256: string;
    size: number;
    fileName: string | null;
    uploadedBy: string;
    uploadedAt: string;
  } | null;
}

/** A consent row as registered: not withdrawn, no form yet (seeds and benchmarks build theirs with it too). */
export function newConsentRow(
  consent: Omit<
    HubConsentTable,
    'withdrawn_by' | 'withdrawn_at' | 'withdraw_reason' | 'form_type' | 'form_sha256' | 'note'
  > & { note?: string | null },
): HubConsentTable {
  return {
    ...consent,
    withdrawn_by: null,
    withdrawn_at: null,
    withdraw_reason: null,
    form_type: null,
    form_sha256: null,
    note: consent.note ?? null,
  };
}

const notFound = () => new HubError(404, 'not-found', 'no such consent / 該当する同意はありません');
export const patientNotFound = () =>
  new HubError(404, 'not-found', 'no such patient at this facility / 該当する患者はいません');

/** Registers a consent for a patient of the principal's own facility; returns it with its card number. */
export async function registerConsent(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  input: ConsentInput,
): Promise<ConsentView> {
  const { db } = deps.store;
  // Another facility's patient is refused exactly like an unknown one (no existence oracle).
  if (input.facilityOid !== principal.facilityOid || principal.office) throw patientNotFound();
  const record = await db
    .selectFrom('mpi_record')
    .select('person_id')
    .where('facility_oid', '=', input.facilityOid)
    .where('local_id', '=', input.localId)
    .executeTakeFirst();
  if (!record) throw patientNotFound();
  const startDate = input.startDate;
  const endDate = input.endDate ?? null;
  if (!isDay(startDate) || (endDate !== null && !isDay(endDate))) {
    throw new HubError(400, 'invalid-date', 'dates are YYYY-MM-DD / 日付は YYYY-MM-DD で指定してください');
  }
  if (endDate !== null && endDate < startDate) {
    throw new HubError(
      400,
      'invalid-period',
      'the end date is before the start date / 終了日が開始日より前です',
    );
  }
  // Scope "all" opens the records to every participating facility: registered by the facility's
  // consent desk (clerk) or its administrator, who keep the signed form (issue 10, finding 9).
  if (input.scope === 'all' && principal.profession !== 'clerk' && principal.facilityRole !== 'admin') {
    throw new HubError(
      403,
      'all-scope-needs-clerk',
      '全参加施設への同意は受付（事務職員）または施設管理者が登録します / ' +
        "a consent to all participating facilities is registered by the facility's clerk or administrator",
    );
  }
  const viewers = [...new Set(input.viewers)].sort();
  if (input.scope === 'all' && viewers.length > 0) {
    throw new HubError(
      400,
      'viewers-with-all',
      'scope all names no viewers / 全施設への同意に開示先は指定しません',
    );
  }
  if (input.scope === 'listed' && viewers.length === 0) {
    throw new HubError(
      400,
      'no-viewers',
      'name at least one viewing facility / 開示先施設を指定してください',
    );
  }
  if (viewers.length > 0) {
    const known = await db
      .selectFrom('hub_facility')
      .select('oid')
      .where('oid', 'in', viewers)
      .where('views', '=', 1)
      .where('status', '!=', 'withdrawn')
      .execute();
    const unknown = viewers.filter((v) => !known.some((k) => k.oid === v));
    if (unknown.length > 0) {
      throw new HubError(
        400,
        'unknown-viewer',
        'not a participating viewing facility / 閲覧施設として登録されていません',
        { unknown },
      );
    }
  }
  const id = randomUUID();
  const at = deps.now().toISOString();
  let cardNumber = newCardNumber();
  for (let attempt = 0; attempt < 5; attempt++) {
    const taken = await db
      .selectFrom('hub_consent')
      .select('id')
      .where('card_number', '=', cardNumber)
      .executeTakeFirst();
    if (!taken) break;
    cardNumber = newCardNumber();
  }
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('hub_consent')
      .values(
        newConsentRow({
          id,
          facility_oid: input.facilityOid,
          local_id: input.localId,
          scope: input.scope,
          start_date: startDate,
          end_date: endDate,
          status: 'active',
          card_number: cardNumber,
          registered_by: principal.userId,
          registered_at: at,
          note: input.note ?? null,
        }),
      )
      .execute();
    if (viewers.length > 0) {
      await trx
        .insertInto('hub_consent_viewer')
        .values(viewers.map((viewer_oid) => ({ consent_id: id, viewer_oid })))
        .execute();
    }
  });
  await auditHub(deps, [
    {
      type: 'consent',
      action: 'C',
      outcome: '0',
      agent: agentOf(principal),
      patient: { personId: record.person_id, facilityOid: input.facilityOid, localId: input.localId },
      entities: [`Consent/${id}`],
      detail: {
        scope: input.scope,
        viewers: viewers.join(' '),
        startDate,
        endDate: endDate ?? '',
        cardNumber,
      },
    },
  ]);
  return (await viewConsents(deps, [id]))[0] as ConsentView;
}

/** A patient of the principal's own facility as the patient index holds it (its mpi_record). */
export interface LocalPatient {
  facilityOid: string;
  localId: string;
  personId: string;
  nameKanji: string | null;
  nameKana: string | null;
  birthDate: string | null;
  sex: string | null;
}

/** At most this many consents are listed with the patient (newest first). */
export const LOCAL_PATIENT_CONSENTS = 200;

/**
 * The patient a local id of the principal's own facility belongs to, with that facility's consents for
 * the patient: what a clerk checks before registering a consent. Only the principal's facility is
 * searched, so another facility's id is as unknown as a made-up one (the same 404); the office has no
 * patients. Audited as a search with its result, found or not.
 */
export async function lookupLocalPatient(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  localId: string,
  address?: string,
): Promise<{ patient: LocalPatient; consents: ConsentView[] }> {
  const { db } = deps.store;
  const record = principal.office
    ? undefined
    : await db
        .selectFrom('mpi_record')
        .select(['facility_oid', 'local_id', 'person_id', 'name_kanji', 'name_kana', 'birth_date', 'sex'])
        .where('facility_oid', '=', principal.facilityOid)
        .where('local_id', '=', localId)
        .executeTakeFirst();
  const consentIds = record
    ? (
        await db
          .selectFrom('hub_consent')
          .select('id')
          .where('facility_oid', '=', record.facility_oid)
          .where('local_id', '=', record.local_id)
          .orderBy('registered_at', 'desc')
          .orderBy('id')
          .limit(LOCAL_PATIENT_CONSENTS)
          .execute()
      ).map((r) => r.id)
    : [];
  await auditHub(deps, [
    {
      type: 'search',
      action: 'E',
      outcome: '0',
      outcomeDescription: 'consent: patient by local id',
      agent: agentOf(principal, address),
      ...(record
        ? {
            patient: {
              personId: record.person_id,
              facilityOid: record.facility_oid,
              localId: record.local_id,
            },
          }
        : {}),
      entities: record ? [`Person/${record.person_id}`, ...consentIds.map((id) => `Consent/${id}`)] : [],
      detail: {
        query: JSON.stringify({ facilityOid: principal.facilityOid, localId }),
        total: record ? '1' : '0',
      },
    },
  ]);
  if (!record) throw patientNotFound();
  return {
    patient: {
      facilityOid: record.facility_oid,
      localId: record.local_id,
      personId: record.person_id,
      nameKanji: record.name_kanji,
      nameKana: record.name_kana,
      birthDate: record.birth_date,
      sex: record.sex,
    },
    consents: await viewConsents(deps, consentIds),
  };
}

/** The consent row if the principal may see it: staff of its facility, or (reading only) the office. */
export async function consentFor(
  deps: Pick<HubDeps, 'store'>,
  principal: HubPrincipal,
  id: string,
  access: 'read' | 'write',
): Promise<Selectable<HubConsentTable>> {
  const row = await deps.store.db
    .selectFrom('hub_consent')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound();
  const ownFacility = row.facility_oid === principal.facilityOid && !principal.office;
  if (!ownFacility && !(access === 'read' && principal.office)) throw notFound();
  return row;
}

/** Consents with their viewers, person and form, in the order of `ids`. */
export async function viewConsents(
  deps: Pick<HubDeps, 'store' | 'now'>,
  ids: readonly string[],
): Promise<ConsentView[]> {
  if (ids.length === 0) return [];
  const { db } = deps.store;
  const today = tokyoDay(deps.now());
  const [rows, viewers, forms] = await Promise.all([
    db
      .selectFrom('hub_consent')
      .leftJoin('mpi_record', (j) =>
        j
          .onRef('mpi_record.facility_oid', '=', 'hub_consent.facility_oid')
          .onRef('mpi_record.local_id', '=', 'hub_consent.local_id'),
      )
      .selectAll('hub_consent')
      .select('mpi_record.person_id')
      .where('hub_consent.id', 'in', ids)
      .execute(),
    db
      .selectFrom('hub_consent_viewer')
      .leftJoin('hub_facility', 'hub_facility.oid', 'hub_consent_viewer.viewer_oid')
      .select(['hub_consent_viewer.consent_id', 'hub_consent_viewer.viewer_oid', 'hub_facility.name'])
      .where('hub_consent_viewer.consent_id', 'in', ids)
      .orderBy('hub_consent_viewer.viewer_oid')
      .execute(),
    db
      .selectFrom('hub_consent_form')
      .select(['consent_id', 'media_type', 'file_name', 'size', 'uploaded_by', 'uploaded_at'])
      .where('consent_id', 'in', ids)
      .execute(),
  ]);
  return ids.flatMap((id) => {
    const row = rows.find((r) => r.id === id);
    if (!row) return [];
    const listed = viewers.filter((v) => v.consent_id === id);
    const form = forms.find((f) => f.consent_id === id);
    const facts = {
      scope: row.scope,
      viewers: listed.map((v) => v.viewer_oid),
      startDate: row.start_date,
      endDate: row.end_date,
      status: row.status,
    };
    const denial = consentDenial(facts, facts.viewers[0] ?? '', today);
    return [
      {
        id: row.id,
        facilityOid: row.facility_oid,
        localId: row.local_id,
        personId: row.person_id ?? null,
        scope: row.scope,
        viewers: listed.map((v) => ({ oid: v.viewer_oid, name: v.name ?? null })),
        startDate: row.start_date,
        endDate: row.end_date,
        status: row.status,
        inEffect: denial === null,
        cardNumber: row.card_number,
        registeredBy: row.registered_by,
        registeredAt: row.registered_at,
        withdrawnBy: row.withdrawn_by,
        withdrawnAt: row.withdrawn_at,
        withdrawReason: row.withdraw_reason,
        note: row.note,
        form:
          form && row.form_type && row.form_sha256
            ? {
                mediaType: row.form_type,
                sha256: row.form_sha256,
                size: Number(form.size),
                fileName: form.file_name,
                uploadedBy: form.uploaded_by,
                uploadedAt: form.uploaded_at,
              }
            : null,
      },
    ];
  });
}

/** Withdraws a consent: from this moment the policy denies every read based on it. */
export async function withdrawConsent(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  id: string,
  reason: string,
): Promise<ConsentView> {
  const row = await consentFor(deps, principal, id, 'write');
  if (row.status === 'withdrawn') {
    throw new HubError(409, 'already-withdrawn', 'the consent is already withdrawn / 同意は撤回済みです');
  }
  const at = deps.now().toISOString();
  await deps.store.db
    .updateTable('hub_consent')
    .set({ status: 'withdrawn', withdrawn_by: principal.userId, withdrawn_at: at, withdraw_reason: reason })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .execute();
  return changed(deps, principal, row, 'withdrawn', { status: 'withdrawn', reason });
}

/** Stores (or replaces) the signed form; the media type comes from the bytes. */
export async function putConsentForm(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  id: string,
  bytes: Buffer,
  declaredType: string | undefined,
  fileName: string | null,
): Promise<ConsentView> {
  const row = await consentFor(deps, principal, id, 'write');
  if (row.status === 'withdrawn') {
    throw new HubError(
      409,
      'consent-withdrawn',
      '撤回された同意には同意書を登録できません / a withdrawn consent takes no form',
    );
  }
  if (bytes.length === 0) throw new HubError(400, 'empty-form', 'the form is empty / 同意書が空です');
  const mediaType: FormMediaType | null = sniffFormType(bytes);
  if (!mediaType) {
    throw new HubError(
      415,
      'unsupported-form-type',
      'the form must be a PDF, PNG or JPEG / 同意書は PDF・PNG・JPEG のみです',
    );
  }
  if (declaredType && declaredType !== 'application/octet-stream' && declaredType !== mediaType) {
    throw new HubError(
      415,
      'form-type-mismatch',
      `the bytes are ${mediaType}, not ${declaredType} / 内容と形式が一致しません`,
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const at = deps.now().toISOString();
  await deps.store.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('hub_consent_form').where('consent_id', '=', id).execute();
    await trx
      .insertInto('hub_consent_form')
      .values({
        consent_id: id,
        media_type: mediaType,
        file_name: fileName,
        size: bytes.length,
        content_base64: bytes.toString('base64'),
        uploaded_by: principal.userId,
        uploaded_at: at,
      })
      .execute();
    await trx
      .updateTable('hub_consent')
      .set({ form_type: mediaType, form_sha256: sha256 })
      .where('id', '=', id)
      .execute();
  });
  return changed(deps, principal, row, 'form uploaded', {
    form: mediaType,
    sha256,
    size: String(bytes.length),
    replaced: row.form_sha256 ?? '',
  });
}

/** The consent as it now stands, once its change (`row` is the consent before it) is audited. */
async function changed(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  row: Selectable<HubConsentTable>,
  change: string,
  detail: Record<string, string>,
): Promise<ConsentView> {
  const [view] = await viewConsents(deps, [row.id]);
  await auditHub(deps, [
    {
      type: 'consent',
      action: 'U',
      outcome: '0',
      outcomeDescription: change,
      agent: agentOf(principal),
      patient: {
        ...(view?.personId ? { personId: view.personId } : {}),
        facilityOid: row.facility_oid,
        localId: row.local_id,
      },
      entities: [`Consent/${row.id}`],
      detail,
    },
  ]);
  return view as ConsentView;
}

export async function getConsentForm(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  id: string,
): Promise<{ mediaType: string; fileName: string | null; bytes: Buffer; sha256: string }> {
  const row = await consentFor(deps, principal, id, 'write');
  const form = await deps.store.db
    .selectFrom('hub_consent_form')
    .selectAll()
    .where('consent_id', '=', id)
    .executeTakeFirst();
  if (!form) throw new HubError(404, 'no-form', 'no form uploaded for this consent / 同意書は未登録です');
  await auditHub(deps, [
    {
      type: 'consent',
      action: 'R',
      outcome: '0',
      outcomeDescription: 'form read',
      agent: agentOf(principal),
      patient: { facilityOid: row.facility_oid, localId: row.local_id },
      entities: [`Consent/${id}`],
    },
  ]);
  return {
    mediaType: form.media_type,
    fileName: form.file_name,
    bytes: Buffer.from(form.content_base64, 'base64'),
    sha256: row.form_sha256 ?? '',
  };
}
