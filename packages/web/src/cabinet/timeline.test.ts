import { DEFAULT_TIMELINE_COLUMNS } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import type { PostView } from './core/types';
import {
  dayLabel,
  excerpt,
  feedItems,
  inputText,
  newestFirst,
  postColumn,
  readableInputs,
  readers,
  repliesByParent,
  timelineRows,
} from './timeline';

const COLUMN_OF: Record<string, string> = {
  doctor: 'doctor',
  nurse: 'nursing',
  pharmacist: 'rehab-pharmacy',
  therapist: 'rehab-pharmacy',
  'care-manager': 'care',
  helper: 'care',
};

let n = 0;
function post(createdAt: string, profession: string, extra: Partial<PostView> = {}): PostView {
  n += 1;
  return {
    id: `p${n}`,
    replyTo: null,
    column: COLUMN_OF[profession] ?? 'care',
    kind: 'free',
    urgent: false,
    version: 1,
    edited: false,
    author: {
      userId: `u-${profession}`,
      name: profession,
      profession,
      facilityOid: '1.2',
      facilityName: 'F',
    },
    template: null,
    soap: null,
    text: `text ${n}`,
    inputs: [],
    mentions: [],
    mentionsMe: false,
    replyCount: 0,
    readBy: [],
    createdAt,
    updatedAt: createdAt,
    ...extra,
  };
}

const ids = (row: ReturnType<typeof timelineRows>[number]) =>
  row.type === 'day' ? `day ${row.day}` : Object.entries(row.cells).map(([c, p]) => `${c}:${p.id}`);

describe('timelineRows', () => {
  it('puts each post in its column, newest first, packing a row while its columns are free', () => {
    n = 0;
    const a = post('2025-06-03T01:00:00Z', 'nurse'); // 10:00 JST
    const b = post('2025-06-03T02:00:00Z', 'doctor'); // 11:00
    const c = post('2025-06-03T03:00:00Z', 'nurse'); // 12:00
    const d = post('2025-06-03T04:00:00Z', 'care-manager'); // 13:00
    const rows = timelineRows([a, b, c, d], DEFAULT_TIMELINE_COLUMNS);
    expect(rows.map(ids)).toEqual([
      'day 2025-06-03',
      // newest (d, care) then c (nursing) share a row; b (doctor) is free too; a (nursing) is not.
      ['care:p4', 'nursing:p3', 'doctor:p2'],
      ['nursing:p1'],
    ]);
  });

  it('starts a new day (in Japan time) with a separator row', () => {
    n = 0;
    const late = post('2025-06-03T14:30:00Z', 'nurse'); // 06-03 23:30 JST
    const early = post('2025-06-03T15:30:00Z', 'doctor'); // 06-04 00:30 JST
    const rows = timelineRows([late, early], DEFAULT_TIMELINE_COLUMNS);
    expect(rows.map(ids)).toEqual(['day 2025-06-04', ['doctor:p2'], 'day 2025-06-03', ['nursing:p1']]);
  });

  it('reading down the rows is reading back in time', () => {
    n = 0;
    const posts = Array.from({ length: 30 }, (_, i) =>
      post(
        new Date(Date.UTC(2025, 5, 1 + Math.floor(i / 7), i % 24)).toISOString(),
        ['doctor', 'nurse', 'pharmacist', 'helper'][i % 3 === 0 ? 1 : i % 4] ?? 'nurse',
      ),
    );
    const rows = timelineRows(posts, DEFAULT_TIMELINE_COLUMNS);
    const times = rows
      .flatMap((r) => (r.type === 'posts' ? Object.values(r.cells) : []))
      .map((p) => p.createdAt);
    let previousRowOldest = Number.POSITIVE_INFINITY;
    for (const row of rows) {
      if (row.type !== 'posts') continue;
      const ts = Object.values(row.cells).map((p) => Date.parse(p.createdAt));
      expect(Math.max(...ts)).toBeLessThanOrEqual(previousRowOldest);
      previousRowOldest = Math.min(...ts);
    }
    expect(times).toHaveLength(30);
  });

  it('shows a post once when pages overlap', () => {
    n = 0;
    const a = post('2025-06-03T01:00:00Z', 'nurse');
    const rows = timelineRows([a, { ...a }], DEFAULT_TIMELINE_COLUMNS);
    expect(rows.filter((r) => r.type === 'posts')).toHaveLength(1);
  });

  it('puts a post of an unknown column by its author’s profession (else the last column)', () => {
    n = 0;
    expect(
      postColumn(post('2025-06-03T01:00:00Z', 'doctor', { column: 'gone' }), DEFAULT_TIMELINE_COLUMNS),
    ).toBe('doctor');
    expect(
      postColumn(post('2025-06-03T01:00:00Z', 'office', { column: 'gone' }), DEFAULT_TIMELINE_COLUMNS),
    ).toBe('care');
  });

  it('keeps an edited post where it was written (creation time, not the edit)', () => {
    n = 0;
    const old = post('2025-06-01T01:00:00Z', 'nurse', {
      updatedAt: '2025-06-05T01:00:00Z',
      edited: true,
      version: 2,
    });
    const recent = post('2025-06-03T01:00:00Z', 'nurse');
    expect(newestFirst([old, recent]).map((p) => p.id)).toEqual(['p2', 'p1']);
  });
});

describe('replies', () => {
  it('lists replies under the post they answer, oldest first; a reply keeps its own place too', () => {
    n = 0;
    const parent = post('2025-06-03T01:00:00Z', 'nurse');
    const r1 = post('2025-06-03T02:00:00Z', 'doctor', { replyTo: parent.id });
    const r2 = post('2025-06-04T02:00:00Z', 'helper', { replyTo: parent.id });
    const other = post('2025-06-04T03:00:00Z', 'helper');
    const byParent = repliesByParent([other, r2, r1, parent]);
    expect(byParent.get(parent.id)?.map((p) => p.id)).toEqual([r1.id, r2.id]);
    expect(byParent.has(other.id)).toBe(false);
    const rows = timelineRows([other, r2, r1, parent], DEFAULT_TIMELINE_COLUMNS);
    const placed = rows.flatMap((r) => (r.type === 'posts' ? Object.values(r.cells).map((p) => p.id) : []));
    expect(placed.sort()).toEqual([parent.id, r1.id, r2.id, other.id].sort());
  });

  it('keeps replies to a post not loaded (an older page) under its id', () => {
    n = 0;
    const reply = post('2025-06-03T02:00:00Z', 'doctor', { replyTo: 'older' });
    expect(
      repliesByParent([reply])
        .get('older')
        ?.map((p) => p.id),
    ).toEqual([reply.id]);
  });
});

describe('feedItems', () => {
  it('is the posts newest first with a separator per day', () => {
    n = 0;
    const a = post('2025-06-03T01:00:00Z', 'nurse');
    const b = post('2025-06-04T01:00:00Z', 'doctor');
    const c = post('2025-06-04T02:00:00Z', 'doctor');
    expect(feedItems([a, b, c]).map((i) => (i.type === 'day' ? i.day : i.post.id))).toEqual([
      '2025-06-04',
      'p3',
      'p2',
      '2025-06-03',
      'p1',
    ]);
  });
});

describe('labels', () => {
  it('says the day with its weekday', () => {
    expect(dayLabel('2025-06-03', 'ja')).toBe('2025/06/03（火）');
    expect(dayLabel('2025-06-03', 'en')).toBe('Tue 2025/06/03');
  });

  it('shows an input as label, value and unit (once)', () => {
    const temp = {
      label: { ja: '体温', en: 'Temperature' },
      display: '36.0 ℃',
      unit: 'Cel',
      value: '36.0',
      type: 'number' as const,
    };
    expect(inputText(temp, 'ja')).toBe('体温 36.0 ℃');
    expect(inputText({ ...temp, display: '36.0' }, 'ja')).toBe('体温 36.0 ℃');
    expect(inputText({ ...temp, display: '36.0', unit: null }, 'en')).toBe('Temperature 36.0');
    expect(
      inputText({ ...temp, label: { ja: '痛み', en: 'Pain' }, display: '3', unit: '{score}' }, 'ja'),
    ).toBe('痛み 3');
    expect(
      inputText(
        { label: { ja: '排便あり', en: 'BM' }, display: 'あり', unit: null, value: true, type: 'check' },
        'ja',
      ),
    ).toBe('排便あり');
  });

  it('counts who read a post, not its author, marking who read an older version', () => {
    n = 0;
    const p = post('2025-06-03T01:00:00Z', 'nurse', {
      version: 2,
      readBy: [
        {
          userId: 'u-nurse',
          name: 'author',
          profession: 'nurse',
          version: 2,
          readAt: '2025-06-03T01:00:00Z',
        },
        { userId: 'u2', name: 'B', profession: 'doctor', version: 2, readAt: '2025-06-03T03:00:00Z' },
        { userId: 'u3', name: 'A', profession: 'helper', version: 1, readAt: '2025-06-03T02:00:00Z' },
      ],
    });
    expect(readers(p).map((r) => [r.name, r.old])).toEqual([
      ['A', true],
      ['B', false],
    ]);
  });

  it('makes a one-line excerpt of a post', () => {
    expect(excerpt({ soap: { s: 'a\nb', o: '', a: 'c', p: '' }, text: null })).toBe('a b c');
    expect(excerpt({ soap: null, text: 'x'.repeat(70) }, 60)).toBe(`${'x'.repeat(60)}…`);
  });
});

describe('readableInputs', () => {
  it('shows systolic and diastolic of one post as one blood pressure, values as typed', () => {
    const inputs = [
      { fieldId: 'bp-systolic', vital: 'bp-systolic', value: '138' },
      { fieldId: 'bp-diastolic', vital: 'bp-diastolic', value: '082' },
      { fieldId: 'temperature', vital: 'temperature', value: '36.0' },
    ];
    expect(readableInputs(inputs)).toEqual([
      { fieldId: 'bp', bp: { systolic: '138', diastolic: '082' } },
      { fieldId: 'temperature', vital: 'temperature', value: '36.0' },
    ]);
    expect(readableInputs(inputs.slice(1))).toEqual(inputs.slice(1));
  });
});
