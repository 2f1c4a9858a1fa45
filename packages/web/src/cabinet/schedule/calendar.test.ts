import { describe, expect, it } from 'vitest';
import {
  describeRecurrence,
  emptyForm,
  entryToForm,
  formField,
  formProblems,
  formToInput,
  monthDays,
  monthGrid,
  type Occurrence,
  occurrencesByDay,
  shiftMonth,
  tokyoToday,
} from './calendar';
import { en, ja } from './labels';

const occurrence = (over: Partial<Occurrence>): Occurrence => ({
  key: 'e/2026-03-10',
  entryId: 'e',
  date: '2026-03-10',
  originalDate: '2026-03-10',
  startTime: '10:00',
  endTime: '11:00',
  endDate: '2026-03-10',
  start: '2026-03-10T10:00:00+09:00',
  end: '2026-03-10T11:00:00+09:00',
  status: 'scheduled',
  kind: 'home-nursing',
  person: null,
  facility: { oid: 'f', name: 'F' },
  note: null,
  recurring: false,
  conflicts: [],
  ...over,
});

describe('the month grid', () => {
  it('whole weeks from Sunday, the neighbours’ days marked', () => {
    const march = monthGrid('2026-03'); // 1 March 2026 is a Sunday, 31 March a Tuesday
    expect(march).toHaveLength(5);
    expect(march[0]?.[0]).toMatchObject({ date: '2026-03-01', weekday: 0, inMonth: true });
    expect(march[4]?.map((d) => d.date)).toEqual([
      '2026-03-29',
      '2026-03-30',
      '2026-03-31',
      '2026-04-01',
      '2026-04-02',
      '2026-04-03',
      '2026-04-04',
    ]);
    const february = monthGrid('2026-02'); // exactly four weeks
    expect(february).toHaveLength(4);
    expect(monthGrid('2026-08')).toHaveLength(6); // starts on a Saturday
    expect(monthDays('2024-02')).toHaveLength(29);
  });

  it('months and today in Japan', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    // 15:30 UTC on 31 December is already New Year's Day in Tokyo.
    expect(tokyoToday(Date.parse('2026-12-31T15:30:00Z'))).toBe('2027-01-01');
  });

  it('places a stay on each of its days within the month', () => {
    const stay = occurrence({ key: 's', date: '2026-03-30', endDate: '2026-04-02', kind: 'short-stay' });
    const march = occurrencesByDay([stay], '2026-03');
    expect([...march.keys()]).toEqual(['2026-03-30', '2026-03-31']);
    expect(march.get('2026-03-31')?.[0]?.continued).toBe(true);
    expect([...occurrencesByDay([stay], '2026-04').keys()]).toEqual(['2026-04-01', '2026-04-02']);
  });
});

describe('rules in words and the form', () => {
  it('describes a rule in either language', () => {
    expect(
      describeRecurrence(
        { type: 'weekly', weekdays: [4, 1], interval: 1, until: null, count: null },
        ja,
        'ja',
      ),
    ).toBe('毎週 月・木');
    expect(
      describeRecurrence(
        { type: 'monthly', weekdays: [2], nths: [4, 2], interval: 1, until: '2026-06-30' },
        ja,
        'ja',
      ),
    ).toBe('毎月 第2・第4 火（2026-06-30まで）');
    expect(describeRecurrence({ type: 'weekly', weekdays: [0], interval: 2, count: 5 }, en, 'en')).toBe(
      'Every 2 weeks on Sun (5 times)',
    );
    expect(describeRecurrence({ type: 'none' }, ja, 'ja')).toBeNull();
  });

  it('turns the form into the API’s body and back', () => {
    const form = {
      ...emptyForm('2026-03-10'),
      kind: 'home-medical' as const,
      person: 'u1|1.2.3',
      repeat: 'monthly' as const,
      weekdays: ['2'],
      nths: ['2', '4'],
      ends: 'until' as const,
      until: '2026-06-30',
      note: '  定期  ',
    };
    const input = formToInput(form);
    expect(input).toEqual({
      kind: 'home-medical',
      userId: 'u1',
      facilityOid: '1.2.3',
      date: '2026-03-10',
      startTime: '10:00',
      endTime: '11:00',
      nights: 0,
      note: '定期',
      recurrence: {
        type: 'monthly',
        weekdays: [2],
        nths: [2, 4],
        interval: 1,
        until: '2026-06-30',
        count: null,
      },
    });
    const back = entryToForm({
      id: 'e',
      kind: 'home-medical',
      person: { userId: 'u1', name: '岡山 太郎', active: true },
      facility: { oid: '1.2.3', name: 'クリニック' },
      date: '2026-03-10',
      startTime: '10:00',
      endTime: '11:00',
      nights: 0,
      zone: 'Asia/Tokyo',
      note: '定期',
      recurrence: {
        type: 'monthly',
        weekdays: [2],
        nths: [2, 4],
        interval: 1,
        until: '2026-06-30',
        count: null,
      },
      exceptions: [],
      source: 'manual',
      createdBy: 'x',
      createdAt: '',
      updatedBy: 'x',
      updatedAt: '',
    });
    expect(formToInput(back)).toEqual(input);
    expect(
      formToInput({
        ...emptyForm('2026-03-02'),
        who: 'facility',
        facility: 'day',
        repeat: 'every-weeks',
        interval: 2,
      }).recurrence,
    ).toEqual({ type: 'weekly', weekdays: [1], interval: 2, until: null, count: null });
  });

  it('finds what is missing, and maps the hub’s fields onto the form', () => {
    expect(formProblems({ ...emptyForm('2026-03-02'), repeat: 'monthly', weekdays: [] }, ja)).toEqual({
      person: ja.required,
      weekdays: ja.chooseWeekday,
      nths: ja.chooseNth,
    });
    expect(formField('userId')).toBe('person');
    expect(formField('recurrence.nths.0')).toBe('nths');
    expect(formField('recurrence')).toBe('repeat');
    expect(formField('colour')).toBeNull();
  });
});
