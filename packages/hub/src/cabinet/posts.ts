import { randomUUID } from 'node:crypto';
import {
  type CabinetAttachmentView,
  type CabinetPostInput,
  cabinetPostInputSchema,
  columnOf,
  PROFESSION_CODES,
  type TimelineColumn,
} from '@hie/contract';
import type { Selectable } from 'kysely';
import { containsText } from '../directory/common.js';
import type { HubPrincipal } from '../http.js';
import { HubError } from '../http.js';
import type { HubCabinetPostTable } from '../store/cabinet-tables.js';
import { facilityNames } from '../viewing/lookups.js';
import { attachAll, attachmentViews } from './attachments.js';
import { auditCabinet } from './audit.js';
import type { CabinetCallDeps } from './cabinets.js';
import { columnsOf, templateById, templatesFor } from './groups.js';
import { type PostBody, resolvePostBody, searchTextOf } from './inputs.js';
import type { CabinetContext } from './load.js';

/**
 * Posts: SOAP or free, from a template or not, replies, @mentions, the urgent flag; an edit is a new
 * version and never erases the one that was read. A page of posts is the 4-column timeline's and the
 * feed's source; what it returns is marked read for the reader, and audited.
 */

type PostRow = Selectable<HubCabinetPostTable>;

const postNotFound = () => new HubError(404, 'not-found', 'no such post / 該当する投稿はありません');

async function checkMentions(deps: CabinetCallDeps, cabinetId: string, mentions: readonly string[]) {
  if (mentions.length === 0) return;
  const active = await deps.store.db
    .selectFrom('hub_cabinet_member')
    .select('user_id')
    .where('cabinet_id', '=', cabinetId)
    .where('status', '=', 'active')
    .where('user_id', 'in', [...mentions])
    .execute();
  const known = new Set(active.map((r) => r.user_id));
  const unknown = mentions.filter((m) => !known.has(m));
  if (unknown.length > 0) {
    throw new HubError(
      422,
      'invalid-input',
      'mention members of the team only / メンバー以外は指定できません',
      [
        {
          field: 'mentions',
          code: 'not-a-member',
          message: 'mention members of the team only / メンバー以外は指定できません',
        },
      ],
    );
  }
}

async function vitalsOf(
  tx: CabinetCallDeps['store']['db'],
  post: { id: string; cabinetId: string; at: string },
  body: PostBody,
  options: { fresh?: boolean } = {},
) {
  if (!options.fresh) await tx.deleteFrom('hub_cabinet_vital').where('post_id', '=', post.id).execute();
  const vitals = body.inputs.filter((i) => i.vital);
  if (vitals.length === 0) return;
  await tx
    .insertInto('hub_cabinet_vital')
    .values(
      vitals.map((v) => ({
        post_id: post.id,
        cabinet_id: post.cabinetId,
        code: v.vital as string,
        value: String(v.value),
        unit: v.unit ?? '',
        observed_at: post.at,
      })),
    )
    .execute();
}

async function markRead(
  deps: CabinetCallDeps,
  userId: string,
  posts: readonly { id: string; version: number }[],
) {
  if (posts.length === 0) return;
  const at = deps.now().toISOString();
  await deps.store.db
    .insertInto('hub_cabinet_read')
    .values(posts.map((p) => ({ post_id: p.id, user_id: userId, version: p.version, read_at: at })))
    .onConflict((oc) =>
      oc.columns(['post_id', 'user_id']).doUpdateSet((eb) => ({
        version: eb.ref('excluded.version'),
        read_at: eb.ref('excluded.read_at'),
      })),
    )
    .execute();
}

export async function createPost(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  raw: CabinetPostInput,
): Promise<ReturnType<typeof toView>> {
  const input = cabinetPostInputSchema.parse(raw);
  const cabinetId = context.cabinet.id;
  const template = input.templateId
    ? await templateById(deps, context.cabinet.group_id, input.templateId)
    : null;
  if (input.templateId && !template) {
    throw new HubError(422, 'invalid-input', 'no such template / 該当する雛型はありません', [
      {
        field: 'templateId',
        code: 'unknown-template',
        message: 'no such template / 該当する雛型はありません',
      },
    ]);
  }
  const body = resolvePostBody(input, template);
  const mentions = [...new Set(input.mentions)];
  await checkMentions(deps, cabinetId, mentions);
  let replyTo: string | null = null;
  if (input.replyTo) {
    const parent = await deps.store.db
      .selectFrom('hub_cabinet_post')
      .select(['id', 'reply_to'])
      .where('id', '=', input.replyTo)
      .where('cabinet_id', '=', cabinetId)
      .executeTakeFirst();
    if (!parent) {
      throw new HubError(422, 'invalid-input', 'no such post to reply to / 返信先の投稿がありません', [
        { field: 'replyTo', code: 'unknown-post', message: 'no such post / 返信先の投稿がありません' },
      ]);
    }
    // One level of threads: a reply to a reply answers the thread's first post.
    replyTo = parent.reply_to ?? parent.id;
  }
  const id = randomUUID();
  const at = deps.now().toISOString();
  const bodyJson = JSON.stringify(body);
  const row: PostRow = {
    id,
    cabinet_id: cabinetId,
    reply_to: replyTo,
    author_user_id: principal.userId,
    author_name: principal.name,
    author_profession: principal.profession,
    author_facility_oid: principal.facilityOid,
    kind: input.kind,
    template_id: template?.id ?? null,
    urgent: input.urgent ? 1 : 0,
    version: 1,
    body_json: bodyJson,
    search_text: searchTextOf(body),
    created_at: at,
    updated_at: at,
  };
  await deps.store.db.transaction().execute(async (tx) => {
    await tx.insertInto('hub_cabinet_post').values(row).execute();
    await tx
      .insertInto('hub_cabinet_post_version')
      .values({
        post_id: id,
        version: 1,
        body_json: bodyJson,
        urgent: input.urgent ? 1 : 0,
        edited_by: principal.userId,
        edited_at: at,
      })
      .execute();
    if (mentions.length > 0) {
      await tx
        .insertInto('hub_cabinet_mention')
        .values(mentions.map((userId) => ({ post_id: id, user_id: userId })))
        .execute();
    }
    await vitalsOf(tx, { id, cabinetId, at }, body, { fresh: true });
    await attachAll(deps.attachments ?? [], tx, {
      cabinetId,
      postId: id,
      userId: principal.userId,
      refs: input.attachments,
    });
    await tx
      .insertInto('hub_cabinet_read')
      .values({ post_id: id, user_id: principal.userId, version: 1, read_at: at })
      .execute();
    await tx.updateTable('hub_cabinet').set({ last_post_at: at }).where('id', '=', cabinetId).execute();
    await auditCabinet(
      deps,
      principal,
      {
        action: 'C',
        cabinetId,
        personId: context.cabinet.person_id,
        what: 'post-create',
        entities: [`Communication/${id}`],
        detail: {
          kind: input.kind,
          urgent: String(input.urgent),
          ...(template ? { template: template.id } : {}),
        },
      },
      tx,
    );
  });
  deps.events.publish({
    type: 'post',
    cabinetId,
    postId: id,
    version: 1,
    urgent: input.urgent,
    mentions,
    authorId: principal.userId,
  });
  // The author's view of what they just wrote, from what is known (their write is audited already).
  const [group, names, mentioned, attachments] = await Promise.all([
    deps.store.db
      .selectFrom('hub_cabinet_group')
      .select('columns_json')
      .where('id', '=', context.cabinet.group_id)
      .executeTakeFirst(),
    facilityNames(deps.store, [principal.facilityOid]),
    mentions.length > 0
      ? deps.store.db.selectFrom('hub_user').select(['id', 'name']).where('id', 'in', mentions).execute()
      : Promise.resolve([]),
    input.attachments.length > 0
      ? attachmentViews(deps.attachments ?? [], deps.store.db, cabinetId, [id])
      : Promise.resolve(new Map()),
  ]);
  return toView(row, principal, {
    columns: columnsOf(group?.columns_json ?? null),
    templates: new Map(template ? [[template.id, template.name]] : []),
    facilityName: names.get(principal.facilityOid) ?? null,
    mentions: mentions.map((userId) => ({
      userId,
      name: mentioned.find((m) => m.id === userId)?.name ?? userId,
    })),
    replyCount: 0,
    attachments: attachments.get(id) ?? [],
    readBy: [
      {
        userId: principal.userId,
        name: principal.name,
        profession: principal.profession,
        version: 1,
        readAt: at,
      },
    ],
  });
}

/** The author's edit: a new version; the one others read stays in the history. */
export async function editPost(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  postId: string,
  raw: CabinetPostInput,
): Promise<void> {
  const input = cabinetPostInputSchema.parse(raw);
  const post = await deps.store.db
    .selectFrom('hub_cabinet_post')
    .selectAll()
    .where('id', '=', postId)
    .where('cabinet_id', '=', context.cabinet.id)
    .executeTakeFirst();
  if (!post) throw postNotFound();
  if (post.author_user_id !== principal.userId || post.author_facility_oid !== principal.facilityOid) {
    throw new HubError(403, 'author-only', 'only the author may edit a post / 投稿者のみ編集できます');
  }
  if (input.kind !== post.kind || (input.templateId ?? null) !== post.template_id) {
    throw new HubError(
      422,
      'invalid-input',
      'an edit keeps the kind and template / 形式と雛型は変更できません',
      [
        {
          field: 'kind',
          code: 'kind-changed',
          message: 'an edit keeps the kind and template / 形式と雛型は変更できません',
        },
      ],
    );
  }
  if ((input.replyTo ?? null) !== null && input.replyTo !== post.reply_to) {
    throw new HubError(422, 'invalid-input', 'an edit keeps the thread / 返信先は変更できません', [
      {
        field: 'replyTo',
        code: 'thread-changed',
        message: 'an edit keeps the thread / 返信先は変更できません',
      },
    ]);
  }
  const template = post.template_id
    ? await templateById(deps, context.cabinet.group_id, post.template_id)
    : null;
  const body = resolvePostBody(input, template);
  const mentions = [...new Set(input.mentions)];
  await checkMentions(deps, context.cabinet.id, mentions);
  const version = post.version + 1;
  const at = deps.now().toISOString();
  const bodyJson = JSON.stringify(body);
  await deps.store.db.transaction().execute(async (tx) => {
    // Only this version's writer wins: a concurrent edit of the same version is refused, not merged.
    const updated = await tx
      .updateTable('hub_cabinet_post')
      .set({
        version,
        body_json: bodyJson,
        search_text: searchTextOf(body),
        urgent: input.urgent ? 1 : 0,
        updated_at: at,
      })
      .where('id', '=', postId)
      .where('version', '=', post.version)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      throw new HubError(
        409,
        'edited-meanwhile',
        'the post was edited meanwhile; reload / 他で編集されました。再読み込みしてください',
      );
    }
    await tx
      .insertInto('hub_cabinet_post_version')
      .values({
        post_id: postId,
        version,
        body_json: bodyJson,
        urgent: input.urgent ? 1 : 0,
        edited_by: principal.userId,
        edited_at: at,
      })
      .execute();
    const known = await tx
      .selectFrom('hub_cabinet_mention')
      .select('user_id')
      .where('post_id', '=', postId)
      .execute();
    const added = mentions.filter((m) => !known.some((k) => k.user_id === m));
    if (added.length > 0) {
      await tx
        .insertInto('hub_cabinet_mention')
        .values(added.map((userId) => ({ post_id: postId, user_id: userId })))
        .execute();
    }
    await vitalsOf(tx, { id: postId, cabinetId: context.cabinet.id, at: post.created_at }, body);
    // An edit may add attachments; what a version showed stays attached.
    await attachAll(deps.attachments ?? [], tx, {
      cabinetId: context.cabinet.id,
      postId,
      userId: principal.userId,
      refs: input.attachments,
    });
    await tx
      .updateTable('hub_cabinet_read')
      .set({ version, read_at: at })
      .where('post_id', '=', postId)
      .where('user_id', '=', principal.userId)
      .execute();
    await auditCabinet(
      deps,
      principal,
      {
        action: 'U',
        cabinetId: context.cabinet.id,
        personId: context.cabinet.person_id,
        what: 'post-edit',
        entities: [`Communication/${postId}`],
        detail: { version: String(version) },
      },
      tx,
    );
  });
  deps.events.publish({
    type: 'post',
    cabinetId: context.cabinet.id,
    postId,
    version,
    urgent: input.urgent,
    mentions,
    authorId: principal.userId,
  });
}

export interface PostFilter {
  cursor?: string | undefined;
  limit?: number | undefined;
  author?: string | undefined;
  profession?: string | undefined;
  column?: string | undefined;
  kind?: string | undefined;
  urgent?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
  q?: string | undefined;
  /** One post (and nothing else). */
  id?: string | undefined;
}

const encodeCursor = (row: { created_at: string; id: string }) =>
  Buffer.from(`${row.created_at}|${row.id}`).toString('base64url');
function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id)
    throw new HubError(400, 'bad-cursor', 'the cursor is not one this server gave / カーソルが不正です');
  return { at, id };
}

/** Professions whose posts a column shows: its own, and, for the last column, every profession in none. */
export function professionsOfColumn(columns: readonly TimelineColumn[], column: string): string[] {
  return PROFESSION_CODES.filter((p) => columnOf(p, columns) === column);
}

/** Japan's day boundaries for a date filter (posts are stored in UTC). */
const dayStartUtc = (day: string) => new Date(Date.parse(`${day}T00:00:00+09:00`)).toISOString();

export async function listPosts(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  filter: PostFilter,
) {
  const columns = (
    await deps.store.db
      .selectFrom('hub_cabinet_group')
      .select('columns_json')
      .where('id', '=', context.cabinet.group_id)
      .executeTakeFirst()
  )?.columns_json;
  const cols = columnsOf(columns ?? null);
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 200);
  let query = deps.store.db
    .selectFrom('hub_cabinet_post')
    .selectAll()
    .where('cabinet_id', '=', context.cabinet.id);
  if (filter.id) query = query.where('id', '=', filter.id);
  if (filter.author) query = query.where('author_user_id', '=', filter.author);
  if (filter.profession) query = query.where('author_profession', '=', filter.profession);
  if (filter.column)
    query = query.where('author_profession', 'in', [...professionsOfColumn(cols, filter.column), '']);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  if (filter.urgent) query = query.where('urgent', '=', 1);
  if (filter.from) query = query.where('created_at', '>=', dayStartUtc(filter.from));
  if (filter.to) {
    const next = new Date(Date.parse(`${filter.to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    query = query.where('created_at', '<', dayStartUtc(next));
  }
  if (filter.q) query = query.where(containsText('search_text', filter.q));
  if (filter.cursor) {
    const { at, id } = decodeCursor(filter.cursor);
    query = query.where((eb) =>
      eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]),
    );
  }
  const rows = await query
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const templates = new Map(
    (await templatesFor(deps, context.cabinet.group_id, principal.profession)).map((t) => [t.id, t.name]),
  );
  const posts = await postViews(deps, principal, page, cols, templates);
  await markRead(deps, principal.userId, page);
  await auditCabinet(deps, principal, {
    action: 'R',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'posts',
    entities: page.map((p) => `Communication/${p.id}`),
  });
  const last = page[page.length - 1];
  return { posts, nextCursor: rows.length > limit && last ? encodeCursor(last) : null, columns: cols };
}

/** One post as the API answers it, for its author right after writing it (their write is audited already). */
export async function postView(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  postId: string,
) {
  const [row, group] = await Promise.all([
    deps.store.db
      .selectFrom('hub_cabinet_post')
      .selectAll()
      .where('id', '=', postId)
      .where('cabinet_id', '=', context.cabinet.id)
      .executeTakeFirst(),
    deps.store.db
      .selectFrom('hub_cabinet_group')
      .select('columns_json')
      .where('id', '=', context.cabinet.group_id)
      .executeTakeFirst(),
  ]);
  if (!row) throw postNotFound();
  const templates = new Map<string, { ja: string; en: string }>();
  if (row.template_id) {
    const template = await templateById(deps, context.cabinet.group_id, row.template_id);
    if (template) templates.set(template.id, template.name);
  }
  const [view] = await postViews(deps, principal, [row], columnsOf(group?.columns_json ?? null), templates);
  return view;
}

/** Posts as the API answers them: authors' facilities, mentions, replies, read receipts. */
async function postViews(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  rows: readonly PostRow[],
  columns: readonly TimelineColumn[],
  templates: ReadonlyMap<string, { ja: string; en: string }>,
) {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [mentions, reads, replies, names, attachments] = await Promise.all([
    deps.store.db
      .selectFrom('hub_cabinet_mention as m')
      .innerJoin('hub_user as u', 'u.id', 'm.user_id')
      .select(['m.post_id', 'm.user_id', 'u.name'])
      .where('m.post_id', 'in', ids)
      .execute(),
    deps.store.db
      .selectFrom('hub_cabinet_read as r')
      .innerJoin('hub_user as u', 'u.id', 'r.user_id')
      .select(['r.post_id', 'r.user_id', 'r.version', 'r.read_at', 'u.name', 'u.profession'])
      .where('r.post_id', 'in', ids)
      .orderBy('r.read_at')
      .execute(),
    deps.store.db
      .selectFrom('hub_cabinet_post')
      .select(['reply_to', (eb) => eb.fn.countAll<number>().as('n')])
      .where('reply_to', 'in', ids)
      .groupBy('reply_to')
      .execute(),
    facilityNames(
      deps.store,
      rows.map((r) => r.author_facility_oid),
    ),
    attachmentViews(deps.attachments ?? [], deps.store.db, rows[0]?.cabinet_id ?? '', ids),
  ]);
  const replyCount = new Map(replies.map((r) => [r.reply_to, Number(r.n)]));
  return rows.map((row) =>
    toView(row, principal, {
      columns,
      templates,
      facilityName: names.get(row.author_facility_oid) ?? null,
      mentions: mentions
        .filter((m) => m.post_id === row.id)
        .map((m) => ({ userId: m.user_id, name: m.name })),
      replyCount: replyCount.get(row.id) ?? 0,
      attachments: attachments.get(row.id) ?? [],
      readBy: reads
        .filter((r) => r.post_id === row.id)
        .map((r) => ({
          userId: r.user_id,
          name: r.name,
          profession: r.profession,
          version: r.version,
          readAt: r.read_at,
        })),
    }),
  );
}

interface ViewExtras {
  columns: readonly TimelineColumn[];
  templates: ReadonlyMap<string, { ja: string; en: string }>;
  facilityName: string | null;
  mentions: { userId: string; name: string }[];
  replyCount: number;
  attachments: CabinetAttachmentView[];
  readBy: { userId: string; name: string; profession: string; version: number; readAt: string }[];
}

/** One post as the API answers it (PostView in README.md). */
function toView(row: PostRow, principal: HubPrincipal, extras: ViewExtras) {
  const body = JSON.parse(row.body_json) as PostBody;
  return {
    id: row.id,
    replyTo: row.reply_to,
    column: columnOf(row.author_profession, extras.columns),
    kind: row.kind,
    urgent: row.urgent === 1,
    version: row.version,
    edited: row.version > 1,
    author: {
      userId: row.author_user_id,
      name: row.author_name,
      profession: row.author_profession,
      facilityOid: row.author_facility_oid,
      facilityName: extras.facilityName,
    },
    template: row.template_id
      ? {
          id: row.template_id,
          name: extras.templates.get(row.template_id) ?? { ja: row.template_id, en: row.template_id },
        }
      : null,
    soap: body.soap,
    text: body.text,
    inputs: body.inputs,
    mentions: extras.mentions,
    mentionsMe: extras.mentions.some((m) => m.userId === principal.userId),
    replyCount: extras.replyCount,
    attachments: extras.attachments,
    readBy: extras.readBy,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function postVersions(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  postId: string,
) {
  const post = await deps.store.db
    .selectFrom('hub_cabinet_post')
    .select('id')
    .where('id', '=', postId)
    .where('cabinet_id', '=', context.cabinet.id)
    .executeTakeFirst();
  if (!post) throw postNotFound();
  const versions = await deps.store.db
    .selectFrom('hub_cabinet_post_version as v')
    .innerJoin('hub_user as u', 'u.id', 'v.edited_by')
    .select(['v.version', 'v.body_json', 'v.urgent', 'v.edited_at', 'u.name'])
    .where('v.post_id', '=', postId)
    .orderBy('v.version', 'desc')
    .execute();
  await auditCabinet(deps, principal, {
    action: 'R',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'post-versions',
    entities: [`Communication/${postId}`],
  });
  return versions.map((v) => {
    const body = JSON.parse(v.body_json) as PostBody;
    return {
      version: v.version,
      soap: body.soap,
      text: body.text,
      inputs: body.inputs,
      urgent: v.urgent === 1,
      editedBy: v.name,
      editedAt: v.edited_at,
    };
  });
}

export async function vitalSeries(deps: CabinetCallDeps, principal: HubPrincipal, context: CabinetContext) {
  const rows = await deps.store.db
    .selectFrom('hub_cabinet_vital')
    .select(['code', 'value', 'unit', 'observed_at', 'post_id'])
    .where('cabinet_id', '=', context.cabinet.id)
    .orderBy('code')
    .orderBy('observed_at')
    .execute();
  await auditCabinet(deps, principal, {
    action: 'R',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'vitals',
  });
  const series = new Map<
    string,
    { code: string; unit: string; points: { at: string; value: string; postId: string }[] }
  >();
  for (const row of rows) {
    const entry = series.get(row.code) ?? { code: row.code, unit: row.unit, points: [] };
    entry.points.push({ at: row.observed_at, value: row.value, postId: row.post_id });
    series.set(row.code, entry);
  }
  return [...series.values()];
}
