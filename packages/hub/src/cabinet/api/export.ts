import { PROFESSIONS, type Profession, tokyoDay } from '@hie/contract';
import type { CsvColumn } from '../../directory/csv.js';
import { toCsv } from '../../directory/csv.js';
import type { HubPrincipal } from '../../http.js';
import { facilityNames } from '../../viewing/lookups.js';
import { attachmentViews } from '../attachments.js';
import { auditCabinet } from '../audit.js';
import type { CabinetCallDeps } from '../cabinets.js';
import type { PostBody } from '../inputs.js';
import type { CabinetContext } from '../load.js';
import { scheduleMonth } from '../schedule/entries.js';
import { appointment, careTeam, communication, documentReference, observations, searchset } from './fhir.js';

/**
 * A cabinet taken out: as CSV (every post, oldest first, for a 介護業務支援 system or the record) and as
 * FHIR bundles. Both are reads of the whole cabinet, audited with every post they carry.
 */

const COLUMNS: CsvColumn[] = [
  { key: 'at', ja: '日時', en: 'Date' },
  { key: 'author', ja: '記入者', en: 'Author' },
  { key: 'profession', ja: '職種', en: 'Profession' },
  { key: 'facility', ja: '所属', en: 'Facility' },
  { key: 'kind', ja: '形式', en: 'Kind' },
  { key: 'urgent', ja: '至急', en: 'Urgent' },
  { key: 's', ja: 'S', en: 'S' },
  { key: 'o', ja: 'O', en: 'O' },
  { key: 'a', ja: 'A', en: 'A' },
  { key: 'p', ja: 'P', en: 'P' },
  { key: 'text', ja: '本文', en: 'Text' },
  { key: 'inputs', ja: '入力項目', en: 'Inputs' },
  { key: 'replyTo', ja: '返信先', en: 'Reply to' },
  { key: 'version', ja: '版', en: 'Version' },
  { key: 'id', ja: '投稿ID', en: 'Post id' },
];

const tokyo = (iso: string) =>
  new Date(Date.parse(iso) + 9 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

async function allPosts(deps: CabinetCallDeps, cabinetId: string) {
  return deps.store.db
    .selectFrom('hub_cabinet_post')
    .selectAll()
    .where('cabinet_id', '=', cabinetId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function exportCsv(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
): Promise<string> {
  const posts = await allPosts(deps, context.cabinet.id);
  const names = await facilityNames(
    deps.store,
    posts.map((p) => p.author_facility_oid),
  );
  await auditCabinet(deps, principal, {
    action: 'R',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'export-csv',
    entities: posts.map((p) => `Communication/${p.id}`),
  });
  return toCsv(
    COLUMNS,
    posts.map((post) => {
      const body = JSON.parse(post.body_json) as PostBody;
      return {
        at: tokyo(post.created_at),
        author: post.author_name,
        profession: PROFESSIONS[post.author_profession as Profession]?.ja ?? post.author_profession,
        facility: names.get(post.author_facility_oid) ?? post.author_facility_oid,
        kind: post.kind === 'soap' ? 'SOAP' : '自由',
        urgent: post.urgent === 1,
        s: body.soap?.s ?? null,
        o: body.soap?.o ?? null,
        a: body.soap?.a ?? null,
        p: body.soap?.p ?? null,
        text: body.text,
        inputs: body.inputs.map((i) => `${i.label.ja}=${i.display}`).join('; '),
        replyTo: post.reply_to,
        version: post.version,
        id: post.id,
      };
    }),
  );
}

export const FHIR_TYPES = [
  'CareTeam',
  'Communication',
  'Observation',
  'Appointment',
  'DocumentReference',
] as const;
export type CabinetFhirType = (typeof FHIR_TYPES)[number];

export async function exportFhir(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  type: CabinetFhirType,
  self: string,
  month?: string,
) {
  const { cabinet } = context;
  if (type === 'Appointment') {
    const view = await scheduleMonth(deps, context, month ?? tokyoDay(deps.now()).slice(0, 7));
    await auditCabinet(deps, principal, {
      action: 'R',
      cabinetId: cabinet.id,
      personId: cabinet.person_id,
      what: 'fhir-appointment',
      detail: { month: view.month },
    });
    return searchset(
      view.occurrences.map((o) => appointment(cabinet, o)),
      self,
    );
  }
  if (type === 'CareTeam') {
    const members = await deps.store.db
      .selectFrom('hub_cabinet_member as m')
      .innerJoin('hub_user as u', 'u.id', 'm.user_id')
      .select(['m.user_id', 'u.name', 'u.profession', 'm.facility_oid', 'm.status'])
      .where('m.cabinet_id', '=', cabinet.id)
      .execute();
    const names = await facilityNames(
      deps.store,
      members.map((m) => m.facility_oid),
    );
    const group = await deps.store.db
      .selectFrom('hub_cabinet_group')
      .select('name')
      .where('id', '=', cabinet.group_id)
      .executeTakeFirst();
    await auditCabinet(deps, principal, {
      action: 'R',
      cabinetId: cabinet.id,
      personId: cabinet.person_id,
      what: 'fhir-careteam',
    });
    return searchset(
      [
        careTeam(
          cabinet,
          members.map((m) => ({
            userId: m.user_id,
            name: m.name,
            profession: m.profession,
            facilityOid: m.facility_oid,
            facilityName: names.get(m.facility_oid) ?? null,
            role: '',
            status: m.status,
          })),
          group?.name ?? '',
        ),
      ],
      self,
    );
  }
  const posts = await allPosts(deps, cabinet.id);
  await auditCabinet(deps, principal, {
    action: 'R',
    cabinetId: cabinet.id,
    personId: cabinet.person_id,
    what: `fhir-${type.toLowerCase()}`,
    entities: posts.map((p) => `Communication/${p.id}`),
  });
  if (type === 'DocumentReference') {
    const attached = await attachmentViews(
      deps.attachments ?? [],
      deps.store.db,
      cabinet.id,
      posts.map((p) => p.id),
    );
    return searchset(
      posts.flatMap((p) => (attached.get(p.id) ?? []).map((a) => documentReference(cabinet, p, a))),
      self,
    );
  }
  if (type === 'Communication') {
    const names = await facilityNames(
      deps.store,
      posts.map((p) => p.author_facility_oid),
    );
    return searchset(
      posts.map((p) => communication(cabinet, p, names.get(p.author_facility_oid) ?? null)),
      self,
    );
  }
  return searchset(
    posts.flatMap((p) => observations(cabinet, p)),
    self,
  );
}
