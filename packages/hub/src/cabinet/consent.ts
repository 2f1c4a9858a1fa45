import { createHash } from 'node:crypto';
import { isDay } from '@hie/contract';
import { sniffFormType } from '../consent/form.js';
import type { HubPrincipal } from '../http.js';
import { HubError } from '../http.js';
import { auditCabinet } from './audit.js';
import { type CabinetCallDeps, insertConsent } from './cabinets.js';
import { isGroupFacility } from './groups.js';
import type { CabinetContext } from './load.js';

/**
 * The team consent (チーム内共有の同意): the patient agrees that the team's facilities share this record,
 * from a day, until a day or open-ended; the signed form is kept with it. A new registration supersedes
 * the old one (e.g. when a facility joins the team); a withdrawal closes the cabinet to every read at
 * once — the rule reads the consent's status on every request.
 */

const ownerOnly = () =>
  new HubError(
    403,
    'owner-only',
    'only the cabinet’s owner may do this / キャビネットの管理者のみ操作できます',
  );

export async function registerConsent(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  body: { startDate: string; endDate?: string | null; facilities: readonly string[]; note?: string | null },
): Promise<void> {
  if (context.member?.role !== 'owner' || context.member.status !== 'active') throw ownerOnly();
  if (context.cabinet.status !== 'open')
    throw new HubError(409, 'cabinet-closed', 'the cabinet is closed / このキャビネットは終了しています');
  if (!isDay(body.startDate) || (body.endDate && (!isDay(body.endDate) || body.endDate < body.startDate))) {
    throw new HubError(
      422,
      'invalid-date',
      'dates must be real days, the end on or after the start / 日付が不正です',
    );
  }
  const facilities = [...new Set([principal.facilityOid, ...body.facilities])];
  for (const oid of facilities) {
    if (!(await isGroupFacility(deps, context.cabinet.group_id, oid))) {
      throw new HubError(
        422,
        'facility-not-in-group',
        `${oid} is not a facility of the group / グループ外の施設です`,
      );
    }
  }
  const now = deps.now().toISOString();
  const id = await deps.store.db
    .transaction()
    .execute((tx) => insertConsent(tx, context.cabinet.id, principal, body, facilities, now));
  await auditCabinet(deps, principal, {
    action: 'C',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'consent-register',
    entities: [`Consent/${id}`],
    detail: { facilities: facilities.join(' '), start: body.startDate, end: body.endDate ?? '' },
  });
  deps.events.publish({ type: 'cabinet', cabinetId: context.cabinet.id });
}

/** Any active member records the patient's withdrawal (the patient tells whoever visits). */
export async function withdrawConsent(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  reason: string,
): Promise<void> {
  if (context.consent?.status !== 'active') {
    throw new HubError(409, 'no-consent', 'no consent in force / 有効な同意がありません');
  }
  await deps.store.db
    .updateTable('hub_cabinet_consent')
    .set({
      status: 'withdrawn',
      withdrawn_by: principal.userId,
      withdrawn_at: deps.now().toISOString(),
      withdraw_reason: reason,
    })
    .where('id', '=', context.consent.id)
    .where('status', '=', 'active')
    .execute();
  await auditCabinet(deps, principal, {
    action: 'U',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'consent-withdraw',
    entities: [`Consent/${context.consent.id}`],
    detail: { reason },
  });
  deps.events.publish({ type: 'cabinet', cabinetId: context.cabinet.id });
}

export const CABINET_FORM_MAX_BYTES = 10 * 1024 * 1024;

export async function putConsentForm(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  bytes: Buffer,
  fileName: string | null,
): Promise<void> {
  if (context.member?.role !== 'owner' || context.member.status !== 'active') throw ownerOnly();
  if (context.consent?.status !== 'active') {
    throw new HubError(409, 'no-consent', 'no consent in force / 有効な同意がありません');
  }
  const mediaType = sniffFormType(bytes);
  if (!mediaType) {
    throw new HubError(
      415,
      'unsupported-media-type',
      'the form must be a PDF, PNG or JPEG / 同意書はPDF・PNG・JPEGで',
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await deps.store.db
    .updateTable('hub_cabinet_consent')
    .set({
      form_type: mediaType,
      form_sha256: sha256,
      form_name: fileName,
      form_size: bytes.length,
      form_base64: bytes.toString('base64'),
    })
    .where('id', '=', context.consent.id)
    .execute();
  await auditCabinet(deps, principal, {
    action: 'U',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'consent-form',
    entities: [`Consent/${context.consent.id}`],
    detail: { sha256, size: String(bytes.length) },
  });
}

export async function getConsentForm(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
) {
  const row = context.consent?.form_base64 ? context.consent : null;
  if (!row?.form_base64 || !row.form_type)
    throw new HubError(404, 'not-found', 'no form uploaded / 同意書は未登録です');
  await auditCabinet(deps, principal, {
    action: 'R',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'consent-form',
    entities: [`Consent/${row.id}`],
  });
  return {
    bytes: Buffer.from(row.form_base64, 'base64'),
    mediaType: row.form_type,
    fileName: row.form_name,
    sha256: row.form_sha256 ?? '',
  };
}
