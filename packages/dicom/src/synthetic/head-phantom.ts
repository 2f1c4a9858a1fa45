// An axial head phantom in Hounsfield units, vertex to skull base: scalp, skull (tables and diploë), grey
// and white matter, lateral and third ventricles, falx, calcified pineal and choroid plexus, then the
// posterior fossa (cerebellum, brainstem, fourth ventricle), petrous bones, orbits and air sinuses, and
// the head holder under the occiput.
import { between, seededRandom } from './random.js';
import { fillBand, fillEllipse, type Slice } from './raster.js';

const HU = {
  air: -1000,
  fat: -90,
  scalp: 30,
  cortical: 1300,
  diploe: 650,
  grey: 38,
  white: 27,
  csf: 6,
  falx: 70,
  calcified: 180,
  vitreous: 10,
  lens: 110,
  muscle: 50,
  holder: 140,
} as const;

/** The head's size and the brain's build, drawn once per study from the seed. */
export interface HeadAnatomy {
  /** Half-width and half-length of the skull at its widest, mm. */
  width: number;
  length: number;
  /** Age-like atrophy, 0–1: wider ventricles and sulci. */
  atrophy: number;
  /** The sulci: angle around the brain and depth, shifting with height. */
  sulci: { angle: number; depth: number; phase: number }[];
}

export function headAnatomy(seed: number): HeadAnatomy {
  const random = seededRandom(seed);
  return {
    width: between(random, 68, 76),
    length: between(random, 86, 96),
    atrophy: random(),
    sulci: Array.from({ length: 28 }, () => ({
      angle: random() * 2 * Math.PI,
      depth: between(random, 6, 14),
      phase: random() * Math.PI * 2,
    })),
  };
}

/** Bell curve on [from, to]: 0 at the ends, 1 in the middle. */
function bell(t: number, from: number, to: number): number {
  if (t <= from || t >= to) return 0;
  return Math.sin((Math.PI * (t - from)) / (to - from));
}

/**
 * Paints slice `t` (0 = vertex, 1 = skull base). The cranium is widest at t ≈ 0.55;
 * below t ≈ 0.7 the posterior fossa, orbits and sinuses take over.
 */
export function paintHeadSlice(s: Slice, a: HeadAnatomy, t: number): void {
  // Outline of the skull: a dome from the vertex, narrowing again towards the base.
  const dome = Math.sqrt(Math.max(0, 1 - ((0.58 - Math.min(t, 0.58)) / 0.6) ** 2));
  const base = t > 0.78 ? 1 - 0.35 * ((t - 0.78) / 0.22) : 1;
  const rx = a.width * dome * base;
  const ry = a.length * dome * (t > 0.78 ? 1 - 0.15 * ((t - 0.78) / 0.22) : 1);
  const cy = 4 * (t - 0.5); // the head tilts slightly in the holder

  // The holder under the occiput, curving up at the sides.
  const holderTop = (x: number) => a.length + 9 + 0.004 * x * x;
  fillBand(s, -110, 110, holderTop, 6, HU.holder);
  if (rx <= 2 || ry <= 2) return;

  fillEllipse(s, 0, cy, rx + 6, ry + 6, HU.scalp);
  fillEllipse(s, 0, cy, rx + 1.5, ry + 1.5, HU.cortical);
  fillEllipse(s, 0, cy, rx - 1.5, ry - 1.5, HU.diploe);
  fillEllipse(s, 0, cy, rx - 4.5, ry - 4.5, HU.cortical);
  const brainX = rx - 6.5;
  const brainY = ry - 6.5;
  if (brainX <= 1 || brainY <= 1) return;
  fillEllipse(s, 0, cy, brainX, brainY, HU.csf); // the subarachnoid space
  const gap = 1.2 + 2.5 * a.atrophy;
  fillEllipse(s, 0, cy, brainX - gap, brainY - gap, HU.grey);

  if (t < 0.72) paintCerebrum(s, a, t, cy, brainX - gap, brainY - gap);
  else paintSkullBase(s, t, cy, rx, ry);
}

function paintCerebrum(s: Slice, a: HeadAnatomy, t: number, cy: number, bx: number, by: number) {
  // Sulci: CSF clefts from the surface inwards, wider with atrophy.
  for (const sulcus of a.sulci) {
    const angle = sulcus.angle + 0.15 * Math.sin(t * 9 + sulcus.phase);
    const reach = sulcus.depth * (0.6 + 0.6 * a.atrophy);
    for (let d = 0; d < reach; d += 1.5) {
      const r = 1 - d / Math.max(bx, by);
      fillEllipse(s, Math.cos(angle) * bx * r, cy + Math.sin(angle) * by * r, 0.9, 0.9, HU.csf);
    }
  }
  // White matter inside the cortex.
  const core = bell(t, 0.05, 0.72);
  if (core > 0) fillEllipse(s, 0, cy + 2, bx * 0.72 * core, by * 0.74 * core, HU.white);
  // The falx between the hemispheres, front and back.
  fillEllipse(s, 0, cy - by * 0.62, 0.8, by * 0.36, HU.falx);
  fillEllipse(s, 0, cy + by * 0.7, 0.8, by * 0.28, HU.falx);
  // Lateral ventricles (bodies above, frontal and occipital horns lower), the third ventricle below them.
  const ventricles = bell(t, 0.3, 0.62);
  if (ventricles > 0) {
    const widen = 1 + 0.9 * a.atrophy;
    for (const side of [-1, 1]) {
      fillEllipse(s, side * 7 * widen, cy - 14, 4 * widen * ventricles, 16 * ventricles, HU.csf);
      if (t > 0.44)
        fillEllipse(s, side * 9 * widen, cy + 26, 3.5 * widen * ventricles, 9 * ventricles, HU.csf);
      // Calcified choroid plexus in the trigones.
      if (t > 0.46 && t < 0.52) fillEllipse(s, side * 10 * widen, cy + 20, 2.5, 2.5, HU.calcified);
    }
  }
  if (t > 0.52 && t < 0.66) fillEllipse(s, 0, cy + 2, 1.8 + a.atrophy, 9, HU.csf);
  if (t > 0.48 && t < 0.53) fillEllipse(s, 0, cy + 16, 3, 3, HU.calcified); // pineal
}

function paintSkullBase(s: Slice, t: number, cy: number, rx: number, ry: number) {
  // Posterior fossa: two cerebellar hemispheres behind the brainstem, the fourth ventricle between.
  const fossa = bell(t, 0.68, 1.02);
  for (const side of [-1, 1])
    fillEllipse(s, side * rx * 0.34, cy + ry * 0.42, rx * 0.36 * fossa + 2, ry * 0.34 * fossa + 2, HU.grey);
  fillEllipse(s, 0, cy + ry * 0.1, 11 * fossa + 3, 10 * fossa + 3, HU.white); // brainstem
  fillEllipse(s, 0, cy + ry * 0.32, 4 * fossa + 1, 2.5 * fossa + 1, HU.csf);
  // Petrous bones, bright and oblique, with mastoid air behind them.
  const petrous = bell(t, 0.74, 0.94);
  if (petrous > 0)
    for (const side of [-1, 1]) {
      fillEllipse(s, side * rx * 0.55, cy + ry * 0.05, 22 * petrous, 7 * petrous, HU.cortical);
      fillEllipse(s, side * rx * 0.78, cy + ry * 0.3, 7 * petrous, 6 * petrous, HU.air);
    }
  // Orbits in front: fat, the globe (vitreous, lens), and the sphenoid and ethmoid air cells between.
  const orbit = bell(t, 0.72, 0.98);
  if (orbit > 0) {
    for (const side of [-1, 1]) {
      const ox = side * 30;
      const oy = cy - ry * 0.92;
      fillEllipse(s, ox, oy + 10, 17 * orbit, 22 * orbit, HU.fat);
      fillEllipse(s, ox, oy, 12 * orbit, 12 * orbit, HU.vitreous);
      if (orbit > 0.8) fillEllipse(s, ox, oy - 10 * orbit, 4, 1.8, HU.lens);
      fillEllipse(s, side * 20, oy + 22, 3 * orbit, 14 * orbit, HU.muscle); // the medial rectus
    }
    fillEllipse(s, 0, cy - ry * 0.62, 9 * orbit, 14 * orbit, HU.air);
    for (let k = 0; k < 4; k++)
      fillEllipse(s, (k % 2 ? 1 : -1) * 6, cy - ry * (0.8 - k * 0.05), 3, 3, HU.air);
  }
}
