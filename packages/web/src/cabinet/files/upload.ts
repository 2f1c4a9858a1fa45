/**
 * The resumable upload of one file to a cabinet (hub/src/cabinet/README.md, "Files"): declare it
 * (`POST …/files` → its id and `uploadUrl`), then PATCH its bytes in chunks at `Upload-Offset`. When the
 * connection breaks (an iPad on a mobile network, a train in a tunnel) what arrived is kept by the hub:
 * wait, ask where it stands (`GET …/status`) and send the rest from there. Pure: the HTTP goes through
 * the `fetch` it is given (the browser's, an XMLHttpRequest that reports progress, or a test's fake), and
 * so does the waiting.
 */

export const MB = 1024 * 1024;
/** Bytes per PATCH: small enough that a broken connection loses little, large enough to be quick. */
export const CHUNK_BYTES = 4 * MB;
/** Waits before asking the hub again after a network error; one more failure after the last gives up. */
export const RETRY_DELAYS_MS: readonly number[] = [1000, 2000, 4000, 8000, 15_000, 30_000, 30_000, 30_000];
/** A request that sends nothing for this long is taken as a broken connection. */
export const STALL_MS = 60_000;
export const UPLOAD_CONTENT_TYPE = 'application/offset+octet-stream';

/** The hub's file as its own calls answer it (`FileView`). */
export interface FileView {
  id: string;
  cabinetId: string;
  postId: string | null;
  name: string;
  kind: 'image' | 'video' | 'pdf';
  declaredType: string;
  mediaType: string | null;
  size: number;
  offset: number;
  status: 'uploading' | 'processing' | 'ready' | 'failed';
  problem: string | null;
  uploadUrl: string;
  url: string;
  thumbnailUrl: string | null;
  renditionUrl: string | null;
}

/** `fetch`, plus a report of the request body's bytes sent so far (an XMLHttpRequest can; fetch cannot). */
export type FetchLike = (
  url: string,
  init: RequestInit & { onUploadProgress?: (loaded: number) => void },
) => Promise<Response>;

export type UploadEvent =
  | { type: 'created'; file: FileView }
  /** `sent` bytes of `total` are at the hub (or on their way in the current request). */
  | { type: 'progress'; sent: number; total: number }
  /** The connection broke: the next try in `inMs`. */
  | { type: 'retrying'; attempt: number; inMs: number }
  /** The hub said where it stands: sending goes on from `offset`. */
  | { type: 'resumed'; offset: number };

/** The hub refused the file (or the request): its code and its own words ("English / 日本語"). */
export class UploadRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'UploadRefused';
  }
}

/** The connection stayed broken through every retry: what arrived is kept, the upload can be resumed. */
export class UploadInterrupted extends Error {
  constructor(readonly offset: number) {
    super('the connection broke');
    this.name = 'UploadInterrupted';
  }
}

export const isAbort = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';

const abortError = () => new DOMException('the upload was cancelled', 'AbortError');

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** What one answer of the hub (or its absence) means for the upload. */
export type Answer =
  | { kind: 'network' }
  | {
      kind: 'http';
      status: number;
      code: string;
      message: string;
      details?: unknown;
      /** The hub's offset (`Upload-Offset`, or `details.offset` of an offset-mismatch). */
      offset: number | null;
      view: FileView | null;
    };

export type Step =
  /** Send the next chunk from here. */
  | { type: 'send'; offset: number }
  /** The last byte is in: the file is processing (a video) or ready. */
  | { type: 'done'; view: FileView }
  /** Wait, then ask the hub where the upload stands. */
  | { type: 'wait-and-ask' }
  /** Ask the hub where it stands now (no reason to wait). */
  | { type: 'ask' }
  | { type: 'refused'; status: number; code: string; message: string; details?: unknown };

/** Statuses worth trying again after a while: a proxy's or the hub's passing trouble, a busy file. */
const PASSING = new Set([408, 500, 502, 503, 504]);

/**
 * The decision after a PATCH: go on from the hub's offset, finish, wait and ask where it stands, or
 * stop with the hub's refusal. `files-not-configured` (503) is the hub's setup, not passing trouble.
 */
export function afterPatch(answer: Answer): Step {
  if (answer.kind === 'network') return { type: 'wait-and-ask' };
  const { status, code, view, offset } = answer;
  if (status >= 200 && status < 300) {
    if (view && view.status !== 'uploading') {
      if (view.status === 'failed') return refusedOf(answer, view.problem ?? 'file-failed');
      return { type: 'done', view };
    }
    const at = offset ?? view?.offset;
    return at === null || at === undefined ? { type: 'ask' } : { type: 'send', offset: at };
  }
  if (status === 409 && code === 'offset-mismatch')
    return offset === null ? { type: 'ask' } : { type: 'send', offset };
  // A request before this one (broken on our side) may still be writing on the hub's.
  if (status === 409 && code === 'upload-busy') return { type: 'wait-and-ask' };
  // Finished by a request whose answer never came back: the status says how.
  if (status === 409 && code === 'upload-finished') return { type: 'ask' };
  if (PASSING.has(status) && code !== 'files-not-configured') return { type: 'wait-and-ask' };
  return refusedOf(answer, code);
}

/** The decision after asking where the upload stands (`GET …/status`). */
export function afterStatus(answer: Answer): Step {
  if (answer.kind === 'network') return { type: 'wait-and-ask' };
  const { status, code, view } = answer;
  if (status >= 200 && status < 300 && view) {
    if (view.status === 'failed') return refusedOf(answer, view.problem ?? 'file-failed');
    if (view.status !== 'uploading') return { type: 'done', view };
    return { type: 'send', offset: answer.offset ?? view.offset };
  }
  if (PASSING.has(status) && code !== 'files-not-configured') return { type: 'wait-and-ask' };
  return refusedOf(answer, code);
}

function refusedOf(answer: Extract<Answer, { kind: 'http' }>, code: string): Step {
  // A refusal at the end (infected, type-mismatch…) answers 422 with the problem as its code; a file
  // found failed by the status call says its problem there.
  const sameCode = code === answer.code;
  return {
    type: 'refused',
    status: answer.status,
    code,
    message: sameCode ? answer.message : '',
    ...(answer.details !== undefined ? { details: answer.details } : {}),
  };
}

/** Reads a response as an Answer: its JSON (a FileView, or the hub's `{ error }`) and its offset. */
export async function readAnswer(response: Response): Promise<Extract<Answer, { kind: 'http' }>> {
  let json: unknown = null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      json = await response.json();
    } catch {
      json = null;
    }
  }
  const error =
    json && typeof json === 'object' && 'error' in json
      ? ((json as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error ?? null)
      : null;
  const view = !error && json && typeof json === 'object' && 'id' in json ? (json as FileView) : null;
  const header = response.headers.get('upload-offset');
  const detailOffset =
    error?.details && typeof error.details === 'object' && 'offset' in error.details
      ? Number((error.details as { offset: unknown }).offset)
      : Number.NaN;
  const offset =
    header !== null && /^\d+$/.test(header)
      ? Number(header)
      : Number.isFinite(detailOffset)
        ? detailOffset
        : null;
  return {
    kind: 'http',
    status: response.status,
    code: typeof error?.code === 'string' ? error.code : response.ok ? 'ok' : `http-${response.status}`,
    message: typeof error?.message === 'string' ? error.message : response.statusText,
    ...(error?.details !== undefined ? { details: error.details } : {}),
    offset,
    view,
  };
}

export interface UploadOptions {
  cabinetId: string;
  file: Blob & { readonly name: string };
  /** The type to declare (see `declaredType`). */
  type: string;
  fetch: FetchLike;
  /** The session's token for unsafe methods (`x-csrf-token`). */
  csrfToken?: string | null;
  /** Continue this upload (its `uploadUrl`) instead of declaring a new one. */
  resumeUrl?: string | null;
  chunkBytes?: number;
  retryDelays?: readonly number[];
  stallMs?: number;
  signal?: AbortSignal;
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onEvent?: (event: UploadEvent) => void;
  apiBase?: string;
}

/**
 * Uploads one file and returns the hub's view of it once the last byte is in (`processing` for a video,
 * else `ready`). Throws UploadRefused with the hub's refusal, UploadInterrupted when the connection stays
 * broken (resume with `resumeUrl`), or an AbortError when `signal` aborts (the caller cancels the draft).
 */
export async function uploadFile(options: UploadOptions): Promise<FileView> {
  const {
    file,
    fetch,
    signal,
    chunkBytes = CHUNK_BYTES,
    retryDelays = RETRY_DELAYS_MS,
    stallMs = STALL_MS,
    wait = sleep,
    onEvent,
    apiBase = '/api/v1',
  } = options;
  const csrf: Record<string, string> = options.csrfToken ? { 'x-csrf-token': options.csrfToken } : {};
  const total = file.size;

  /** One request, given up when it sends nothing for `stallMs` (taken as a broken connection). */
  const request = async (
    url: string,
    init: RequestInit & { onUploadProgress?: (loaded: number) => void },
  ): Promise<Answer> => {
    if (signal?.aborted) throw abortError();
    const stalled = new AbortController();
    const onAbort = () => stalled.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => stalled.abort(), stallMs);
    };
    arm();
    try {
      const progress = init.onUploadProgress;
      const response = await fetch(url, {
        ...init,
        signal: stalled.signal,
        credentials: 'same-origin',
        ...(progress
          ? {
              onUploadProgress: (loaded: number) => {
                arm();
                progress(loaded);
              },
            }
          : {}),
      });
      clearTimeout(timer);
      return await readAnswer(response);
    } catch (error) {
      if (signal?.aborted) throw abortError();
      if (isAbort(error) || error instanceof TypeError) return { kind: 'network' };
      throw error;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  };

  // ── declare it (or continue one declared before) ──
  let uploadUrl = options.resumeUrl ?? null;
  let step: Step;
  if (uploadUrl === null) {
    let created: Answer = { kind: 'network' };
    for (let attempt = 0; ; attempt++) {
      created = await request(`${apiBase}/cabinets/${encodeURIComponent(options.cabinetId)}/files`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...csrf },
        body: JSON.stringify({ name: file.name, size: total, type: options.type }),
      });
      const passing =
        created.kind === 'network' ||
        (PASSING.has(created.status) && created.code !== 'files-not-configured');
      if (!passing || attempt >= retryDelays.length) break;
      const inMs = retryDelays[attempt] ?? 0;
      onEvent?.({ type: 'retrying', attempt: attempt + 1, inMs });
      await wait(inMs, signal);
    }
    if (created.kind === 'network') throw new UploadInterrupted(0);
    if (created.status !== 201 && created.status !== 200) throw refusal(created);
    if (!created.view) throw new UploadRefused(created.status, 'invalid-answer', 'no file in the answer');
    onEvent?.({ type: 'created', file: created.view });
    uploadUrl = created.view.uploadUrl;
    step = { type: 'send', offset: 0 };
  } else {
    step = { type: 'ask' };
  }

  // ── send, and recover ──
  let failures = 0;
  let lastOffset = 0;
  for (;;) {
    if (step.type === 'done') {
      onEvent?.({ type: 'progress', sent: total, total });
      return step.view;
    }
    if (step.type === 'refused') throw new UploadRefused(step.status, step.code, step.message, step.details);
    if (step.type === 'wait-and-ask') {
      if (failures >= retryDelays.length) throw new UploadInterrupted(lastOffset);
      const inMs = retryDelays[failures] ?? 0;
      failures += 1;
      onEvent?.({ type: 'retrying', attempt: failures, inMs });
      await wait(inMs, signal);
      step = { type: 'ask' };
      continue;
    }
    if (step.type === 'ask') {
      const answer = await request(`${uploadUrl}/status`, {
        method: 'GET',
        headers: { accept: 'application/json' },
      });
      step = afterStatus(answer);
      if (step.type === 'send') {
        lastOffset = step.offset;
        onEvent?.({ type: 'resumed', offset: step.offset });
        onEvent?.({ type: 'progress', sent: step.offset, total });
      }
      continue;
    }
    // step.type === 'send': the next chunk (an empty one finishes an upload whose bytes are all in).
    const from = step.offset;
    const to = Math.min(total, from + chunkBytes);
    const answer = await request(uploadUrl, {
      method: 'PATCH',
      headers: { 'content-type': UPLOAD_CONTENT_TYPE, 'upload-offset': String(from), ...csrf },
      body: file.slice(from, to),
      onUploadProgress: (loaded) =>
        onEvent?.({ type: 'progress', sent: Math.min(total, from + loaded), total }),
    });
    step = afterPatch(answer);
    if (step.type === 'send') {
      if (step.offset > lastOffset) failures = 0;
      lastOffset = step.offset;
      onEvent?.({ type: 'progress', sent: step.offset, total });
    }
  }
}

function refusal(answer: Extract<Answer, { kind: 'http' }>): UploadRefused {
  return new UploadRefused(answer.status, answer.code, answer.message, answer.details);
}

/**
 * Cancels an upload or a draft file (`DELETE`): the hub forgets its bytes. A request still writing it
 * (just aborted on our side) makes the hub answer `upload-busy` for a moment: asked again then.
 */
export async function cancelUpload(options: {
  uploadUrl: string;
  fetch: FetchLike;
  csrfToken?: string | null;
  wait?: (ms: number) => Promise<void>;
  tries?: number;
}): Promise<boolean> {
  const { uploadUrl, fetch, wait = sleep, tries = 5 } = options;
  for (let attempt = 0; attempt < tries; attempt++) {
    let answer: Answer;
    try {
      answer = await readAnswer(
        await fetch(uploadUrl, {
          method: 'DELETE',
          headers: {
            accept: 'application/json',
            ...(options.csrfToken ? { 'x-csrf-token': options.csrfToken } : {}),
          },
          credentials: 'same-origin',
        }),
      );
    } catch {
      answer = { kind: 'network' };
    }
    if (answer.kind === 'http' && answer.status >= 200 && answer.status < 300) return true;
    // Gone already, or in a post: nothing to cancel.
    if (answer.kind === 'http' && answer.code !== 'upload-busy' && !PASSING.has(answer.status)) return false;
    await wait(500 * (attempt + 1));
  }
  return false;
}
