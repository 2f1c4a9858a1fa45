import { BODY_DIAGRAM_IDS, type BodyDiagramId, DRAWING_LIMITS } from '@hie/contract';
import type { FastifyInstance, FastifyReply, onSendHookHandler } from 'fastify';
import { z } from 'zod';
import { type HubDeps, requirePrincipal } from '../../http.js';
import type { CabinetCallDeps } from '../cabinets.js';
import { cabinetGuard, loadedCabinet, requireCabinet } from '../load.js';
import { drawingSvg, drawingThumbnail, listDrawings, readDrawing, saveDrawing } from './drawings.js';

const TAGS = ['cabinet'];
const idParams = z.object({ id: z.string().min(1).max(64) });
const drawingParams = z.object({ id: z.string().min(1).max(64), drawingId: z.string().min(1).max(64) });
const saveBody = z
  .object({
    /** The drawing's model (`drawingModelSchema`); checked in the handler, after the access rule. */
    model: z.unknown(),
    /** A PNG thumbnail the client rendered from the SVG, base64 (≤ 1 MB decoded); optional. */
    thumbnailPng: z.string().nullish(),
  })
  .strict();
const listQuery = z.object({
  bodyPart: z.enum(BODY_DIAGRAM_IDS).optional(),
  label: z.string().trim().max(DRAWING_LIMITS.labelChars).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
const svgQuery = z.object({ lang: z.enum(['ja', 'en']).optional() });

/**
 * The model and a base64 thumbnail in one JSON body: the model's 512 KB and the thumbnail's 1 MB (4/3
 * as base64) with room to spare. Beyond it Fastify answers 413 `body-too-large`; within it the handler
 * measures each part and answers 413 `drawing-too-large` / `thumbnail-too-large`.
 */
const SAVE_BODY_LIMIT = 2 * 1024 * 1024;

/** What the hub serves of a drawing runs nothing and loads nothing, whatever a browser makes of it. */
const IMAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'";
// Route-level, so it runs after the app's own security headers (which set a CSP for the web app).
const imageHeaders: onSendHookHandler = async (_request, reply, payload) => {
  if (reply.statusCode < 300) {
    reply.header('content-security-policy', IMAGE_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('cache-control', 'private, no-store');
    reply.header('cross-origin-resource-policy', 'same-origin');
  }
  return payload;
};

const image = (reply: FastifyReply, type: string, body: string | Buffer) =>
  reply.type(type).header('content-disposition', 'inline').send(body);

/**
 * Schema drawings (シェーマ) of a cabinet (README.md beside the cabinet module, "Schema drawings"). Every
 * route loads the cabinet through the one rule (`requireCabinet`): reads need `read`, saving `write`.
 * Bodies are checked after the rule, so that a stranger learns nothing from a refusal of the input.
 */
export async function cabinetDrawingRoutes(
  app: FastifyInstance,
  _deps: HubDeps,
  cabinetDeps: CabinetCallDeps,
): Promise<void> {
  app.post(
    '/cabinets/:id/drawings',
    {
      bodyLimit: SAVE_BODY_LIMIT,
      preValidation: cabinetGuard(cabinetDeps, 'write', 'drawing-create'),
      schema: {
        tags: TAGS,
        summary:
          'Save a schema drawing (its JSON model, and a PNG thumbnail if you have one): a draft until a post carries it',
        params: idParams,
        body: saveBody,
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const context = loadedCabinet(request);
      const body = request.body as z.output<typeof saveBody>;
      return reply.status(201).send(await saveDrawing(cabinetDeps, principal, context, body));
    },
  );

  app.get(
    '/cabinets/:id/drawings',
    {
      schema: {
        tags: TAGS,
        summary:
          'Drawings newest first — one series (?bodyPart=&label=) to compare side by side — and the series',
        params: idParams,
        querystring: listQuery,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { id } = request.params as { id: string };
      const query = request.query as z.output<typeof listQuery>;
      const context = await requireCabinet(cabinetDeps, principal, id, 'read', 'drawings');
      return listDrawings(cabinetDeps, principal, context, {
        bodyPart: query.bodyPart as BodyDiagramId | undefined,
        label: query.label || undefined,
        limit: query.limit,
      });
    },
  );

  app.get(
    '/cabinets/:id/drawings/:drawingId.svg',
    {
      onSend: imageHeaders,
      schema: {
        tags: TAGS,
        summary: 'A drawing as SVG, rendered by the hub from its model',
        params: drawingParams,
        querystring: svgQuery,
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const { id, drawingId } = request.params as { id: string; drawingId: string };
      const { lang } = request.query as z.output<typeof svgQuery>;
      const context = await requireCabinet(cabinetDeps, principal, id, 'read', 'drawing-svg');
      const svg = await drawingSvg(cabinetDeps, principal, context, drawingId, lang ?? 'ja');
      return image(reply, 'image/svg+xml; charset=utf-8', svg);
    },
  );

  app.get(
    '/cabinets/:id/drawings/:drawingId/thumbnail.png',
    {
      onSend: imageHeaders,
      schema: {
        tags: TAGS,
        summary: 'A drawing’s PNG thumbnail (404 `no-thumbnail` if none was sent)',
        params: drawingParams,
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const { id, drawingId } = request.params as { id: string; drawingId: string };
      const context = await requireCabinet(cabinetDeps, principal, id, 'read', 'drawing-thumbnail');
      return image(reply, 'image/png', await drawingThumbnail(cabinetDeps, principal, context, drawingId));
    },
  );

  app.get(
    '/cabinets/:id/drawings/:drawingId',
    {
      schema: {
        tags: TAGS,
        summary: 'A drawing’s model, to open it again (saving makes a new drawing)',
        params: drawingParams,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { id, drawingId } = request.params as { id: string; drawingId: string };
      const context = await requireCabinet(cabinetDeps, principal, id, 'read', 'drawing');
      return readDrawing(cabinetDeps, principal, context, drawingId);
    },
  );
}
