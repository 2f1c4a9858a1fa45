import { randomUUID } from 'node:crypto';
import {
  BODY_DIAGRAM_IDS,
  type BodyDiagramId,
  type CabinetAttachmentView,
  type CabinetDrawingSummary,
  checkDrawingModel,
  DRAWING_LIMITS,
  type DrawingModel,
  drawingModelBytes,
  renderDrawingSvg,
} from '@hie/contract';
import type { Selectable } from 'kysely';
import { HubError, type HubPrincipal } from '../../http.js';
import type { HubCabinetDrawingTable } from '../../store/cabinet-drawing-tables.js';
import { auditCabinet } from '../audit.js';
import type { CabinetCallDeps } from '../cabinets.js';
import type { CabinetContext } from '../load.js';

/**
 * Schema drawings (シェーマ): saved as a checked JSON model, never as uploaded SVG; served as SVG the hub
 * renders itself (`renderDrawingSvg` in @hie/contract), with an optional PNG thumbnail the client drew.
 * A drawing not yet in a post is a draft its author alone sees; once in a post every reader of the
 * cabinet sees it. Every call comes after the one rule (`requireCabinet`) and is audited here.
 */

export type DrawingRow = Selectable<HubCabinetDrawingTable>;

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const drawingNotFound = () =>
  new HubError(404, 'not-found', 'no such drawing / 該当するシェーマはありません');

const entity = (id: string) => `Media/${id}`;

export const drawingUrlOf = (row: Pick<DrawingRow, 'cabinet_id' | 'id'>) =>
  `/api/v1/cabinets/${encodeURIComponent(row.cabinet_id)}/drawings/${encodeURIComponent(row.id)}`;
export const drawingSvgUrlOf = (row: Pick<DrawingRow, 'cabinet_id' | 'id'>) => `${drawingUrlOf(row)}.svg`;
export const drawingThumbnailUrlOf = (row: Pick<DrawingRow, 'cabinet_id' | 'id' | 'thumbnail_size'>) =>
  row.thumbnail_size ? `${drawingUrlOf(row)}/thumbnail.png` : null;

const bodyPartOf = (row: Pick<DrawingRow, 'body_part'>): BodyDiagramId =>
  (BODY_DIAGRAM_IDS as readonly string[]).includes(row.body_part)
    ? (row.body_part as BodyDiagramId)
    : 'body-front';

export function drawingSummary(
  row: Omit<DrawingRow, 'model_json' | 'thumbnail_base64'>,
): CabinetDrawingSummary {
  return {
    id: row.id,
    bodyPart: bodyPartOf(row),
    label: row.label,
    postId: row.post_id,
    author: { userId: row.created_by, name: row.created_by_name },
    createdAt: row.created_at,
    size: Number(row.size),
    url: drawingSvgUrlOf(row),
    thumbnailUrl: drawingThumbnailUrlOf(row),
  };
}

/** A drawing as a post shows it (kind `drawing`). */
export function drawingAttachmentView(
  row: Omit<DrawingRow, 'model_json' | 'thumbnail_base64'>,
): CabinetAttachmentView {
  return {
    type: 'drawing',
    id: row.id,
    kind: 'drawing',
    name: row.label,
    mediaType: 'image/svg+xml',
    size: Number(row.size),
    status: 'ready',
    problem: null,
    url: drawingSvgUrlOf(row),
    thumbnailUrl: drawingThumbnailUrlOf(row),
    bodyPart: row.body_part,
    label: row.label,
  };
}

/** Every column but the model and the thumbnail: what lists need. */
export const SUMMARY_COLUMNS = [
  'id',
  'cabinet_id',
  'post_id',
  'created_by',
  'created_by_name',
  'created_by_facility_oid',
  'created_at',
  'body_part',
  'label',
  'size',
  'thumbnail_size',
] as const;

const invalid = (details: { field: string; code: string; message: string }[]) =>
  new HubError(422, 'invalid-input', 'the drawing cannot be saved / シェーマを保存できません', details);

/** The optional thumbnail: base64 of a PNG of at most 1 MB, else a refusal. */
function thumbnailOf(raw: string | null | undefined): Buffer | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const text = raw.replace(/^data:image\/png;base64,/, '');
  if (!BASE64.test(text) || text.length % 4 !== 0) {
    throw invalid([
      {
        field: 'thumbnailPng',
        code: 'not-base64',
        message: 'send the PNG as base64 / base64で送信してください',
      },
    ]);
  }
  if (Math.floor((text.length * 3) / 4) > DRAWING_LIMITS.thumbnailBytes + 2) {
    throw new HubError(
      413,
      'thumbnail-too-large',
      'the thumbnail is over 1 MB / サムネイルは1MB以内にしてください',
    );
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > DRAWING_LIMITS.thumbnailBytes) {
    throw new HubError(
      413,
      'thumbnail-too-large',
      'the thumbnail is over 1 MB / サムネイルは1MB以内にしてください',
    );
  }
  if (
    bytes.length < 24 ||
    !bytes.subarray(0, 8).equals(PNG_MAGIC) ||
    bytes.toString('latin1', 12, 16) !== 'IHDR'
  ) {
    throw invalid([
      {
        field: 'thumbnailPng',
        code: 'not-a-png',
        message: 'the thumbnail must be a PNG / サムネイルはPNGのみです',
      },
    ]);
  }
  return bytes;
}

/** Checks and saves a new drawing (a draft until a post carries it). */
export async function saveDrawing(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  body: { model?: unknown; thumbnailPng?: string | null },
): Promise<CabinetDrawingSummary> {
  const bytes = drawingModelBytes(body.model ?? null);
  if (bytes > DRAWING_LIMITS.modelBytes) {
    throw new HubError(
      413,
      'drawing-too-large',
      `the drawing is over ${DRAWING_LIMITS.modelBytes / 1024} KB / シェーマのデータが大きすぎます`,
    );
  }
  const checked = checkDrawingModel(body.model);
  if (!checked.ok) {
    throw invalid(
      checked.problems.map((p) => ({ ...p, field: p.field === 'model' ? 'model' : `model.${p.field}` })),
    );
  }
  const thumbnail = thumbnailOf(body.thumbnailPng);
  const model = checked.model;
  const modelJson = JSON.stringify(model);
  const row: DrawingRow = {
    id: randomUUID(),
    cabinet_id: context.cabinet.id,
    post_id: null,
    created_by: principal.userId,
    created_by_name: principal.name,
    created_by_facility_oid: principal.facilityOid,
    created_at: deps.now().toISOString(),
    body_part: model.bodyPart,
    label: model.label,
    model_json: modelJson,
    size: drawingModelBytes(model),
    thumbnail_base64: thumbnail ? thumbnail.toString('base64') : null,
    thumbnail_size: thumbnail ? thumbnail.length : null,
  };
  await deps.store.db.insertInto('hub_cabinet_drawing').values(row).execute();
  await auditCabinet(deps, principal, {
    action: 'C',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'drawing-create',
    entities: [entity(row.id)],
    detail: { bodyPart: row.body_part, size: String(row.size) },
  });
  return drawingSummary(row);
}

/** One drawing the principal may see: in a post, or their own draft. Else the one 404. */
async function visibleDrawing(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  drawingId: string,
): Promise<DrawingRow> {
  const row = await deps.store.db
    .selectFrom('hub_cabinet_drawing')
    .selectAll()
    .where('id', '=', drawingId)
    .where('cabinet_id', '=', context.cabinet.id)
    .executeTakeFirst();
  if (!row || (row.post_id === null && row.created_by !== principal.userId)) {
    await auditCabinet(deps, principal, {
      action: 'R',
      outcome: '4',
      outcomeDescription: 'not-found',
      cabinetId: context.cabinet.id,
      personId: context.cabinet.person_id,
      what: 'drawing',
      entities: [entity(drawingId)],
    });
    throw drawingNotFound();
  }
  return row;
}

const modelOf = (row: DrawingRow): DrawingModel => {
  const checked = checkDrawingModel(JSON.parse(row.model_json));
  // Stored models were checked when saved; a row that no longer passes is not served.
  if (!checked.ok) throw new HubError(500, 'internal', 'a stored drawing does not pass its checks');
  return checked.model;
};

async function auditRead(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  row: DrawingRow,
  what: string,
) {
  await auditCabinet(deps, principal, {
    action: 'R',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what,
    entities: [entity(row.id), ...(row.post_id ? [`Communication/${row.post_id}`] : [])],
  });
}

/** The model, to open it again (a changed drawing is saved as a new one). */
export async function readDrawing(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  drawingId: string,
): Promise<CabinetDrawingSummary & { model: DrawingModel }> {
  const row = await visibleDrawing(deps, principal, context, drawingId);
  const model = modelOf(row);
  await auditRead(deps, principal, context, row, 'drawing');
  return { ...drawingSummary(row), model };
}

/** The drawing as SVG, rendered here from the checked model. */
export async function drawingSvg(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  drawingId: string,
  lang: 'ja' | 'en',
): Promise<string> {
  const row = await visibleDrawing(deps, principal, context, drawingId);
  const svg = renderDrawingSvg(modelOf(row), { lang });
  await auditRead(deps, principal, context, row, 'drawing-svg');
  return svg;
}

export async function drawingThumbnail(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  drawingId: string,
): Promise<Buffer> {
  const row = await visibleDrawing(deps, principal, context, drawingId);
  if (!row.thumbnail_base64) {
    throw new HubError(404, 'no-thumbnail', 'this drawing has no thumbnail / サムネイルはありません');
  }
  await auditRead(deps, principal, context, row, 'drawing-thumbnail');
  return Buffer.from(row.thumbnail_base64, 'base64');
}

/**
 * The drawings the principal may see, newest first: one series (a body part, a label — one wound over
 * time, to compare side by side) or all; and the series there are, newest first.
 */
export async function listDrawings(
  deps: CabinetCallDeps,
  principal: HubPrincipal,
  context: CabinetContext,
  query: { bodyPart?: BodyDiagramId | undefined; label?: string | undefined; limit?: number | undefined },
): Promise<{
  drawings: CabinetDrawingSummary[];
  series: { bodyPart: BodyDiagramId; label: string; count: number; lastAt: string }[];
}> {
  const db = deps.store.db;
  const visible = db
    .selectFrom('hub_cabinet_drawing')
    .where('cabinet_id', '=', context.cabinet.id)
    .where((eb) => eb.or([eb('post_id', 'is not', null), eb('created_by', '=', principal.userId)]));
  let drawings = visible.select([...SUMMARY_COLUMNS]);
  if (query.bodyPart) drawings = drawings.where('body_part', '=', query.bodyPart);
  if (query.label) drawings = drawings.where('label', '=', query.label.trim());
  const [rows, series] = await Promise.all([
    drawings
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit ?? 50)
      .execute(),
    visible
      .select((eb) => [
        'body_part',
        'label',
        eb.fn.countAll().as('count'),
        eb.fn.max('created_at').as('last_at'),
      ])
      .groupBy(['body_part', 'label'])
      .orderBy('last_at', 'desc')
      .limit(200)
      .execute(),
  ]);
  await auditCabinet(deps, principal, {
    action: 'R',
    cabinetId: context.cabinet.id,
    personId: context.cabinet.person_id,
    what: 'drawings',
    entities: rows.slice(0, 50).map((r) => entity(r.id)),
    detail: query.bodyPart ? { bodyPart: query.bodyPart } : {},
  });
  return {
    drawings: rows.map(drawingSummary),
    series: series.map((s) => ({
      bodyPart: bodyPartOf(s),
      label: s.label,
      count: Number(s.count),
      lastAt: String(s.last_at),
    })),
  };
}
