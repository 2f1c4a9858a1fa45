import type { ScheduleRecurrence } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  type ConflictSubject,
  dayNumber,
  dayString,
  type ExpandableEntry,
  expandMonth,
  findConflicts,
  monthDays,
  occursOn,
  ruleDays,
  weekdayOf,
} from './recurrence.js';

const days = (date: string, recurrence: ScheduleRecurrence, from: string, to: string) =>
  ruleDays({ date, recurrence }, dayNumber(from), dayNumber(to)).map(dayString);

const weekly = (weekdays: number[], extra: Partial<Extract<ScheduleRecurrence, { type: 'weekly' }>> = {}) =>
  ({ type: 'weekly', weekdays, interval: 1, ...extra }) as ScheduleRecurrence;
const monthly = (
  weekdays: number[],
  nths: number[],
  extra: Partial<Extract<ScheduleRecurrence, { type: 'monthly' }>> = {},
) => ({ type: 'monthly', weekdays, nths, interval: 1, ...extra }) as ScheduleRecurrence;

const entry = (over: Partial<ExpandableEntry> & Pick<ExpandableEntry, 'id'>): ExpandableEntry => ({
  kind: 'home-nursing',
  userId: null,
  facilityOid: 'f',
  date: '2026-03-01',
  startTime: '10:00',
  endTime: '11:00',
  nights: 0,
  recurrence: { type: 'none' },
  exceptions: [],
  ...over,
});

describe('calendar arithmetic (JST, no daylight saving)', () => {
  it('counts days and weekdays across years, leap days and the epoch', () => {
    expect(dayString(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(dayNumber('2024-03-01') - dayNumber('2024-02-28')).toBe(2);
    expect(dayNumber('2026-03-01') - dayNumber('2026-02-28')).toBe(1);
    expect(weekdayOf(dayNumber('1970-01-01'))).toBe(4);
    expect(weekdayOf(dayNumber('1969-12-28'))).toBe(0);
    expect(weekdayOf(dayNumber('2026-03-10'))).toBe(2); // a Tuesday
    expect(monthDays('2026-02')).toEqual({ first: dayNumber('2026-02-01'), last: dayNumber('2026-02-28') });
    expect(monthDays('2024-02').last).toBe(dayNumber('2024-02-29'));
    expect(monthDays('2026-12').last).toBe(dayNumber('2026-12-31'));
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
  });
});

describe('ruleDays', () => {
  it('a one-off falls on its day only', () => {
    expect(days('2026-03-05', { type: 'none' }, '2026-03-01', '2026-03-31')).toEqual(['2026-03-05']);
    expect(days('2026-04-05', { type: 'none' }, '2026-03-01', '2026-03-31')).toEqual([]);
  });

  it('weekly on Monday and Thursday (デイサービス), from the first matching day on or after the start', () => {
    // 2026-03-04 is a Wednesday: the series begins on Thursday the 5th.
    expect(days('2026-03-04', weekly([1, 4]), '2026-03-01', '2026-03-15')).toEqual([
      '2026-03-05',
      '2026-03-09',
      '2026-03-12',
    ]);
  });

  it('every 2 weeks keeps its phase from the week of the start, also when asked for a later month', () => {
    const rule = weekly([2], { interval: 2 });
    const all = days('2026-01-06', rule, '2026-01-01', '2026-04-30');
    expect(all).toEqual([
      '2026-01-06',
      '2026-01-20',
      '2026-02-03',
      '2026-02-17',
      '2026-03-03',
      '2026-03-17',
      '2026-03-31',
      '2026-04-14',
      '2026-04-28',
    ]);
    expect(days('2026-01-06', rule, '2026-04-01', '2026-04-30')).toEqual(['2026-04-14', '2026-04-28']);
    // Weeks start on Monday: a Sunday belongs with the Monday before it.
    expect(days('2026-03-02', weekly([0, 1], { interval: 2 }), '2026-03-01', '2026-03-31')).toEqual([
      '2026-03-02',
      '2026-03-08',
      '2026-03-16',
      '2026-03-22',
      '2026-03-30',
    ]);
  });

  it('the 2nd and 4th Tuesday (訪問診療); a 5th Tuesday only in months that have one; -1 is the last', () => {
    expect(days('2026-01-01', monthly([2], [2, 4]), '2026-03-01', '2026-03-31')).toEqual([
      '2026-03-10',
      '2026-03-24',
    ]);
    // March 2026 has five Tuesdays (3, 10, 17, 24, 31); February has four.
    expect(days('2026-01-01', monthly([2], [5]), '2026-02-01', '2026-03-31')).toEqual(['2026-03-31']);
    expect(days('2026-01-01', monthly([2], [-1]), '2026-02-01', '2026-03-31')).toEqual([
      '2026-02-24',
      '2026-03-31',
    ]);
    // Month boundaries: the 1st Sunday of March 2026 is the 1st itself, the last Saturday of Feb the 28th.
    expect(days('2026-01-01', monthly([0, 6], [1, -1]), '2026-02-01', '2026-03-31')).toEqual([
      '2026-02-01',
      '2026-02-07',
      '2026-02-22',
      '2026-02-28',
      '2026-03-01',
      '2026-03-07',
      '2026-03-28',
      '2026-03-29',
    ]);
  });

  it('every 2 months counts from the start month', () => {
    expect(days('2026-01-15', monthly([3], [1], { interval: 2 }), '2026-01-01', '2026-06-30')).toEqual([
      '2026-03-04',
      '2026-05-06',
    ]);
  });

  it('ends on its until day or after its count', () => {
    expect(days('2026-03-01', weekly([1], { until: '2026-03-16' }), '2026-03-01', '2026-03-31')).toEqual([
      '2026-03-02',
      '2026-03-09',
      '2026-03-16',
    ]);
    expect(days('2026-02-01', weekly([1], { count: 6 }), '2026-03-01', '2026-04-30')).toEqual([
      '2026-03-02',
      '2026-03-09',
    ]);
    expect(days('2026-01-01', monthly([2], [2, 4], { count: 3 }), '2026-01-01', '2026-12-31')).toEqual([
      '2026-01-13',
      '2026-01-27',
      '2026-02-10',
    ]);
  });

  it('occursOn', () => {
    const rule = { date: '2026-01-01', recurrence: monthly([2], [2, 4]) };
    expect(occursOn(rule, '2026-03-10')).toBe(true);
    expect(occursOn(rule, '2026-03-17')).toBe(false);
  });
});

describe('expandMonth', () => {
  it('applies cancellations (kept, marked) and moves, also across the month boundary', () => {
    const series = entry({
      id: 'day',
      kind: 'day-service',
      date: '2026-02-01',
      startTime: '09:30',
      endTime: '16:00',
      recurrence: weekly([1, 4]),
      exceptions: [
        { date: '2026-03-02', action: 'cancel' },
        // Due on Thu 5 March, moved to Fri 6 March.
        {
          date: '2026-03-05',
          action: 'move',
          moveTo: { date: '2026-03-06', startTime: '10:00', endTime: '15:00' },
        },
        // Due on Mon 30 March, moved into April: gone from March.
        {
          date: '2026-03-30',
          action: 'move',
          moveTo: { date: '2026-04-01', startTime: '09:30', endTime: '16:00' },
        },
        // Due on Thu 26 February, moved into March.
        {
          date: '2026-02-26',
          action: 'move',
          moveTo: { date: '2026-03-03', startTime: '09:30', endTime: '16:00' },
        },
        // Not a day of the rule (a Wednesday): ignored.
        {
          date: '2026-03-11',
          action: 'move',
          moveTo: { date: '2026-03-14', startTime: '09:30', endTime: '16:00' },
        },
      ],
    });
    const march = expandMonth([series], '2026-03');
    expect(march.map((o) => `${o.date}:${o.status}:${o.originalDate}`)).toEqual([
      '2026-03-02:cancelled:2026-03-02',
      '2026-03-03:moved:2026-02-26',
      '2026-03-06:moved:2026-03-05',
      '2026-03-09:scheduled:2026-03-09',
      '2026-03-12:scheduled:2026-03-12',
      '2026-03-16:scheduled:2026-03-16',
      '2026-03-19:scheduled:2026-03-19',
      '2026-03-23:scheduled:2026-03-23',
      '2026-03-26:scheduled:2026-03-26',
    ]);
    expect(march[2]).toMatchObject({ key: 'day/2026-03-05', startTime: '10:00', endTime: '15:00' });
    const april = expandMonth([series], '2026-04');
    expect(april[0]).toMatchObject({ date: '2026-04-01', status: 'moved', originalDate: '2026-03-30' });
    expect(expandMonth([series], '2026-02').some((o) => o.originalDate === '2026-02-26')).toBe(false);
  });

  it('a stay over the month’s end shows in both months', () => {
    const stay = entry({
      id: 'stay',
      kind: 'short-stay',
      date: '2026-03-30',
      startTime: '10:00',
      endTime: '15:00',
      nights: 3,
    });
    expect(expandMonth([stay], '2026-03')[0]).toMatchObject({ date: '2026-03-30', endDate: '2026-04-02' });
    expect(expandMonth([stay], '2026-04')[0]).toMatchObject({ date: '2026-03-30', endDate: '2026-04-02' });
    expect(expandMonth([stay], '2026-05')).toEqual([]);
  });
});

describe('findConflicts', () => {
  const at = (date: string, time: string) =>
    dayNumber(date) * 1440 + Number(time.slice(0, 2)) * 60 + Number(time.slice(3));
  const item = (
    key: string,
    from: string,
    to: string,
    over: Partial<ConflictSubject> = {},
  ): ConflictSubject => ({
    key,
    entryId: key,
    status: 'scheduled',
    startAt: at('2026-03-10', from),
    endAt: at('2026-03-10', to),
    kind: 'home-nursing',
    userId: null,
    ...over,
  });

  it('flags two visits to the patient at once, on both; touching times do not overlap', () => {
    const found = findConflicts([
      item('bath', '10:00', '11:00', { kind: 'home-care' }),
      item('doctor', '10:30', '11:00', { kind: 'home-medical' }),
      item('after', '11:00', '12:00', { kind: 'home-rehab' }),
    ]);
    expect(found.get('bath')).toEqual([{ key: 'doctor', entryId: 'doctor', reasons: ['patient'] }]);
    expect(found.get('doctor')).toEqual([{ key: 'bath', entryId: 'bath', reasons: ['patient'] }]);
    expect(found.has('after')).toBe(false);
  });

  it('flags the same person twice at once even without the patient; cancelled ones conflict with nothing', () => {
    const found = findConflicts([
      item('a', '10:00', '11:00', { kind: 'other', userId: 'u1' }),
      item('b', '10:30', '11:30', { kind: 'home-nursing', userId: 'u1' }),
      item('c', '10:00', '12:00', { kind: 'home-care', status: 'cancelled' }),
      item('d', '10:00', '12:00', { kind: 'other', userId: 'u2' }),
    ]);
    expect(found.get('a')).toEqual([{ key: 'b', entryId: 'b', reasons: ['same-person'] }]);
    expect(found.has('c')).toBe(false);
    expect(found.has('d')).toBe(false);
  });

  it('a visit during a short stay is a conflict for the patient', () => {
    const found = findConflicts([
      { ...item('stay', '10:00', '10:00', { kind: 'short-stay' }), endAt: at('2026-03-13', '15:00') },
      {
        ...item('visit', '14:00', '15:00'),
        startAt: at('2026-03-12', '14:00'),
        endAt: at('2026-03-12', '15:00'),
      },
    ]);
    expect(found.get('visit')?.[0]?.key).toBe('stay');
  });
});
