import { JLAC10_SYSTEM, ORIGINAL_TEXT_EXTENSION } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import type { SourcedResource } from '../api/types';
import { labSheet } from './lab-table';

const OUH = { facilityOid: '1.2.392.1', facilityName: '岡山大学病院' };
const KCH = { facilityOid: '1.2.392.2', facilityName: '倉敷中央病院' };

/** An Observation as fhir-jp maps OBX-5 (observation.test.ts pins this shape from the HL7 text). */
function result(
  at: typeof OUH,
  date: string,
  code: string,
  name: string,
  sent: string,
  unit: string,
  range?: string,
): SourcedResource {
  const value = Number(sent);
  return {
    ...at,
    localId: 'L1',
    date,
    resource: {
      resourceType: 'Observation',
      id: `${at.facilityOid}-${code}-${date}`,
      code: { coding: [{ system: JLAC10_SYSTEM, code, display: name }] },
      effectiveDateTime: date,
      valueQuantity: {
        ...(String(value) === sent
          ? {}
          : { extension: [{ url: ORIGINAL_TEXT_EXTENSION, valueString: sent }] }),
        value,
        unit,
      },
      ...(range ? { referenceRange: [{ text: range }] } : {}),
    },
  };
}

const HBA1C = '3D046000001906202';
const WBC = '2A990000001930952';
const EGFR = '8A065000002391901';
const entries = [
  result(OUH, '2025-03-01T09:00:00+09:00', HBA1C, 'HbA1c', '10.20', '%', '4.9-6.0'),
  result(KCH, '2025-03-01T15:00:00+09:00', HBA1C, 'HbA1c', '10.0', '%', '4.6-6.2'),
  result(KCH, '2025-01-10T10:00:00+09:00', HBA1C, 'HbA1c', '9.8', '%', '4.6-6.2'),
  result(OUH, '2025-01-10T10:00:00+09:00', WBC, '白血球数', '5.6', '10*3/uL'),
  result(OUH, '2025-02-01T10:00:00+09:00', EGFR, 'eGFR', '46.0', 'mL/min/1.73m2'),
];

describe('the lab result sheet', () => {
  const sheet = labSheet(entries);
  const row = (code: string) => sheet.groups.flatMap((g) => g.rows).find((r) => r.jlac10 === code)!;

  it('shows the value text the laboratory sent, not a float round trip', () => {
    const day = row(HBA1C).cells.get('2025-03-01')!;
    expect(day.map((c) => c.text)).toEqual(['10.20', '10.0']);
    expect(row(EGFR).cells.get('2025-02-01')?.[0]?.text).toBe('46.0');
  });

  it('keeps every facility of a day in the cell, with its own reference range', () => {
    const day = row(HBA1C).cells.get('2025-03-01')!;
    expect(day.map((c) => [c.facilityName, c.range])).toEqual([
      ['岡山大学病院', '4.9-6.0'],
      ['倉敷中央病院', '4.6-6.2'],
    ]);
    // The row's range is the newest result's.
    expect(row(HBA1C).range).toBe('4.6-6.2');
  });

  it('writes units as clinicians do and keeps the unit as sent', () => {
    expect(row(WBC)).toMatchObject({ unit: '10*3/uL', shownUnit: '千/μL' });
    expect(row(EGFR).shownUnit).toBe('mL/分/1.73m²');
  });

  it('groups tests by panel in clinical order, days newest first', () => {
    expect(sheet.groups.map((g) => g.panel)).toEqual(['cbc', 'renal', 'glucose']);
    expect(sheet.days).toEqual(['2025-03-01', '2025-02-01', '2025-01-10']);
    expect(sheet.facilities.map((f) => f.name)).toEqual(['岡山大学病院', '倉敷中央病院']);
  });
});
