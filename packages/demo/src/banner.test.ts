import { describe, expect, it } from 'vitest';
import { japaneseBirthDate, tryHint } from './banner.js';

const patient = {
  personId: 'p-1',
  nameKanji: '山田 太郎',
  nameKana: 'ヤマダ タロウ',
  birthDate: '1950-04-01',
  sex: 'M',
  facilities: 3,
  hba1cResults: 60,
};

describe("npm start's hint", () => {
  it('prints the birth date as the day it is, whatever the machine’s time zone', () => {
    // Read as Japan midnight and printed in UTC, this was 昭和25年3月31日: the search found no one.
    expect(japaneseBirthDate('1950-04-01')).toBe('1950/04/01（昭和25年4月1日）');
    expect(japaneseBirthDate('2019-05-01')).toMatch(/^2019\/05\/01（令和(元|1)年5月1日）$/);
    expect(japaneseBirthDate('1989-01-07')).toBe('1989/01/07（昭和64年1月7日）');
  });

  it('names the search exactly as the search box takes it, and the link to the chart', () => {
    const hint = tryHint(
      {
        consentedEverywhere: patient,
        consentedNowhere: { ...patient, nameKana: 'スズキ ハナコ', nameKanji: '鈴木 花子', facilities: 2 },
        imaging: {
          ...patient,
          personId: 'p-2',
          nameKana: 'サトウ イチロウ',
          nameKanji: '佐藤 一郎',
          birthDate: '1958-06-12',
          imagingFacility: '1.2.392.200119.6.102.13319800011',
          ct: { studyUid: '2.25.1', images: 120 },
          cr: [
            { studyUid: '2.25.2', date: '2025-10-04' },
            { studyUid: '2.25.3', date: '2026-10-05' },
          ],
        },
      },
      'http://127.0.0.1:8100',
    );
    expect(hint).toContain('search  ヤマダ タロウ 1950/04/01\n');
    expect(hint).toContain('1950/04/01（昭和25年4月1日）');
    expect(hint).toContain('http://127.0.0.1:8100/patients/p-1?tab=labs');
    expect(hint).toContain('スズキ ハナコ (鈴木 花子) gave no consent');
    expect(hint).toContain('Images: サトウ イチロウ 1958/06/12 (佐藤 一郎): a CT of 120 slices');
    expect(hint).toContain('chest X-rays of 2025-10-04 and 2026-10-05');
    expect(hint).toContain('http://127.0.0.1:8100/patients/p-2?tab=imaging');
    expect(tryHint({ consentedEverywhere: null, consentedNowhere: null, imaging: null }, 'http://x')).toBe(
      '',
    );
  });
});
