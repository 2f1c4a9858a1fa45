import type { CabinetAttachmentRef, CabinetAttachmentView } from '@hie/contract';
import type { Kysely } from 'kysely';
import { HubError } from '../http.js';
import type { Schema } from '../store/schema.js';

/**
 * What a post carries besides its text: uploaded files (photos, videos, PDFs) and schema drawings. Each
 * kind lives in its own module and answers two questions: may these ids be attached to this new post
 * (uploaded to this cabinet by this author, ready, not in another post), and what do a page's posts
 * carry. A post and its attachments are written in one transaction.
 */
export interface AttachmentKind {
  type: CabinetAttachmentRef['type'];
  /** Links the ids to the post, or returns the index of each one that may not be (refused whole). */
  attach(
    tx: Kysely<Schema>,
    args: { cabinetId: string; postId: string; userId: string; ids: readonly string[] },
  ): Promise<{ refused: { id: string; code: string; message: string }[] }>;
  views(
    db: Kysely<Schema>,
    cabinetId: string,
    postIds: readonly string[],
  ): Promise<Map<string, CabinetAttachmentView[]>>;
}

export async function attachAll(
  kinds: readonly AttachmentKind[],
  tx: Kysely<Schema>,
  args: { cabinetId: string; postId: string; userId: string; refs: readonly CabinetAttachmentRef[] },
): Promise<void> {
  const details: { field: string; code: string; message: string }[] = [];
  for (const type of new Set(args.refs.map((r) => r.type))) {
    const kind = kinds.find((k) => k.type === type);
    const ids = args.refs.filter((r) => r.type === type).map((r) => r.id);
    if (!kind) {
      for (const id of ids) {
        details.push({
          field: `attachments.${args.refs.findIndex((r) => r.id === id)}`,
          code: 'unknown-type',
          message: `no ${type} attachments here`,
        });
      }
      continue;
    }
    const { refused } = await kind.attach(tx, {
      cabinetId: args.cabinetId,
      postId: args.postId,
      userId: args.userId,
      ids,
    });
    for (const r of refused) {
      details.push({
        field: `attachments.${args.refs.findIndex((ref) => ref.id === r.id)}`,
        code: r.code,
        message: r.message,
      });
    }
  }
  if (details.length > 0) {
    throw new HubError(
      422,
      'invalid-input',
      'an attachment cannot be added / 添付できないファイルがあります',
      details,
    );
  }
}

export async function attachmentViews(
  kinds: readonly AttachmentKind[],
  db: Kysely<Schema>,
  cabinetId: string,
  postIds: readonly string[],
): Promise<Map<string, CabinetAttachmentView[]>> {
  const all = new Map<string, CabinetAttachmentView[]>();
  if (postIds.length === 0) return all;
  for (const kind of kinds) {
    for (const [postId, views] of await kind.views(db, cabinetId, postIds)) {
      all.set(postId, [...(all.get(postId) ?? []), ...views]);
    }
  }
  return all;
}

/** A page's attachment rows as views, grouped by the post that carries them. */
export function viewsByPost<R extends { post_id: string | null }>(
  rows: readonly R[],
  view: (row: R) => CabinetAttachmentView,
): Map<string, CabinetAttachmentView[]> {
  const views = new Map<string, CabinetAttachmentView[]>();
  for (const row of rows) {
    if (!row.post_id) continue;
    views.set(row.post_id, [...(views.get(row.post_id) ?? []), view(row)]);
  }
  return views;
}

/**
 * After the conditional link update: the ids another post (or a failure) took meanwhile. The caller
 * refuses them, and the whole post is rolled back.
 */
export async function takenMeanwhile(
  tx: Kysely<Schema>,
  table: 'hub_cabinet_file' | 'hub_cabinet_drawing',
  ids: readonly string[],
  postId: string,
): Promise<string[]> {
  const linked = await tx
    .selectFrom(table as 'hub_cabinet_file')
    .select(['id', 'post_id'])
    .where('id', 'in', [...ids])
    .execute();
  return ids.filter((id) => linked.find((r) => r.id === id)?.post_id !== postId);
}
