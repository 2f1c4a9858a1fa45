import { describe, expect, it } from 'vitest';
import { clinicalUnit } from './lab-units.js';

describe('units as clinicians write them', () => {
  it('names the power of ten as a Japanese result sheet does, never changing the number', () => {
    // 赤血球 450 ×10⁴/μL and 血小板 23.4 ×10⁴/μL are read as 450万 and 23.4万.
    expect(clinicalUnit('10*4/uL')).toBe('万/μL');
    // 白血球 5.6 ×10³/μL is read as 5.6千 (5,600/μL).
    expect(clinicalUnit('10*3/uL')).toBe('千/μL');
    expect(clinicalUnit('10*6/uL')).toBe('×10⁶/μL');
    expect(clinicalUnit('10*9/L')).toBe('×10⁹/L');
    expect(clinicalUnit('10^4/ul')).toBe('万/μL');
  });

  it('writes micro as μ, litres with a capital L and mEq as written', () => {
    expect(clinicalUnit('/uL')).toBe('/μL');
    expect(clinicalUnit('ug/dL')).toBe('μg/dL');
    expect(clinicalUnit('umol/L')).toBe('μmol/L');
    expect(clinicalUnit('uIU/mL')).toBe('μIU/mL');
    expect(clinicalUnit('g/dl')).toBe('g/dL');
    expect(clinicalUnit('mg/dl')).toBe('mg/dL');
    expect(clinicalUnit('fl')).toBe('fL');
    expect(clinicalUnit('meq/l')).toBe('mEq/L');
    expect(clinicalUnit('[IU]/L')).toBe('IU/L');
  });

  it('writes eGFR per minute in Japanese with a superscript square metre', () => {
    expect(clinicalUnit('mL/min/1.73m2')).toBe('mL/分/1.73m²');
    expect(clinicalUnit('ml/min/1.73m2')).toBe('mL/分/1.73m²');
    expect(clinicalUnit('mL/min')).toBe('mL/分');
  });

  it('leaves units that are already clinical, and unknown ones, as they are', () => {
    for (const unit of [
      'mg/dL',
      'g/dL',
      'U/L',
      'IU/L',
      '%',
      'mEq/L',
      'mmol/L',
      'pg/mL',
      'ng/mL',
      'mg/g',
      'copies',
    ])
      expect(clinicalUnit(unit)).toBe(unit);
    expect(clinicalUnit('{copies}/mL')).toBe('copies/mL');
    expect(clinicalUnit('個/視野')).toBe('個/視野');
    expect(clinicalUnit('')).toBe('');
    expect(clinicalUnit(undefined)).toBe('');
    expect(clinicalUnit('1')).toBe('');
  });
});
