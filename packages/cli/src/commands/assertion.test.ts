import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hubKeyFrom, loadOrCreateSigningKey, operationOf, verifyAssertion } from '@hie/platform';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/hie.js', import.meta.url));
const hie = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

describe('hie assertion sign', () => {
  it('prints an assertion the gateway accepts, carrying what was asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hie-assert-'));
    const { key } = await loadOrCreateSigningKey(dir);
    const gateway = '1.2.392.200284.33.3319800011';
    const r = hie([
      'assertion',
      'sign',
      '--key',
      join(dir, 'hub-signing.key.pem'),
      '--gateway',
      gateway,
      '--patient',
      '0003314961',
      '--profession',
      'pharmacist',
      '--request',
      '/fhir/MedicationRequest?patient=Patient/p1&_count=50',
      '--category',
      'prescription',
      'diagnosis',
    ]);
    expect(r.status).toBe(0);
    const verified = await verifyAssertion(r.stdout.trim(), [hubKeyFrom(key, 'hie-hub')], {
      audience: gateway,
      operation: operationOf('GET', '/MedicationRequest', '?_count=50&patient=Patient%2Fp1'),
    });
    expect(verified).toMatchObject({
      ok: true,
      assertion: {
        patientId: '0003314961',
        profession: 'pharmacist',
        categories: ['prescription', 'diagnosis'],
      },
    });
    const other = await verifyAssertion(r.stdout.trim(), [hubKeyFrom(key, 'hie-hub')], { audience: '1.2.3' });
    expect(other).toMatchObject({ ok: false, reason: 'wrong-audience' });
    const elsewhere = await verifyAssertion(r.stdout.trim(), [hubKeyFrom(key, 'hie-hub')], {
      audience: gateway,
      operation: operationOf('GET', '/Patient/p1/$everything', ''),
    });
    expect(elsewhere).toMatchObject({ ok: false, reason: 'wrong-operation' });
  });

  it('refuses a missing category, a long lifetime and an unreadable key with exit 2', () => {
    const base = [
      'assertion',
      'sign',
      '--gateway',
      '1.2.3',
      '--patient',
      '1',
      '--request',
      '/fhir/Patient/1',
    ];
    expect(hie([...base, '--key', '/nonexistent.pem', '--category', 'diagnosis']).status).toBe(2);
    expect(hie([...base, '--key', '/nonexistent.pem']).stderr).toContain('--category');
    expect(hie([...base, '--key', 'x', '--category', 'diagnosis', '--lifetime', '3600']).status).toBe(2);
    const notFhir = hie([...base.slice(0, -1), '/Patient/1', '--key', 'x', '--category', 'diagnosis']);
    expect(notFhir.stderr).toContain('--request');
  });
});
