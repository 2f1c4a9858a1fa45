import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCardCertificate } from './card.js';
import { defaultRoleMap } from './checks.js';
import { HPKI_AUTH_POLICY, HpkiTrust } from './trust.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const config = (anchors: string[], crls: string[] = []) => ({
  anchors,
  crls,
  crlUrls: [],
  refreshSeconds: 3600,
  crlMaxAgeHours: 48,
  policies: [HPKI_AUTH_POLICY],
  roles: defaultRoleMap(),
});

describe('the real HPKI anchors', () => {
  it('load as DER, and the MEDIS authentication CA chains to MHLW HPKI Root CA V2 with the CA policy of the arc', async () => {
    const trust = new HpkiTrust(config([fixture('mhlw_hpki_root_ca_v2.cer'), fixture('medis_auth_ca.cer')]), {
      now: () => new Date(),
    });
    const loaded = await trust.refresh();
    expect(loaded.anchors).toHaveLength(2);
    expect(loaded.errors).toEqual([]);
    const root = new X509Certificate(await readFile(fixture('mhlw_hpki_root_ca_v2.cer')));
    const auth = new X509Certificate(await readFile(fixture('medis_auth_ca.cer')));
    expect(auth.verify(root.publicKey)).toBe(true);
    const read = await readCardCertificate(await readFile(fixture('medis_auth_ca.cer')));
    expect(read.policies).toContain('1.2.392.100495.1.5.1.2.3.1');
    const signing = await readCardCertificate(await readFile(fixture('medis_sign_ca.cer')));
    expect(signing.policies).toContain('1.2.392.100495.1.5.1.1.3.1');
  });

  it('refuses to start without any readable anchor, and reports the unreadable ones', async () => {
    const none = new HpkiTrust(config(['/nonexistent/root.cer']), { now: () => new Date() });
    await expect(none.refresh()).rejects.toThrow(/no trust anchor/);
    const some = new HpkiTrust(
      config([fixture('mhlw_hpki_root_ca_v2.cer'), '/nonexistent/x.cer'], ['/nonexistent/x.crl']),
      {
        now: () => new Date(),
      },
    );
    const loaded = await some.refresh();
    expect(loaded.errors.map((e) => e.source)).toEqual(['/nonexistent/x.cer', '/nonexistent/x.crl']);
  });

  it('fetches CRLs from their distribution points (DER), and keeps the last good copy when one fails', async () => {
    const { createTestHpki } = await import('./demo-pki.js');
    const pki = await createTestHpki();
    const { authCaCrlPem } = await pki.crls({ revoked: ['abcd'] });
    const der = Buffer.from(authCaCrlPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    let fail = false;
    const fetcher = (async () =>
      fail ? new Response('down', { status: 503 }) : new Response(der)) as unknown as typeof fetch;
    const trust = new HpkiTrust(
      { ...config([fixture('mhlw_hpki_root_ca_v2.cer')]), crlUrls: ['http://crl.example/auth.crl'] },
      {
        now: () => new Date(),
        fetch: fetcher,
      },
    );
    const first = await trust.refresh();
    expect(first.status).toEqual([expect.objectContaining({ revoked: 1, stale: false })]);
    fail = true;
    const second = await trust.refresh();
    expect(second.errors).toEqual([expect.objectContaining({ source: 'http://crl.example/auth.crl' })]);
    expect(second.crls).toEqual(first.crls);
  });
});
