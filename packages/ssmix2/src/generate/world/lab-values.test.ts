import { describe, expect, it } from 'vitest';
import { dayFromYmd } from './clock.js';
import { drawValues, NO_ACUTE, rangeText, reportValue, trueEgfr, trueHba1c } from './lab-values.js';
import { makePerson, type Person } from './population.js';
import { rngFor } from './random.js';

function firstWith(disease: string): Person {
  for (let i = 0; i < 5000; i++) {
    const p = makePerson(1, i);
    const c = p.conditions.find((x) => x.disease === disease);
    // Diagnosed well inside the years we look at, adult.
    if (
      c &&
      c.onsetDay > dayFromYmd('20200101') &&
      c.onsetDay < dayFromYmd('20220101') &&
      Number(p.birthDate.slice(0, 4)) < 1970
    )
      return p;
  }
  throw new Error(`no person with ${disease}`);
}

describe('lab values follow the person', () => {
  it('HbA1c of a diabetic: high at diagnosis, lower on treatment, then drifting up; monthly values plausible', () => {
    const p = firstWith('dm2');
    const onset = p.conditions.find((c) => c.disease === 'dm2')?.onsetDay ?? 0;
    expect(trueHba1c(p, onset)).toBeGreaterThan(7);
    expect(trueHba1c(p, onset + 365)).toBeLessThan(trueHba1c(p, onset));
    expect(trueHba1c(p, onset + 4 * 365)).toBeGreaterThan(trueHba1c(p, onset + 365));
    const rng = rngFor(1, 'test');
    const series: number[] = [];
    for (let day = onset; day < onset + 4 * 365; day += 30) {
      const r = reportValue('hba1c', drawValues(p, day, ['hba1c'], NO_ACUTE, rng).get('hba1c') ?? 0, p.sex);
      expect(r.valueType).toBe('NM');
      series.push(Number(r.value));
    }
    for (const v of series) {
      expect(v).toBeGreaterThan(5.4);
      expect(v).toBeLessThan(13);
    }
    for (let i = 1; i < series.length; i++)
      expect(Math.abs((series[i] ?? 0) - (series[i - 1] ?? 0))).toBeLessThan(1.5);
  });

  it('a person without diabetes keeps a normal HbA1c', () => {
    const p = Array.from({ length: 50 }, (_, i) => makePerson(1, i)).find((x) => x.conditions.length === 0);
    if (!p) throw new Error('no healthy person');
    expect(trueHba1c(p, dayFromYmd('20260101'))).toBeLessThan(6.3);
  });

  it('eGFR declines year by year in CKD, and creatinine rises with it', () => {
    const p = firstWith('ckd');
    const onset = p.conditions.find((c) => c.disease === 'ckd')?.onsetDay ?? 0;
    const years = [0, 1, 2, 3, 4].map((y) => trueEgfr(p, onset + y * 365));
    for (let i = 1; i < years.length; i++) expect(years[i]).toBeLessThan(years[i - 1] ?? 0);
    expect(years[0]).toBeLessThanOrEqual(52);
    const rng = rngFor(1, 'ckd');
    const early = drawValues(p, onset, ['cre', 'egfr'], NO_ACUTE, rng);
    const late = drawValues(p, onset + 4 * 365, ['cre', 'egfr'], NO_ACUTE, rng);
    expect(late.get('cre') ?? 0).toBeGreaterThan(early.get('cre') ?? 0);
    expect(late.get('egfr') ?? 0).toBeLessThan(early.get('egfr') ?? 0);
  });
});

describe('reported values', () => {
  it('reports below the detection limit and above the range as ST with a comparator', () => {
    expect(reportValue('crp', 0.012, 'M')).toMatchObject({ valueType: 'ST', value: '<0.03', flag: '' });
    expect(reportValue('hba1c', 15.2, 'F')).toMatchObject({ valueType: 'ST', value: '>14.0', flag: 'H' });
  });

  it('grades qualitative tests as ST (` 2 +`) and flags numbers against the sex-specific range', () => {
    expect(reportValue('uprot', 3.4, 'M')).toMatchObject({ valueType: 'ST', value: ' 2 +', flag: 'H' });
    expect(reportValue('uglu', 0.2, 'M')).toMatchObject({ valueType: 'ST', value: '-', flag: '' });
    expect(reportValue('k', 5.23, 'M')).toMatchObject({ valueType: 'NM', value: '5.2', flag: 'H' });
    expect(reportValue('hb', 12.0, 'M')).toMatchObject({ value: '12.0', flag: 'L' });
    expect(reportValue('hb', 12.0, 'F')).toMatchObject({ value: '12.0', flag: '' });
    expect(rangeText(reportValue('egfr', 50, 'M').test, 'M')).toBe('>=60.0');
  });
});
