import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the built CLI (`npm test` builds first).
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const hie = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(repo, 'packages/cli/bin/hie.js'), ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('hie ssmix2 generate', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-generate-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a storage the validator accepts and prints files by data type', async () => {
    const out = join(dir, 'a');
    const r = hie(
      'ssmix2',
      'generate',
      '--patients',
      '6',
      '--facility',
      '3310210012',
      '--years',
      '1',
      '--seed',
      '3',
      out,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Generated \d+ files for 6 patients in /);
    expect(r.stdout).toMatch(/ADT-00\s+\d+/);
    expect(r.stdout).toContain(`ground truth: ${join(out, '.hie', 'ground-truth.csv')}`);
    const truth = await readFile(join(out, '.hie', 'ground-truth.csv'), 'utf8');
    expect(truth.trim().split('\n')).toHaveLength(7);
    const v = hie('ssmix2', 'validate', out);
    expect(v.code).toBe(0);
    expect(v.stdout).toContain('0 with errors');
  });

  it('writes the ground truth where --truth says, for the given end date', async () => {
    const out = join(dir, 'b');
    const truth = join(dir, 'truth.csv');
    const r = hie(
      'ssmix2',
      'generate',
      '--patients',
      '2',
      '--facility',
      '3410124378',
      '--years',
      '0.5',
      '--end-date',
      '20250331',
      '--truth',
      truth,
      out,
    );
    expect(r.code).toBe(0);
    expect((await readFile(truth, 'utf8')).split('\n')[1]).toMatch(/^P\d{7},3410124378,\d{10},/);
  });

  it('exits 2 on a facility code that is not 10 digits, a bad number or a bad date', () => {
    const out = join(dir, 'c');
    expect(hie('ssmix2', 'generate', '--patients', '2', '--facility', '33102', out).code).toBe(2);
    expect(hie('ssmix2', 'generate', '--patients', 'many', '--facility', '3310210012', out).code).toBe(2);
    const bad = hie(
      'ssmix2',
      'generate',
      '--patients',
      '2',
      '--facility',
      '3310210012',
      '--end-date',
      '20260230',
      out,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('end date');
    expect(hie('ssmix2', 'generate', '--facility', '3310210012', out).code).toBe(2);
  });
});
