import { type AttachmentKind, takenMeanwhile, viewsByPost } from '../attachments.js';
import { drawingAttachmentView, SUMMARY_COLUMNS } from './drawings.js';

const refusal = {
  unknown: { code: 'unknown-drawing', message: 'no such drawing in this cabinet / シェーマがありません' },
  notYours: {
    code: 'not-yours',
    message: 'attach your own drawings only / ご自身のシェーマのみ添付できます',
  },
  taken: { code: 'already-attached', message: 'the drawing is in another post / 別の投稿に添付済みです' },
};

/**
 * Schema drawings as a post's attachments (type `drawing`): a post may carry drawings of its cabinet that
 * its author saved and no other post carries yet. Linking is a conditional update inside the post's
 * transaction, so two posts racing for one drawing cannot both have it.
 */
export const drawingAttachments: AttachmentKind = {
  type: 'drawing',

  async attach(tx, { cabinetId, postId, userId, ids }) {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return { refused: [] };
    const rows = await tx
      .selectFrom('hub_cabinet_drawing')
      .select(['id', 'created_by', 'post_id'])
      .where('id', 'in', unique)
      .where('cabinet_id', '=', cabinetId)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const refused: { id: string; code: string; message: string }[] = [];
    for (const id of unique) {
      const row = byId.get(id);
      // Someone else's draft is not to be known of: it answers like an unknown one.
      if (!row || (row.created_by !== userId && row.post_id === null))
        refused.push({ id, ...refusal.unknown });
      else if (row.created_by !== userId) refused.push({ id, ...refusal.notYours });
      else if (row.post_id !== null && row.post_id !== postId) refused.push({ id, ...refusal.taken });
    }
    if (refused.length > 0) return { refused };
    const fresh = unique.filter((id) => byId.get(id)?.post_id === null);
    if (fresh.length === 0) return { refused: [] };
    await tx
      .updateTable('hub_cabinet_drawing')
      .set({ post_id: postId })
      .where('id', 'in', fresh)
      .where('cabinet_id', '=', cabinetId)
      .where('created_by', '=', userId)
      .where('post_id', 'is', null)
      .execute();
    const lost = await takenMeanwhile(tx, 'hub_cabinet_drawing', fresh, postId);
    return { refused: lost.map((id) => ({ id, ...refusal.taken })) };
  },

  async views(db, cabinetId, postIds) {
    if (postIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('hub_cabinet_drawing')
      .select([...SUMMARY_COLUMNS])
      .where('cabinet_id', '=', cabinetId)
      .where('post_id', 'in', [...postIds])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return viewsByPost(rows, drawingAttachmentView);
  },
};
