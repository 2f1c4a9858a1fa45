import { type Ssmix2FileName, storageKey, timestampKey } from '../names/file-name.js';

/**
 * What the files of one key (patient, care date, data type, order no) say together (SSMIX2.md §3):
 * the newest file decides.
 * - `current`: newest flag `1`, the record is that file.
 * - `deleted`: newest flag `0`.
 * - `half-updated`: newest flag `2`: an update renamed the old file but never wrote the new one;
 *   the newest `_2` is the best record there is.
 */
export type KeyState = 'current' | 'deleted' | 'half-updated';

export type KeyAnomalyCode = 'HALF_DONE_UPDATE' | 'STALE_CURRENT' | 'TIMESTAMP_TIE' | 'MIXED_KEYS';

export interface KeyAnomaly {
  code: KeyAnomalyCode;
  message: string;
  names: Ssmix2FileName[];
}

export interface KeyResolution<N extends Ssmix2FileName = Ssmix2FileName> {
  state: KeyState;
  /** The file that decides (greatest timestamp). */
  newest: N;
  /** The record to use: newest unless deleted. */
  record: N | undefined;
  /** Every file of the key, oldest first. */
  history: N[];
  anomalies: KeyAnomaly[];
}

// On equal timestamps a delete outranks a current file, which outranks a superseded one: that is
// the order in which a writer renames and writes.
const FLAG_RANK: Record<string, number> = { '2': 0, '1': 1, '0': 2 };

function compareNames(a: Ssmix2FileName, b: Ssmix2FileName): number {
  const ta = timestampKey(a.timestamp);
  const tb = timestampKey(b.timestamp);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return (FLAG_RANK[a.flag] ?? 0) - (FLAG_RANK[b.flag] ?? 0);
}

/** Resolves the names of ONE key; undefined for an empty list. Pure. */
export function resolveKey<N extends Ssmix2FileName>(names: readonly N[]): KeyResolution<N> | undefined {
  if (names.length === 0) return undefined;
  const history = [...names].sort(compareNames);
  const newest = history[history.length - 1]!;
  const anomalies: KeyAnomaly[] = [];
  const keys = new Set(history.map(storageKey));
  if (keys.size > 1) {
    anomalies.push({
      code: 'MIXED_KEYS',
      message: `names of ${keys.size} different keys resolved together`,
      names: history,
    });
  }
  const state: KeyState = newest.flag === '1' ? 'current' : newest.flag === '0' ? 'deleted' : 'half-updated';
  if (state === 'half-updated') {
    anomalies.push({
      code: 'HALF_DONE_UPDATE',
      message:
        'the newest file is flagged 2 (superseded) but no newer file exists: an update was interrupted',
      names: [newest],
    });
  }
  const ties = history.filter((n) => timestampKey(n.timestamp) === timestampKey(newest.timestamp));
  if (ties.length > 1) {
    anomalies.push({
      code: 'TIMESTAMP_TIE',
      message: `${ties.length} files share the newest timestamp ${newest.timestamp}`,
      names: ties,
    });
  }
  const staleCurrent = history.slice(0, -1).filter((n) => n.flag === '1');
  if (staleCurrent.length > 0) {
    anomalies.push({
      code: 'STALE_CURRENT',
      message: `${staleCurrent.length} older file(s) still flagged 1; an update should have renamed them to 2`,
      names: staleCurrent,
    });
  }
  return { state, newest, record: state === 'deleted' ? undefined : newest, history, anomalies };
}

/** Groups names by storage key, keys in first-seen order. */
export function groupByKey<N extends Ssmix2FileName>(names: Iterable<N>): Map<string, N[]> {
  const groups = new Map<string, N[]>();
  for (const n of names) {
    const key = storageKey(n);
    const list = groups.get(key);
    if (list) list.push(n);
    else groups.set(key, [n]);
  }
  return groups;
}
