// A synthetic abdominal ultrasound: a convex-probe sector over the liver, gallbladder, portal vein and
// diaphragm, with speckle. Three single-frame images and one 8-frame cine loop (breathing), 640×480, 8 bits.
import { writeDicom } from '../write/write.js';
import { between, deriveSeed, seededRandom, valueNoise } from './random.js';
import { commonAttributes, greyPixelAttributes, type SeriesPlan, type SyntheticStudy } from './study.js';

export const US_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.6.1';
export const US_MULTIFRAME_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.3.1';

const WIDTH = 640;
const HEIGHT = 480;
const APEX_X = 320;
const APEX_Y = 24;
const MIN_R = 18;
const MAX_R = 440;
const HALF_ANGLE = (37 * Math.PI) / 180;
/** 16 cm of depth over the sector. */
const CM_PER_PIXEL = 16 / MAX_R;
const CINE_FRAMES = 8;

interface View {
  /** Lateral shift of the anatomy (px) and the gallbladder's size, per probe position. */
  shift: number;
  gallbladder: number;
  texture: (x: number, y: number) => number;
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Echogenicity (0–1) at (dx, dy) px from the probe apex; `breath` shifts the deep organs (px). */
function echo(view: View, dx: number, dy: number, r: number, breath: number): number {
  if (r < 26) return 0.85; // skin and probe contact
  if (r < 60) return 0.2 + 0.5 * Math.max(0, Math.sin(r * 0.35 + dx * 0.02)) ** 12; // fat with septa
  if (r < 95) return 0.36 + 0.08 * Math.sin(r * 0.9 + dx * 0.05); // muscle striation
  if (r < 100) return 0.9; // liver capsule
  const x = dx - view.shift;
  const y = dy - breath;
  const diaphragm = 372 + 0.0009 * x * x;
  if (Math.abs(y - diaphragm) < 6) return 1;
  if (y > diaphragm) return 0.28 * view.texture((x + 400) / 800, (y - diaphragm) / 120); // mirror artefact
  let e = 0.5 * (0.75 + 0.5 * view.texture((x + 400) / 800, y / 480));
  // Gallbladder (anechoic) with enhancement behind it.
  const gx = (x + 70) / (70 * view.gallbladder);
  const gy = (y - 215) / (36 * view.gallbladder);
  const g = gx * gx + gy * gy;
  if (g < 1) return 0.03;
  if (g < 1.15) return 0.85;
  if (Math.abs(gx) < 1 && gy > 0) e *= 1 + 0.6 * Math.exp(-(gy - 1) / 3);
  // Portal vein (dark lumen, bright walls) and a hepatic vein.
  const portal = Math.abs(y - (150 + 0.22 * x));
  if (portal < 9) return 0.04;
  if (portal < 12) return 0.95;
  const hepatic = Math.abs(x - 120 - 0.5 * (y - 260));
  if (hepatic < 7 && y > 200 && y < 340) return 0.05;
  return e;
}

function frame(view: View, breath: number, speckleSeed: number): Uint8Array {
  const random = seededRandom(speckleSeed);
  const raw = new Float32Array(WIDTH * HEIGHT);
  for (let py = 0; py < HEIGHT; py++) {
    const dy = py - APEX_Y;
    for (let px = 0; px < WIDTH; px++) {
      const dx = px - APEX_X;
      const r = Math.sqrt(dx * dx + dy * dy);
      const angle = Math.atan2(dx, dy);
      if (dy <= 0 || r < MIN_R || r > MAX_R || Math.abs(angle) > HALF_ANGLE) continue;
      const speckle = Math.sqrt(-2 * Math.log(Math.max(1e-9, random()))) * 0.8;
      const gain = 1 - 0.25 * (r / MAX_R);
      const edge = Math.min(1, (HALF_ANGLE - Math.abs(angle)) * 40, (MAX_R - r) / 6);
      raw[py * WIDTH + px] = echo(view, dx, dy, r, breath) * speckle * gain * edge;
    }
  }
  // Speckle grains are wider than deep: [1 2 1] across, [1 1] down.
  const out = new Uint8Array(WIDTH * HEIGHT);
  for (let py = 0; py < HEIGHT - 1; py++) {
    for (let px = 1; px < WIDTH - 1; px++) {
      const i = py * WIDTH + px;
      const across = (v: number) =>
        ((raw[v - 1] as number) + 2 * (raw[v] as number) + (raw[v + 1] as number)) / 4;
      const value = (across(i) + across(i + WIDTH)) / 2;
      out[i] = Math.round(255 * clamp01(value) ** 0.8);
    }
  }
  // Depth marks every centimetre beside the sector.
  for (let cm = 1; cm <= 15; cm++) {
    const y = Math.round(APEX_Y + cm / CM_PER_PIXEL);
    const x = Math.round(APEX_X + Math.sin(HALF_ANGLE) * (cm / CM_PER_PIXEL) + 14);
    for (let k = -1; k <= 1; k++)
      for (let j = -(cm % 5 === 0 ? 3 : 1); j <= 1; j++) out[(y + k) * WIDTH + x + j] = 200;
  }
  return out;
}

/** US, one series: three single-frame views and one 8-frame cine of the liver and gallbladder. */
export function syntheticUs(study: SyntheticStudy, seed: number): Uint8Array[] {
  const plan: SeriesPlan = {
    kind: 'us',
    seed,
    seriesNumber: 1,
    modality: 'US',
    sopClassUid: US_IMAGE_STORAGE,
    seriesDescription: '腹部エコー 肝・胆嚢',
    bodyPartExamined: 'ABDOMEN',
    manufacturerModelName: 'Synthetic US',
  };
  const random = seededRandom(deriveSeed(seed, 'us-views'));
  const texture = valueNoise(random, 24, 18);
  const views: View[] = Array.from({ length: 4 }, () => ({
    shift: between(random, -60, 60),
    gallbladder: between(random, 0.8, 1.2),
    texture,
  }));
  return views.map((view, i) => {
    const cine = i === 3;
    const frames = cine
      ? Array.from({ length: CINE_FRAMES }, (_, f) =>
          frame(view, 10 * Math.sin((2 * Math.PI * f) / CINE_FRAMES), deriveSeed(seed, 'us-speckle', i, f)),
        )
      : [frame(view, 0, deriveSeed(seed, 'us-speckle', i))];
    return writeDicom({
      ...commonAttributes(study, plan, i + 1),
      ...(cine
        ? {
            SOPClassUID: US_MULTIFRAME_IMAGE_STORAGE,
            NumberOfFrames: CINE_FRAMES,
            FrameIncrementPointer: 0x00181063,
            FrameTime: 250,
            CineRate: 4,
          }
        : {}),
      ImageType: ['ORIGINAL', 'PRIMARY', 'ABDOMINAL', '0001'],
      PatientOrientation: '',
      SequenceOfUltrasoundRegions: [
        {
          RegionSpatialFormat: 1,
          RegionDataType: 1,
          RegionFlags: 0,
          RegionLocationMinX0: Math.floor(APEX_X - Math.sin(HALF_ANGLE) * MAX_R),
          RegionLocationMinY0: APEX_Y,
          RegionLocationMaxX1: Math.ceil(APEX_X + Math.sin(HALF_ANGLE) * MAX_R),
          RegionLocationMaxY1: APEX_Y + MAX_R,
          PhysicalUnitsXDirection: 3,
          PhysicalUnitsYDirection: 3,
          PhysicalDeltaX: CM_PER_PIXEL,
          PhysicalDeltaY: CM_PER_PIXEL,
        },
      ],
      ...greyPixelAttributes(HEIGHT, WIDTH, 8, 8, false),
      PixelData: frames,
    });
  });
}
