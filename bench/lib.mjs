// Small helpers shared by the benchmarks (not part of any package).
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

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

/** The median of a non-empty list of numbers. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * A process's resident memory from /proc/<pid>/status, in MB: `rss` now (VmRSS) and `hwm`, its peak
 * since it started or since `resetPeakRss` (VmHWM). Null where there is no /proc (not Linux).
 */
export function processMemoryMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0, own processes); false where that is not allowed. */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** A TCP port free on 127.0.0.1 right now (for a child process to listen on). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Doctors at the demo clinic (the demo's clinic doctor's profession and facility), one per login: the
 * hub takes a one-time code once, and waiting 30 s between logins would measure nothing.
 */
export async function benchDoctors(server, network, count, { loginPrefix, name, kana }) {
  const clinicOid = network.seed.oids.get('clinic');
  const doctors = [];
  for (let i = 1; i <= count; i++) {
    const loginId = `${loginPrefix}${i}`;
    let user = await server.findUserByLoginId(network.hub.store, loginId);
    if (!user) {
      ({ user } = await server.createUser(network.hub.deps, {
        loginId,
        name: `${name}${i}`,
        nameKana: `${kana}${i}`,
        profession: 'doctor',
        password: server.DEMO_PASSWORD,
        memberships: [{ facilityOid: clinicOid, role: 'member' }],
      }));
    }
    await server.setPassword(network.hub.store, user.id, server.DEMO_PASSWORD, { mustChange: false });
    const secret = server.newTotpSecret();
    await server.enrolTotp(network.hub.store, user.id, secret);
    doctors.push({ loginId, secret });
  }
  return doctors;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); 0 elsewhere. */
export function cpuMsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/** [from age, to age, weight] of a prefecture's hospital patients: they are old. */
export const AGE_BANDS = [
  [0, 9, 5],
  [10, 19, 4],
  [20, 29, 5],
  [30, 39, 7],
  [40, 49, 10],
  [50, 59, 12],
  [60, 69, 17],
  [70, 79, 22],
  [80, 89, 15],
  [90, 99, 3],
];
const FULL_WIDTH_DIGITS = '０１２３４５６７８９';
/** A number in full-width digits, as Japanese addresses write them. */
export const fw = (n) => [...String(n)].map((c) => FULL_WIDTH_DIGITS[Number(c)]).join('');
