import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../../http.js';
import { TEST_ENGINES } from '../../testing/store.js';
import { OIDS } from '../testing.js';
import { listening, send } from './testing/http-client.js';
import {
  type FilesUnderTest,
  ffprobeJson,
  filesUnderTest,
  hasExifOrGps,
  hasGps,
  patchBytes,
  startUpload,
  syntheticHeic,
  testPicture,
  UPLOAD_TYPE,
  uploadWhole,
  withExif,
} from './testing.js';
import { expireUploads } from './upload.js';

const MB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const pdfBytes = (size: number) =>
  Buffer.concat([Buffer.from('%PDF-1.7\n', 'latin1'), randomBytes(size - 9)]);

describe.each(TEST_ENGINES)('Care Cabinet files on %s', (engine) => {
  let t: FilesUnderTest;
  let port: number;
  const files = () => `/api/v1/cabinets/${t.cabinetId}/files`;
  const get = (who: HubPrincipal | null, url: string, headers: Record<string, string> = {}) =>
    t.hub.app.inject({ method: 'GET', url, headers: { ...(who ? t.hub.as(who) : {}), ...headers } });
  const head = (who: HubPrincipal, url: string) =>
    t.hub.app.inject({ method: 'HEAD', url, headers: t.hub.as(who) });
  const post = (who: HubPrincipal, body: object) =>
    t.hub.app.inject({
      method: 'POST',
      url: `/api/v1/cabinets/${t.cabinetId}/posts`,
      headers: t.hub.as(who),
      payload: body,
    });
  const folders = async () => readdir(t.dir);

  beforeAll(async () => {
    t = await filesUnderTest(engine);
    port = await listening(t.hub);
  });
  afterAll(() => t.dispose());

  it('uploads in three chunks over a real connection, resuming after the connection broke', async () => {
    const bytes = pdfBytes(3 * MB);
    const created = await startUpload(t.hub, t.team.nurse, t.cabinetId, {
      name: '訪問看護指示書.pdf',
      size: bytes.length,
      type: 'application/pdf',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ offset: 0, status: 'uploading', kind: 'pdf' });
    const { id, uploadUrl } = created.json();
    expect(uploadUrl).toBe(`${files()}/${id}`);
    const headers = { ...t.hub.as(t.team.nurse), 'content-type': UPLOAD_TYPE };

    const first = await send(
      port,
      'PATCH',
      uploadUrl,
      { ...headers, 'upload-offset': '0' },
      [bytes.subarray(0, MB)],
      {
        contentLength: MB,
      },
    );
    expect(first?.status).toBe(200);
    expect(first?.headers['upload-offset']).toBe(String(MB));

    // The second chunk breaks off halfway: the hub keeps what arrived.
    await send(
      port,
      'PATCH',
      uploadUrl,
      { ...headers, 'upload-offset': String(MB) },
      [bytes.subarray(MB, MB + MB / 2)],
      {
        contentLength: MB,
        abortAfterMs: 300,
      },
    );
    let offset = MB;
    for (let tries = 0; tries < 50; tries++) {
      const status = await head(t.team.nurse, uploadUrl);
      expect(status.statusCode).toBe(200);
      offset = Number(status.headers['upload-offset']);
      if (offset > MB) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(offset).toBeGreaterThan(MB);
    expect(offset).toBeLessThanOrEqual(MB + MB / 2);

    // The client resumes where the hub is (retrying while the broken request still winds down).
    let last = await send(
      port,
      'PATCH',
      uploadUrl,
      { ...headers, 'upload-offset': String(offset) },
      [bytes.subarray(offset)],
      {
        contentLength: bytes.length - offset,
      },
    );
    for (let tries = 0; last?.status === 409 && tries < 20; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      last = await send(
        port,
        'PATCH',
        uploadUrl,
        { ...headers, 'upload-offset': String(offset) },
        [bytes.subarray(offset)],
        {
          contentLength: bytes.length - offset,
        },
      );
    }
    expect(last?.status, last?.body.toString()).toBe(200);
    const done = JSON.parse(last?.body.toString() ?? '{}');
    expect(done).toMatchObject({
      status: 'ready',
      offset: bytes.length,
      sha256: sha256(bytes),
      mediaType: 'application/pdf',
    });

    const whole = await get(t.team.nurse, uploadUrl);
    expect(whole.statusCode).toBe(200);
    expect(sha256(whole.rawPayload)).toBe(sha256(bytes));
    expect(whole.headers['content-type']).toBe('application/pdf');
    expect(whole.headers['content-disposition']).toMatch(
      /^attachment; filename=".*\.pdf"; filename\*=UTF-8''/,
    );
    expect(whole.headers['cache-control']).toBe('private, no-store');
    expect(whole.headers['x-content-type-options']).toBe('nosniff');
    expect(whole.headers['accept-ranges']).toBe('bytes');
  });

  it('refuses an offset that is not the hub’s: 409 with the offset to resume at', async () => {
    const bytes = await testPicture(64, 48, 'png');
    const created = (
      await startUpload(t.hub, t.team.nurse, t.cabinetId, {
        name: 'a.png',
        size: bytes.length,
        type: 'image/png',
      })
    ).json();
    const ahead = await patchBytes(t.hub, t.team.nurse, created.uploadUrl, 10, bytes.subarray(10));
    expect(ahead.statusCode).toBe(409);
    expect(ahead.headers['upload-offset']).toBe('0');
    expect(ahead.json().error).toMatchObject({ code: 'offset-mismatch', details: { offset: 0 } });
    expect(
      (await patchBytes(t.hub, t.team.nurse, created.uploadUrl, 0, bytes.subarray(0, 100))).statusCode,
    ).toBe(200);
    const again = await patchBytes(t.hub, t.team.nurse, created.uploadUrl, 0, bytes.subarray(0, 100));
    expect(again.statusCode).toBe(409);
    expect(again.headers['upload-offset']).toBe('100');
    const rest = await patchBytes(t.hub, t.team.nurse, created.uploadUrl, 100, bytes.subarray(100));
    expect(rest.statusCode, rest.body).toBe(200);
    expect(rest.json().status).toBe('ready');
    // Finished: nothing more is taken.
    const after = await patchBytes(t.hub, t.team.nurse, created.uploadUrl, bytes.length, Buffer.from('x'));
    expect(after.statusCode).toBe(409);
    expect(after.json().error.code).toBe('upload-finished');
  });

  it('only the uploader continues an upload; to others a draft does not exist', async () => {
    const bytes = pdfBytes(4096);
    const created = (
      await startUpload(t.hub, t.team.nurse, t.cabinetId, {
        name: 'x.pdf',
        size: bytes.length,
        type: 'application/pdf',
      })
    ).json();
    expect(
      (await patchBytes(t.hub, t.team.nurse, created.uploadUrl, 0, bytes.subarray(0, 1000))).statusCode,
    ).toBe(200);
    const doctor = await patchBytes(t.hub, t.team.doctor, created.uploadUrl, 1000, bytes.subarray(1000));
    expect(doctor.statusCode).toBe(403);
    expect(doctor.json().error.code).toBe('uploader-only');
    // The nurse acting for another facility is not the uploader either.
    const elsewhere = { ...t.team.nurse, facilityOid: OIDS.clinic };
    expect(
      (await patchBytes(t.hub, elsewhere, created.uploadUrl, 1000, bytes.subarray(1000))).statusCode,
    ).toBe(404);
    expect((await head(t.team.doctor, created.uploadUrl)).statusCode).toBe(404);
    expect((await get(t.team.doctor, `${created.uploadUrl}/status`)).statusCode).toBe(404);
    const mine = await head(t.team.nurse, created.uploadUrl);
    expect(mine.headers['upload-offset']).toBe('1000');
    expect(mine.headers['upload-length']).toBe(String(bytes.length));
  });

  it('refuses a type it does not keep and a size over the limit before reading the bytes', async () => {
    const exe = await startUpload(t.hub, t.team.nurse, t.cabinetId, {
      name: 'setup.exe',
      size: 1000,
      type: 'application/x-msdownload',
    });
    expect(exe.statusCode).toBe(422);
    expect(exe.json().error.details[0]).toMatchObject({ field: 'type', code: 'type-not-allowed' });
    for (const [type, size] of [
      ['image/jpeg', 20 * MB + 1],
      ['application/pdf', 30 * MB + 1],
      ['video/mp4', 500 * MB + 1],
    ] as const) {
      const big = await startUpload(t.hub, t.team.nurse, t.cabinetId, { name: 'big', size, type });
      expect(big.statusCode, type).toBe(413);
      expect(big.json().error.code).toBe('too-large');
    }
    const ok = await startUpload(t.hub, t.team.nurse, t.cabinetId, {
      name: 'v.mp4',
      size: 500 * MB,
      type: 'video/mp4',
    });
    expect(ok.statusCode).toBe(201);
    const json = await t.hub.app.inject({
      method: 'PATCH',
      url: ok.json().uploadUrl,
      headers: { ...t.hub.as(t.team.nurse), 'upload-offset': '0' },
      payload: { bytes: 'no' },
    });
    expect(json.statusCode).toBe(415);
    // A chunk longer than what is left: refused on its Content-Length, before its bytes are read.
    const small = (
      await startUpload(t.hub, t.team.nurse, t.cabinetId, {
        name: 's.pdf',
        size: 1000,
        type: 'application/pdf',
      })
    ).json();
    const refused = await send(
      port,
      'PATCH',
      small.uploadUrl,
      { ...t.hub.as(t.team.nurse), 'content-type': UPLOAD_TYPE, 'upload-offset': '0' },
      [pdfBytes(64 * 1024)],
      { contentLength: 30 * MB },
    );
    expect(refused?.status).toBe(413);
    expect(JSON.parse(refused?.body.toString() ?? '{}').error.code).toBe('too-large');
    expect((await head(t.team.nurse, small.uploadUrl)).headers['upload-offset']).toBe('0');
    // Without a length (chunked), the bytes past the declared size refuse the chunk whole.
    const chunked = await patchBytes(
      t.hub,
      t.team.nurse,
      small.uploadUrl,
      0,
      Readable.from([pdfBytes(600), pdfBytes(600)]),
    );
    expect(chunked.statusCode).toBe(413);
    expect((await head(t.team.nurse, small.uploadUrl)).headers['upload-offset']).toBe('0');
  });

  it('refuses a file whose bytes are not what it claims, and deletes them', async () => {
    const png = await testPicture(64, 48, 'png');
    const mislabelled = await uploadWhole(t.hub, t.team.nurse, t.cabinetId, png, 'clip.mp4', 'video/mp4');
    expect(mislabelled.sent.statusCode).toBe(422);
    expect(mislabelled.sent.json().error.code).toBe('type-mismatch');
    const status = (await get(t.team.nurse, `${mislabelled.url}/status`)).json();
    expect(status).toMatchObject({ status: 'failed', problem: 'type-mismatch' });
    expect(await folders()).not.toContain(mislabelled.id);

    // An executable declared as a PDF: its first bytes show it, long before the rest arrives.
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), randomBytes(2 * MB)]);
    const created = (
      await startUpload(t.hub, t.team.nurse, t.cabinetId, {
        name: 'report.exe',
        size: exe.length,
        type: 'application/pdf',
      })
    ).json();
    const firstChunk = await patchBytes(
      t.hub,
      t.team.nurse,
      created.uploadUrl,
      0,
      exe.subarray(0, 64 * 1024),
    );
    expect(firstChunk.statusCode).toBe(422);
    expect(firstChunk.json().error.code).toBe('content-not-allowed');
    expect((await get(t.team.nurse, `${created.uploadUrl}/status`)).json().status).toBe('failed');
    expect(await folders()).not.toContain(created.id);
    expect((await get(t.team.nurse, created.uploadUrl)).statusCode).toBe(410);
  });

  it('removes EXIF and GPS from a photo, turns it upright and makes a thumbnail ≤ 320 px', async () => {
    const jpeg = withExif(await testPicture(640, 480, 'jpg'), 6);
    expect(hasExifOrGps(jpeg)).toBe(true);
    const { url, sent } = await uploadWhole(
      t.hub,
      t.team.nurse,
      t.cabinetId,
      jpeg,
      'sacrum.jpg',
      'image/jpeg',
    );
    expect(sent.statusCode, sent.body).toBe(200);
    // Orientation 6 (turned 90° clockwise): the upright picture is 480 wide.
    expect(sent.json()).toMatchObject({ status: 'ready', width: 480, height: 640, sha256: sha256(jpeg) });
    expect(sent.json().thumbnailUrl).toBe(`${url}?variant=thumbnail`);
    const original = await get(t.team.nurse, url);
    expect(original.headers['content-type']).toBe('image/jpeg');
    expect(original.headers['content-disposition']).toMatch(/^inline; /);
    expect(hasExifOrGps(original.rawPayload)).toBe(false);
    const thumbnail = await get(t.team.nurse, `${url}?variant=thumbnail`);
    expect(thumbnail.statusCode).toBe(200);
    expect(hasExifOrGps(thumbnail.rawPayload)).toBe(false);
    const dir = await mkdtemp(join(tmpdir(), 'hie-probe-'));
    try {
      await writeFile(join(dir, 'o.jpg'), original.rawPayload);
      await writeFile(join(dir, 't.jpg'), thumbnail.rawPayload);
      expect((await ffprobeJson(join(dir, 'o.jpg'))).streams[0]).toMatchObject({ width: 480, height: 640 });
      expect((await ffprobeJson(join(dir, 't.jpg'))).streams[0]).toMatchObject({ width: 240, height: 320 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(await readdir(join(t.dir, sent.json().id))).toEqual(['original.jpg', 'thumbnail.jpg']);
  });

  it('blanks a HEIC’s Exif (GPS) item, keeping the picture', async () => {
    const heic = syntheticHeic();
    const { url, sent } = await uploadWhole(
      t.hub,
      t.team.nurse,
      t.cabinetId,
      heic.bytes,
      'IMG_0001.HEIC',
      'image/heic',
    );
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({
      status: 'ready',
      mediaType: 'image/heic',
      width: 3024,
      height: 4032,
      thumbnailUrl: null,
    });
    const original = await get(t.team.nurse, url);
    expect(original.rawPayload.length).toBe(heic.bytes.length);
    expect(hasGps(original.rawPayload)).toBe(false);
  });

  it('serves ranges: the first bytes, a suffix, an open end; 416 when it cannot', async () => {
    const bytes = pdfBytes(10_000);
    const { url, sent } = await uploadWhole(
      t.hub,
      t.team.nurse,
      t.cabinetId,
      bytes,
      'r.pdf',
      'application/pdf',
    );
    expect(sent.statusCode).toBe(200);
    const firstBytes = await get(t.team.nurse, url, { range: 'bytes=0-99' });
    expect(firstBytes.statusCode).toBe(206);
    expect(firstBytes.headers['content-range']).toBe('bytes 0-99/10000');
    expect(firstBytes.headers['content-length']).toBe('100');
    expect(firstBytes.rawPayload).toEqual(bytes.subarray(0, 100));
    const suffix = await get(t.team.nurse, url, { range: 'bytes=-500' });
    expect(suffix.statusCode).toBe(206);
    expect(suffix.headers['content-range']).toBe('bytes 9500-9999/10000');
    expect(suffix.rawPayload).toEqual(bytes.subarray(9500));
    const open = await get(t.team.nurse, url, { range: 'bytes=9990-' });
    expect(open.rawPayload).toEqual(bytes.subarray(9990));
    for (const range of ['bytes=10000-', 'bytes=-0', 'bytes=5-2']) {
      const bad = await get(t.team.nurse, url, { range });
      expect(bad.statusCode, range).toBe(416);
      expect(bad.headers['content-range']).toBe('bytes */10000');
    }
    // If-Range with another validator: the whole file.
    const stale = await get(t.team.nurse, url, { range: 'bytes=0-9', 'if-range': '"other"' });
    expect(stale.statusCode).toBe(200);
    const fresh = await get(t.team.nurse, url, {
      range: 'bytes=0-9',
      'if-range': String(stale.headers.etag),
    });
    expect(fresh.statusCode).toBe(206);
    const headers = await head(t.team.nurse, url);
    expect(headers.statusCode).toBe(200);
    expect(headers.headers['content-length']).toBe('10000');
    expect(headers.headers['upload-offset']).toBe('10000');
    expect(await get(t.team.nurse, `${url}?variant=rendition`).then((r) => r.json().error.code)).toBe(
      'no-variant',
    );
  });

  it('audits a reader’s requests for one file once a minute, not each range', async () => {
    const { url, id } = await uploadWhole(
      t.hub,
      t.team.nurse,
      t.cabinetId,
      pdfBytes(5000),
      'a.pdf',
      'application/pdf',
    );
    const reads = async () =>
      (
        await t.hub.store.db
          .selectFrom('audit_event')
          .select('event_json')
          .where('type', '=', 'cabinet')
          .where('event_json', 'like', `%Binary/${id}%`)
          .execute()
      ).filter((r) => r.event_json.includes('file-read')).length;
    expect(await reads()).toBe(0);
    for (const range of ['bytes=0-99', 'bytes=100-199', 'bytes=-10']) {
      expect((await get(t.team.nurse, url, { range })).statusCode).toBe(206);
    }
    expect(await reads()).toBe(1);
    await get(t.team.nurse, `${url}?variant=original`);
    expect(await reads()).toBe(1);
  });

  it('a post carries the author’s ready files; others’, failed, unfinished and attached ones are refused', async () => {
    const jpeg = await testPicture(320, 240, 'jpg');
    const photo = await uploadWhole(t.hub, t.team.nurse, t.cabinetId, jpeg, '褥瘡.jpg', 'image/jpeg');
    // Before it is in a post the doctor cannot see it.
    expect((await get(t.team.doctor, photo.url)).statusCode).toBe(404);
    const posted = await post(t.team.nurse, {
      kind: 'free',
      text: '仙骨部の写真です',
      attachments: [{ type: 'file', id: photo.id }],
    });
    expect(posted.statusCode, posted.body).toBe(201);
    expect(posted.json().attachments).toEqual([
      {
        type: 'file',
        id: photo.id,
        kind: 'image',
        name: '褥瘡.jpg',
        mediaType: 'image/jpeg',
        size: jpeg.length,
        status: 'ready',
        problem: null,
        url: photo.url,
        thumbnailUrl: `${photo.url}?variant=thumbnail`,
      },
    ]);
    const seen = await get(t.team.doctor, photo.url);
    expect(seen.statusCode).toBe(200);
    expect(hasExifOrGps(seen.rawPayload)).toBe(false);
    const page = (await get(t.team.doctor, `/api/v1/cabinets/${t.cabinetId}/posts`)).json();
    expect(page.posts.find((p: { id: string }) => p.id === posted.json().id).attachments[0].id).toBe(
      photo.id,
    );

    const failed = await uploadWhole(t.hub, t.team.nurse, t.cabinetId, jpeg, 'x.mp4', 'video/mp4');
    const unfinished = (
      await startUpload(t.hub, t.team.nurse, t.cabinetId, {
        name: 'u.pdf',
        size: 100,
        type: 'application/pdf',
      })
    ).json();
    const doctors = await uploadWhole(t.hub, t.team.doctor, t.cabinetId, jpeg, 'd.jpg', 'image/jpeg');
    const refused = await post(t.team.nurse, {
      kind: 'free',
      text: 'x',
      attachments: [
        { type: 'file', id: photo.id },
        { type: 'file', id: failed.id },
        { type: 'file', id: unfinished.id },
        { type: 'file', id: doctors.id },
        { type: 'file', id: randomUUID() },
      ],
    });
    expect(refused.statusCode).toBe(422);
    expect(
      refused.json().error.details.map((d: { field: string; code: string }) => `${d.field}:${d.code}`),
    ).toEqual([
      'attachments.0:already-attached',
      'attachments.1:file-failed',
      'attachments.2:not-uploaded',
      'attachments.3:not-yours',
      'attachments.4:unknown-file',
    ]);
    // Nothing of the refused post stays: the doctor's draft is still a draft.
    expect((await get(t.team.nurse, doctors.url)).statusCode).toBe(404);
  });

  it('a draft may be cancelled by its uploader; a posted file may not', async () => {
    const draft = await uploadWhole(
      t.hub,
      t.team.nurse,
      t.cabinetId,
      pdfBytes(2000),
      'd.pdf',
      'application/pdf',
    );
    const del = (url: string) => t.hub.app.inject({ method: 'DELETE', url, headers: t.hub.as(t.team.nurse) });
    expect((await del(draft.url)).statusCode).toBe(200);
    expect(await folders()).not.toContain(draft.id);
    expect((await get(t.team.nurse, `${draft.url}/status`)).json()).toMatchObject({
      status: 'failed',
      problem: 'cancelled',
    });
    const jpeg = await testPicture(32, 32, 'jpg');
    const photo = await uploadWhole(t.hub, t.team.nurse, t.cabinetId, jpeg, 'p.jpg', 'image/jpeg');
    await post(t.team.nurse, { kind: 'free', text: 'p', attachments: [{ type: 'file', id: photo.id }] });
    expect((await del(photo.url)).json().error.code).toBe('in-a-post');
  });

  it('an upload untouched for a week is abandoned: its bytes are deleted', async () => {
    const created = (
      await startUpload(t.hub, t.team.nurse, t.cabinetId, {
        name: 'old.pdf',
        size: 5000,
        type: 'application/pdf',
      })
    ).json();
    await patchBytes(t.hub, t.team.nurse, created.uploadUrl, 0, pdfBytes(5000).subarray(0, 1000));
    await t.hub.store.db
      .updateTable('hub_cabinet_file')
      .set({ updated_at: new Date(Date.now() - 8 * 24 * 3600_000).toISOString() })
      .where('id', '=', created.id)
      .execute();
    const deps = { store: t.hub.store, now: () => new Date(), root: t.dir, busy: new Set<string>() };
    expect(await expireUploads(deps)).toBe(1);
    expect((await get(t.team.nurse, `${created.uploadUrl}/status`)).json()).toMatchObject({
      status: 'failed',
      problem: 'upload-expired',
    });
    expect(await folders()).not.toContain(created.id);
  });

  it('strangers and the office get 404, a removed member 403, no session 401', async () => {
    const photo = await uploadWhole(
      t.hub,
      t.team.nurse,
      t.cabinetId,
      await testPicture(32, 32, 'png'),
      'p.png',
      'image/png',
    );
    await post(t.team.nurse, { kind: 'free', text: 'p', attachments: [{ type: 'file', id: photo.id }] });
    expect((await get(t.team.careManager, photo.url)).statusCode).toBe(200);
    expect((await get(null, photo.url)).statusCode).toBe(401);
    expect(
      (await startUpload(t.hub, null, t.cabinetId, { name: 'a.pdf', size: 10, type: 'application/pdf' }))
        .statusCode,
    ).toBe(401);
    for (const who of [t.team.outsider, t.team.office]) {
      expect((await get(who, photo.url)).statusCode).toBe(404);
      expect((await get(who, `${photo.url}?variant=thumbnail`)).statusCode).toBe(404);
      expect((await head(who, photo.url)).statusCode).toBe(404);
      expect(
        (await startUpload(t.hub, who, t.cabinetId, { name: 'a.pdf', size: 10, type: 'application/pdf' }))
          .statusCode,
      ).toBe(404);
    }
    const removed = await t.hub.app.inject({
      method: 'DELETE',
      url: `/api/v1/cabinets/${t.cabinetId}/members/${t.team.careManager.userId}?facilityOid=${OIDS.care}`,
      headers: t.hub.as(t.team.nurse),
    });
    expect(removed.statusCode, removed.body).toBe(200);
    const after = await get(t.team.careManager, photo.url);
    expect(after.statusCode).toBe(403);
    expect(after.json().error.code).toBe('membership-ended');
    expect(
      (
        await startUpload(t.hub, t.team.careManager, t.cabinetId, {
          name: 'a.pdf',
          size: 10,
          type: 'application/pdf',
        })
      ).statusCode,
    ).toBe(403);
  });
});

describe.each(TEST_ENGINES)('Care Cabinet file settings on %s', (engine) => {
  it('answers 503 when the hub keeps no files', async () => {
    const t = await filesUnderTest(engine, { cabinetFilesDir: undefined });
    try {
      const res = await startUpload(t.hub, t.team.nurse, t.cabinetId, {
        name: 'a.pdf',
        size: 10,
        type: 'application/pdf',
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().error.code).toBe('files-not-configured');
    } finally {
      await t.dispose();
    }
  });

  it('refuses what the virus scan finds infected (and what it could not scan)', async () => {
    const scanned: { path: string; sha256: string }[] = [];
    let verdict: 'infected' | 'throw' = 'infected';
    const t = await filesUnderTest(engine, {
      cabinetScan: async (path, file) => {
        scanned.push({ path, sha256: file.sha256 });
        if (verdict === 'throw') throw new Error('clamd is down');
        return 'infected';
      },
    });
    try {
      const bytes = pdfBytes(5000);
      const infected = await uploadWhole(
        t.hub,
        t.team.nurse,
        t.cabinetId,
        bytes,
        'eicar.pdf',
        'application/pdf',
      );
      expect(infected.sent.statusCode).toBe(422);
      expect(infected.sent.json().error.code).toBe('infected');
      expect(scanned).toEqual([{ path: join(t.dir, infected.id, 'upload'), sha256: sha256(bytes) }]);
      expect(
        (
          await t.hub.app.inject({
            method: 'GET',
            url: `${infected.url}/status`,
            headers: t.hub.as(t.team.nurse),
          })
        ).json(),
      ).toMatchObject({
        status: 'failed',
        problem: 'infected',
      });
      expect(await readdir(t.dir)).not.toContain(infected.id);
      verdict = 'throw';
      const unscanned = await uploadWhole(
        t.hub,
        t.team.nurse,
        t.cabinetId,
        bytes,
        'b.pdf',
        'application/pdf',
      );
      expect(unscanned.sent.json().error.code).toBe('scan-failed');
    } finally {
      await t.dispose();
    }
  });
});
