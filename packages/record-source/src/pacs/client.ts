// The gateway as a DICOMweb client of the hospital's PACS (QIDO-RS, WADO-RS): HTTP Basic when a user
// is configured, a time limit on every wait for the PACS, answers read as they arrive (frames a part at a
// time). The PACS runs as its own process (Orthanc, a vendor's): nothing of it is linked into ours.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { MultipartError, mediaTypeParameters, multipartParts } from './multipart.js';

/** How the gateway reaches the PACS (config `storage.pacs`, secrets already read from their files). */
export interface PacsSettings {
  /** The DICOMweb root, e.g. `http://pacs.hospital.local:8042/dicom-web`. */
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  /** CA certificate(s) (PEM) an https PACS's certificate is issued by, when not a public CA. */
  ca?: string | undefined;
  /** Longest wait for the PACS: to connect and answer, and between two pieces of an answer. */
  timeoutMs: number;
}

/** Stable reasons the PACS could not give what was asked. */
export type PacsErrorCode =
  /** Not reachable, refused the gateway's credentials, or answered with a server error. */
  | 'pacs-unavailable'
  /** Did not answer (or stalled) within `timeoutMs`. */
  | 'pacs-timeout'
  /** Answered something that is not DICOMweb (bad JSON, bad multipart, too large). */
  | 'pacs-bad-answer'
  /** The PACS does not have it (any more). */
  | 'pacs-not-found'
  /** The PACS cannot give these pixels uncompressed (Explicit VR Little Endian). */
  | 'pacs-unsupported-transfer-syntax';

export class PacsError extends Error {
  override readonly name = 'PacsError';
  constructor(
    readonly code: PacsErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const DICOM_JSON = 'application/dicom+json, application/json';
/** Explicit VR Little Endian: what the gateway serves, whatever the PACS stores (it transcodes). */
export const FRAMES_ACCEPT =
  'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1';
/** Answers held whole (QIDO pages, one study's metadata) are bounded; frames are streamed. */
const MAX_JSON_BYTES = 256 * 1024 * 1024;
const MAX_FRAME_BYTES = 512 * 1024 * 1024;

/** One QIDO-RS study as the sync needs it. */
export interface PacsStudy {
  studyUid: string;
  patientId: string;
  issuer: string | null;
  instances: number;
  studyDate: string | null;
}

export class PacsClient {
  private readonly base: URL;
  private readonly authorization: string | undefined;
  /** The slowest answer (ms) since `resetTiming`, so a slow PACS shows in the status. */
  slowestMs = 0;

  constructor(readonly settings: PacsSettings) {
    this.base = new URL(settings.url.replace(/\/+$/, '/').replace(/([^/])$/, '$1/'));
    this.authorization =
      settings.username !== undefined
        ? `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`
        : undefined;
  }

  /** The DICOMweb root as configured (no credentials in it), for messages and the status. */
  get url(): string {
    return this.base.href.replace(/\/$/, '');
  }

  resetTiming(): void {
    this.slowestMs = 0;
  }

  /** One page of QIDO-RS studies; `studyDate` is a DICOM date range (`20261001-`). */
  async studies(page: { offset: number; limit: number; studyDate?: string }): Promise<PacsStudy[]> {
    const query = new URLSearchParams({
      limit: String(page.limit),
      offset: String(page.offset),
      includefield: '00100021',
    });
    if (page.studyDate) query.set('StudyDate', page.studyDate);
    const answer = await this.json(`studies?${query}`);
    if (!Array.isArray(answer)) throw new PacsError('pacs-bad-answer', 'QIDO-RS studies: not a JSON array');
    return answer.flatMap((s): PacsStudy[] => {
      const text = (tag: string) => {
        const v = (s as Record<string, { Value?: unknown[] }> | null)?.[tag]?.Value?.[0];
        return typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : null;
      };
      const studyUid = text('0020000D');
      if (!studyUid) return [];
      return [
        {
          studyUid,
          patientId: text('00100020') ?? '',
          issuer: text('00100021') || null,
          instances: Number(text('00201208') ?? 0) || 0,
          studyDate: text('00080020') || null,
        },
      ];
    });
  }

  /** WADO-RS metadata of a study: one DICOM JSON data set per instance. */
  async studyMetadata(studyUid: string): Promise<unknown[]> {
    const answer = await this.json(`studies/${studyUid}/metadata`);
    if (!Array.isArray(answer)) throw new PacsError('pacs-bad-answer', 'WADO-RS metadata: not a JSON array');
    return answer;
  }

  /**
   * WADO-RS frames of one instance, uncompressed: resolves once the PACS has answered (status and
   * headers), then yields each frame's bytes as its part arrives. Ending the iteration early closes the
   * PACS's answer.
   */
  async frames(
    path: { study: string; series: string; sop: string },
    numbers: readonly number[],
  ): Promise<AsyncGenerator<Uint8Array>> {
    const response = await this.request(
      `studies/${path.study}/series/${path.series}/instances/${path.sop}/frames/${numbers.join(',')}`,
      FRAMES_ACCEPT,
    );
    const type = response.headers['content-type'] ?? '';
    const boundary = mediaTypeParameters(type).boundary;
    if (!/^multipart\/related/i.test(type) || !boundary) {
      response.destroy();
      throw new PacsError('pacs-bad-answer', `frames answered as ${type || 'no content type'}`);
    }
    const timeoutMs = this.settings.timeoutMs;
    return (async function* () {
      let count = 0;
      try {
        for await (const part of multipartParts(idle(response, timeoutMs), boundary, MAX_FRAME_BYTES)) {
          count++;
          yield part.body;
        }
      } catch (e) {
        if (e instanceof MultipartError) throw new PacsError('pacs-bad-answer', `frames: ${e.message}`);
        throw e;
      } finally {
        response.destroy();
      }
      if (count !== numbers.length)
        throw new PacsError('pacs-bad-answer', `${count} frame(s) received, ${numbers.length} asked`);
    })();
  }

  private async json(path: string): Promise<unknown> {
    const response = await this.request(path, DICOM_JSON);
    const text = await readAll(response, this.settings.timeoutMs, MAX_JSON_BYTES);
    if (text.length === 0) return []; // 204 No Content: nothing matched
    try {
      return JSON.parse(text.toString('utf8'));
    } catch {
      throw new PacsError('pacs-bad-answer', `${path.split('?')[0]}: not JSON`);
    }
  }

  /** GET `path` below the root: the response once its status is 2xx, else a PacsError. */
  private request(path: string, accept: string): Promise<IncomingMessage> {
    const url = new URL(path, this.base);
    const started = Date.now();
    const transport = url.protocol === 'https:' ? https : http;
    const where = `${this.url}/${path.split('?')[0]}`;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const request = transport.request(url, {
        method: 'GET',
        agent: false,
        headers: { accept, ...(this.authorization ? { authorization: this.authorization } : {}) },
        ...(this.settings.ca && url.protocol === 'https:' ? { ca: this.settings.ca } : {}),
      });
      const timer = setTimeout(() => {
        request.destroy(
          new PacsError('pacs-timeout', `${where}: no answer within ${this.settings.timeoutMs} ms`),
        );
      }, this.settings.timeoutMs);
      request.on('error', (e: Error & { code?: string }) => {
        clearTimeout(timer);
        reject(
          e instanceof PacsError ? e : new PacsError('pacs-unavailable', `${where}: ${e.code ?? e.message}`),
        );
      });
      request.on('response', (response) => {
        clearTimeout(timer);
        this.slowestMs = Math.max(this.slowestMs, Date.now() - started);
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(response);
          return;
        }
        response.resume();
        response.destroy();
        reject(failure(status, where));
      });
      request.end();
    });
  }
}

function failure(status: number, where: string): PacsError {
  if (status === 404) return new PacsError('pacs-not-found', `${where}: 404`);
  if (status === 401 || status === 403)
    return new PacsError(
      'pacs-unavailable',
      `${where}: ${status}, the PACS refused the gateway's credentials`,
    );
  if (status === 406 || status === 415 || (status === 400 && /\/frames\//.test(where)))
    return new PacsError(
      'pacs-unsupported-transfer-syntax',
      `${where}: ${status}, the PACS cannot send these pixels uncompressed`,
    );
  return new PacsError('pacs-unavailable', `${where}: HTTP ${status}`);
}

/**
 * The stream's chunks, failing with `pacs-timeout` when the PACS sends nothing for `ms` while we wait
 * for it (time spent by our own consumer, e.g. a slow client downstream, does not count).
 */
async function* idle(stream: Readable, ms: number): AsyncGenerator<Uint8Array> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new PacsError('pacs-timeout', `the PACS stalled for ${ms} ms in its answer`)),
          ms,
        );
      });
      let next: IteratorResult<Uint8Array>;
      try {
        next = await Promise.race([chunks.next(), stalled]);
      } catch (e) {
        if (e instanceof PacsError) throw e;
        throw new PacsError('pacs-unavailable', `the PACS broke off its answer: ${(e as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    stream.destroy();
  }
}

async function readAll(stream: Readable, timeoutMs: number, max: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of idle(stream, timeoutMs)) {
    length += chunk.length;
    if (length > max) throw new PacsError('pacs-bad-answer', `an answer larger than ${max} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}
