import { parseFileName } from '@hie/ssmix2';
import { expect, test } from 'vitest';
import { recordKey } from './record-key.js';

test('record key: whole-record types ignore the order no, others keep the SS-MIX2 storage key', () => {
  const name = (s: string) => {
    const r = parseFileName(s);
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
  const a = recordKey(name('8605612502_-_PPR-01_000205216506815_20240212150000000_-_1'));
  const b = recordKey(name('8605612502_-_PPR-01_000020521650684_20240105103000000_-_1'));
  expect(a).toBe(b);
  const c = recordKey(name('9999013_20111220_OML-11_000000011000354_20111220103059000_01_1'));
  const d = recordKey(name('9999013_20111220_OML-11_000000011000355_20111220103059000_01_1'));
  expect(c).not.toBe(d);
  expect(c).toBe('9999013_20111220_OML-11_000000011000354');
});
