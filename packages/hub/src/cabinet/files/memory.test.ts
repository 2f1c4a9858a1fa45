import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../../testing/store.js';
import { listening, send } from './testing/http-client.js';
import { type FilesUnderTest, filesUnderTest, startUpload, UPLOAD_TYPE, waitForFile } from './testing.js';

const MB = 1024 * 1024;
const SIZE = 200 * MB;

/** 200 MB of a "video": an ftyp box, then zeros, yielded 1 MB at a time (the client holds no copy). */
function* video(): Generator<Buffer> {
  const chunk = Buffer.alloc(MB);
  const head = Buffer.from('00000018667479706d703432000000006d703432', 'hex');
  yield Buffer.concat([head, chunk.subarray(head.length)]);
  for (let sent = MB; sent < SIZE; sent += MB) yield chunk;
}

describe.each(TEST_ENGINES)('a 200 MB upload on %s', (engine) => {
  let t: FilesUnderTest;
  let port: number;
  beforeAll(async () => {
    t = await filesUnderTest(engine);
    port = await listening(t.hub);
  });
  afterAll(() => t.dispose());

  it('streams to disk: the process grows by less than 100 MB', async () => {
    const created = await startUpload(t.hub, t.team.nurse, t.cabinetId, {
      name: 'long.mp4',
      size: SIZE,
      type: 'video/mp4',
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id, uploadUrl } = created.json();
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    try {
      const answer = await send(
        port,
        'PATCH',
        uploadUrl,
        { ...t.hub.as(t.team.nurse), 'content-type': UPLOAD_TYPE, 'upload-offset': '0' },
        video(),
        { contentLength: SIZE },
      );
      expect(answer?.status, answer?.body.toString()).toBe(200);
      expect(JSON.parse(answer?.body.toString() ?? '{}')).toMatchObject({
        offset: SIZE,
        status: 'processing',
      });
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    expect((peak - before) / MB).toBeLessThan(100);
    // Zeros are no video: it fails in the background, and its 200 MB are deleted.
    expect(await waitForFile(t.hub, t.team.nurse, t.cabinetId, id)).toMatchObject({
      status: 'failed',
      problem: 'video-unreadable',
    });
    await expect(stat(join(t.dir, id))).rejects.toThrow();
  });
});
