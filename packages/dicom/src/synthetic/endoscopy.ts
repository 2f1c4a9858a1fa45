// Synthetic colonoscopy stills: VL Endoscopic Image, RGB 640×480 in a round field of view. Pink mucosa,
// haustral folds around a dark lumen, a vessel network, specular highlights; the third image has a polyp.
import { writeDicom } from '../write/write.js';
import { between, deriveSeed, seededRandom, valueNoise } from './random.js';
import { commonAttributes, type SeriesPlan, type SyntheticStudy } from './study.js';

export const VL_ENDOSCOPIC_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.77.1.1';

const WIDTH = 640;
const HEIGHT = 480;
const FIELD_RADIUS = 232;
const IMAGES = 4;

interface Scene {
  lumenX: number;
  lumenY: number;
  foldFrequency: number;
  foldPhase: number;
  polyp: { x: number; y: number; r: number } | null;
  highlights: { x: number; y: number; rx: number; ry: number }[];
  vessels: Uint8Array;
  blotch: (x: number, y: number) => number;
}

function scene(seed: number, withPolyp: boolean): Scene {
  const random = seededRandom(seed);
  const lumenX = WIDTH / 2 + between(random, -90, 90);
  const lumenY = HEIGHT / 2 + between(random, -60, 60);
  const vessels = new Uint8Array(WIDTH * HEIGHT);
  // Random walks that branch now and then: the submucosal vessel pattern.
  for (let v = 0; v < 26; v++) {
    let x = between(random, 60, WIDTH - 60);
    let y = between(random, 40, HEIGHT - 40);
    let heading = random() * Math.PI * 2;
    for (let step = 0; step < 320; step++) {
      heading += between(random, -0.2, 0.2);
      x += Math.cos(heading) * 0.7;
      y += Math.sin(heading) * 0.7;
      const i = Math.round(y) * WIDTH + Math.round(x);
      if (x < 1 || y < 1 || x >= WIDTH - 1 || y >= HEIGHT - 1) break;
      vessels[i] = 255;
      vessels[i + 1] = Math.max(vessels[i + 1] as number, 110);
    }
  }
  const highlights = Array.from({ length: 7 }, () => {
    const angle = random() * Math.PI * 2;
    const dist = between(random, 110, 210);
    return {
      x: lumenX + Math.cos(angle) * dist,
      y: lumenY + Math.sin(angle) * dist * 0.8,
      rx: between(random, 3, 11),
      ry: between(random, 2, 6),
    };
  });
  return {
    lumenX,
    lumenY,
    foldFrequency: between(random, 5.5, 7.5),
    foldPhase: random() * Math.PI * 2,
    polyp: withPolyp
      ? { x: lumenX + between(random, 90, 140), y: lumenY + between(random, 20, 60), r: 34 }
      : null,
    highlights,
    vessels,
    blotch: valueNoise(random, 12, 9),
  };
}

const byte = (v: number) => (v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255));

function render(s: Scene): Uint8Array {
  const out = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const fx = x - WIDTH / 2;
      const fy = y - HEIGHT / 2;
      const fieldDist = Math.sqrt(fx * fx + fy * fy);
      if (fieldDist > FIELD_RADIUS) continue; // black outside the round field of view
      const dx = x - s.lumenX;
      const dy = y - s.lumenY;
      const d = Math.sqrt(dx * dx + dy * dy);
      // Light falls off into the lumen; folds ring it, lit on the side facing the scope.
      let light = 0.12 + 0.88 * (1 - Math.exp(-((d / 150) ** 1.6)));
      const fold = Math.cos(
        Math.log(d + 12) * s.foldFrequency * 2 + s.foldPhase + 0.5 * Math.cos(Math.atan2(dy, dx)),
      );
      light *= 0.78 + 0.22 * fold;
      light *= 1 - 0.45 * (fieldDist / FIELD_RADIUS) ** 4; // vignette
      const b = s.blotch(x / WIDTH, y / HEIGHT);
      let r = 0.86 + 0.1 * b;
      let g = 0.42 + 0.12 * b;
      let bl = 0.36 + 0.08 * b;
      const vessel = (s.vessels[y * WIDTH + x] as number) / 255;
      if (vessel > 0) {
        r *= 1 - 0.18 * vessel;
        g *= 1 - 0.35 * vessel;
        bl *= 1 - 0.3 * vessel;
      }
      if (s.polyp) {
        const px = (x - s.polyp.x) / s.polyp.r;
        const py = (y - s.polyp.y) / s.polyp.r;
        const q = px * px + py * py;
        if (q < 1) {
          const height = Math.sqrt(1 - q);
          light = Math.min(1.15, 0.55 + 0.6 * height - 0.25 * (px + py) * height);
          r = 0.92;
          g = 0.4 + 0.1 * height;
          bl = 0.38;
        }
      }
      let highlight = 0;
      for (const h of s.highlights) {
        const hx = (x - h.x) / h.rx;
        const hy = (y - h.y) / h.ry;
        const q = hx * hx + hy * hy;
        if (q < 1) highlight = Math.max(highlight, 1 - q);
      }
      const i = (y * WIDTH + x) * 3;
      out[i] = byte(r * light + highlight);
      out[i + 1] = byte(g * light + highlight);
      out[i + 2] = byte(bl * light + highlight);
    }
  }
  return out;
}

/** VL Endoscopic Image (colonoscopy), RGB 640×480, four stills in one series; the third shows a polyp. */
export function syntheticEndoscopy(study: SyntheticStudy, seed: number): Uint8Array[] {
  const plan: SeriesPlan = {
    kind: 'endoscopy',
    seed,
    seriesNumber: 1,
    modality: 'ES',
    sopClassUid: VL_ENDOSCOPIC_IMAGE_STORAGE,
    seriesDescription: '大腸内視鏡',
    bodyPartExamined: 'COLON',
    manufacturerModelName: 'Synthetic Endoscope',
  };
  return Array.from({ length: IMAGES }, (_, i) =>
    writeDicom({
      ...commonAttributes(study, plan, i + 1),
      ImageType: ['ORIGINAL', 'PRIMARY'],
      PatientOrientation: '',
      AcquisitionContextSequence: [],
      AnatomicRegionSequence: [
        { CodeValue: '71854001', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Colon' },
      ],
      SamplesPerPixel: 3,
      PhotometricInterpretation: 'RGB',
      PlanarConfiguration: 0,
      Rows: HEIGHT,
      Columns: WIDTH,
      BitsAllocated: 8,
      BitsStored: 8,
      HighBit: 7,
      PixelRepresentation: 0,
      PixelData: render(scene(deriveSeed(seed, 'endoscopy', i), i === 2)),
    }),
  );
}
