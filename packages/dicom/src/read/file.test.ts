import { closeSync, mkdtempSync, openSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FIRST_READ_BYTES, readDicomFile, readFrame } from '../index.js';
import { encodeElement, minimalImage, part10, withElement } from '../testing/part10.js';

/** Every byte the package reads through node:fs/promises, counted. */
const counter = vi.hoisted(() => ({ bytes: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    open: async (...args: Parameters<typeof actual.open>) => {
      const handle = await actual.open(...args);
      const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
      (handle as { read: unknown }).read = async (...a: unknown[]) => {
        const r = await read(...a);
        counter.bytes += r.bytesRead;
        return r;
      };
      return handle;
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'hie-dicom-file-'));
beforeEach(() => {
  counter.bytes = 0;
});

const MB = 1024 * 1024;

/**
 * A 50 MB multi-frame instance on disk without writing 50 MB: the header and the Pixel Data element's own
 * header are written, the 50 MB value is a hole (sparse file).
 */
function sparseInstance(path: string, extraHeader = 0): { frames: number; frameSize: number } {
  const rows = 500;
  const columns = 500;
  const frames = 100;
  const frameSize = rows * columns * 2;
  let elements = withElement(minimalImage(rows, columns), 0x00280008, {
    tag: 0x00280008,
    vr: 'IS',
    value: String(frames),
  });
  if (extraHeader > 0)
    elements = withElement(elements, 0x00091010, {
      tag: 0x00091010,
      vr: 'OB',
      value: new Uint8Array(extraHeader),
    });
  const withoutPixels = part10(withElement(elements, 0x7fe00010, null));
  const pixelHeader = Uint8Array.from(
    encodeElement(
      { tag: 0x7fe00010, vr: 'OW', value: new Uint8Array(0) },
      { explicit: true, littleEndian: true },
    ),
  );
  new DataView(pixelHeader.buffer).setUint32(8, frames * frameSize, true);
  writeFileSync(path, Buffer.concat([withoutPixels, pixelHeader]));
  truncateSync(path, withoutPixels.length + pixelHeader.length + frames * frameSize);
  // A recognisable last frame, to check that readFrame reads at the right offset.
  const fd = openSync(path, 'r+');
  writeSync(
    fd,
    Buffer.alloc(4, 0xab),
    0,
    4,
    withoutPixels.length + pixelHeader.length + (frames - 1) * frameSize,
  );
  closeSync(fd);
  return { frames, frameSize };
}

describe('readDicomFile reads a bounded prefix, never the whole file', () => {
  it('indexes a 50 MB instance from its first 64 KiB', async () => {
    const path = join(dir, 'sparse.dcm');
    const { frames, frameSize } = sparseInstance(path);
    const r = await readDicomFile(path);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.instance.numberOfFrames).toBe(frames);
    expect(r.instance.pixelData?.length).toBe(50_000_000);
    expect(counter.bytes).toBeLessThanOrEqual(FIRST_READ_BYTES);
    console.log(JSON.stringify({ fileBytes: 50 * MB, headerBytesRead: counter.bytes }));

    counter.bytes = 0;
    const last = await readFrame(path, r.instance, frames - 1);
    expect(counter.bytes).toBe(frameSize);
    expect(Array.from(last.subarray(0, 5))).toEqual([0xab, 0xab, 0xab, 0xab, 0]);
  });

  it('grows the read when the header is longer than the first read (a 300 KB private element)', async () => {
    const path = join(dir, 'long-header.dcm');
    sparseInstance(path, 300 * 1024);
    const r = await readDicomFile(path);
    expect(r.ok).toBe(true);
    expect(counter.bytes).toBeGreaterThan(300 * 1024);
    expect(counter.bytes).toBeLessThanOrEqual(FIRST_READ_BYTES * 16);
    if (r.ok) expect(r.instance.json['00091010']).toMatchObject({ vr: 'OB' });
  });

  it('reads small files once, whole', async () => {
    const path = join(dir, 'small.dcm');
    const bytes = part10(minimalImage());
    writeFileSync(path, bytes);
    expect((await readDicomFile(path)).ok).toBe(true);
    expect(counter.bytes).toBe(bytes.length);
  });
});
