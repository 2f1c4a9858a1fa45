// A synthetic chest radiograph study: CR, PA and lateral, 12 bits stored in 16, MONOCHROME2.
import { writeDicom } from '../write/write.js';
import { type ChestBuild, chestBuild, lateralAttenuation, paAttenuation } from './cr-phantom.js';
import { deriveSeed, gaussianNoise } from './random.js';
import { commonAttributes, greyPixelAttributes, type SeriesPlan, type SyntheticStudy } from './study.js';

export const CR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.1';

export interface SyntheticCrOptions {
  /** Rows and columns: 1024 (default), 2048, or 512 (a demo's smaller export). */
  size?: 512 | 1024 | 2048;
}

const DETECTOR_MM = 430;

/** CR chest, one series of two views (PA, then left lateral), 1024×1024 (or 512, 2048). */
export function syntheticCrChest(
  study: SyntheticStudy,
  seed: number,
  options: SyntheticCrOptions = {},
): Uint8Array[] {
  const size = options.size === 2048 || options.size === 512 ? options.size : 1024;
  const build = chestBuild(deriveSeed(seed, 'cr-build'));
  const plan: SeriesPlan = {
    kind: 'cr',
    seed,
    seriesNumber: 1,
    modality: 'CR',
    sopClassUid: CR_IMAGE_STORAGE,
    seriesDescription: '胸部 2方向',
    bodyPartExamined: 'CHEST',
    manufacturerModelName: 'Synthetic CR',
  };
  const views = [
    { position: 'PA', orientation: ['L', 'F'], draw: paAttenuation },
    { position: 'LL', orientation: ['P', 'F'], draw: lateralAttenuation },
  ] as const;
  return views.map((view, i) => {
    const pixels = radiograph(size, build, view.draw, deriveSeed(seed, 'cr-noise', i));
    const window = windowOf(pixels);
    const spacing = Number((DETECTOR_MM / size).toFixed(6));
    return writeDicom({
      ...commonAttributes(study, plan, i + 1),
      ImageType: ['ORIGINAL', 'PRIMARY'],
      KVP: view.position === 'PA' ? 120 : 125,
      DistanceSourceToDetector: 1800,
      ExposureTime: 20,
      ViewPosition: view.position,
      PatientOrientation: [...view.orientation],
      ImagerPixelSpacing: [spacing, spacing],
      PixelSpacing: [spacing, spacing],
      ...greyPixelAttributes(size, size, 16, 12, false),
      WindowCenter: window.center,
      WindowWidth: window.width,
      RescaleIntercept: 0,
      RescaleSlope: 1,
      PresentationIntentType: 'FOR PRESENTATION',
      PixelData: pixels,
    });
  });
}

function radiograph(
  size: number,
  build: ChestBuild,
  draw: (b: ChestBuild, u: number, v: number) => number,
  noiseSeed: number,
): Uint16Array {
  const noise = gaussianNoise(noiseSeed);
  const out = new Uint16Array(size * size);
  for (let y = 0; y < size; y++) {
    const v = ((y + 0.5) / size) * 2 - 1;
    for (let x = 0; x < size; x++) {
      const u = ((x + 0.5) / size) * 2 - 1;
      const a = draw(build, u, v);
      const value = Math.round(160 + 2900 * a + (12 + 10 * a) * noise.next());
      out[y * size + x] = Math.min(4095, Math.max(0, value));
    }
  }
  return out;
}

/** A default window from the 1st and 99.5th percentiles of the image. */
function windowOf(pixels: Uint16Array): { center: number; width: number } {
  const histogram = new Uint32Array(4096);
  for (const p of pixels) histogram[p] = (histogram[p] as number) + 1;
  const at = (fraction: number) => {
    let seen = 0;
    const target = fraction * pixels.length;
    for (let v = 0; v < histogram.length; v++) {
      seen += histogram[v] as number;
      if (seen >= target) return v;
    }
    return 4095;
  };
  const low = at(0.01);
  const high = at(0.995);
  return { center: Math.round((low + high) / 2), width: Math.max(1, high - low) };
}
