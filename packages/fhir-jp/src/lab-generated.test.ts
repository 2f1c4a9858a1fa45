import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labPanelOf, type ObservationLike, resultValue, testOf } from '@hie/contract';
import { parseHl7 } from '@hie/hl7v2';
import { generateStorage, scanStorage } from '@hie/ssmix2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapMessage } from './index.js';

// The lab results the demo generator writes, as the lab view files and shows them: every test in a
// clinical panel (none under その他), every value with the decimals the laboratory sent.
let root: string;
const results: { name: string; jlac10: string | null; text: string; number: number | null }[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hie-fhir-labs-'));
  await generateStorage({
    patients: 12,
    facilityCode: '3310210012',
    years: 3,
    seed: 4,
    out: join(root, 's'),
  });
  for await (const item of scanStorage(join(root, 's'))) {
    if (item.kind !== 'file' || !item.name.ok || item.name.value.dataType !== 'OML-11') continue;
    const parsed = parseHl7(new Uint8Array(readFileSync(item.path)));
    if (!parsed.ok) continue;
    const mapped = mapMessage(parsed.message, {
      fileName: item.name.value,
      facility: { institutionCode: '3310210012', name: '倉敷中央病院' },
    });
    for (const { resource } of mapped.entries) {
      if (resource.resourceType !== 'Observation') continue;
      // Through JSON, as the gateway stores it and the hub passes it on.
      const stored = JSON.parse(JSON.stringify(resource)) as ObservationLike;
      const { name, jlac10 } = testOf(stored);
      results.push({ name, jlac10, ...resultValue(stored) });
    }
  }
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('generated lab results in the lab view', () => {
  it('files every test the generator writes under a clinical panel', () => {
    const tests = new Map(results.map((r) => [r.jlac10, r.name]));
    expect(tests.size).toBeGreaterThanOrEqual(20);
    const unfiled = [...tests].filter(([code]) => labPanelOf(code).panel === 'other');
    expect(unfiled).toEqual([]);
  });

  it('shows each value with the decimals the laboratory sent, trailing zeros included', () => {
    const texts = (name: string) =>
      results.filter((r) => r.name === name && r.number !== null).map((r) => r.text);
    const hba1c = texts('HbA1c(NGSP)');
    const creatinine = texts('クレアチニン');
    expect(hba1c.length).toBeGreaterThan(10);
    for (const t of hba1c) expect(t).toMatch(/^\d+\.\d$/);
    for (const t of creatinine) expect(t).toMatch(/^\d+\.\d\d$/);
    // A float round trip would have shown 0.8 for 0.80: the sent text is what reaches the view.
    expect([...hba1c, ...creatinine].some((t) => t.endsWith('0'))).toBe(true);
  });
});
