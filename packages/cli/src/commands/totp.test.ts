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

  it('refuses what is not Base32 (exit 2)', () => {
    const run = hie(['totp', 'not-a-secret!']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('not a Base32 secret');
  });
});
