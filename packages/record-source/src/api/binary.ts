import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayRepository } from '../access/index.js';
import { auditDisclosure } from './audit-record.js';
import { type GatewayContext, notFound, reference } from './context.js';
import { FHIR_JSON } from './outcome.js';

interface BinaryJson {
  contentType?: string;
  data?: string;
}

interface DocumentJson {
  content?: { attachment?: { url?: string; contentType?: string } }[];
}

/**
 * GET /fhir/Binary/{id}. Two sources, both read through the repository (so the access rule holds):
 * a stored Binary resource, or a DocumentReference of the same id whose attachment points to
 * `Binary/{id}` — then the bytes are the document's file in extended storage (row file_path), served
 * only if that path lies inside a configured storage root. FHIR JSON when asked for, raw bytes otherwise.
 */
export async function serveBinary(
  ctx: GatewayContext,
  request: FastifyRequest<{ Params: { id: string } }>,
  reply: FastifyReply,
  repository: GatewayRepository,
): Promise<void> {
  const { id } = request.params;
  const wantsFhir = /application\/(fhir\+)?json/.test(request.headers.accept ?? '');
  const binary = await repository.read('Binary', id);
  if (binary.found) {
    const parsed = JSON.parse(binary.row.json) as BinaryJson & { resourceType: 'Binary' };
    // Inline data, or a document file of extended storage: the row says where; the bytes never left
    // the hospital. Audited only once there is something to disclose.
    const bytes =
      parsed.data !== undefined
        ? Buffer.from(parsed.data, 'base64')
        : await readInside(binary.row.file_path, ctx.storageRoots);
    if (!bytes) throw notFound(ctx, request, 'unknown');
    await auditDisclosure(ctx, request, [reference(binary.row)]);
    if (wantsFhir) {
      reply.type(FHIR_JSON).send({ ...parsed, data: bytes.toString('base64') });
      return;
    }
    reply.type(parsed.contentType ?? 'application/octet-stream').send(bytes);
    return;
  }
  const document = await repository.read('DocumentReference', id);
  if (!document.found) throw notFound(ctx, request, binary.why === 'not-visible' ? binary.why : document.why);
  const attachment = (JSON.parse(document.row.json) as DocumentJson).content?.find(
    (c) => c.attachment?.url === `Binary/${id}`,
  )?.attachment;
  const bytes = attachment ? await readInside(document.row.file_path, ctx.storageRoots) : undefined;
  if (!attachment || !bytes) throw notFound(ctx, request, 'unknown');
  const contentType = attachment.contentType ?? 'application/octet-stream';
  await auditDisclosure(ctx, request, [reference(document.row), `Binary/${id}`]);
  if (wantsFhir) {
    reply.type(FHIR_JSON).send({ resourceType: 'Binary', id, contentType, data: bytes.toString('base64') });
    return;
  }
  reply.type(contentType).send(bytes);
}

/** The file's absolute path when it is inside one of the roots; undefined otherwise (no path escapes). */
function insideRoots(filePath: string, roots: readonly string[]): string | undefined {
  for (const root of roots) {
    const absolute = isAbsolute(filePath) ? resolve(filePath) : resolve(root, filePath);
    const rel = relative(resolve(root), absolute);
    if (rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)) return absolute;
  }
  return undefined;
}

/** The file's bytes when it lies inside a storage root and still exists (renamed to _2/_0 → gone until the next ingest). */
async function readInside(filePath: string, roots: readonly string[]): Promise<Buffer | undefined> {
  const path = insideRoots(filePath, roots);
  if (!path) return undefined;
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}
