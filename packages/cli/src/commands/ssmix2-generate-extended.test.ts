import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
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

const generate = (out: string, ...more: string[]) =>
  hie(
    'ssmix2',
    'generate',
    '--patients',
    '20',
    '--facility',
    '3310210012',
    '--years',
    '2',
    '--seed',
    '9',
    ...more,
    out,
  );

describe('hie ssmix2 generate --extended', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-generate-ext-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the extended storage beside the standardized one and prints its documents', async () => {
    const ext = join(dir, 'ext');
    const r = generate(join(dir, 'std'), '--extended', ext);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`extended storage: \\d+ documents \\(\\d+ files\\) in ${ext}`));
    expect(r.stdout).toMatch(/DSUM\s+\d+\s+退院時サマリ/);
    expect(r.stdout).toMatch(/NSUM\s+\d+\s+看護サマリ/);
    expect((await readdir(ext)).length).toBeGreaterThan(0);
  });

  it('prints no extended section without --extended, and exits 2 when the extended root is in use', () => {
    const plain = generate(join(dir, 'plain'));
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('extended storage');
    const again = generate(join(dir, 'std2'), '--extended', join(dir, 'ext'));
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('not empty');
  });
});
