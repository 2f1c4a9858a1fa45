import { describe, expect, it } from 'vitest';
import { decodeCsv, parseCsv } from '../../directory/csv.js';
import { encodeShiftJis } from '../../directory/testing.js';
import { csvDate, csvKind, csvTime, rowEntry, SCHEDULE_CSV_COLUMNS } from './csv.js';
import type { Team } from './validate.js';

const TEAM: Team = {
  members: [
    { userId: 'nurse', facilityOid: '1.2.3.1', name: '吉備 花子' },
    { userId: 'doctor', facilityOid: '1.2.3.2', name: '岡山 太郎' },
  ],
  facilities: [
    { oid: '1.2.3.1', name: 'きびだんご訪問看護ステーション' },
    { oid: '1.2.3.2', name: 'ももたろう内科クリニック' },
    { oid: '1.2.3.3', name: 'デイサービスさくら' },
  ],
};

describe('schedule CSV cells', () => {
  it('reads the ways a day is written', () => {
    for (const v of [
      '2026-03-05',
      '2026/3/5',
      '2026/03/05',
      '2026.3.5',
      '20260305',
      '2026年3月5日',
      '２０２６/３/５',
    ])
      expect(csvDate(v), v).toBe('2026-03-05');
    for (const v of ['2026-02-30', '3/5', '', 'R8.3.5']) expect(csvDate(v), v).toBeNull();
  });

  it('reads the ways a time is written', () => {
    expect(csvTime('9:00')).toBe('09:00');
    expect(csvTime('０９：３０')).toBe('09:30');
    expect(csvTime('1330')).toBe('13:30');
    expect(csvTime('9時')).toBe('09:00');
    expect(csvTime('9時30分')).toBe('09:30');
    for (const v of ['24:00', '9:60', '', 'noon']) expect(csvTime(v), v).toBeNull();
  });

  it('reads a kind by label, code, English or a care system’s name', () => {
    expect(csvKind('訪問看護')).toBe('home-nursing');
    expect(csvKind('通所介護')).toBe('day-service');
    expect(csvKind('短期入所生活介護')).toBe('short-stay');
    expect(csvKind('Home nursing')).toBe('home-nursing');
    expect(csvKind('home-rehab')).toBe('home-rehab');
    expect(csvKind('訪問リハビリテーション')).toBe('home-rehab');
    expect(csvKind('エステ')).toBeNull();
  });
});

describe('rowEntry', () => {
  const row = (values: Record<string, string>) => rowEntry(7, values, '2026-03', TEAM);

  it('a member’s visit: the person by name (spaces of either width), the facility by name', () => {
    const { input, refused } = row({
      date: '2026/3/3',
      start: '10:00',
      end: '11:00',
      kind: '訪問看護',
      facility: 'きびだんご訪問看護ステーション',
      person: '吉備　花子',
      note: '入浴介助',
    });
    expect(refused).toEqual([]);
    expect(input).toMatchObject({
      kind: 'home-nursing',
      userId: 'nurse',
      facilityOid: '1.2.3.1',
      date: '2026-03-03',
      startTime: '10:00',
      endTime: '11:00',
      note: '入浴介助',
      recurrence: { type: 'none' },
    });
  });

  it('a service: the facility only', () => {
    const { input } = row({
      date: '2026-03-04',
      start: '9:30',
      end: '16:00',
      kind: 'デイサービス',
      facility: 'デイサービスさくら',
    });
    expect(input).toMatchObject({ userId: null, facilityOid: '1.2.3.3' });
  });

  it('refuses each bad cell by its column, with the line', () => {
    const { input, refused } = row({
      date: '2026/4/1',
      start: '25:00',
      end: '11:00',
      kind: 'エステ',
      facility: '鬼ヶ島クリニック',
    });
    expect(input).toBeNull();
    expect(refused.map((r) => `${r.line}:${r.field}:${r.code}`)).toEqual([
      '7:日付:outside-month',
      '7:開始:invalid-time',
      '7:種別:unknown-kind',
      '7:担当施設:not-in-group',
    ]);
    expect(
      row({
        date: '2026/3/2',
        start: '11:00',
        end: '10:00',
        kind: '訪問看護',
        facility: '1.2.3.1',
      }).refused.map((r) => `${r.field}:${r.code}`),
    ).toEqual(['終了:end-before-start']);
    expect(
      row({
        date: '2026/3/2',
        start: '10:00',
        end: '11:00',
        kind: '訪問看護',
        facility: 'ももたろう内科クリニック',
        person: '吉備 花子',
      }).refused.map((r) => `${r.field}:${r.code}`),
    ).toEqual(['担当者:not-a-member']);
  });

  it('parses the file with the library: quoted cells, CRLF records with Excel’s LF in a cell, BOM, Shift_JIS', () => {
    const text =
      '\uFEFF日付,開始,終了,種別,担当施設,担当者,メモ\r\n2026/03/03,10:00,11:00,訪問看護,きびだんご訪問看護ステーション,吉備 花子,"入浴、""洗髪""\n2行目"\r\n2026/03/04,9:30,16:00,デイサービス,デイサービスさくら,,\r\n';
    for (const body of [Buffer.from(text, 'utf8'), encodeShiftJis(text.slice(1))]) {
      const parsed = parseCsv(decodeCsv(body), SCHEDULE_CSV_COLUMNS, ['date']);
      expect(parsed.rows.map((r) => r.line)).toEqual([2, 4]);
      expect(parsed.rows[0]).toMatchObject({
        line: 2,
        values: { note: '入浴、"洗髪"\n2行目', person: '吉備 花子' },
      });
    }
  });
});
