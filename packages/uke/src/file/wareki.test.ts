import { describe, expect, it } from 'vitest';
import { ukeDate, ukeMonth } from './wareki.js';

const value = (r: ReturnType<typeof ukeDate>) => (r.ok ? r.value : r.problem);

describe('和暦 dates of the 記録条件仕様 (GYYMMDD, GYYMM)', () => {
  it('reads each 元号 code exactly', () => {
    expect(value(ukeDate('5060502'))).toBe('2024-05-02'); // 令和6年5月2日
    expect(value(ukeDate('4300110'))).toBe('2018-01-10'); // 平成30年
    expect(value(ukeDate('3300401'))).toBe('1955-04-01'); // 昭和30年
    expect(value(ukeDate('2150105'))).toBe('1926-01-05'); // 大正15年
    expect(value(ukeDate('1450701'))).toBe('1912-07-01'); // 明治45年
    expect(value(ukeMonth('50605'))).toBe('2024-05');
    expect(value(ukeMonth('42805'))).toBe('2016-05');
  });

  it('knows the first day of each era: 元年 and the day before it', () => {
    expect(value(ukeDate('4010108'))).toBe('1989-01-08'); // 平成元年1月8日
    expect(value(ukeDate('4010107'))).toBe('before-era'); // that day was 昭和64年
    expect(value(ukeDate('3640107'))).toBe('1989-01-07'); // 昭和64年1月7日
    expect(value(ukeDate('5010501'))).toBe('2019-05-01'); // 令和元年5月1日
    expect(value(ukeDate('5010430'))).toBe('before-era');
    expect(value(ukeMonth('50104'))).toBe('before-era');
    expect(value(ukeMonth('40101'))).toBe('1989-01'); // 平成 began within January 1989
  });

  it('reads a date after its era by arithmetic (平成31年5月 = 2019-05), as the 2019 transition wrote them', () => {
    expect(value(ukeDate('4310501'))).toBe('2019-05-01');
    expect(value(ukeMonth('43105'))).toBe('2019-05');
  });

  it('checks month and day, leap years included', () => {
    expect(value(ukeDate('4040229'))).toBe('1992-02-29');
    expect(value(ukeDate('4020229'))).toBe('format'); // 1990 is not a leap year
    expect(value(ukeDate('5061301'))).toBe('format');
    expect(value(ukeDate('5060431'))).toBe('format');
    expect(value(ukeDate('5000101'))).toBe('format'); // year 0
    expect(value(ukeDate('6010101'))).toBe('era');
    expect(value(ukeDate('0010101'))).toBe('era');
  });

  it('reads 西暦 forms (YYYYMMDD, YYYYMM) by their length, and nothing else', () => {
    expect(value(ukeDate('20240502'))).toBe('2024-05-02');
    expect(value(ukeMonth('202405'))).toBe('2024-05');
    expect(value(ukeDate('2024050'))).toBe('format'); // 7 digits: era 2 大正, year 02, month 40
    for (const bad of ['', '506050', '50605021', '5O60502', ' 506050', '506-502']) {
      expect(ukeDate(bad).ok, bad).toBe(false);
    }
  });
});
