import { describe, expect, it } from 'vitest';
import { toFhirDate, toFhirDateTime, toFhirInstant } from './datetime.js';

describe('HL7 TS → FHIR', () => {
  it('keeps dates as dates and gives times the JST offset', () => {
    expect(toFhirDateTime('19480405')).toBe('1948-04-05');
    expect(toFhirDateTime('199601')).toBe('1996-01');
    expect(toFhirDateTime('2011')).toBe('2011');
    expect(toFhirDateTime('201112202100')).toBe('2011-12-20T21:00:00+09:00');
    expect(toFhirDateTime('2011070100')).toBe('2011-07-01T00:00:00+09:00');
    expect(toFhirDateTime('20111220224447.3399')).toBe('2011-12-20T22:44:47.3399+09:00');
    expect(toFhirDateTime('20111220224447+0000')).toBe('2011-12-20T22:44:47+00:00');
  });
  it('rejects what is not a date', () => {
    for (const bad of ['', 'abc', '20111320', '20110230', '2011122025', '1.7'])
      expect(toFhirDateTime(bad), bad).toBeUndefined();
    expect(toFhirDateTime(undefined)).toBeUndefined();
  });
  it('cuts to the day for date fields and needs a time for instants', () => {
    expect(toFhirDate('20111219121551')).toBe('2011-12-19');
    expect(toFhirInstant('20111219')).toBeUndefined();
    expect(toFhirInstant('20111219121551')).toBe('2011-12-19T12:15:51+09:00');
  });
});
