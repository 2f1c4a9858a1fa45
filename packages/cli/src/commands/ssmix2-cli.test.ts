import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Runs the built CLI (`npm test` builds first).
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const samples = fileURLToPath(new URL('../../../../fixtures/samples/ssmix2/', import.meta.url));
const hie = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(repo, 'packages/cli/bin/hie.js'), ...args], {
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe('hie ssmix2 validate', () => {
  it('exits 0 on the NHO samples (warnings only) and prints both summary tables', () => {
    const r = hie('ssmix2', 'validate', join(samples, 'nho'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('19 files: 7 ok, 12 with warnings, 0 with errors');
    expect(r.stdout).toMatch(/OML-11\s+1\s+0\s+1\s+0/);
    expect(r.stdout).toMatch(/CARE_DATE_MISMATCH\s+warning\s+8\s+4/);
  });

  it('exits 1 on the broken samples, listing file, segment, field and reason', () => {
    const r = hie('ssmix2', 'validate', join(samples, 'nho-broken'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('3 with errors');
    expect(r.stdout).toMatch(/error\s+000\/000\/0000001\/20000401\/ADT-31\/\S+ ENCODING_INVALID/);
    expect(r.stdout).toMatch(/warning\s+\S+OMP-11\S+ \[line 2, PID#2, PID-3\] PATIENT_ID_MISMATCH/);
  });

  it('gives the same report as JSON, from several roots, with and without workers', () => {
    const args = [
      'ssmix2',
      'validate',
      join(samples, 'nho'),
      join(samples, 'synthetic-ssmixtwins/standard_root'),
      '--json',
    ];
    const pooled = hie(...args, '--workers', '2');
    const inThread = hie(...args);
    expect(pooled.code).toBe(0);
    const report = JSON.parse(pooled.stdout);
    expect(report.summary).toMatchObject({ files: 49, error: 0 });
    expect(JSON.parse(inThread.stdout)).toEqual(report);
  });

  it('exits 2 for a missing folder or a bad option', () => {
    expect(hie('ssmix2', 'validate', join(samples, 'no-such-root')).code).toBe(2);
    expect(hie('ssmix2', 'validate', join(samples, 'nho'), '--workers', 'many').code).toBe(2);
    expect(hie('ssmix2', 'validate').code).toBe(2);
  });
});

describe('hie ssmix2 scan', () => {
  let temp: string;
  beforeAll(async () => {
    temp = await mkdtemp(join(tmpdir(), 'hie-scan-'));
  });
  afterAll(async () => {
    await rm(temp, { recursive: true, force: true });
  });

  it('lists every file with size and time, then reports no change since its checkpoint', () => {
    const checkpoint = join(temp, 'nho.ndjson');
    const listing = hie('ssmix2', 'scan', join(samples, 'nho'), '--save', checkpoint);
    expect(listing.code).toBe(0);
    expect(listing.stdout.trim().split('\n')).toHaveLength(19);
    const again = hie('ssmix2', 'scan', join(samples, 'nho'), '--since', checkpoint);
    expect(again).toMatchObject({ code: 0, stdout: '' });
    const json = hie('ssmix2', 'scan', join(samples, 'nho-broken'), '--json');
    const items = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(items.map((i) => i.name.ok)).toEqual([true, true, true]);
    expect(items[0]).toMatchObject({ kind: 'file', size: 2 });
  });
});

describe('hie ssmix2 show', () => {
  it('shows a file’s name fields, data type and findings; exits 1 for a broken file, 2 for none', () => {
    const oml = join(
      samples,
      'nho/999/901/9999013/20111220/OML-11/9999013_20111220_OML-11_000000011000354_20111220103059000_01_1',
    );
    const r = hie('ssmix2', 'show', oml);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('OML-11 検体検査結果通知');
    expect(r.stdout).toContain('OUL^R22^OUL_R22 in ISO-2022-JP');
    expect(r.stdout).toMatch(/warning CARE_DATE_MISMATCH SPM\[1\]-17/);
    const broken = join(
      samples,
      'nho-broken/000/000/0000001/20000401/ADT-31/9999013_20110630_OMP-11_123456789012345_20110701113813225_01_1',
    );
    expect(JSON.parse(hie('ssmix2', 'show', broken, '--json').stdout).status).toBe('error');
    expect(hie('ssmix2', 'show', broken).code).toBe(1);
    expect(hie('ssmix2', 'show', join(samples, 'nope')).code).toBe(2);
  });
});
