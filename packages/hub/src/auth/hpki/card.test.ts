import { describe, expect, it } from 'vitest';
import { hcRoleOf, normaliseSerial, readCardCertificate } from './card.js';
import { createTestHpki, hcRoleExtensionValue } from './demo-pki.js';

/** The subjectDirectoryAttributes value of a MEDIS test card ("Medical Doctor"), from HPKI-OID.md §1. */
const MEDIS_HC_ROLE =
  '30 34 30 32 06 06 28 81 85 42 00 01 31 28 31 26 30 24 A0 22 31 20 A0 0C 06 0A 2A 83 08 86 91 0F 01 06 01 01 A2 10 0C 0E 4D 65 64 69 63 61 6C 20 44 6F 63 74 6F 72';
const bytes = (hex: string) => Uint8Array.from(hex.split(' ').map((b) => Number.parseInt(b, 16)));

describe('reading an HPKI card certificate', () => {
  it('reads hcRole from the bytes of a real MEDIS card', () => {
    expect(hcRoleOf(bytes(MEDIS_HC_ROLE))).toBe('Medical Doctor');
  });

  it('the test PKI encodes hcRole byte for byte as the MEDIS card does', () => {
    expect(Buffer.from(hcRoleExtensionValue('Medical Doctor')).toString('hex')).toBe(
      MEDIS_HC_ROLE.replaceAll(' ', '').toLowerCase(),
    );
  });

  it('answers null for directory attributes without the HC actor, and refuses what is not DER', () => {
    // SEQ { SEQ { OID 2.5.4.9 (street), SET { UTF8 "x" } } }
    expect(hcRoleOf(bytes('30 0C 30 0A 06 03 55 04 09 31 03 0C 01 78'))).toBeNull();
    expect(() => hcRoleOf(bytes('FF 01'))).toThrow();
  });

  it('reads a card: names, serial, holder id, policy, key usage, role', async () => {
    const pki = await createTestHpki();
    const card = await readCardCertificate(
      (await pki.issueCard({ name: 'KURASHIKI HANAKO', holderId: 'H-42', role: 'Pharmacist' })).certPem,
    );
    expect(card.subject).toContain('CN=KURASHIKI HANAKO');
    expect(card.holderId).toBe('H-42');
    expect(card.policies).toEqual(['1.2.392.100495.1.5.1.2.0.1']);
    expect(card.keyUsage).toEqual(['digitalSignature']);
    expect(card.hcRole).toBe('Pharmacist');
    expect(card.issuer).toContain('MedisAuthCA2');
  });

  it('normalises serials as the binding stores them', () => {
    expect(normaliseSerial('00:1A:2b')).toBe('1a2b');
    expect(normaliseSerial('0')).toBe('0');
    expect(() => normaliseSerial('xyz')).toThrow();
  });
});
