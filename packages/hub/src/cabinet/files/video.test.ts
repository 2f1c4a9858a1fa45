import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHubApp } from '../../api/app.js';
import { TEST_ENGINES } from '../../testing/store.js';
import { testIdentify } from '../../testing.js';
import { cabinetRoutes } from '../api/routes.js';
import {
  type FilesUnderTest,
  ffprobeJson,
  filesUnderTest,
  testVideo,
  uploadWhole,
  waitForFile,
} from './testing.js';

/** The top-level boxes of an MP4, in order (`+faststart` puts moov before mdat). */
function topBoxes(bytes: Buffer): string[] {
  const boxes: string[] = [];
  for (let at = 0; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(at);
    boxes.push(bytes.toString('latin1', at + 4, at + 8));
    if (size < 8) break;
    at += size;
  }
  return boxes;
}

describe.each(TEST_ENGINES)('Care Cabinet videos on %s', (engine) => {
  let t: FilesUnderTest;
  let probeDir: string;
  const get = (url: string) => t.hub.app.inject({ method: 'GET', url, headers: t.hub.as(t.team.nurse) });
  const probeBytes = async (bytes: Buffer, name: string) => {
    const path = join(probeDir, name);
    await writeFile(path, bytes);
    return ffprobeJson(path);
  };

  beforeAll(async () => {
    t = await filesUnderTest(engine);
    probeDir = await mkdtemp(join(tmpdir(), 'hie-video-probe-'));
  });
  afterAll(async () => {
    await t.dispose();
    await rm(probeDir, { recursive: true, force: true });
  });

  it('makes a poster and an H.264/AAC rendition in the background; the copy kept has no location', async () => {
    const video = await testVideo(2, '320x240');
    expect((await probeBytes(video, 'in.mp4')).format.tags?.location).toBeDefined();
    const { id, url, sent } = await uploadWhole(
      t.hub,
      t.team.nurse,
      t.cabinetId,
      video,
      '体位変換.mp4',
      'video/mp4',
    );
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json().status).toBe('processing');
    // A video being converted may already be posted.
    const posted = await t.hub.app.inject({
      method: 'POST',
      url: `/api/v1/cabinets/${t.cabinetId}/posts`,
      headers: t.hub.as(t.team.nurse),
      payload: { kind: 'free', text: '体位変換の様子', attachments: [{ type: 'file', id }] },
    });
    expect(posted.statusCode, posted.body).toBe(201);
    expect(['processing', 'ready']).toContain(posted.json().attachments[0].status);

    const ready = await waitForFile(t.hub, t.team.nurse, t.cabinetId, id);
    expect(ready).toMatchObject({ status: 'ready', width: 320, height: 240 });
    expect(ready.durationMs).toBeGreaterThan(1500);
    expect(ready.thumbnailUrl).toBe(`${url}?variant=poster`);

    const rendition = await get(`${url}?variant=rendition`);
    expect(rendition.statusCode).toBe(200);
    expect(rendition.headers['content-type']).toBe('video/mp4');
    expect(rendition.headers['content-disposition']).toMatch(/^inline; /);
    expect(topBoxes(rendition.rawPayload).indexOf('moov')).toBeLessThan(
      topBoxes(rendition.rawPayload).indexOf('mdat'),
    );
    const info = await probeBytes(rendition.rawPayload, 'rendition.mp4');
    expect(info.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort()).toEqual([
      'audio:aac',
      'video:h264',
    ]);
    expect(info.format.tags?.location).toBeUndefined();

    const poster = await get(`${url}?variant=poster`);
    expect(poster.headers['content-type']).toBe('image/jpeg');
    expect((await probeBytes(poster.rawPayload, 'poster.jpg')).streams[0]).toMatchObject({
      width: 320,
      height: 240,
    });

    const original = await get(url);
    expect(original.headers['content-type']).toBe('video/mp4');
    const kept = await probeBytes(original.rawPayload, 'original.mp4');
    expect(kept.format.tags?.location).toBeUndefined();
    expect(kept.format.tags?.title).toBeUndefined();
    expect(kept.streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('mpeg4');
    // A range of the rendition, as a player seeks.
    const part = await t.hub.app.inject({
      method: 'GET',
      url: `${url}?variant=rendition`,
      headers: { ...t.hub.as(t.team.doctor), range: 'bytes=0-1023' },
    });
    expect(part.statusCode).toBe(206);
    expect(part.rawPayload).toEqual(rendition.rawPayload.subarray(0, 1024));
  });

  it('scales a large video to fit 720p', async () => {
    const video = await testVideo(1, '1280x960');
    const { id, url } = await uploadWhole(t.hub, t.team.nurse, t.cabinetId, video, 'big.mp4', 'video/mp4');
    expect(await waitForFile(t.hub, t.team.nurse, t.cabinetId, id)).toMatchObject({
      status: 'ready',
      width: 1280,
    });
    const info = await probeBytes((await get(`${url}?variant=rendition`)).rawPayload, 'r720.mp4');
    expect(info.streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 960, height: 720 });
  });

  it('a file ffmpeg cannot read fails as video-unreadable, its bytes deleted', async () => {
    const ftyp = Buffer.from('00000018667479706d703432000000006d703432', 'hex');
    const garbage = Buffer.concat([ftyp, randomBytes(200_000)]);
    const { id, url, sent } = await uploadWhole(
      t.hub,
      t.team.nurse,
      t.cabinetId,
      garbage,
      'broken.mp4',
      'video/mp4',
    );
    expect(sent.statusCode, sent.body).toBe(200);
    const failed = await waitForFile(t.hub, t.team.nurse, t.cabinetId, id);
    expect(failed).toMatchObject({ status: 'failed', problem: 'video-unreadable' });
    expect((await get(url)).statusCode).toBe(410);
  });

  it('conversions stopped by a shutdown are done again at the next start', async () => {
    const video = await testVideo(3, '640x480');
    const first = await uploadWhole(t.hub, t.team.nurse, t.cabinetId, video, 'a.mp4', 'video/mp4');
    const second = await uploadWhole(t.hub, t.team.nurse, t.cabinetId, video, 'b.mp4', 'video/mp4');
    expect([first.sent.json().status, second.sent.json().status]).toEqual(['processing', 'processing']);
    // The hub stops while the first converts (one at a time: the second waits its turn).
    await t.hub.app.close();
    const left = await t.hub.store.db
      .selectFrom('hub_cabinet_file')
      .select(['id', 'status'])
      .where('id', 'in', [first.id, second.id])
      .execute();
    expect(left.map((r) => r.status)).toEqual(['processing', 'processing']);

    let restarted: FastifyInstance | null = null;
    try {
      restarted = await createHubApp(t.hub.deps, { routes: [cabinetRoutes], identify: testIdentify });
      await restarted.ready();
      const app = restarted;
      for (const file of [first, second]) {
        const until = Date.now() + 60_000;
        let status = 'processing';
        while (status === 'processing' && Date.now() < until) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const res = await app.inject({
            method: 'GET',
            url: `${file.url}/status`,
            headers: t.hub.as(t.team.nurse),
          });
          status = res.json().status;
        }
        expect(status).toBe('ready');
        const rendition = await app.inject({
          method: 'GET',
          url: `${file.url}?variant=rendition`,
          headers: t.hub.as(t.team.nurse),
        });
        expect(rendition.statusCode).toBe(200);
      }
    } finally {
      await restarted?.close();
    }
  });
});
