import { describe, expect, it } from 'vitest';
import { compareLabTests, LAB_PANEL_ORDER, labPanelOf } from './lab-panels.js';

const test = (jlac10: string | null, name: string) => ({ jlac10, name });

describe('lab panels in clinical order', () => {
  it('files a test by its JLAC10 analyte code, the longest prefix first', () => {
    expect(labPanelOf('2A990000001930952').panel).toBe('cbc');
    expect(labPanelOf('2B030000002230101').panel).toBe('coagulation');
    expect(labPanelOf('3B035000002327201').panel).toBe('liver');
    // CK is an enzyme (3B) but read with the cardiac markers.
    expect(labPanelOf('3B010000002327201').panel).toBe('cardiac');
    expect(labPanelOf('8A065000002391901').panel).toBe('renal');
    expect(labPanelOf('3H015000002326101').panel).toBe('renal');
    expect(labPanelOf('3F077000002327101').panel).toBe('lipid');
    expect(labPanelOf('3D046000001906202').panel).toBe('glucose');
    expect(labPanelOf('5C070000002306201').panel).toBe('inflammation');
    expect(labPanelOf('4Z272000002305301').panel).toBe('cardiac');
    expect(labPanelOf('4B035000002306201').panel).toBe('thyroid');
    expect(labPanelOf('5D010000002327101').panel).toBe('tumor');
    expect(labPanelOf('1A010000000190111').panel).toBe('urine');
    expect(labPanelOf('6B010000000000000').panel).toBe('other');
    expect(labPanelOf(null).panel).toBe('other');
  });

  it('sorts panels in the order of a result sheet, listed analytes before the rest, then by name', () => {
    const tests = [
      test(null, '自施設の項目'),
      test('1A010000000190111', '尿蛋白定性'),
      test('3D046000001906202', 'HbA1c'),
      test('3D010000002227101', 'グルコース'),
      test('3B999000002327201', 'ある酵素'),
      test('3B045000002327201', 'ALT'),
      test('3B035000002327201', 'AST'),
      test('2A990000001930955', '血小板数'),
      test('2A990000001930952', '白血球数'),
    ].sort(compareLabTests);
    expect(tests.map((t) => t.name)).toEqual([
      '白血球数',
      '血小板数',
      'AST',
      'ALT',
      'ある酵素',
      'グルコース',
      'HbA1c',
      '尿蛋白定性',
      '自施設の項目',
    ]);
    expect(LAB_PANEL_ORDER.at(-1)).toBe('other');
  });
});
