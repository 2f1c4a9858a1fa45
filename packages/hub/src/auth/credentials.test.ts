import { describe, expect, it } from 'vitest';
import { checkTotp, normaliseLoginId, totpNow, totpUri } from './credentials.js';
import { passwordProblems } from './policy.js';
import { AttemptCounter } from './rate-limit.js';

describe('TOTP (RFC 6238, 30 s, 6 digits)', () => {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC 6238's SHA-1 key "12345678901234567890", Base32

  it('matches the RFC 6238 test vectors (last 6 digits)', () => {
    expect(totpNow(secret, new Date(59 * 1000))).toBe('287082');
    expect(totpNow(secret, new Date(1111111109 * 1000))).toBe('081804');
    expect(totpNow(secret, new Date(2000000000 * 1000))).toBe('279037');
  });

  it('accepts one step of drift either way, not two, and refuses a step already used', () => {
    const at = new Date('2025-04-01T00:00:15Z');
    const shifted = (s: number) => totpNow(secret, new Date(at.getTime() + s * 1000));
    const step = Math.floor(at.getTime() / 30_000);
    expect(checkTotp(secret, shifted(-30), at, null)).toEqual({ ok: true, step: step - 1 });
    expect(checkTotp(secret, shifted(30), at, null)).toEqual({ ok: true, step: step + 1 });
    expect(checkTotp(secret, shifted(-60), at, null).ok).toBe(false);
    expect(checkTotp(secret, shifted(60), at, null).ok).toBe(false);
    expect(checkTotp(secret, shifted(0), at, step)).toEqual({ ok: false, reason: 'code-reused' });
    expect(checkTotp(secret, shifted(-30), at, step)).toEqual({ ok: false, reason: 'code-reused' });
    expect(checkTotp(secret, shifted(30), at, step)).toEqual({ ok: true, step: step + 1 });
    expect(checkTotp(secret, 'abcdef', at, null)).toEqual({ ok: false, reason: 'invalid-code' });
  });

  it('builds an otpauth URI with the issuer label', () => {
    const uri = totpUri('晴れやかネット', 'dr-okayama', secret);
    expect(decodeURIComponent(uri)).toMatch(/^otpauth:\/\/totp\/晴れやかネット:dr-okayama\?/);
    expect(new URL(uri).searchParams.get('secret')).toBe(secret);
    expect(new URL(uri).searchParams.get('issuer')).toBe('晴れやかネット');
  });
});

describe('password policy', () => {
  const ok = (plain: string, loginId = 'dr-okayama') => passwordProblems(plain, { loginId });

  it('accepts long mixed passphrases', () => {
    expect(ok('correct horse 42 battery')).toEqual([]);
    expect(ok('はれやかネット2025年春')).toEqual([]);
  });

  it('names every problem', () => {
    expect(ok('short1a')).toContain('too-short');
    expect(ok('dr-okayama12', 'dr-okayama12')).toContain('same-as-login-id');
    expect(ok('my dr-okayama pass 1')).toContain('contains-login-id');
    expect(ok('onlylettershere')).toContain('one-kind-of-character');
    expect(ok('123456789012')).toContain('one-kind-of-character');
    expect(ok('abcabcabcabc1')).not.toContain('repetitive');
    expect(ok('abababababab')).toContain('repetitive');
    expect(ok('abcdefghijklm')).toContain('repetitive');
    expect(ok('Password1234')).toContain('common');
    expect(ok(`${'x'.repeat(300)}1`)).toContain('too-long');
    expect(passwordProblems('same old pass 1', { loginId: 'u', current: 'same old pass 1' })).toContain(
      'same-as-current',
    );
  });
});

describe('login ids and attempt counters', () => {
  it('folds case and full-width input', () => {
    expect(normaliseLoginId(' ＤＲ－Okayama ')).toBe('dr-okayama');
  });

  it('counts attempts per window and says when to come back', () => {
    const counter = new AttemptCounter({ max: 2, windowSeconds: 60 });
    const t0 = new Date('2025-04-01T00:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    expect(counter.hit('k', at(0))).toEqual({ allowed: true });
    expect(counter.hit('k', at(1))).toEqual({ allowed: true });
    expect(counter.hit('k', at(10))).toEqual({ allowed: false, retryAfterSeconds: 50, first: true });
    expect(counter.hit('k', at(20))).toEqual({ allowed: false, retryAfterSeconds: 40, first: false });
    expect(counter.hit('other', at(20))).toEqual({ allowed: true });
    expect(counter.hit('k', at(60))).toEqual({ allowed: true });
  });
});
