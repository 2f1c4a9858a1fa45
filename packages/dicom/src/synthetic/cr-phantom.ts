// Chest radiographs, PA and lateral, drawn as attenuation maps: soft tissue brightens, air in the lungs
// darkens, bone (spine, ribs, clavicles, sternum) brightens most. MONOCHROME2: brighter = more attenuation.
import { between, seededRandom } from './random.js';

export interface ChestBuild {
  /** Half-width of the chest on the image (0–1). */
  width: number;
  heartSize: number;
  rightDome: number;
  leftDome: number;
  tilt: number;
}

export function chestBuild(seed: number): ChestBuild {
  const random = seededRandom(seed);
  return {
    width: between(random, 0.7, 0.8),
    heartSize: between(random, 0.22, 0.3),
    rightDome: between(random, 0.3, 0.38),
    leftDome: between(random, 0.36, 0.44),
    tilt: between(random, -0.02, 0.02),
  };
}

const smooth = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** A bone band of half-thickness h at signed distance d: brighter cortical edges over a fainter middle. */
function boneProfile(d: number, h: number): number {
  const x = Math.abs(d) / h;
  if (x >= 1) return 0;
  return 0.55 + 0.45 * x ** 4;
}

/** Thickness (0–1) of soft tissue crossing a body of half-width w at u. */
const thicknessAt = (u: number, w: number) => (Math.abs(u) >= w ? 0 : Math.sqrt(1 - (u / w) ** 2));

/** PA view: u across (−1 = patient's right, shown on the left), v down (−1 = top). Attenuation ≈ 0–1.3. */
export function paAttenuation(b: ChestBuild, u0: number, v: number): number {
  const u = u0 + b.tilt * v;
  // Torso with shoulders and neck.
  const shoulder = smooth(-0.78, -0.55, v);
  const halfWidth = 0.16 + (b.width + 0.12 * (1 - smooth(-0.55, -0.2, v)) - 0.16) * shoulder;
  let a = 0.55 * thicknessAt(u, halfWidth);
  if (a <= 0) return 0;

  // Lungs: from the apices (v ≈ −0.62) down to the domes; the heart bulges into the left lung.
  for (const side of [-1, 1]) {
    const centre = side * b.width * 0.5;
    const dome = side < 0 ? b.rightDome : b.leftDome;
    const du = (u - centre) / (b.width * 0.42);
    const base = dome - 0.1 * du * du;
    const apex = -0.6 + 0.08 * du * du;
    if (v < apex || v > base) continue;
    const lateral = 1 - Math.abs(du) ** 2.4;
    const vertical = smooth(apex, apex + 0.12, v) * smooth(base, base - 0.06, v);
    let lung = Math.max(0, lateral) * vertical;
    // The mediastinum and the heart take the medial side.
    const medial = side * u;
    lung *= smooth(0.08, 0.17, medial);
    if (side > 0) {
      const heart = ((u - 0.1) / (b.heartSize + 0.08)) ** 2 + ((v - 0.22) / 0.2) ** 2;
      lung *= smooth(0.75, 1.15, heart);
    } else {
      const heart = ((u + 0.02) / 0.16) ** 2 + ((v - 0.24) / 0.18) ** 2;
      lung *= smooth(0.8, 1.2, heart);
    }
    a -= 0.42 * lung;
  }
  // Gas in the stomach under the left dome.
  const bubble = ((u - b.width * 0.42) / 0.09) ** 2 + ((v - b.leftDome - 0.1) / 0.05) ** 2;
  if (bubble < 1) a -= 0.18 * (1 - bubble);

  // Spine: vertebral bodies with discs between them, pedicles as ovals.
  const spineHalf = 0.055;
  if (Math.abs(u) < spineHalf && v > -0.9) {
    const level = (((v + 0.9) % 0.085) + 0.085) % 0.085;
    const disc = level < 0.012;
    a += (disc ? 0.04 : 0.1) * thicknessAt(u, spineHalf);
    for (const side of [-1, 1]) {
      const ped = ((u - side * 0.04) / 0.013) ** 2 + ((level - 0.03) / 0.018) ** 2;
      if (ped < 1) a += 0.05;
    }
  }
  // Clavicles, from the sternal notch out and up.
  for (const side of [-1, 1]) {
    const x = side * u;
    if (x > 0.06 && x < 0.55) {
      const centre = -0.6 - 0.1 * (x - 0.06) + 0.08 * Math.sin((x - 0.06) * 6);
      a += 0.25 * boneProfile(v - centre, 0.022);
    }
  }
  // Posterior ribs: from the spine out and down, curving at the lateral wall; fainter anterior ribs.
  for (let k = 0; k < 10; k++) {
    for (const side of [-1, 1]) {
      const x = side * u - 0.06;
      if (x < 0 || x > b.width * 0.98) continue;
      const start = -0.66 + k * 0.095;
      const posterior = start - 0.12 * x + 0.55 * x * x;
      a += 0.11 * boneProfile(v - posterior, 0.016 + 0.002 * k);
      const anterior = start + 0.22 - 0.35 * (b.width - x) * (b.width - x);
      if (x > 0.12) a += 0.045 * boneProfile(v - anterior, 0.014);
    }
  }
  return a;
}

/** Lateral view: u from front (−1, anterior on the left) to back, v down. */
export function lateralAttenuation(b: ChestBuild, u: number, v: number): number {
  const halfDepth = 0.48 + 0.05 * smooth(-0.2, 0.6, v);
  const centre = 0.02;
  let a = 0.75 * thicknessAt(u - centre, halfDepth);
  if (v < -0.62) a *= 0.6 + 0.4 * smooth(-0.85, -0.62, v); // neck
  if (a <= 0) return 0;
  // Both lungs overlap into one field; the posterior costophrenic angle dips lowest.
  const du = (u - 0.0) / 0.4;
  const base = (b.rightDome + b.leftDome) / 2 + 0.08 * du - 0.08 * du * du;
  const apex = -0.62 + 0.35 * du * du;
  if (v > apex && v < base && Math.abs(du) < 1) {
    let lung = (1 - du * du) * smooth(apex, apex + 0.1, v) * smooth(base, base - 0.05, v);
    const heart = ((u + 0.18) / (b.heartSize + 0.02)) ** 2 + ((v - 0.2) / 0.2) ** 2;
    lung *= smooth(0.7, 1.2, heart);
    a -= 0.5 * lung;
  }
  // Thoracic spine at the back, vertebra by vertebra.
  const spine = 0.36;
  if (Math.abs(u - spine) < 0.07 && v > -0.9) {
    const level = (((v + 0.9) % 0.085) + 0.085) % 0.085;
    if (level > 0.012) a += 0.12 * thicknessAt(u - spine, 0.07);
  }
  // Sternum in front, ribs as faint arcs behind.
  if (v > -0.55 && v < 0.3) a += 0.12 * boneProfile(u + 0.46, 0.025);
  for (let k = 0; k < 10; k++) {
    const arc = -0.6 + k * 0.095 + 0.15 * (u - 0.3) * (u - 0.3);
    if (u > -0.4 && u < 0.45) a += 0.05 * boneProfile(v - arc, 0.014);
  }
  return a;
}
