import { describe, expect, it } from 'vitest';
import { parseFileName, type Ssmix2FileName } from '../names/file-name.js';
import { resolveKey } from './condition.js';

const n = (s: string): Ssmix2FileName => {
  const r = parseFileName(s);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};
const key = '9999013_20110701_OMP-01_000000011000185';

describe('resolveKey', () => {
  it('takes the newest file: flag 1 is the current record, older files are history', () => {
    const r = resolveKey([n(`${key}_20110702000000000_01_1`), n(`${key}_20110701000000000_01_2`)])!;
    expect(r.state).toBe('current');
    expect(r.record?.timestamp).toBe('20110702000000000');
    expect(r.history.map((h) => h.flag)).toEqual(['2', '1']);
    expect(r.anomalies).toEqual([]);
  });

  it('newest flag 0 means deleted, whatever is older', () => {
    const r = resolveKey([
      n(`${key}_20110701000000000_01_0`),
      n(`${key}_20110703000000000_01_0`),
      n(`${key}_20110702000000000_01_0`),
    ])!;
    expect(r.state).toBe('deleted');
    expect(r.record).toBeUndefined();
    expect(r.newest.timestamp).toBe('20110703000000000');
  });

  it('a newest flag 2 is a half-done update: use it, with a warning', () => {
    const r = resolveKey([n(`${key}_20110701000000000_01_2`), n(`${key}_20110702000000000_01_2`)])!;
    expect(r.state).toBe('half-updated');
    expect(r.record?.timestamp).toBe('20110702000000000');
    expect(r.anomalies.map((a) => a.code)).toEqual(['HALF_DONE_UPDATE']);
  });

  it('compares 15- and 17-digit timestamps in time order', () => {
    const r = resolveKey([n(`${key}_201107020000001_01_1`), n(`${key}_20110702000000050_01_2`)])!;
    expect(r.newest.flag).toBe('1');
  });

  it('flags older files still marked current, and timestamp ties', () => {
    const r = resolveKey([
      n(`${key}_20110701000000000_01_1`),
      n(`${key}_20110702000000000_01_1`),
      n(`${key}_20110702000000000_02_2`),
    ])!;
    expect(r.anomalies.map((a) => a.code).sort()).toEqual(['STALE_CURRENT', 'TIMESTAMP_TIE']);
    expect(r.newest.flag).toBe('1');
  });

  it('is undefined for no files', () => {
    expect(resolveKey([])).toBeUndefined();
  });
});
