import { parseHl7 } from '@hie/hl7v2';
import { describe, expect, it } from 'vitest';
import { FACILITY, loadSamples, mapValid as mapMessage, NHO } from './testing/samples.js';

const sample = (type: string) => loadSamples(NHO).find((s) => s.fileName.dataType === type)!;

/** The sample's text with one edit, re-parsed. */
function edited(type: string, from: string | RegExp, to: string) {
  const s = sample(type);
  const text = s.message.toString().replace(from, to);
  const parsed = parseHl7(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return {
    original: mapMessage(s.message, { fileName: s.fileName, facility: FACILITY }),
    cancel: mapMessage(parsed.message, { fileName: s.fileName, facility: FACILITY }),
  };
}

describe('cancel events', () => {
  it('ADT^A23 deletes the demographics: Patient id and every id of the key', () => {
    const { original, cancel } = edited('ADT-00', 'ADT^A08^ADT_A01', 'ADT^A23^ADT_A21');
    expect(cancel.delete).toBe(true);
    expect(cancel.resources).toEqual([]);
    expect(cancel.deleteIds).toEqual(original.resources.map((r) => r.id));
    expect(cancel.deleteIds).toContain('9999013.ADT-00');
    expect(cancel.keyPrefix).toBe('9999013.-.ADT-00.999999999999999.');
  });

  it('ADT^A13 (discharge cancel) deletes the encounter', () => {
    const { original, cancel } = edited('ADT-52', 'ADT^A03^ADT_A03', 'ADT^A13^ADT_A01');
    expect(cancel.delete).toBe(true);
    expect(cancel.deleteIds).toEqual([original.resources[0]!.id]);
  });

  it('ORC-1 CA on every block deletes the whole order', () => {
    const { original, cancel } = edited('OMP-01', /ORC\|NW\|/g, 'ORC|CA|');
    expect(cancel.delete).toBe(true);
    expect(cancel.deleteIds).toEqual(original.resources.map((r) => r.id));
  });

  it('ORC-1 CA on one block removes only that drug', () => {
    const { original, cancel } = edited('OMP-01', 'ORC|NW|000000011000185||2|', 'ORC|CA|000000011000185||2|');
    expect(cancel.delete).toBe(false);
    expect(cancel.resources.map((r) => r.id)).toEqual(original.resources.slice(0, 2).map((r) => r.id));
    expect(cancel.deleteIds).toEqual([original.resources[2]!.id]);
  });

  it('an ordinary message deletes nothing', () => {
    const s = sample('OML-11');
    const r = mapMessage(s.message, { fileName: s.fileName, facility: FACILITY });
    expect(r.delete).toBe(false);
    expect(r.deleteIds).toEqual([]);
  });
});
