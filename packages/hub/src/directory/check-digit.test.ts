import { describe, expect, it } from 'vitest';
import { checkDigitWarning } from './check-digit.js';

describe('institution-code check-digit warning', () => {
  it('warns on a one-digit slip, never on a right or missing code', () => {
    expect(checkDigitWarning('3319800011')).toBeNull();
    expect(checkDigitWarning('3319800012')).toMatchObject({ code: 'check-digit' });
    expect(checkDigitWarning('3319800012')?.message).toContain('3319800012');
    expect(checkDigitWarning(null)).toBeNull();
  });
});
