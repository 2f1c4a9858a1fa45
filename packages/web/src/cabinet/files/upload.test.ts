import { describe, expect, it } from 'vitest';
import {
  afterPatch,
  afterStatus,
  cancelUpload,
  type FetchLike,
  type FileView,
  type UploadEvent,
  UploadInterrupted,
  UploadRefused,
  uploadFile,
} from './upload';

const ID = '0b7c2f52-6d7e-4c47-9c0e-3a1f5e2b9d10';
const URL_ = `/api/v1/cabinets/cab-1/files/${ID}`;

interface Call {
  method: string;
  url: string;
  offset: number | null;
  bytes: number;
  csrf: string | null;
}

/**
 * A hub in memory, answering as the README says: POST declares, PATCH appends at the hub's offset
 * (409 offset-mismatch otherwise), GET …/status says where it stands. `faults` break the Nth PATCH.
 */
function fakeHub(
  options: {
    /** PATCH number (1-based) → what goes wrong: half of it arrives, then the connection breaks. */
    breakPatch?: Record<number, 'half' | 'nothing' | 'answer-lost' | 'stall' | 503>;
    /** Status calls that fail on the network before one gets through. */
    statusNetworkErrors?: number;
    /** The last byte in: the file is refused with this problem (422). */
    finalProblem?: string;
    /** The declaration is refused. */
    declare?: { status: number; code: string; message: string; details?: unknown };
    kind?: FileView['kind'];
  } = {},
) {
  const calls: Call[] = [];
  let size = 0;
  let offset = 0;
  let status: FileView['status'] = 'uploading';
  let problem: string | null = null;
  let patches = 0;
  let statusErrors = options.statusNetworkErrors ?? 0;
  const view = (): FileView => ({
    id: ID,
    cabinetId: 'cab-1',
    postId: null,
    name: 'x.jpg',
    kind: options.kind ?? 'image',
    declaredType: 'image/jpeg',
    mediaType: status === 'uploading' ? null : 'image/jpeg',
    size,
    offset,
    status,
    problem,
    uploadUrl: URL_,
    url: URL_,
    thumbnailUrl: null,
    renditionUrl: null,
  });
  const json = (body: unknown, init: { status?: number; offset?: number } = {}) =>
    new Response(JSON.stringify(body), {
      status: init.status ?? 200,
      headers: {
        'content-type': 'application/json',
        ...(init.offset !== undefined ? { 'upload-offset': String(init.offset) } : {}),
      },
    });
  const refuse = (s: number, code: string, message: string, details?: unknown, at?: number) =>
    json(
      { error: { code, message, ...(details !== undefined ? { details } : {}) } },
      { status: s, ...(at !== undefined ? { offset: at } : {}) },
    );

  const fetch: FetchLike = async (url, init) => {
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    const body = init.body instanceof Blob ? init.body : null;
    const at = headers.get('upload-offset');
    calls.push({
      method,
      url,
      offset: at === null ? null : Number(at),
      bytes: body?.size ?? 0,
      csrf: headers.get('x-csrf-token'),
    });
    if (method === 'POST') {
      if (options.declare) {
        const d = options.declare;
        return refuse(d.status, d.code, d.message, d.details);
      }
      const declared = JSON.parse(String(init.body)) as { size: number };
      size = declared.size;
      return json({ ...view(), offset: 0 }, { status: 201, offset: 0 });
    }
    if (method === 'GET' && url.endsWith('/status')) {
      if (statusErrors > 0) {
        statusErrors -= 1;
        throw new TypeError('Failed to fetch');
      }
      return json(view(), { offset });
    }
    if (method === 'DELETE') {
      status = 'failed';
      problem = 'cancelled';
      return json({ ok: true });
    }
    if (method === 'PATCH') {
      patches += 1;
      const fault = options.breakPatch?.[patches];
      if (status !== 'uploading') return refuse(409, 'upload-finished', 'finished / 完了しています');
      if (Number(at) !== offset) return refuse(409, 'offset-mismatch', 'send from there', { offset }, offset);
      const length = body?.size ?? 0;
      if (fault === 503) return refuse(503, 'http-503', 'Service Unavailable');
      if (fault === 'nothing') throw new TypeError('Failed to fetch');
      if (fault === 'half') {
        const half = Math.floor(length / 2);
        init.onUploadProgress?.(half);
        offset += half;
        throw new TypeError('Failed to fetch');
      }
      if (fault === 'stall') {
        // Sends nothing and never answers, until the request is given up.
        return new Promise<Response>((_resolve, reject) => {
          init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        });
      }
      init.onUploadProgress?.(length);
      offset += length;
      if (offset === size) {
        if (options.finalProblem) {
          status = 'failed';
          problem = options.finalProblem;
          return refuse(
            422,
            options.finalProblem,
            'the virus scan found malware / ウイルスが検出されました',
            {
              status: 'failed',
            },
          );
        }
        status = options.kind === 'video' ? 'processing' : 'ready';
      }
      if (fault === 'answer-lost') throw new TypeError('Failed to fetch');
      return json(view(), { offset });
    }
    return refuse(404, 'not-found', 'no route');
  };
  return { fetch, calls, state: () => ({ offset, status, problem }) };
}

const file = (bytes: number, name = 'x.jpg') =>
  Object.assign(new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), { name });
const noWait = async () => {};
const KB = 1024;

describe('uploadFile', () => {
  it('declares the file, then sends it in chunks at the hub’s offsets', async () => {
    const hub = fakeHub();
    const events: UploadEvent[] = [];
    const view = await uploadFile({
      cabinetId: 'cab-1',
      file: file(10 * KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      csrfToken: 'tok',
      chunkBytes: 4 * KB,
      wait: noWait,
      onEvent: (e) => events.push(e),
    });
    expect(view.status).toBe('ready');
    expect(hub.calls.map((c) => [c.method, c.offset, c.bytes])).toEqual([
      ['POST', null, 0],
      ['PATCH', 0, 4 * KB],
      ['PATCH', 4 * KB, 4 * KB],
      ['PATCH', 8 * KB, 2 * KB],
    ]);
    expect(hub.calls.every((c) => c.csrf === 'tok')).toBe(true);
    expect(hub.calls[1]?.url).toBe(URL_);
    const progress = events.filter((e) => e.type === 'progress').map((e) => e.sent);
    expect(progress.at(-1)).toBe(10 * KB);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress);
    expect(events[0]).toMatchObject({ type: 'created', file: { id: ID } });
  });

  it('after a connection breaks mid-chunk, waits, asks the hub and sends only the rest', async () => {
    const hub = fakeHub({ breakPatch: { 2: 'half' } });
    const waits: number[] = [];
    const events: UploadEvent[] = [];
    await uploadFile({
      cabinetId: 'cab-1',
      file: file(12 * KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      chunkBytes: 4 * KB,
      wait: async (ms) => {
        waits.push(ms);
      },
      retryDelays: [100, 200],
      onEvent: (e) => events.push(e),
    });
    expect(waits).toEqual([100]);
    expect(hub.calls.map((c) => [c.method, c.offset])).toEqual([
      ['POST', null],
      ['PATCH', 0],
      ['PATCH', 4 * KB],
      ['GET', null],
      ['PATCH', 6 * KB],
      ['PATCH', 10 * KB],
    ]);
    expect(hub.calls[3]?.url).toBe(`${URL_}/status`);
    expect(events).toContainEqual({ type: 'resumed', offset: 6 * KB });
    expect(hub.state()).toMatchObject({ offset: 12 * KB, status: 'ready' });
  });

  it('keeps asking while the network is down, then resumes', async () => {
    const hub = fakeHub({ breakPatch: { 1: 'nothing' }, statusNetworkErrors: 2 });
    const waits: number[] = [];
    const view = await uploadFile({
      cabinetId: 'cab-1',
      file: file(3 * KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      chunkBytes: 4 * KB,
      retryDelays: [10, 20, 30, 40],
      wait: async (ms) => {
        waits.push(ms);
      },
    });
    expect(view.status).toBe('ready');
    expect(waits).toEqual([10, 20, 30]);
  });

  it('gives up after the last retry, saying where it stopped, and resumes from there later', async () => {
    const hub = fakeHub({ breakPatch: { 2: 'half', 3: 'nothing', 4: 'nothing' } });
    const error = await uploadFile({
      cabinetId: 'cab-1',
      file: file(8 * KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      chunkBytes: 4 * KB,
      retryDelays: [1, 1],
      wait: noWait,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadInterrupted);
    expect((error as UploadInterrupted).offset).toBe(6 * KB);

    const view = await uploadFile({
      cabinetId: 'cab-1',
      file: file(8 * KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      chunkBytes: 4 * KB,
      resumeUrl: URL_,
      wait: noWait,
    });
    expect(view.status).toBe('ready');
    expect(hub.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(hub.calls.slice(-2).map((c) => [c.method, c.offset])).toEqual([
      ['GET', null],
      ['PATCH', 6 * KB],
    ]);
  });

  it('an answer lost after the last byte: the status says the file is in', async () => {
    const hub = fakeHub({ breakPatch: { 1: 'answer-lost' }, kind: 'video' });
    const view = await uploadFile({
      cabinetId: 'cab-1',
      file: file(2 * KB, 'v.mp4'),
      type: 'video/mp4',
      fetch: hub.fetch,
      chunkBytes: 4 * KB,
      wait: noWait,
    });
    expect(view.status).toBe('processing');
    expect(hub.calls.map((c) => c.method)).toEqual(['POST', 'PATCH', 'GET']);
  });

  it('follows the hub’s offset on 409 offset-mismatch; a busy file is waited for', () => {
    const mismatch = {
      kind: 'http' as const,
      status: 409,
      code: 'offset-mismatch',
      message: '',
      offset: 4096,
      view: null,
    };
    expect(afterPatch(mismatch)).toEqual({ type: 'send', offset: 4096 });
    expect(afterPatch({ ...mismatch, offset: null })).toEqual({ type: 'ask' });
    expect(afterPatch({ ...mismatch, code: 'upload-busy', offset: null })).toEqual({ type: 'wait-and-ask' });
    expect(afterPatch({ ...mismatch, code: 'upload-finished', offset: null })).toEqual({ type: 'ask' });
    expect(afterPatch({ kind: 'network' })).toEqual({ type: 'wait-and-ask' });
    expect(afterPatch({ ...mismatch, status: 503, code: 'files-not-configured' })).toMatchObject({
      type: 'refused',
    });
    expect(afterPatch({ ...mismatch, status: 403, code: 'uploader-only' })).toMatchObject({
      type: 'refused',
      code: 'uploader-only',
    });
  });

  it('a request that sends nothing for too long counts as a broken connection', async () => {
    const hub = fakeHub({ breakPatch: { 1: 'stall' } });
    const view = await uploadFile({
      cabinetId: 'cab-1',
      file: file(KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      stallMs: 20,
      wait: noWait,
    });
    expect(view.status).toBe('ready');
    expect(hub.calls.map((c) => c.method)).toEqual(['POST', 'PATCH', 'GET', 'PATCH']);
  });

  it('waits out a passing 503 and goes on', async () => {
    const hub = fakeHub({ breakPatch: { 1: 503 } });
    const view = await uploadFile({
      cabinetId: 'cab-1',
      file: file(KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      wait: noWait,
    });
    expect(view.status).toBe('ready');
  });

  it('a refusal at the last byte (infected) is the hub’s, with its words', async () => {
    const hub = fakeHub({ finalProblem: 'infected' });
    const error = await uploadFile({
      cabinetId: 'cab-1',
      file: file(KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      wait: noWait,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadRefused);
    expect(error).toMatchObject({ status: 422, code: 'infected' });
    expect((error as Error).message).toContain('ウイルス');
  });

  it('a refusal at the declaration (too large, type not allowed) sends no bytes', async () => {
    const hub = fakeHub({
      declare: { status: 413, code: 'too-large', message: 'at most 20 MB / 写真は 20 MB までです' },
    });
    const error = await uploadFile({
      cabinetId: 'cab-1',
      file: file(KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      wait: noWait,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 413, code: 'too-large' });
    expect(hub.calls.map((c) => c.method)).toEqual(['POST']);
  });

  it('a file found failed when asked is refused with its problem', () => {
    const failed = { status: 'failed', problem: 'video-unreadable' } as FileView;
    expect(
      afterStatus({ kind: 'http', status: 200, code: 'ok', message: 'OK', offset: 10, view: failed }),
    ).toMatchObject({ type: 'refused', code: 'video-unreadable' });
  });

  it('an upload whose bytes are all in but still `uploading` is finished with an empty PATCH', () => {
    const view = { status: 'uploading', offset: 10, size: 10 } as FileView;
    expect(afterStatus({ kind: 'http', status: 200, code: 'ok', message: '', offset: 10, view })).toEqual({
      type: 'send',
      offset: 10,
    });
  });

  it('stops at once when cancelled', async () => {
    const hub = fakeHub({ breakPatch: { 1: 'stall' } });
    const controller = new AbortController();
    const promise = uploadFile({
      cabinetId: 'cab-1',
      file: file(KB),
      type: 'image/jpeg',
      fetch: hub.fetch,
      signal: controller.signal,
      wait: noWait,
    });
    setTimeout(() => controller.abort(), 10);
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(hub.calls.map((c) => c.method)).toEqual(['POST', 'PATCH']);
  });
});

describe('cancelUpload', () => {
  it('asks again while the hub is still busy with the aborted request', async () => {
    let busy = 2;
    const methods: string[] = [];
    const fetch: FetchLike = async (_url, init) => {
      methods.push(init.method ?? 'GET');
      if (busy-- > 0)
        return new Response(JSON.stringify({ error: { code: 'upload-busy', message: 'busy' } }), {
          status: 409,
          headers: { 'content-type': 'application/json' },
        });
      return new Response(JSON.stringify({ ok: true }), { headers: { 'content-type': 'application/json' } });
    };
    expect(await cancelUpload({ uploadUrl: URL_, fetch, wait: noWait })).toBe(true);
    expect(methods).toEqual(['DELETE', 'DELETE', 'DELETE']);
  });

  it('a file already in a post is not cancelled', async () => {
    const fetch: FetchLike = async () =>
      new Response(JSON.stringify({ error: { code: 'in-a-post', message: 'in a post' } }), {
        status: 409,
        headers: { 'content-type': 'application/json' },
      });
    expect(await cancelUpload({ uploadUrl: URL_, fetch, wait: noWait })).toBe(false);
  });
});
