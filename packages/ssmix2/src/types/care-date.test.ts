import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseHl7 } from '@hie/hl7v2';
import { describe, expect, it } from 'vitest';
import { listFiles, NHO, TWINS } from '../test-support/samples.js';
import { careDateOf } from './care-date.js';

const load = (root: string, rel: string) => {
  const r = parseHl7(readFileSync(join(root, rel)));
  if (!r.ok) throw new Error(r.error.message);
  const t = r.message.messageType;
  return { type: `${t.code}^${t.event}`, message: r.message, folder: basename(rel).split('_')[1] };
};

describe('careDateOf', () => {
  it('gives the folder date of every NHO file but the four known disagreements', () => {
    const disagree: string[] = [];
    for (const rel of listFiles(NHO)) {
      const { type, message, folder } = load(NHO, rel);
      const date = careDateOf(type, message);
      expect(date, rel).toMatch(/^(-|\d{8})$/);
      if (date !== folder) disagree.push(`${basename(rel).split('_')[2]} ${date}`);
    }
    // OMP-02's first ORC-9 agrees; only its later ORCs differ (seen by the validator, not here).
    expect(disagree.sort()).toEqual(['OMG-02 20121220', 'OML-11 20111219', 'OMP-11 20110701']);
  });

  it('agrees with every folder of the synthetic tree', () => {
    for (const rel of listFiles(TWINS)) {
      const { type, message, folder } = load(TWINS, rel);
      expect(careDateOf(type, message), rel).toBe(folder);
    }
  });

  it('returns undefined for message types SS-MIX2 does not file', () => {
    const { message } = load(NHO, listFiles(NHO)[0]!);
    expect(careDateOf('ADT^A99', message)).toBeUndefined();
  });
});
