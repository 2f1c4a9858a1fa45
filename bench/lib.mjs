// Small helpers shared by the benchmarks (not part of any package).

/** Rounds to one decimal. */
export const round1 = (x) => Math.round(x * 10) / 10;

/** The generator's 10-digit local patient id of the n-th patient (0-based). */
export const patientIdOf = (n) => String(n + 1).padStart(10, '0');

/** A small, fast, seeded PRNG (mulberry32): the same data on every run. */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks entries at random in proportion to the weight at `entry[weightIndex]`. */
export function weightedPicker(random, entries, weightIndex) {
  const total = entries.reduce((s, e) => s + e[weightIndex], 0);
  return () => {
    let r = random() * total;
    for (const entry of entries) {
      r -= entry[weightIndex];
      if (r < 0) return entry;
    }
    return entries[0];
  };
}
