import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  type DicomInstance,
  readDicomInstance,
  readFrame,
  renderPng,
  syntheticCrChest,
  syntheticCt,
  syntheticEndoscopy,
  syntheticUs,
} from '../index.js';
import { STUDY } from '../testing/study.js';

const dir = mkdtempSync(join(tmpdir(), 'hie-dicom-render-'));

async function firstFrame(
  bytes: Uint8Array,
  frame = 0,
): Promise<{ instance: DicomInstance; frame: Uint8Array }> {
  const r = readDicomInstance(bytes);
  if (!r.ok) throw new Error(r.message);
  const path = join(dir, `${r.instance.sopInstanceUid}.dcm`);
  writeFileSync(path, bytes);
  return { instance: r.instance, frame: await readFrame(path, r.instance, frame) };
}

const decode = (png: Uint8Array) => PNG.sync.read(Buffer.from(png));

/** Mean absolute difference of the red channel (grey PNGs decode with R = G = B). */
function meanDifference(a: PNG, b: PNG): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) sum += Math.abs((a.data[i] as number) - (b.data[i] as number));
  return sum / (a.data.length / 4);
}

describe('renderPng', () => {
  it('renders a CT slice as a valid 8-bit grey PNG of its size, and scales it to fit', async () => {
    const { instance, frame } = await firstFrame(
      syntheticCt(STUDY, 2, { slices: 40, size: 256 })[15] as Uint8Array,
    );
    const png = renderPng(instance, frame);
    expect(Buffer.from(png.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    const image = decode(png);
    expect([image.width, image.height]).toEqual([256, 256]);
    expect(png[25]).toBe(0); // IHDR colour type: greyscale
    const thumb = decode(renderPng(instance, frame, { size: 64 }));
    expect([thumb.width, thumb.height]).toEqual([64, 64]);
  });

  it('a lung window and a bone window of the same chest slice look clearly different', async () => {
    const { instance, frame } = await firstFrame(
      syntheticCt(STUDY, 2, { slices: 40, size: 256 })[12] as Uint8Array,
    );
    const lung = decode(renderPng(instance, frame, { windowCenter: -600, windowWidth: 1500 }));
    const bone = decode(renderPng(instance, frame, { windowCenter: 400, windowWidth: 1800 }));
    const mediastinum = decode(renderPng(instance, frame)); // the file's own window, 40/400
    expect(meanDifference(lung, bone)).toBeGreaterThan(20);
    expect(meanDifference(lung, mediastinum)).toBeGreaterThan(20);
    // In the lung window the lungs show grey detail; in the mediastinal window they are black.
    const centreOfRightLung = (image: PNG) => {
      const box: number[] = [];
      for (let y = 120; y < 136; y++)
        for (let x = 64; x < 80; x++) box.push(image.data[(y * 256 + x) * 4] as number);
      return box.sort((p, q) => p - q)[box.length >> 1] as number; // the median: a vessel does not move it
    };
    expect(centreOfRightLung(lung)).toBeGreaterThan(20);
    expect(centreOfRightLung(mediastinum)).toBeLessThan(10);
  });

  it('renders CR (12 bits stored), US cine frames, and RGB endoscopy', async () => {
    const cr = await firstFrame(syntheticCrChest(STUDY, 1)[0] as Uint8Array);
    expect(decode(renderPng(cr.instance, cr.frame, { size: 256 }))).toMatchObject({
      width: 256,
      height: 256,
    });
    const us = await firstFrame(syntheticUs(STUDY, 1)[3] as Uint8Array, 5);
    expect(decode(renderPng(us.instance, us.frame))).toMatchObject({ width: 640, height: 480 });
    const es = await firstFrame(syntheticEndoscopy(STUDY, 1)[0] as Uint8Array);
    const png = renderPng(es.instance, es.frame, { size: 320 });
    expect(png[25]).toBe(2); // IHDR colour type: RGB
    const image = decode(png);
    expect([image.width, image.height]).toEqual([320, 240]);
    const centre = (120 * 320 + 200) * 4;
    expect(image.data[centre] as number).toBeGreaterThan(image.data[centre + 2] as number); // mucosa is red
  });

  it('inverts MONOCHROME1 and refuses a frame shorter than the image', async () => {
    const { instance, frame } = await firstFrame(syntheticUs(STUDY, 1)[0] as Uint8Array);
    const inverted = { ...instance, photometricInterpretation: 'MONOCHROME1' };
    const a = decode(renderPng(instance, frame));
    const b = decode(renderPng(inverted, frame));
    expect((a.data[0] as number) + (b.data[0] as number)).toBe(255);
    expect(() => renderPng(instance, frame.subarray(0, 100))).toThrow(/needs/);
  });
});
