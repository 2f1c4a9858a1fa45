import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { HubDeps, HubPrincipal } from '../../http.js';
import { HubError, requirePrincipal } from '../../http.js';
import { auditCabinet } from '../audit.js';
import type { CabinetCallDeps } from '../cabinets.js';
import { cabinetGuard, loadedCabinet, requireCabinet } from '../load.js';
import { FileProcessor } from './process.js';
import { FILE_VARIANTS, type FileVariant, sendFile, servedFile } from './serve.js';
import { type FileRow, filesNotConfigured, filesRoot } from './storage.js';
import {
  appendChunk,
  createUpload,
  currentOffset,
  deleteDraft,
  expireUploads,
  type FilesDeps,
  fileOf,
  OffsetMismatch,
  requireVisible,
} from './upload.js';
import { fileView } from './view.js';

const TAGS = ['cabinet'];
const UPLOAD_TYPE = 'application/offset+octet-stream';
const idParams = z.object({ id: z.string().min(1).max(64) });
const fileParams = z.object({ id: z.string().min(1).max(64), fileId: z.string().min(1).max(64) });
const newFileBody = z
  .object({
    name: z.string().min(1).max(500),
    size: z
      .number()
      .int()
      .min(1)
      .max(2 ** 31 - 1),
    type: z.string().min(1).max(200),
  })
  .strict();
const variantQuery = z.object({ variant: z.enum(FILE_VARIANTS).default('original') });

/** A reader's fetches of one file (and variant) within this long are one read in the audit chain. */
export const READ_AUDIT_WINDOW_MS = 60_000;
const SWEEP_MS = 3600_000;

/**
 * The cabinet's files (README.md § Files): resumable upload, processing, serving with ranges. Every
 * call loads the cabinet through the one rule (`requireCabinet`); a file not yet in a post is its
 * uploader's alone.
 */
export async function cabinetFileRoutes(
  app: FastifyInstance,
  deps: HubDeps,
  cabinetDeps: CabinetCallDeps,
): Promise<void> {
  const root = deps.settings.cabinetFilesDir ? filesRoot(deps.settings) : null;
  const processor = root
    ? new FileProcessor({ store: deps.store, now: deps.now, root, events: cabinetDeps.events, log: app.log })
    : null;
  const busy = new Set<string>();
  const files = (): FilesDeps => {
    if (!root || !processor) throw filesNotConfigured();
    return { store: deps.store, now: deps.now, settings: deps.settings, root, processor, busy };
  };

  if (root && processor) {
    let sweep: NodeJS.Timeout | null = null;
    const expire = () =>
      expireUploads({ store: deps.store, now: deps.now, root, busy }).catch((error: unknown) =>
        app.log.warn({ err: error }, 'cabinet uploads not expired'),
      );
    app.addHook('onReady', async () => {
      await processor.recover();
      await expire();
      sweep = setInterval(expire, SWEEP_MS);
      sweep.unref();
    });
    app.addHook('onClose', async () => {
      if (sweep) clearInterval(sweep);
      processor.close();
    });
  }

  // One audit record per reader, file and variant a minute: a video plays as many range requests.
  const lastRead = new Map<string, number>();
  const auditRead = async (
    principal: HubPrincipal,
    context: Awaited<ReturnType<typeof requireCabinet>>,
    row: FileRow,
    variant: FileVariant,
  ) => {
    const key = `${principal.userId}|${principal.facilityOid}|${row.id}|${variant}`;
    const now = deps.now().getTime();
    const last = lastRead.get(key);
    if (last !== undefined && now - last < READ_AUDIT_WINDOW_MS) return;
    if (lastRead.size > 10_000) {
      for (const [k, at] of lastRead) if (now - at >= READ_AUDIT_WINDOW_MS) lastRead.delete(k);
    }
    await auditCabinet(deps, principal, {
      action: 'R',
      cabinetId: context.cabinet.id,
      personId: context.cabinet.person_id,
      what: 'file-read',
      entities: [`Binary/${row.id}`, ...(row.post_id ? [`Communication/${row.post_id}`] : [])],
      detail: { variant },
    });
    lastRead.set(key, now);
  };

  // Not returning the reply: a reply is thenable (awaiting it waits for the answer to be sent).
  const uploadHeaders = async (reply: FastifyReply, fx: FilesDeps, row: FileRow): Promise<void> => {
    reply
      .header('upload-offset', String(await currentOffset(fx, row)))
      .header('upload-length', String(row.size))
      .header('x-file-status', row.status)
      .header('cache-control', 'no-store');
  };

  await app.register(async (scoped) => {
    // The upload's bytes are a stream: read by the handler straight to disk, never buffered here.
    scoped.addContentTypeParser(UPLOAD_TYPE, (_request, payload, done) => done(null, payload));

    scoped.post(
      '/cabinets/:id/files',
      {
        // The rule before the body: a stranger gets 404, not a 400 that says the route exists.
        preValidation: cabinetGuard(cabinetDeps, 'write', 'file-create'),
        schema: {
          tags: TAGS,
          summary: 'Start a resumable upload: a photo (≤ 20 MB), PDF (≤ 30 MB) or video (≤ 500 MB)',
          params: idParams,
          body: newFileBody,
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const context = loadedCabinet(request);
        const fx = files();
        const row = await createUpload(fx, principal, context, request.body as z.output<typeof newFileBody>);
        const view = fileView(row);
        return reply
          .status(201)
          .header('location', view.uploadUrl)
          .header('upload-offset', '0')
          .send({ ...view, offset: 0, uploadUrl: view.uploadUrl });
      },
    );

    scoped.patch(
      '/cabinets/:id/files/:fileId',
      {
        schema: {
          tags: TAGS,
          summary: `Send bytes of an upload at \`Upload-Offset\` (${UPLOAD_TYPE}); the uploader only`,
          params: fileParams,
        },
      },
      async (request, reply) => {
        const body = request.body;
        try {
          const principal = requirePrincipal(request);
          const { id, fileId } = request.params as { id: string; fileId: string };
          const context = await requireCabinet(cabinetDeps, principal, id, 'write', 'file-upload');
          const fx = files();
          if (!isStream(body)) {
            throw new HubError(415, 'unsupported-media-type', `send the bytes as ${UPLOAD_TYPE}`);
          }
          const offsetHeader = request.headers['upload-offset'];
          if (typeof offsetHeader !== 'string' || !/^\d{1,12}$/.test(offsetHeader)) {
            throw new HubError(400, 'invalid-request', 'the Upload-Offset header is required');
          }
          const lengthHeader = request.headers['content-length'];
          const length =
            typeof lengthHeader === 'string' && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
          const row = await appendChunk(fx, principal, context, fileId, {
            offset: Number(offsetHeader),
            length,
            body,
          });
          return reply.header('upload-offset', String(row.upload_offset)).send(fileView(row));
        } catch (error) {
          if (error instanceof OffsetMismatch) reply.header('upload-offset', String(error.offset));
          // Refused before reading it: do not take the rest of a large body only to drop it.
          if (isStream(body) && !body.readableEnded) reply.header('connection', 'close');
          throw error;
        }
      },
    );

    scoped.head(
      '/cabinets/:id/files/:fileId',
      {
        schema: {
          tags: TAGS,
          summary: 'Where an upload stands (`Upload-Offset`), or the file’s headers once it is ready',
          params: fileParams,
          querystring: variantQuery,
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const { id, fileId } = request.params as { id: string; fileId: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'read', 'file-status');
        const fx = files();
        const row = await fileOf(fx, context.cabinet.id, fileId);
        requireVisible(row, principal);
        await uploadHeaders(reply, fx, row);
        if (row.status !== 'ready') {
          reply.send();
          return reply;
        }
        const { variant } = request.query as z.output<typeof variantQuery>;
        await sendFile(reply, servedFile(fx.root, row, variant), {
          range: request.headers.range,
          ifRange: headerOf(request.headers['if-range']),
          head: true,
        });
        return reply;
      },
    );

    scoped.get(
      '/cabinets/:id/files/:fileId/status',
      {
        schema: { tags: TAGS, summary: 'A file’s state: offset, status, problem', params: fileParams },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const { id, fileId } = request.params as { id: string; fileId: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'read', 'file-status');
        const fx = files();
        const row = await fileOf(fx, context.cabinet.id, fileId);
        requireVisible(row, principal);
        await uploadHeaders(reply, fx, row);
        return { ...fileView(row), offset: await currentOffset(fx, row) };
      },
    );

    scoped.get(
      '/cabinets/:id/files/:fileId',
      {
        schema: {
          tags: TAGS,
          summary: 'A file: the original (without metadata) or ?variant=rendition|poster|thumbnail; ranges',
          params: fileParams,
          querystring: variantQuery,
        },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        const { id, fileId } = request.params as { id: string; fileId: string };
        const { variant } = request.query as z.output<typeof variantQuery>;
        const context = await requireCabinet(cabinetDeps, principal, id, 'read', 'file-read');
        const fx = files();
        const row = await fileOf(fx, context.cabinet.id, fileId);
        requireVisible(row, principal);
        if (row.status === 'failed') {
          throw new HubError(
            410,
            row.problem ?? 'file-failed',
            'the file was refused / 受け付けられなかったファイルです',
            {
              status: row.status,
            },
          );
        }
        if (row.status !== 'ready') {
          throw new HubError(409, 'not-ready', 'the file is not ready yet / ファイルを準備中です', {
            status: row.status,
          });
        }
        const served = servedFile(fx.root, row, variant);
        await auditRead(principal, context, row, variant);
        await sendFile(reply, served, {
          range: request.headers.range,
          ifRange: headerOf(request.headers['if-range']),
          head: false,
        });
        return reply;
      },
    );

    scoped.delete(
      '/cabinets/:id/files/:fileId',
      {
        schema: {
          tags: TAGS,
          summary: 'Cancel your upload or draft file (not in a post)',
          params: fileParams,
        },
      },
      async (request) => {
        const principal = requirePrincipal(request);
        const { id, fileId } = request.params as { id: string; fileId: string };
        const context = await requireCabinet(cabinetDeps, principal, id, 'write', 'file-cancel');
        const fx = files();
        await deleteDraft(fx, principal, context, fileId);
        return { ok: true };
      },
    );
  });
}

const isStream = (body: unknown): body is Readable =>
  typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function';

const headerOf = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
