import { describe, expect, it } from 'vitest';
import { parseHl7 } from '../index.js';
import { allHl7Samples, readSample } from '../testing/samples.js';
import { fieldInfo, segmentFields } from './fields.js';
import { readSegment, SEGMENT_SPECS, type SegmentName } from './readers.js';

// Types the readers decode a field as, and the reference-table types each may stand for.
const COMPATIBLE: Record<string, string[]> = {
  ST: ['ST', 'ID', 'IS', 'SI', 'NM', 'TS', 'DT', 'TM', 'DR', 'XON', 'VID', 'PT', 'FT', 'TX'],
  VARIES: ['*'],
  EIP: ['EIP', 'EI'],
  CNE: ['CNE', 'CWE'],
};

describe('segment specs', () => {
  it('agree with the SS-MIX2 reference table on every field type', () => {
    for (const [segment, spec] of Object.entries(SEGMENT_SPECS)) {
      expect(segmentFields(segment), segment).toBeDefined();
      for (const [name, { field, type }] of Object.entries(spec)) {
        const info = fieldInfo(segment, field);
        expect(info, `${segment}-${field}`).toBeDefined();
        expect(COMPATIBLE[type] ?? [type], `${segment}-${field} ${name}: table says ${info!.type}`).toContain(
          info!.type,
        );
      }
    }
  });

  it('name fields in English and Japanese', () => {
    expect(fieldInfo('PID', 5)).toEqual({ type: 'XPN', name: 'Patient Name', jaName: '患者氏名' });
    expect(fieldInfo('MSH', 9)?.type).toBe('MSG');
    expect(fieldInfo('NTE', 3)?.name).toBe('Comment');
  });

  it('read every segment of every sample without throwing', () => {
    let read = 0;
    for (const path of allHl7Samples()) {
      const r = parseHl7(readSample(path));
      if (!r.ok) continue;
      for (const segment of r.message.segments) {
        if (segment.name in SEGMENT_SPECS) {
          const record = readSegment(segment, segment.name as SegmentName);
          expect(typeof record).toBe('object');
          read++;
        }
      }
    }
    expect(read).toBeGreaterThan(500);
  });
});
