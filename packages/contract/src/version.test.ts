import { describe, expect, it } from 'vitest';
import { CONTRACT_VERSION, checkContractVersion } from './version.js';

describe('contract version', () => {
  it('is major.minor', () => {
    expect(CONTRACT_VERSION).toMatch(/^\d+\.\d+$/);
  });

  it('understands the same major whatever the minor, and a peer older than the header', () => {
    expect(checkContractVersion('1.0', '1.3')).toEqual({ ok: true, version: '1.0' });
    expect(checkContractVersion('1.7', '1.0')).toEqual({ ok: true, version: '1.7' });
    expect(checkContractVersion(undefined)).toEqual({ ok: true, version: null });
    expect(checkContractVersion('')).toEqual({ ok: true, version: null });
  });

  it('refuses another major, and a version that is not major.minor, saying which', () => {
    const other = checkContractVersion('2.0', '1.4');
    expect(other.ok).toBe(false);
    expect(!other.ok && other.message).toContain('2.0');
    expect(!other.ok && other.message).toContain('1.4');
    expect(checkContractVersion('1', '1.0').ok).toBe(false);
    expect(checkContractVersion('v1.0', '1.0').ok).toBe(false);
  });

  it('is at major 2 (request-bound assertions): a gateway of major 1 is refused', () => {
    expect(CONTRACT_VERSION.split('.')[0]).toBe('2');
    expect(checkContractVersion('1.0').ok).toBe(false);
  });
});
