import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import type { Engine } from '@hie/platform';
import type { HubPrincipal, HubSettings } from '../../http.js';
import { type HubUnderTest, hubUnderTest } from '../../testing.js';
import { cabinetRoutes } from '../api/routes.js';
import { type CabinetTeam, openTeamCabinet, seedCabinetTeam } from '../testing.js';

/** Test support for the cabinet's files: a hub with a files folder, a team's cabinet, media made with ffmpeg. */

const run = promisify(execFile);

export const UPLOAD_TYPE = 'application/offset+octet-stream';

export interface FilesUnderTest {
  hub: HubUnderTest;
  team: CabinetTeam;
  cabinetId: string;
  dir: string;
  dispose(): Promise<void>;
}

const _today = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

/**
 * A hub whose files live in a temporary folder, and a cabinet the nurse owns, with the doctor and the
 * care manager active members (the pharmacist is invited but not covered by the consent).
 */
export async function filesUnderTest(
  engine: Engine,
  settings: Partial<HubSettings> = {},
  dir?: string,
): Promise<FilesUnderTest> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'hie-cabinet-files-')));
  const hub = await hubUnderTest(engine, [cabinetRoutes], {
    settings: { cabinetFilesDir: folder, ...settings },
  });
  const team = await seedCabinetTeam(hub);
  const cabinetId = await openTeamCabinet(hub, team);
  return {
    hub,
    team,
    cabinetId,
    dir: folder,
    async dispose() {
      await hub.dispose();
      if (!dir) await rm(folder, { recursive: true, force: true });
    },
  };
}

export const startUpload = (
  hub: HubUnderTest,
  who: HubPrincipal | null,
  cabinetId: string,
  file: { name: string; size: number; type: string },
) =>
  hub.app.inject({
    method: 'POST',
    url: `/api/v1/cabinets/${cabinetId}/files`,
    headers: who ? hub.as(who) : {},
    payload: file,
  });

export const patchBytes = (
  hub: HubUnderTest,
  who: HubPrincipal,
  url: string,
  offset: number,
  body: Buffer | Readable,
  headers: Record<string, string> = {},
) =>
  hub.app.inject({
    method: 'PATCH',
    url,
    headers: { ...hub.as(who), 'content-type': UPLOAD_TYPE, 'upload-offset': String(offset), ...headers },
    payload: body,
  });

/** Declares and sends a whole file in one PATCH; returns the PATCH's answer and the file's id. */
export async function uploadWhole(
  hub: HubUnderTest,
  who: HubPrincipal,
  cabinetId: string,
  bytes: Buffer,
  name: string,
  type: string,
) {
  const created = await startUpload(hub, who, cabinetId, { name, size: bytes.length, type });
  if (created.statusCode !== 201) throw new Error(`upload not started: ${created.body}`);
  const { id, uploadUrl } = created.json() as { id: string; uploadUrl: string };
  const sent = await patchBytes(hub, who, uploadUrl, 0, bytes);
  return { id, url: uploadUrl, sent };
}

/** The file's status until `done` says so (videos convert in the background). */
export async function waitForFile(
  hub: HubUnderTest,
  who: HubPrincipal,
  cabinetId: string,
  fileId: string,
  done: (file: { status: string }) => boolean = (f) => f.status !== 'processing',
  timeoutMs = 60_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await hub.app.inject({
      method: 'GET',
      url: `/api/v1/cabinets/${cabinetId}/files/${fileId}/status`,
      headers: hub.as(who),
    });
    const file = res.json();
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
    if (done(file)) return file;
    if (Date.now() > until) throw new Error(`file still ${file.status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function ffmpegTest(args: readonly string[]): Promise<void> {
  await run('ffmpeg', ['-nostdin', '-y', '-v', 'error', ...args], { maxBuffer: 1024 * 1024 });
}

export async function ffprobeJson(path: string): Promise<{
  streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
  format: { duration?: string; tags?: Record<string, string> };
}> {
  const { stdout } = await run(
    'ffprobe',
    ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', path],
    { maxBuffer: 4 * 1024 * 1024 },
  );
  return JSON.parse(stdout);
}

/** Bytes made by ffmpeg from `args` into a temporary file of extension `ext`. */
export async function madeByFfmpeg(args: readonly string[], ext: string): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'hie-media-'));
  try {
    const out = join(dir, `out.${ext}`);
    await ffmpegTest([...args, out]);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A test picture (JPEG, PNG, WebP) of `width`×`height`. */
export const testPicture = (width: number, height: number, ext: 'jpg' | 'png' | 'webp') =>
  madeByFfmpeg(['-f', 'lavfi', '-i', `testsrc=size=${width}x${height}:duration=1`, '-frames:v', '1'], ext);

/** A short video with sound, and a place it was shot in its metadata (as a phone records it). */
export const testVideo = (seconds = 2, size = '320x240') =>
  madeByFfmpeg(
    [
      '-f',
      'lavfi',
      '-i',
      `testsrc=duration=${seconds}:size=${size}:rate=15`,
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=440:duration=${seconds}`,
      '-c:v',
      'mpeg4',
      '-c:a',
      'aac',
      '-metadata',
      'location=+34.6551+133.9195/',
      '-metadata',
      'title=桃山ウメ様 仙骨部',
      '-shortest',
    ],
    'mp4',
  );

/** The GPS position the EXIF tests write: 34°39'18.36"N (岡山市). */
export const GPS_SECONDS_X100 = 1836;

/**
 * An EXIF APP1 segment (little-endian TIFF): IFD0 with Orientation and a GPS IFD pointer; the GPS IFD
 * with GPSLatitudeRef `N` and GPSLatitude 34° 39' 18.36".
 */
export function exifSegment(orientation: number): Buffer {
  const u16 = (v: number) => [v & 255, v >> 8];
  const u32 = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, v >>> 24];
  const gpsIfd = 8 + 2 + 2 * 12 + 4;
  const latitude = gpsIfd + 2 + 2 * 12 + 4;
  const tiff = [
    ...[0x49, 0x49, 0x2a, 0x00, ...u32(8)],
    ...u16(2),
    ...[...u16(0x0112), ...u16(3), ...u32(1), ...u16(orientation), 0, 0],
    ...[...u16(0x8825), ...u16(4), ...u32(1), ...u32(gpsIfd)],
    ...u32(0),
    ...u16(2),
    ...[...u16(1), ...u16(2), ...u32(2), 0x4e, 0, 0, 0],
    ...[...u16(2), ...u16(5), ...u32(3), ...u32(latitude)],
    ...u32(0),
    ...[...u32(34), ...u32(1), ...u32(39), ...u32(1), ...u32(GPS_SECONDS_X100), ...u32(100)],
  ];
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), Buffer.from(tiff)]);
  const length = body.length + 2;
  return Buffer.concat([Buffer.from([0xff, 0xe1, length >> 8, length & 255]), body]);
}

/** A JPEG with the EXIF segment right after SOI. */
export const withExif = (jpeg: Buffer, orientation: number) =>
  Buffer.concat([jpeg.subarray(0, 2), exifSegment(orientation), jpeg.subarray(2)]);

/** Do the bytes still hold the GPS latitude the tests write (its seconds rational), anywhere? */
export const hasGps = (bytes: Buffer) =>
  bytes.includes(Buffer.from([GPS_SECONDS_X100 & 255, GPS_SECONDS_X100 >> 8, 0, 0, 100, 0, 0, 0]));

/** Does the JPEG still carry an EXIF segment, or the GPS latitude's bytes anywhere? */
export const hasExifOrGps = (bytes: Buffer) =>
  bytes.includes(Buffer.from('Exif\0\0', 'latin1')) || hasGps(bytes);

/**
 * A minimal HEIC as a phone writes it, without a real picture: ftyp, meta (hdlr, pitm, iinf with a
 * `hvc1` item and an `Exif` item, iloc, iprp with ispe 4032×3024 and irot 90°), and mdat holding the
 * Exif payload (with its GPS bytes) and stand-in picture bytes.
 */
export function syntheticHeic(): { bytes: Buffer; exif: { offset: number; length: number } } {
  const box = (type: string, ...parts: Buffer[]) => {
    const body = Buffer.concat(parts);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length + 8, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, body]);
  };
  const full = (type: string, version: number, flags: number, ...parts: Buffer[]) =>
    box(type, Buffer.from([version, (flags >> 16) & 255, (flags >> 8) & 255, flags & 255]), ...parts);
  const u16 = (v: number) => Buffer.from([v >> 8, v & 255]);
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v, 0);
    return b;
  };
  const infe = (id: number, type: string) =>
    full('infe', 2, 0, u16(id), u16(0), Buffer.from(type, 'latin1'), Buffer.from('\0', 'latin1'));
  const exifPayload = Buffer.concat([u32(6), Buffer.from('Exif\0\0', 'latin1'), exifSegment(1).subarray(10)]);
  const picture = Buffer.alloc(64, 0x42);
  const ftyp = box('ftyp', Buffer.from('heic', 'latin1'), u32(0), Buffer.from('mif1heic', 'latin1'));
  const build = (exifAt: number, pictureAt: number) =>
    full(
      'meta',
      0,
      0,
      full('hdlr', 0, 0, u32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(12), Buffer.from('\0')),
      full('pitm', 0, 0, u16(1)),
      full('iinf', 0, 0, u16(2), infe(1, 'hvc1'), infe(2, 'Exif')),
      full(
        'iloc',
        0,
        0,
        Buffer.from([0x44, 0x00]),
        u16(2),
        ...[u16(1), u16(0), u16(1), u32(pictureAt), u32(picture.length)],
        ...[u16(2), u16(0), u16(1), u32(exifAt), u32(exifPayload.length)],
      ),
      box(
        'iprp',
        box('ipco', full('ispe', 0, 0, u32(4032), u32(3024)), box('irot', Buffer.from([1]))),
        full('ipma', 0, 0, u32(1), u16(1), Buffer.from([2, 0x81, 0x02])),
      ),
    );
  const metaLength = build(0, 0).length;
  const mdatStart = ftyp.length + metaLength + 8;
  const meta = build(mdatStart, mdatStart + exifPayload.length);
  const bytes = Buffer.concat([ftyp, meta, box('mdat', exifPayload, picture)]);
  return { bytes, exif: { offset: mdatStart, length: exifPayload.length } };
}
