import {
  type CabinetTemplate,
  cabinetTemplateSchema,
  DEFAULT_TIMELINE_COLUMNS,
  type TimelineColumn,
  timelineColumnsSchema,
} from '@hie/contract';
import { z } from 'zod';
import { auditAdmin, isUniqueViolation } from '../directory/common.js';
import type { HubDeps, HubPrincipal } from '../http.js';
import { HubError } from '../http.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';

/**
 * District groups (地区グループ): the network office registers each with its member facilities and, if it
 * wants, its own timeline columns and templates. A cabinet is opened in a group; only the group's
 * facilities' staff can be on its team.
 */

export interface GroupView {
  id: string;
  name: string;
  area: string | null;
  status: string;
  columns: TimelineColumn[];
  facilities: { oid: string; name: string; type: string }[];
}

export const groupInputSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'lower-case letters, digits and hyphens'),
    name: z.string().trim().min(1).max(60),
    area: z.string().trim().max(60).nullish(),
    facilities: z.array(z.string().min(1).max(64)).max(1000),
    columns: timelineColumnsSchema.nullish(),
    status: z.enum(['active', 'suspended']).default('active'),
  })
  .strict();
export type GroupInput = z.input<typeof groupInputSchema>;

export const groupNotFound = () =>
  new HubError(404, 'not-found', 'no such group / 該当するグループはありません');

export function columnsOf(json: string | null): TimelineColumn[] {
  return json ? (JSON.parse(json) as TimelineColumn[]) : [...DEFAULT_TIMELINE_COLUMNS];
}

async function views(deps: Pick<HubDeps, 'store'>, ids: readonly string[] | null): Promise<GroupView[]> {
  let query = deps.store.db.selectFrom('hub_cabinet_group').selectAll().orderBy('name');
  if (ids) {
    if (ids.length === 0) return [];
    query = query.where('id', 'in', ids);
  }
  const groups = await query.execute();
  if (groups.length === 0) return [];
  const facilities = await deps.store.db
    .selectFrom('hub_cabinet_group_facility as g')
    .innerJoin('hub_facility as f', 'f.oid', 'g.facility_oid')
    .select(['g.group_id', 'f.oid', 'f.name', 'f.type'])
    .where(
      'g.group_id',
      'in',
      groups.map((g) => g.id),
    )
    .orderBy('f.name')
    .execute();
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    area: g.area,
    status: g.status,
    columns: columnsOf(g.columns_json),
    facilities: facilities
      .filter((f) => f.group_id === g.id)
      .map((f) => ({ oid: f.oid, name: f.name, type: f.type })),
  }));
}

/** The groups the principal's facility belongs to (the office: all). */
export async function listGroups(
  deps: Pick<HubDeps, 'store'>,
  principal: HubPrincipal,
): Promise<GroupView[]> {
  if (principal.office) return views(deps, null);
  const ids = await deps.store.db
    .selectFrom('hub_cabinet_group_facility as g')
    .innerJoin('hub_cabinet_group as c', 'c.id', 'g.group_id')
    .select('g.group_id')
    .where('g.facility_oid', '=', principal.facilityOid)
    .where('c.status', '=', 'active')
    .execute();
  return views(
    deps,
    ids.map((r) => r.group_id),
  );
}

export async function groupView(deps: Pick<HubDeps, 'store'>, id: string): Promise<GroupView> {
  const [view] = await views(deps, [id]);
  if (!view) throw groupNotFound();
  return view;
}

export async function isGroupFacility(deps: Pick<HubDeps, 'store'>, groupId: string, facilityOid: string) {
  const row = await deps.store.db
    .selectFrom('hub_cabinet_group_facility as g')
    .innerJoin('hub_cabinet_group as c', 'c.id', 'g.group_id')
    .select('g.group_id')
    .where('g.group_id', '=', groupId)
    .where('g.facility_oid', '=', facilityOid)
    .where('c.status', '=', 'active')
    .executeTakeFirst();
  return row !== undefined;
}

/** Creates or replaces a group (office only; audited as an admin change). */
export async function saveGroup(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  input: GroupInput,
  mode: 'create' | 'update',
): Promise<GroupView> {
  const group = groupInputSchema.parse(input);
  const known = await deps.store.db
    .selectFrom('hub_facility')
    .select('oid')
    .where('oid', 'in', group.facilities.length ? group.facilities : [''])
    .execute();
  const missing = group.facilities.filter((oid) => !known.some((k) => k.oid === oid));
  if (missing.length > 0) {
    throw new HubError(
      422,
      'unknown-facility',
      `not in the directory: ${missing.join(', ')} / 未登録の施設です`,
    );
  }
  const now = deps.now().toISOString();
  await deps.store.db.transaction().execute(async (tx) => {
    const row = {
      name: group.name,
      area: group.area ?? null,
      columns_json: group.columns ? JSON.stringify(group.columns) : null,
      status: group.status,
      updated_at: now,
    };
    if (mode === 'create') {
      try {
        await tx
          .insertInto('hub_cabinet_group')
          .values({ id: group.id, ...row, created_at: now })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new HubError(409, 'exists', 'the group exists / 既に登録されています');
        throw error;
      }
    } else {
      const updated = await tx
        .updateTable('hub_cabinet_group')
        .set(row)
        .where('id', '=', group.id)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) throw groupNotFound();
    }
    await tx.deleteFrom('hub_cabinet_group_facility').where('group_id', '=', group.id).execute();
    const unique = [...new Set(group.facilities)];
    if (unique.length > 0) {
      await tx
        .insertInto('hub_cabinet_group_facility')
        .values(unique.map((oid) => ({ group_id: group.id, facility_oid: oid })))
        .execute();
    }
  });
  await auditAdmin(deps, principal, [
    {
      action: mode === 'create' ? 'C' : 'U',
      operation: `cabinet-group-${mode}`,
      entity: `CareTeamGroup/${group.id}`,
      changes: { name: group.name, facilities: group.facilities, columns: group.columns ?? null },
    },
  ]);
  return groupView(deps, group.id);
}

/** The staff of the group's facilities: whom a cabinet's owner may invite. */
export async function groupPeople(deps: Pick<HubDeps, 'store'>, groupId: string) {
  const rows = await deps.store.db
    .selectFrom('hub_cabinet_group_facility as g')
    .innerJoin('hub_membership as m', 'm.facility_oid', 'g.facility_oid')
    .innerJoin('hub_user as u', 'u.id', 'm.user_id')
    .innerJoin('hub_facility as f', 'f.oid', 'g.facility_oid')
    .select(['u.id', 'u.name', 'u.name_kana', 'u.profession', 'f.oid', 'f.name as facility_name'])
    .where('g.group_id', '=', groupId)
    .where('u.status', '=', 'active')
    .where('f.status', '=', 'active')
    .where('u.profession', '!=', 'office')
    .orderBy('f.name')
    .orderBy('u.name_kana')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    name: r.name,
    nameKana: r.name_kana,
    profession: r.profession,
    facilityOid: r.oid,
    facilityName: r.facility_name,
  }));
}

/** The network's templates and the group's own, those offered to `profession` first. */
export async function templatesFor(
  deps: Pick<HubDeps, 'store'>,
  groupId: string,
  profession: string,
): Promise<(CabinetTemplate & { offered: boolean })[]> {
  const own = await deps.store.db
    .selectFrom('hub_cabinet_template')
    .select('template_json')
    .where('group_id', '=', groupId)
    .orderBy('id')
    .execute();
  const groupTemplates = own.map((r) => cabinetTemplateSchema.parse(JSON.parse(r.template_json)));
  const ids = new Set(groupTemplates.map((t) => t.id));
  const all = [...groupTemplates, ...DEFAULT_TEMPLATES.filter((t) => !ids.has(t.id))];
  return all
    .map((t) => ({
      ...t,
      offered: t.professions.length === 0 || (t.professions as string[]).includes(profession),
    }))
    .sort((a, b) => Number(b.offered) - Number(a.offered));
}

export async function templateById(
  deps: Pick<HubDeps, 'store'>,
  groupId: string,
  id: string,
): Promise<CabinetTemplate | null> {
  const row = await deps.store.db
    .selectFrom('hub_cabinet_template')
    .select('template_json')
    .where('group_id', '=', groupId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (row) return cabinetTemplateSchema.parse(JSON.parse(row.template_json));
  return DEFAULT_TEMPLATES.find((t) => t.id === id) ?? null;
}

/** A group's own template (office): added or replaced. */
export async function saveGroupTemplate(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  groupId: string,
  template: CabinetTemplate,
): Promise<void> {
  await groupView(deps, groupId);
  const parsed = cabinetTemplateSchema.parse(template);
  const row = {
    template_json: JSON.stringify(parsed),
    updated_by: principal.userId,
    updated_at: deps.now().toISOString(),
  };
  await deps.store.db
    .insertInto('hub_cabinet_template')
    .values({ group_id: groupId, id: parsed.id, ...row })
    .onConflict((oc) => oc.columns(['group_id', 'id']).doUpdateSet(row))
    .execute();
  await auditAdmin(deps, principal, [
    {
      action: 'U',
      operation: 'cabinet-template',
      entity: `CareTeamGroup/${groupId}`,
      changes: { template: parsed.id },
    },
  ]);
}
