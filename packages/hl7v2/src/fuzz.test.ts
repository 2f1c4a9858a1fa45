import { describe, expect, it } from 'vitest';
import { encodeHl7Text, type Hl7ErrorCode, parseHl7 } from './index.js';
import { readPid, readSegments } from './segments/readers.js';
import { allHl7Samples, readSample } from './testing/samples.js';

// ≥ 100,000 random mutations of real messages per run. The seed changes each run (printed on failure);
// set FUZZ_SEED to replay one.
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const MUTATIONS = 100_000;
/** Per-parse bound: generous for a shared 2-core CI machine; a hang or quadratic blow-up exceeds it. */
const MAX_PARSE_MS = 250;
const CODES = new Set<Hl7ErrorCode>([
  'NO_MSH',
  'BAD_SEPARATORS',
  'TRUNCATED',
  'BAD_ENCODING',
  'BAD_SEGMENT',
  'TOO_LARGE',
]);

function prng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Bytes that matter to the parser: delimiters, ESC sequences, framing, segment separators, non-ASCII.
const INSERTS = [
  [0x7c],
  [0x5e],
  [0x7e],
  [0x5c],
  [0x26],
  [0x0d],
  [0x0a],
  [0x1c],
  [0x0b],
  [0x1b],
  [0x1b, 0x24, 0x42],
  [0x1b, 0x28, 0x42],
  [0xe3, 0x81],
  [0x5c, 0x58],
  [0x4d, 0x53, 0x48, 0x7c],
];

function mutate(base: Uint8Array, rand: () => number): Uint8Array {
  const at = Math.floor(rand() * (base.length + 1));
  const bytes = Array.from(base);
  const kind = Math.floor(rand() * 6);
  if (kind === 0) bytes[at] = Math.floor(rand() * 256);
  else if (kind === 1) bytes.length = at;
  else if (kind === 2) bytes.splice(at, 0, ...INSERTS[Math.floor(rand() * INSERTS.length)]!);
  else if (kind === 3) bytes.splice(at, 1 + Math.floor(rand() * 16));
  else if (kind === 4) bytes.splice(at, 0, ...bytes.slice(Math.floor(rand() * bytes.length), at));
  else
    for (let k = 0; k < 8; k++)
      bytes[Math.floor(rand() * bytes.length)] = INSERTS[Math.floor(rand() * INSERTS.length)]![0]!;
  return Uint8Array.from(bytes);
}

describe('fuzz: mutated real messages', () => {
  it(`${MUTATIONS} mutations give a ParseResult, never an exception, each parse bounded (seed ${SEED})`, () => {
    const samples = allHl7Samples().map(readSample);
    // Also the same messages in the two other charsets, so their decoders are fuzzed too.
    const text = new TextDecoder('iso-2022-jp').decode(samples[0]);
    const corpus = [
      ...samples,
      encodeHl7Text(text, 'UTF-8'),
      encodeHl7Text(text.replace('~ISO IR87', 'SHIFT-JIS'), 'Shift_JIS'),
    ];
    const rand = prng(SEED);
    let ok = 0;
    let slowest = 0;
    const started = performance.now();
    for (let i = 0; i < MUTATIONS; i++) {
      let input = corpus[Math.floor(rand() * corpus.length)]!;
      const rounds = 1 + Math.floor(rand() * 3);
      for (let k = 0; k < rounds; k++) input = mutate(input, rand);
      const t0 = performance.now();
      const r = parseHl7(input);
      if (r.ok) {
        // Reading must not throw either.
        const m = r.message;
        m.get('PID-5[2].1');
        m.get('OBX[2]-5');
        if (i % 16 === 0) {
          readPid(m);
          readSegments(m, 'OBX');
          m.toBytes();
        }
        ok++;
      } else if (!CODES.has(r.error.code)) {
        expect.fail(`seed ${SEED}, mutation ${i}: ${r.error.code} ${r.error.message}`);
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    const seconds = (performance.now() - started) / 1000;
    expect(slowest, `seed ${SEED}: slowest parse ${slowest.toFixed(1)} ms`).toBeLessThan(MAX_PARSE_MS);
    // Most single mutations leave a readable message; a parser rejecting everything would be wrong too.
    expect(ok).toBeGreaterThan(MUTATIONS / 4);
    expect(seconds).toBeLessThan(60);
  });
});
