import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { totpNow } from '@hie/hub';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/hie.js', import.meta.url));
const hie = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('hie totp', () => {
  it('prints the current code of a secret, the one the hub accepts', () => {
    // RFC 6238 test secret "12345678901234567890" in Base32.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    const before = totpNow(secret);
    const run = hie(['totp', secret.toLowerCase()]);
    const after = totpNow(secret);
    expect(run.status).toBe(0);
    expect([before, after]).toContain(run.stdout.trim());
    expect(run.stdout.trim()).toMatch(/^\d{6}$/);
  });

  it('prints the code alone on stdout and the time left on its own line on stderr', () => {
    const run = hie(['totp', 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d{6}\n$/);
    expect(run.stderr).toMatch(/^valid for ([1-9]|[12]\d|30) more seconds?\n$/);
  });

  it('refuses a secret too short to be one (exit 2, no stack trace)', () => {
    const run = hie(['totp', 'JBSWY3DPEHPK3PXP']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a usable TOTP secret');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses what is not Base32 (exit 2)', () => {
    const run = hie(['totp', 'not-a-secret!']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a Base32 secret');
  });
});
