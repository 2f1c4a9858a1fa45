/**
 * 検体検査結果 as a result sheet: tests as rows grouped by panel in clinical order (contract
 * lab-panels.ts), one column per day, newest first, every result of the day in its cell with the
 * facility that reported it. Values are the text the laboratory sent; units as clinicians write them.
 */
import { clinicalUnit, compareLabTests, type LabPanel, labPanelOf } from '@hie/contract';
import type { FhirResource, SourcedResource } from '../api/types';
import { dayOf } from '../lib/dates';
import {
  abnormalFlag,
  type Flag,
  observationValue,
  type Quantity,
  referenceRangeText,
  testKey,
} from './fhir';

export interface LabCell {
  text: string;
  number: number | null;
  flag: Flag;
  /** The unit as sent, and as shown. */
  unit: string;
  shownUnit: string;
  range: string;
  facilityOid: string;
  facilityName: string;
}

export interface LabRow {
  key: string;
  jlac10: string | null;
  name: string;
  panel: LabPanel;
  /** Unit and reference range of the newest result (each cell keeps its own). */
  unit: string;
  shownUnit: string;
  range: string;
  /** Results by day (YYYY-MM-DD), each day's results oldest first. */
  cells: Map<string, LabCell[]>;
  /** Results that are plain numbers (chartable). */
  numeric: number;
}

export interface LabGroup {
  panel: LabPanel;
  rows: LabRow[];
}

export interface LabSheet {
  /** Days with a result, newest first. */
  days: string[];
  groups: LabGroup[];
  /** Facilities with a result, in a stable order (by name). */
  facilities: { oid: string; name: string }[];
  /** The facilities of each day's results (most days: one). */
  dayFacilities: Map<string, string[]>;
}

const jlacOf = (key: string) => (key.startsWith('jlac:') ? key.slice(5) : null);
const resultDate = (e: SourcedResource) => (e.resource.effectiveDateTime as string | undefined) ?? e.date;

/** The result sheet of `entries` (Observations; any order). */
export function labSheet(entries: readonly SourcedResource[]): LabSheet {
  const days = new Set<string>();
  const rows = new Map<string, LabRow & { newest: string }>();
  const facilities = new Map<string, string>();
  const dayFacilities = new Map<string, string[]>();
  const observations = entries
    .filter((e) => e.resource.resourceType === 'Observation')
    .map((e) => ({ e, at: resultDate(e) ?? '' }))
    // Oldest first: each day's cell lists its results in order, and the last one seen is the newest.
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const { e, at } of observations) {
    const day = dayOf(at);
    if (!day) continue;
    days.add(day);
    facilities.set(e.facilityOid, e.facilityName);
    const ofDay = dayFacilities.get(day) ?? [];
    if (!ofDay.includes(e.facilityOid)) dayFacilities.set(day, [...ofDay, e.facilityOid]);
    const { key, name } = testKey(e.resource);
    const cell = cellOf(e);
    let row = rows.get(key);
    if (!row) {
      const jlac10 = jlacOf(key);
      row = {
        key,
        jlac10,
        name,
        panel: labPanelOf(jlac10).panel,
        unit: cell.unit,
        shownUnit: cell.shownUnit,
        range: cell.range,
        cells: new Map(),
        numeric: 0,
        newest: at,
      };
      rows.set(key, row);
    }
    if (at >= row.newest) {
      row.newest = at;
      if (cell.unit) {
        row.unit = cell.unit;
        row.shownUnit = cell.shownUnit;
      }
      if (cell.range) row.range = cell.range;
    }
    row.cells.set(day, [...(row.cells.get(day) ?? []), cell]);
    if (cell.number !== null) row.numeric += 1;
  }
  const groups = new Map<LabPanel, LabRow[]>();
  for (const { newest: _newest, ...row } of [...rows.values()].sort(compareLabTests)) {
    groups.set(row.panel, [...(groups.get(row.panel) ?? []), row]);
  }
  return {
    days: [...days].sort().reverse(),
    groups: [...groups].map(([panel, list]) => ({ panel, rows: list })),
    facilities: [...facilities]
      .map(([oid, name]) => ({ oid, name }))
      .sort((a, b) => a.name.localeCompare(b.name, 'ja') || (a.oid < b.oid ? -1 : 1)),
    dayFacilities,
  };
}

function cellOf(e: SourcedResource): LabCell {
  const value = observationValue(e.resource);
  const unit = unitOf(e.resource);
  return {
    text: value.text,
    number: value.number,
    flag: abnormalFlag(e.resource),
    unit,
    shownUnit: clinicalUnit(unit),
    range: referenceRangeText(e.resource),
    facilityOid: e.facilityOid,
    facilityName: e.facilityName,
  };
}

const unitOf = (r: FhirResource): string => {
  const unit = (r.valueQuantity as Quantity | undefined)?.unit;
  return typeof unit === 'string' ? unit : '';
};
