import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, monthsBetween, parseOrcaDate, toWareki } from './dates.js';

describe('ORCA dates', () => {
  it('reads ISO, compact, 和暦 letter, 和暦 kanji and the internal GYYMMDD forms', () => {
    expect(parseOrcaDate('2017-06-28')).toBe('2017-06-28');
    expect(parseOrcaDate('20170628')).toBe('2017-06-28');
    expect(parseOrcaDate('H29.06.28')).toBe('2017-06-28');
    expect(parseOrcaDate('h29.6.28')).toBe('2017-06-28');
    expect(parseOrcaDate('平成29年6月28日')).toBe('2017-06-28');
    expect(parseOrcaDate('4290628')).toBe('2017-06-28');
    expect(parseOrcaDate('令和元年5月1日')).toBe('2019-05-01');
    expect(parseOrcaDate('Ｒ０６．０１．０５')).toBe('2024-01-05');
  });

  it('refuses what is not a calendar date, and an era date before the era began', () => {
    for (const bad of [
      '2017-02-29',
      '2017-13-01',
      'H31.05.01x',
      '平成1年1月7日',
      'R01.04.30',
      '20170631',
      'soon',
    ])
      expect(parseOrcaDate(bad), bad).toBeUndefined();
    // 平成31年4月30日 is the last day of 平成.
    expect(parseOrcaDate('H31.04.30')).toBe('2019-04-30');
  });

  it('ISO → 和暦 → ISO is the identity for every day since 明治 began', () => {
    const day = fc.integer({ min: 0, max: 70_000 }).map((n) => addDays('1868-01-25', n));
    fc.assert(
      fc.property(day, (iso) => {
        expect(parseOrcaDate(toWareki(iso)!)).toBe(iso);
      }),
    );
  });

  it('lists the months of a span', () => {
    expect(monthsBetween('2023-11-15', '2024-02-01')).toEqual(['2023-11', '2023-12', '2024-01', '2024-02']);
  });
});
