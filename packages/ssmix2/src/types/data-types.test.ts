import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE } from '../test-support/samples.js';
import { CARE_DATE_FIELDS, DATA_TYPES, dataTypeInfo } from './data-types.js';
import { REQUIRED_FIELDS } from './required-fields.generated.js';
import { checkSegmentOrder, collapsedSegmentNames, SEGMENT_ORDER } from './segment-order.js';

const reference = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(REFERENCE, name), 'utf8')) as Record<string, unknown>;

describe('DATA_TYPES', () => {
  it('lists ADT-00 … OMG-13 and OMD, each once, with both names', () => {
    const codes = DATA_TYPES.map((d) => d.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toContain('ADT-00');
    expect(codes).toContain('OMG-13');
    expect(codes).toContain('OMD');
    expect(codes.length).toBe(26);
    for (const d of DATA_TYPES) {
      expect(d.nameJa).not.toBe('');
      expect(d.nameEn).not.toBe('');
      expect(d.messages.length).toBeGreaterThan(0);
    }
  });

  it('maps message types to the care-date fields of SSMIX_CAREDATE.json, covering all of them', () => {
    const json = reference('SSMIX_CAREDATE.json') as Record<string, string>;
    const expected = Object.fromEntries(Object.entries(json).map(([k, v]) => [k, v === '' ? '-' : v]));
    expect(CARE_DATE_FIELDS).toEqual(expected);
  });

  it('has a segment-order pattern for every message type it accepts', () => {
    for (const d of DATA_TYPES)
      for (const m of d.messages) expect(SEGMENT_ORDER[m.type], m.type).toBeDefined();
  });

  it('files lab results (OUL^R22) in OML-11 and prescriptions (RDE^O11) in OMP-01', () => {
    expect(dataTypeInfo('OML-11')?.messages.map((m) => m.type)).toEqual(['OUL^R22']);
    expect(dataTypeInfo('OMP-01')?.messages[0]).toMatchObject({ type: 'RDE^O11', structure: 'RDE_O11' });
    expect(dataTypeInfo('ADT-00')?.messages.find((m) => m.cancel)?.type).toBe('ADT^A23');
  });
});

describe('SEGMENT_ORDER', () => {
  it('agrees with HL7_SEGMENTORDER.json, except OUL^R22 where (NTE) after OBX reads (NTE)*', () => {
    const json = reference('HL7_SEGMENTORDER.json') as Record<string, string>;
    expect(Object.keys(SEGMENT_ORDER).sort()).toEqual(Object.keys(json).sort());
    for (const [type, source] of Object.entries(json)) {
      const expected = type === 'OUL^R22' ? source.replace('(SID)*(NTE))*', '(SID)*(NTE)*)*') : source;
      expect(SEGMENT_ORDER[type]!.source, type).toBe(expected);
    }
  });

  it('collapses runs and matches from the start only', () => {
    expect(collapsedSegmentNames(['MSH', 'PID', 'OBX', 'OBX', 'NTE', 'OBX'])).toBe('MSHPIDOBXNTEOBX');
    expect(checkSegmentOrder('ADT^A60', ['MSH', 'EVN', 'PID', 'IAM', 'IAM'])).toBe('ok');
    expect(checkSegmentOrder('ADT^A60', ['MSH', 'PID', 'EVN'])).toBe('mismatch');
    expect(checkSegmentOrder('XXX^X00', ['MSH'])).toBe('unknown-type');
    // A lab result whose OBX carries no NTE passes only with the (NTE)* reading.
    expect(checkSegmentOrder('OUL^R22', ['MSH', 'PID', 'PV1', 'SPM', 'OBR', 'ORC', 'OBX'])).toBe('ok');
  });
});

describe('REQUIRED_FIELDS (generated)', () => {
  it('equals the R options of HL7_SEGMENT.json for every segment and data type', () => {
    const json = reference('HL7_SEGMENT.json') as Record<
      string,
      { 'ssmix2-required': Record<string, string> }[]
    >;
    for (const [segment, fields] of Object.entries(json)) {
      const types = new Set(['*', ...fields.flatMap((f) => Object.keys(f['ssmix2-required']))]);
      for (const dt of types) {
        const expected = fields.flatMap((f, i) =>
          i > 0 && (f['ssmix2-required'][dt] ?? f['ssmix2-required']['*']) === 'R' ? [i] : [],
        );
        const table = REQUIRED_FIELDS[segment]!;
        expect(table[dt] ?? table['*'], `${segment} ${dt}`).toEqual(expected);
      }
    }
  });
});
