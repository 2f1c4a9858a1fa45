// An axial chest–abdomen phantom in Hounsfield units: body, fat, lungs with vessels, heart, aorta, trachea,
// spine, ribs, sternum, liver, spleen, stomach, kidneys, bowel, and the table under the patient.
import { between, seededRandom } from './random.js';
import { fillBand, fillBone, fillEllipse, type Slice } from './raster.js';

const HU = {
  air: -1000,
  lung: -860,
  fat: -100,
  softTissue: 45,
  muscle: 50,
  blood: 45,
  contrastBlood: 230,
  liver: 65,
  spleen: 55,
  kidney: 160,
  fluid: 12,
  cortical: 850,
  cancellous: 230,
  cartilage: 110,
  table: 220,
  foam: -700,
  nodule: 40,
} as const;

/** What iodinated contrast changes: blood, kidneys and the portal and caval veins enhance. */
const ENHANCED = { blood: HU.contrastBlood, kidney: HU.kidney, portal: 170, cava: 120 } as const;
const PLAIN = { blood: HU.blood, kidney: 32, portal: 42, cava: 42 } as const;
type Enhancement = typeof ENHANCED | typeof PLAIN;

/** How a slice is painted: with or without contrast, and an optional solid lung nodule. */
export interface CtPaintOptions {
  enhanced: boolean;
  /** A solid nodule in the right upper lobe, this diameter (mm). */
  noduleMm?: number;
}

/** The patient's build and organ positions, drawn once per study from the seed. */
export interface CtAnatomy {
  /** Half-width and half-depth of the chest, mm. */
  width: number;
  depth: number;
  /** Extra abdominal girth, mm. */
  belly: number;
  heartShift: number;
  ribPhase: number;
  lungVessels: { u: number; v: number; radius: number }[][];
  bowel: { x: number; y: number; r: number; phase: number; gas: boolean }[];
}

export function ctAnatomy(seed: number): CtAnatomy {
  const random = seededRandom(seed);
  const vessels = () =>
    Array.from({ length: 60 }, () => {
      const angle = random() * 2 * Math.PI;
      const dist = Math.sqrt(random()) * 0.92;
      return { u: dist * Math.cos(angle), v: dist * Math.sin(angle), radius: 0.8 + 3.2 * (1 - dist) ** 2 };
    });
  return {
    width: between(random, 150, 175),
    depth: between(random, 100, 118),
    belly: between(random, 0, 25),
    heartShift: between(random, -6, 8),
    ribPhase: random() * Math.PI * 2,
    lungVessels: [vessels(), vessels()],
    bowel: Array.from({ length: 26 }, () => ({
      x: between(random, -0.6, 0.6),
      y: between(random, -0.75, 0.3),
      r: between(random, 10, 20),
      phase: random() * Math.PI * 2,
      gas: random() < 0.45,
    })),
  };
}

/** Where a slice is and how wide the body is there (mm). */
interface Level {
  t: number;
  z: number;
  width: number;
  depth: number;
  spineY: number;
}

/** Bell curve on [from, to]: 0 at the ends, 1 in the middle. */
function bell(t: number, from: number, to: number): number {
  if (t <= from || t >= to) return 0;
  return Math.sin((Math.PI * (t - from)) / (to - from));
}

/**
 * Paints slice `t` (0 = lung apices, 1 = lower abdomen) at table height z mm. Lungs end at t ≈ 0.52
 * (the right dome higher, over the liver), the abdomen follows.
 */
export function paintCtSlice(
  s: Slice,
  a: CtAnatomy,
  t: number,
  z: number,
  options: CtPaintOptions = { enhanced: true },
): void {
  const e = options.enhanced ? ENHANCED : PLAIN;
  const abdomen = Math.min(1, Math.max(0, (t - 0.45) / 0.2));
  const shoulders = Math.max(0, 1 - t / 0.12);
  const width = a.width * (1 + 0.12 * shoulders) + a.belly * abdomen * 0.6;
  const depth = a.depth + a.belly * abdomen;
  const back = depth;

  // The table (carbon top on foam), curving up at the sides, under the patient.
  const tableTop = (x: number) => back + 3 - 0.00045 * x * x;
  fillBand(s, -215, 215, (x) => tableTop(x) + 5, 18, HU.foam);
  fillBand(s, -215, 215, tableTop, 5, HU.table);

  // Body: skin and subcutaneous fat, then muscle wall, then (abdomen) fat inside the wall.
  const fatLayer = 9 + 10 * abdomen + a.belly * 0.3;
  fillEllipse(s, 0, 0, width, depth, HU.fat);
  fillEllipse(s, 0, 0, width - fatLayer, depth - fatLayer * 0.8, HU.muscle);
  if (abdomen > 0) fillEllipse(s, 0, -4, width - fatLayer - 14, depth - fatLayer - 12, -60);

  const spineY = back - 66;
  const level: Level = { t, z, width, depth, spineY };
  paintAbdomen(s, a, level, e);
  paintChest(s, a, level, e);
  if (options.noduleMm) paintNodule(s, a, t, options.noduleMm);
  paintSpine(s, t, z, spineY);
  // The aorta runs the whole length, just left of and in front of the spine.
  const aortaX = 14 - 8 * abdomen;
  fillEllipse(s, aortaX, spineY - 30 + 6 * abdomen, 12 - 2 * abdomen, 12 - 2 * abdomen, e.blood);
}

/** Where the nodule sits: the right upper lobe (image left), in front, at t = 0.2. */
const NODULE_T = 0.2;

function paintNodule(s: Slice, a: CtAnatomy, t: number, diameter: number) {
  const dz = (t - NODULE_T) * 300; // the trunk phantom covers 300 mm
  const r = diameter / 2;
  if (Math.abs(dz) >= r) return;
  const lung = lungEllipse(NODULE_T, a.width, a.depth, -1); // below the shoulders: the chest's own width
  const radius = Math.sqrt(r * r - dz * dz);
  // Over lung only (a lobulated edge: two overlapping circles).
  fillEllipse(s, lung.cx + 0.3 * lung.rx, lung.cy - 0.35 * lung.ry, radius, radius, HU.nodule, -950);
  fillEllipse(
    s,
    lung.cx + 0.3 * lung.rx + r * 0.4,
    lung.cy - 0.35 * lung.ry + r * 0.2,
    radius * 0.7,
    radius * 0.7,
    HU.nodule,
    -950,
  );
}

/** The lung of one side at height t: centre and radii (mm); extent 0 above the apex and below the dome. */
function lungEllipse(t: number, width: number, depth: number, side: -1 | 1) {
  const end = side < 0 ? 0.5 : 0.54;
  const grow = Math.min(1, Math.max(0, (t - 0.01) / 0.2));
  const shrink = Math.min(1, Math.max(0, (end - t) / 0.1));
  const extent = Math.sqrt(grow) * Math.sqrt(shrink);
  return {
    extent,
    rx: width * 0.36 * extent,
    ry: depth * 0.66 * (0.4 + 0.6 * extent),
    cx: side * width * 0.45,
    cy: -depth * 0.04 + (1 - shrink) * depth * 0.35,
  };
}

function paintChest(s: Slice, a: CtAnatomy, level: Level, e: Enhancement) {
  const { t, z, width, depth, spineY } = level;
  if (t > 0.6) return;
  // Lungs: apex to domes; the right (image left) ends higher over the liver; bases fall back posteriorly.
  a.lungVessels.forEach((vessels, i) => {
    const { extent, rx, ry, cx, cy } = lungEllipse(t, width, depth, i === 0 ? -1 : 1);
    if (extent <= 0) return;
    fillEllipse(s, cx, cy, rx, ry, HU.lung, -500);
    for (const v of vessels) fillEllipse(s, cx + v.u * rx, cy + v.v * ry, v.radius, v.radius, 35, -950);
  });

  // Ribs: oblique, so each is cut at some heights and not others.
  for (let k = 0; k < 7; k++) {
    for (const side of [-1, 1]) {
      const visible = Math.sin(z / 9 + k * 1.7 + a.ribPhase + side) > -0.1;
      if (!visible) continue;
      const angle = (-65 + k * 22) * (Math.PI / 180);
      const x = side * (width - 14) * Math.cos(angle);
      const y = (depth - 12) * Math.sin(angle);
      fillBone(s, x, y, 6.5, 4.5, 1.6, HU.cortical, HU.cancellous);
    }
  }
  // Sternum, in front.
  const sternum = bell(t, 0.04, 0.5);
  if (sternum > 0) fillBone(s, 0, -depth + 11, 14, 6, 1.8, HU.cortical - 150, HU.cancellous);

  // Trachea, then the main bronchi; the oesophagus behind.
  if (t < 0.24) {
    fillEllipse(s, 0, -depth * 0.1, 11, 10, HU.softTissue);
    fillEllipse(s, 0, -depth * 0.1, 8.5, 7.5, HU.air);
  } else if (t < 0.3) {
    for (const side of [-1, 1]) fillEllipse(s, side * 15, -depth * 0.08, 6, 5.5, HU.air);
  }
  if (t < 0.5) {
    fillEllipse(s, 6, spineY - 24, 7, 5, 30);
    fillEllipse(s, 6, spineY - 24, 1.5, 1.5, HU.air);
  }

  // Heart in its pericardial fat, contrast in the chambers; the ascending aorta above it.
  const heart = bell(t, 0.26, 0.58);
  if (heart > 0) {
    const hx = width * 0.1 + a.heartShift;
    const hy = -depth * 0.22;
    fillEllipse(s, hx, hy, width * 0.34 * heart + 4, depth * 0.36 * heart + 4, -70);
    fillEllipse(s, hx, hy, width * 0.34 * heart, depth * 0.36 * heart, HU.blood);
    fillEllipse(s, hx - 6, hy + 2, width * 0.22 * heart, depth * 0.22 * heart, e.blood);
  }
  if (t > 0.1 && t < 0.3) fillEllipse(s, -width * 0.05, -depth * 0.3, 15, 15, e.blood);
  if (t > 0.08 && t < 0.12) fillEllipse(s, 0, -depth * 0.12, 36, 14, e.blood); // the arch
}

function paintAbdomen(s: Slice, a: CtAnatomy, level: Level, e: Enhancement) {
  const { t, z, width, depth, spineY } = level;
  if (t < 0.42) return;
  const inside = -300; // paint organs only over soft tissue and fat, never over air
  // Liver (patient's right = image left) with portal veins.
  const liver = bell(t, 0.42, 0.8);
  if (liver > 0) {
    const lx = -width * 0.33;
    fillEllipse(s, lx, -depth * 0.1, width * 0.5 * liver + 8, depth * 0.64 * liver + 6, HU.liver, inside);
    for (let k = 0; k < 5; k++)
      fillEllipse(s, lx + 18 * Math.cos(k * 1.3), -depth * 0.05 + 14 * Math.sin(k * 1.9), 4, 4, e.portal, 0);
  }
  const spleen = bell(t, 0.48, 0.72);
  if (spleen > 0)
    fillEllipse(
      s,
      width * 0.55,
      depth * 0.22,
      width * 0.16 * spleen + 4,
      depth * 0.3 * spleen + 4,
      HU.spleen,
      inside,
    );
  // Stomach: fluid with a gas cap in front (the patient lies supine).
  const stomach = bell(t, 0.46, 0.7);
  if (stomach > 0) {
    const sx = width * 0.3;
    const sy = -depth * 0.25;
    fillEllipse(s, sx, sy, width * 0.2 * stomach + 5, depth * 0.22 * stomach + 5, HU.muscle, inside);
    fillEllipse(s, sx, sy, width * 0.17 * stomach + 3, depth * 0.19 * stomach + 3, HU.fluid, inside);
    fillEllipse(
      s,
      sx,
      sy - depth * 0.1 * stomach,
      width * 0.14 * stomach,
      depth * 0.08 * stomach,
      HU.air,
      inside,
    );
  }
  // Kidneys: enhancing cortex, fat in the sinus.
  const kidney = bell(t, 0.62, 0.88);
  if (kidney > 0)
    for (const side of [-1, 1]) {
      const kx = side * width * 0.36;
      fillEllipse(s, kx, spineY - 6, 24 * kidney + 3, 32 * kidney + 3, e.kidney, inside);
      fillEllipse(s, kx - side * 8, spineY - 6, 8 * kidney, 12 * kidney, -60, inside);
    }
  // Psoas muscles and the inferior vena cava.
  if (t > 0.7) for (const side of [-1, 1]) fillEllipse(s, side * 38, spineY - 4, 16, 20, HU.muscle, inside);
  fillEllipse(s, -22, spineY - 28, 12, 10, e.cava, inside);
  // Bowel loops below the liver: wall, then gas or fluid, drifting with height.
  if (t > 0.64)
    for (const b of a.bowel) {
      const r = b.r * Math.sqrt(bell(t, 0.62, 1.1)) + 2;
      const bx = b.x * width + 12 * Math.sin(z / 22 + b.phase);
      const by = b.y * depth + 8 * Math.cos(z / 30 + b.phase);
      fillEllipse(s, bx, by, r, r, HU.muscle, inside);
      fillEllipse(s, bx, by, r - 2.5, r - 2.5, b.gas ? HU.air : HU.fluid + 10, inside);
    }
}

function paintSpine(s: Slice, t: number, z: number, spineY: number) {
  // A disc every ~28 mm in the chest, ~34 mm in the lumbar spine.
  const period = t < 0.55 ? 28 : 34;
  const disc = ((z % period) + period) % period < 5;
  const body = t < 0.55 ? 17 : 21;
  if (disc) fillEllipse(s, 0, spineY, body, body - 2, HU.cartilage);
  else fillBone(s, 0, spineY, body, body - 2, 2.2, HU.cortical, HU.cancellous);
  const canalY = spineY + body + 10;
  if (!disc) {
    fillEllipse(s, 0, canalY, 15, 13, HU.cortical - 200);
    fillEllipse(s, 0, canalY + 22, 5, 13, HU.cortical - 200);
    for (const side of [-1, 1]) fillEllipse(s, side * 26, canalY - 2, 13, 5, HU.cortical - 200);
  }
  fillEllipse(s, 0, canalY, 9, 8, 15); // the canal (CSF)
}
