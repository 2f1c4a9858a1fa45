/**
 * The 4-column timeline (4列タイムライン) as rows: newest first, a day separator where the day (in
 * Japan) changes, and posts packed side by side while each lands in a column the row has free. Rows
 * are runs of the time-ordered posts, so reading down the rows is reading back in time. Pure.
 */
import { columnOf, type TimelineColumn, unitLabel } from '@hie/contract';
import type { Lang } from '../api/errors';
import { dayOf } from '../lib/dates';
import type { PostView } from './core/types';

export type TimelineRow =
  | { type: 'day'; key: string; day: string }
  | { type: 'posts'; key: string; day: string; cells: Record<string, PostView> };

/** Newest first by creation time (an edit keeps its place), one of each id (pages may overlap). */
export function newestFirst(posts: readonly PostView[]): PostView[] {
  const seen = new Set<string>();
  const unique: PostView[] = [];
  for (const post of posts) {
    if (seen.has(post.id)) continue;
    seen.add(post.id);
    unique.push(post);
  }
  return unique.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** The post's column: the hub's, when it is one of the columns; else by the author's profession. */
export function postColumn(post: PostView, columns: readonly TimelineColumn[]): string {
  if (columns.some((c) => c.id === post.column)) return post.column;
  return columnOf(post.author.profession, columns);
}

export function timelineRows(posts: readonly PostView[], columns: readonly TimelineColumn[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let current: Extract<TimelineRow, { type: 'posts' }> | null = null;
  for (const post of newestFirst(posts)) {
    const day = dayOf(post.createdAt) ?? '';
    const column = postColumn(post, columns);
    if (!current || current.day !== day || current.cells[column]) {
      if (!current || current.day !== day) rows.push({ type: 'day', key: `day-${day}`, day });
      current = { type: 'posts', key: `row-${post.id}`, day, cells: {} };
      rows.push(current);
    }
    current.cells[column] = post;
  }
  return rows;
}

/** The plain feed: newest first with a separator per day. */
export type FeedItem =
  | { type: 'day'; key: string; day: string }
  | { type: 'post'; key: string; post: PostView };

export function feedItems(posts: readonly PostView[]): FeedItem[] {
  const items: FeedItem[] = [];
  let day: string | null = null;
  for (const post of newestFirst(posts)) {
    const d = dayOf(post.createdAt) ?? '';
    if (d !== day) items.push({ type: 'day', key: `day-${d}`, day: d });
    day = d;
    items.push({ type: 'post', key: post.id, post });
  }
  return items;
}

/**
 * The replies to each loaded post, oldest first (a thread reads down). A reply keeps its own place in
 * the timeline too; this is what is listed under the post it answers.
 */
export function repliesByParent(posts: readonly PostView[]): Map<string, PostView[]> {
  const byParent = new Map<string, PostView[]>();
  for (const post of newestFirst(posts).reverse()) {
    if (!post.replyTo) continue;
    const list = byParent.get(post.replyTo) ?? [];
    list.push(post);
    byParent.set(post.replyTo, list);
  }
  return byParent;
}

const TOKYO = 'Asia/Tokyo';
const weekday = {
  ja: new Intl.DateTimeFormat('ja-JP', { timeZone: 'UTC', weekday: 'short' }),
  en: new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', weekday: 'short' }),
};

/** A day separator: 2025/06/03（火） in Japanese, Tue 2025/06/03 in English. */
export function dayLabel(day: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return day;
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  const shown = `${m[1]}/${m[2]}/${m[3]}`;
  return lang === 'ja' ? `${shown}（${weekday.ja.format(date)}）` : `${weekday.en.format(date)} ${shown}`;
}

const hhmm = new Intl.DateTimeFormat('ja-JP', { timeZone: TOKYO, hour: '2-digit', minute: '2-digit' });

/** 09:05, in Japan time. */
export function timeOf(value: string): string {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : hhmm.format(new Date(ms));
}

/** The receipts worth showing: not the author's own; who read an older version is marked by it. */
export function readers(
  post: PostView,
): { name: string; readAt: string; profession: string; old: boolean; version: number }[] {
  return post.readBy
    .filter((r) => r.userId !== post.author.userId)
    .map((r) => ({
      name: r.name,
      readAt: r.readAt,
      profession: r.profession,
      version: r.version,
      old: r.version < post.version,
    }))
    .sort((a, b) => Date.parse(a.readAt) - Date.parse(b.readAt));
}

/** One line of a post, for a reply's quote and notices. */
export function excerpt(post: Pick<PostView, 'soap' | 'text'>, length = 60): string {
  const body =
    post.text ??
    (post.soap ? [post.soap.s, post.soap.o, post.soap.a, post.soap.p].filter(Boolean).join(' ') : '');
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length)}…` : line;
}

/** An input as a line: 体温 36.0 ℃ (the hub's `display`, with the unit when it does not carry it); a ticked check by its label. */
export function inputText(
  input: Pick<PostView['inputs'][number], 'label' | 'display' | 'unit' | 'value' | 'type'>,
  lang: Lang,
): string {
  const label = input.label[lang] || input.label.ja;
  // A ticked check says itself (排便あり), not 排便あり あり.
  if (input.type === 'check') return input.value === false ? `${label}: ${input.display}` : label;
  const display = input.display.trim();
  const unit = input.unit ? unitLabel(input.unit) : '';
  const value = unit && !display.endsWith(unit) ? `${display} ${unit}` : display;
  return value ? `${label} ${value}` : label;
}

/**
 * Inputs as a nurse reads them: systolic and diastolic of one post as one blood pressure, 血圧 138/82
 * mmHg (each value as typed); everything else as it came, in the template's order.
 */
export function readableInputs<T extends Pick<PostView['inputs'][number], 'fieldId' | 'vital' | 'value'>>(
  inputs: readonly T[],
): (T | { fieldId: 'bp'; bp: { systolic: string; diastolic: string } })[] {
  const systolic = inputs.find((i) => i.vital === 'bp-systolic');
  const diastolic = inputs.find((i) => i.vital === 'bp-diastolic');
  if (!systolic || !diastolic) return [...inputs];
  const out: (T | { fieldId: 'bp'; bp: { systolic: string; diastolic: string } })[] = [];
  for (const input of inputs) {
    if (input === diastolic) continue;
    out.push(
      input === systolic
        ? { fieldId: 'bp', bp: { systolic: String(systolic.value), diastolic: String(diastolic.value) } }
        : input,
    );
  }
  return out;
}
