// DICOMweb (PS3.18) over the indexed DICOM files, for the hub only: QIDO-RS studies / series /
// instances, WADO-RS metadata and frames, and rendered PNG (thumbnails, a first look). Every request
// passes the same choke point as a FHIR read: the hub's assertion (bound to this method, path and
// query) → the facility's disclosure settings → the repository, which must find the study's
// DICOM ImagingStudy for the assertion's patient in a category it allows (radiology, endoscopy).
// Only then are gw_dicom_instance rows of that patient and study looked at. A study of another
// patient or category answers 404 like one that does not exist. Each answer is audited with the study,
// series and frame count before a byte is sent.
import { Readable } from 'node:stream';
import { DicomError, renderPng } from '@hie/dicom';
import { dicomStudyId } from '@hie/fhir-jp';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayRepository } from '../access/index.js';
import type { GwDicomInstanceTable } from '../store/schema.js';
import { auditDisclosure } from './audit-record.js';
import { authenticate } from './auth.js';
import { type ContextOf, type GatewayContext, notFound } from './context.js';
import type { OpenedFrames } from './dicom-sources.js';
import { GatewayError } from './outcome.js';

const DICOM_JSON = 'application/dicom+json';
const UID = /^[0-9]+(\.[0-9]+)*$/;
/** QIDO answers at most this many studies per page. */
const MAX_LIMIT = 200;

type Tags = Record<string, { vr: string; Value?: unknown[] }>;

interface StudyParams {
  study: string;
}
interface SeriesParams extends StudyParams {
  series: string;
}
interface InstanceParams extends SeriesParams {
  sop: string;
}

const value = (vr: string, ...values: unknown[]) =>
  values.every((v) => v === null || v === undefined || v === '') ? { vr } : { vr, Value: values };

function requireUids(...uids: string[]): void {
  for (const u of uids)
    if (!UID.test(u) || u.length > 64) throw new GatewayError('bad-parameter', `${u} is not a DICOM UID`);
}

/** The study's rows when its DICOM ImagingStudy is visible to this request; else 404 (audited why). */
async function visibleStudy(
  ctx: GatewayContext,
  request: FastifyRequest,
  repository: GatewayRepository,
  study: string,
): Promise<{ id: string; instances: GwDicomInstanceTable[] }> {
  requireUids(study);
  const id = dicomStudyId(repository.access.patientId, study);
  const outcome = await repository.read('ImagingStudy', id);
  if (!outcome.found) throw notFound(ctx, request, outcome.why);
  const instances = await ctx.store.db
    .selectFrom('gw_dicom_instance')
    .selectAll()
    .where('patient_id', '=', repository.access.patientId)
    .where('study_uid', '=', study)
    .orderBy('series_number')
    .orderBy('instance_number')
    .orderBy('sop_uid')
    .execute();
  if (instances.length === 0) throw notFound(ctx, request, 'unknown');
  return { id, instances };
}

function detail(ctx: GatewayContext, request: FastifyRequest, facts: Record<string, string>): void {
  const state = ctx.requests.get(request);
  if (state) state.detail = { ...state.detail, ...facts };
}

const header = (row: GwDicomInstanceTable): Tags => JSON.parse(row.json) as Tags;

function studyAttributes(rows: readonly GwDicomInstanceTable[]): Tags {
  const h = header(rows[0]!);
  const pick = (tag: string) => (h[tag] ? { [tag]: h[tag] } : {});
  return {
    ...pick('00080020'),
    ...pick('00080030'),
    ...pick('00080050'),
    ...pick('00081030'),
    ...pick('00100010'),
    ...pick('00100020'),
    ...pick('00100030'),
    ...pick('00100040'),
    '0020000D': value('UI', rows[0]!.study_uid),
    '00080061': value('CS', ...new Set(rows.map((r) => r.modality))),
    '00201206': value('IS', new Set(rows.map((r) => r.series_uid)).size),
    '00201208': value('IS', rows.length),
  };
}

function seriesAttributes(rows: readonly GwDicomInstanceTable[]): Tags {
  const h = header(rows[0]!);
  const pick = (tag: string) => (h[tag] ? { [tag]: h[tag] } : {});
  return {
    ...pick('0008103E'),
    ...pick('00180015'),
    '0020000D': value('UI', rows[0]!.study_uid),
    '0020000E': value('UI', rows[0]!.series_uid),
    '00080060': value('CS', rows[0]!.modality),
    '00200011': value('IS', rows[0]!.series_number),
    '00201209': value('IS', rows.length),
  };
}

function instanceAttributes(row: GwDicomInstanceTable): Tags {
  const h = header(row);
  const pick = (tag: string) => (h[tag] ? { [tag]: h[tag] } : {});
  return {
    ...pick('00280010'),
    ...pick('00280011'),
    '00080016': value('UI', row.sop_class_uid),
    '00080018': value('UI', row.sop_uid),
    '0020000D': value('UI', row.study_uid),
    '0020000E': value('UI', row.series_uid),
    '00200013': value('IS', row.instance_number),
    '00280008': value('IS', row.frames),
  };
}

/**
 * The instance's frames from its source (file or PACS), reached before anything is audited as disclosed:
 * an instance gone from its source answers 404 like an unknown one; a PACS failure answers its code,
 * and the PACS's own words go to this request's audit record only.
 */
async function openFrames(
  ctx: GatewayContext,
  request: FastifyRequest,
  row: GwDicomInstanceTable,
  numbers: readonly number[],
): Promise<OpenedFrames> {
  try {
    return await ctx.dicomSource(row).open(row, numbers);
  } catch (e) {
    if (e instanceof GatewayError && e.cause instanceof Error)
      detail(ctx, request, { source: e.cause.message });
    if (e instanceof GatewayError && e.code === 'not-found') throw notFound(ctx, request, 'unknown');
    throw e;
  }
}

/** 1-based frame numbers of `frames/1,3,5`, each within the instance. */
function frameNumbers(list: string, frames: number): number[] {
  const out = list.split(',').map((x) => Number(x));
  if (out.length === 0 || out.length > 1000 || out.some((x) => !Number.isInteger(x) || x < 1 || x > frames))
    throw new GatewayError('bad-parameter', `frames ${list}: each must be 1…${frames}`);
  return out;
}

function send(reply: FastifyReply, body: unknown): void {
  reply.type(DICOM_JSON).send(JSON.stringify(body));
}

export function registerDicomwebRoutes(app: FastifyInstance, ctxOf: ContextOf): void {
  const auth = (request: FastifyRequest, type: string, action: 'R' | 'E') =>
    authenticate(ctxOf(request), request, { type, action });

  // QIDO-RS: the assertion's patient's studies (PatientID, if given, must be that patient).
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/dicomweb/studies',
    async (request, reply) => {
      const ctx = ctxOf(request);
      const repository = await auth(request, 'dicomweb-search', 'E');
      const q = request.query;
      if (q.PatientID !== undefined && q.PatientID !== repository.access.patientId)
        throw new GatewayError(
          'patient-mismatch',
          `the assertion covers patient ${repository.access.patientId} only`,
        );
      const limit = Math.min(Number(q.limit ?? MAX_LIMIT) || MAX_LIMIT, MAX_LIMIT);
      const offset = Math.max(Number(q.offset ?? 0) || 0, 0);
      const page = await repository.search({
        resourceType: 'ImagingStudy',
        categories: ['radiology', 'endoscopy'],
        count: 10_000,
        offset: 0,
      });
      // Only the DICOM studies (not the HL7 orders' ImagingStudy of the same UID), newest first.
      const visible = page.rows
        .map((r) => {
          const uid = (
            JSON.parse(r.json) as { identifier?: { system?: string; value?: string }[] }
          ).identifier
            ?.find((i) => i.system === 'urn:dicom:uid')
            ?.value?.replace(/^urn:oid:/, '');
          return uid && r.id === dicomStudyId(repository.access.patientId, uid) ? { id: r.id, uid } : null;
        })
        .filter((x): x is { id: string; uid: string } => x !== null)
        .filter((x) => !q.StudyInstanceUID || x.uid === q.StudyInstanceUID);
      const rows = visible.length
        ? await ctx.store.db
            .selectFrom('gw_dicom_instance')
            .selectAll()
            .where('patient_id', '=', repository.access.patientId)
            .where(
              'study_uid',
              'in',
              visible.map((v) => v.uid),
            )
            .execute()
        : [];
      const byStudy = new Map<string, GwDicomInstanceTable[]>();
      for (const r of rows) byStudy.set(r.study_uid, [...(byStudy.get(r.study_uid) ?? []), r]);
      let studies = [...byStudy.values()].map(studyAttributes);
      if (q.AccessionNumber) studies = studies.filter((s) => s['00080050']?.Value?.[0] === q.AccessionNumber);
      if (q.ModalitiesInStudy)
        studies = studies.filter((s) => (s['00080061']?.Value ?? []).includes(q.ModalitiesInStudy));
      studies.sort((a, b) =>
        String(b['00080020']?.Value?.[0] ?? '').localeCompare(String(a['00080020']?.Value?.[0] ?? '')),
      );
      const shown = studies.slice(offset, offset + limit);
      await auditDisclosure(
        ctx,
        request,
        shown.map(
          (s) =>
            `ImagingStudy/${dicomStudyId(repository.access.patientId, String(s['0020000D']?.Value?.[0]))}`,
        ),
      );
      if (studies.length > offset + limit) reply.header('warning', '299 gateway "there are more results"');
      send(reply, shown);
    },
  );

  app.get<{ Params: StudyParams }>('/dicomweb/studies/:study/series', async (request, reply) => {
    const ctx = ctxOf(request);
    const repository = await auth(request, 'dicomweb-search', 'E');
    const { id, instances } = await visibleStudy(ctx, request, repository, request.params.study);
    const bySeries = new Map<string, GwDicomInstanceTable[]>();
    for (const r of instances) bySeries.set(r.series_uid, [...(bySeries.get(r.series_uid) ?? []), r]);
    detail(ctx, request, { studyUid: request.params.study });
    await auditDisclosure(ctx, request, [`ImagingStudy/${id}`]);
    send(reply, [...bySeries.values()].map(seriesAttributes));
  });

  app.get<{ Params: SeriesParams }>(
    '/dicomweb/studies/:study/series/:series/instances',
    async (request, reply) => {
      const ctx = ctxOf(request);
      const repository = await auth(request, 'dicomweb-search', 'E');
      requireUids(request.params.series);
      const { id, instances } = await visibleStudy(ctx, request, repository, request.params.study);
      const list = instances.filter((r) => r.series_uid === request.params.series);
      if (list.length === 0) throw notFound(ctx, request, 'unknown');
      detail(ctx, request, { studyUid: request.params.study, seriesUid: request.params.series });
      await auditDisclosure(ctx, request, [`ImagingStudy/${id}`]);
      send(reply, list.map(instanceAttributes));
    },
  );

  const metadata = async (
    request: FastifyRequest<{ Params: StudyParams & Partial<SeriesParams> }>,
    reply: FastifyReply,
  ) => {
    const ctx = ctxOf(request);
    const repository = await auth(request, 'dicomweb-metadata', 'R');
    const { study, series } = request.params;
    if (series) requireUids(series);
    const { id, instances } = await visibleStudy(ctx, request, repository, study);
    const list = series ? instances.filter((r) => r.series_uid === series) : instances;
    if (list.length === 0) throw notFound(ctx, request, 'unknown');
    detail(ctx, request, {
      studyUid: study,
      ...(series ? { seriesUid: series } : {}),
      instances: String(list.length),
    });
    await auditDisclosure(ctx, request, [`ImagingStudy/${id}`]);
    send(reply, list.map(header));
  };
  app.get('/dicomweb/studies/:study/metadata', metadata);
  app.get('/dicomweb/studies/:study/series/:series/metadata', metadata);

  // WADO-RS frames: multipart/related, one part per frame, read from the file one frame at a time.
  app.get<{ Params: InstanceParams & { frames: string } }>(
    '/dicomweb/studies/:study/series/:series/instances/:sop/frames/:frames',
    async (request, reply) => {
      const ctx = ctxOf(request);
      const repository = await auth(request, 'dicomweb-frames', 'R');
      const { study, series, sop } = request.params;
      requireUids(series, sop);
      const accept = request.headers.accept ?? '*/*';
      if (
        !/multipart\/related|\*\/\*/.test(accept) ||
        /transfer-syntax=(?!\*|1\.2\.840\.10008\.1\.2\.1\b)/.test(accept)
      )
        throw new GatewayError(
          'not-acceptable',
          'frames are sent as multipart/related; type="application/octet-stream" (Explicit VR Little Endian)',
        );
      const { id, instances } = await visibleStudy(ctx, request, repository, study);
      const row = instances.find((r) => r.series_uid === series && r.sop_uid === sop);
      if (!row) throw notFound(ctx, request, 'unknown');
      const numbers = frameNumbers(request.params.frames, row.frames);
      const { frames } = await openFrames(ctx, request, row, numbers);
      detail(ctx, request, {
        studyUid: study,
        seriesUid: series,
        sopUid: sop,
        frames: String(numbers.length),
      });
      await auditDisclosure(ctx, request, [`ImagingStudy/${id}`]);
      const boundary = `hie-${row.sop_uid.slice(-12)}-${Date.now().toString(36)}`;
      // Returned: the stream is still being sent when the handler's promise settles. A source that
      // breaks off mid-way (a PACS gone) can only cut the stream: logged, the hub sees it incomplete.
      return reply
        .header(
          'content-type',
          `multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1; boundary=${boundary}`,
        )
        .send(
          Readable.from(
            (async function* () {
              let n = 0;
              try {
                for await (const bytes of frames) {
                  yield Buffer.from(
                    `--${boundary}\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\nContent-Location: frames/${numbers[n++]}\r\n\r\n`,
                  );
                  yield Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
                  yield Buffer.from('\r\n');
                }
              } catch (e) {
                request.log.error({ err: e, sopUid: sop }, 'frames broke off while being sent');
                throw e;
              }
              yield Buffer.from(`--${boundary}--\r\n`);
            })(),
          ),
        );
    },
  );

  // Rendered (PNG): the first frame, or the one asked for, windowed as asked (window=center,width).
  const rendered = async (
    request: FastifyRequest<{
      Params: InstanceParams & { frame?: string };
      Querystring: { window?: string; viewport?: string };
    }>,
    reply: FastifyReply,
    thumbnail: boolean,
  ) => {
    const ctx = ctxOf(request);
    const repository = await auth(request, 'dicomweb-rendered', 'R');
    const { study, series, sop } = request.params;
    requireUids(series, sop);
    const { id, instances } = await visibleStudy(ctx, request, repository, study);
    const row = instances.find((r) => r.series_uid === series && r.sop_uid === sop);
    if (!row) throw notFound(ctx, request, 'unknown');
    const [frame] = frameNumbers(request.params.frame ?? '1', row.frames);
    const [center, width] = (request.query.window ?? '').split(',').map(Number);
    const size = thumbnail ? 128 : Number((request.query.viewport ?? '').split(',')[0]) || undefined;
    const opened = await openFrames(ctx, request, row, [frame ?? 1]);
    const pixels = (await opened.frames.next()).value;
    await opened.frames.return(undefined);
    if (!pixels) throw new GatewayError('pacs-unavailable', 'the source sent no frame');
    // Rendered before the answer is audited: an image it cannot render is a refusal, not a disclosure.
    let png: Uint8Array;
    try {
      png = renderPng(opened.instance, pixels, {
        ...(Number.isFinite(center) && Number.isFinite(width) && width! > 0
          ? { windowCenter: center!, windowWidth: width! }
          : {}),
        ...(size && size > 0 ? { size: Math.min(size, 2048) } : {}),
      });
    } catch (e) {
      if (e instanceof DicomError) throw new GatewayError('unsupported-transfer-syntax', e.message);
      throw e;
    }
    detail(ctx, request, {
      studyUid: study,
      seriesUid: series,
      sopUid: sop,
      frames: '1',
      rendered: thumbnail ? 'thumbnail' : 'png',
    });
    await auditDisclosure(ctx, request, [`ImagingStudy/${id}`]);
    reply.type('image/png').header('cache-control', 'private, no-store').send(Buffer.from(png));
  };
  app.get('/dicomweb/studies/:study/series/:series/instances/:sop/rendered', (req, reply) =>
    rendered(req as never, reply, false),
  );
  app.get('/dicomweb/studies/:study/series/:series/instances/:sop/frames/:frame/rendered', (req, reply) =>
    rendered(req as never, reply, false),
  );
  app.get('/dicomweb/studies/:study/series/:series/instances/:sop/thumbnail', (req, reply) =>
    rendered(req as never, reply, true),
  );
}
