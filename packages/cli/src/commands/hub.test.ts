import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/hie.js', import.meta.url));
const hie = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('hie hub bootstrap', () => {
  it('creates the office and its first administrator once, with a one-time password', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hie-hub-boot-'));
    const args = ['hub', 'bootstrap', '--data-dir', dir, '--login', 'admin', '--name', '事務局 太郎'];
    const first = hie([...args, '--office-oid', '1.2.392.200284.33.9000000000']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/initial password .*: \S{12,}/);
    const again = hie([...args, '--office-oid', '1.2.392.200284.33.9000000000']);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('already has an office user (admin)');
  });

  it('refuses a bad OID with the problem named (exit 2)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hie-hub-boot-'));
    const run = hie([
      'hub',
      'bootstrap',
      '--data-dir',
      dir,
      '--login',
      'admin',
      '--name',
      'x',
      '--office-oid',
      '1.02.x',
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('hie:');
  });
});
