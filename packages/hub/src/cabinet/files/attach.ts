import { type AttachmentKind, takenMeanwhile, viewsByPost } from '../attachments.js';
import { attachmentView } from './view.js';

/**
 * Files as a post's attachments (type `file`): a post may carry files of its cabinet that its author
 * uploaded, that arrived whole and passed the checks (ready, or a video still being converted), and that
 * no other post carries yet. Linking is a conditional update inside the post's transaction, so two posts
 * racing for one file cannot both have it.
 */
export const fileAttachments: AttachmentKind = {
  type: 'file',

  async attach(tx, { cabinetId, postId, userId, ids }) {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return { refused: [] };
    const rows = await tx
      .selectFrom('hub_cabinet_file')
      .select(['id', 'cabinet_id', 'uploaded_by', 'status', 'post_id'])
      .where('id', 'in', unique)
      .where('cabinet_id', '=', cabinetId)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const refused: { id: string; code: string; message: string }[] = [];
    for (const id of unique) {
      const row = byId.get(id);
      if (!row) {
        refused.push({
          id,
          code: 'unknown-file',
          message: 'no such file in this cabinet / ファイルがありません',
        });
      } else if (row.uploaded_by !== userId) {
        refused.push({
          id,
          code: 'not-yours',
          message: 'attach your own uploads only / ご自身のファイルのみ添付できます',
        });
      } else if (row.status === 'uploading') {
        refused.push({
          id,
          code: 'not-uploaded',
          message: 'the upload is not finished / 送信が完了していません',
        });
      } else if (row.status === 'failed') {
        refused.push({
          id,
          code: 'file-failed',
          message: 'the file was refused / 受け付けられなかったファイルです',
        });
      } else if (row.post_id !== null && row.post_id !== postId) {
        refused.push({
          id,
          code: 'already-attached',
          message: 'the file is in another post / 別の投稿に添付済みです',
        });
      }
    }
    if (refused.length > 0) return { refused };
    const fresh = unique.filter((id) => byId.get(id)?.post_id === null);
    if (fresh.length === 0) return { refused: [] };
    await tx
      .updateTable('hub_cabinet_file')
      .set({ post_id: postId })
      .where('id', 'in', fresh)
      .where('cabinet_id', '=', cabinetId)
      .where('post_id', 'is', null)
      .where('status', 'in', ['ready', 'processing'])
      .execute();
    // Whatever another post (or a failure) took meanwhile is refused: the whole post is rolled back.
    const lost = await takenMeanwhile(tx, 'hub_cabinet_file', fresh, postId);
    return {
      refused: lost.map((id) => ({
        id,
        code: 'already-attached',
        message: 'the file is in another post / 別の投稿に添付済みです',
      })),
    };
  },

  async views(db, cabinetId, postIds) {
    if (postIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('hub_cabinet_file')
      .selectAll()
      .where('cabinet_id', '=', cabinetId)
      .where('post_id', 'in', [...postIds])
      .orderBy('uploaded_at')
      .orderBy('id')
      .execute();
    return viewsByPost(rows, attachmentView);
  },
};
