import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseHl7 } from '@hie/hl7v2';
import { DATA_TYPES, generateStorage, scanStorage } from '@hie/ssmix2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID_PATTERN } from './ids.js';
import { type Category, mapMessage } from './index.js';
import { sharedValidator } from './testing/fhir-schema.js';

// Generated data of every SS-MIX2 data type (seed 4 at 倉敷中央病院 has them all at this size), mapped and validated
// resource by resource against the FHIR R4 JSON schema.
let root: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hie-fhir-gen-'));
  await generateStorage({
    patients: 30,
    facilityCode: '3310210012',
    years: 3,
    seed: 4,
    out: join(root, 's'),
  });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('mapping generated storage', () => {
  it('maps every file of every data type to valid FHIR R4 with well-formed ids', async () => {
    const validator = sharedValidator();
    const types = new Set<string>();
    const categories = new Set<Category>();
    const invalid: string[] = [];
    let resources = 0;
    for await (const item of scanStorage(join(root, 's'))) {
      if (item.kind !== 'file' || !item.name.ok) continue;
      const parsed = parseHl7(new Uint8Array(readFileSync(item.path)));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      const result = mapMessage(parsed.message, {
        fileName: item.name.value,
        facility: { institutionCode: '3319800011', name: '岡山大学病院' },
      });
      types.add(item.name.value.dataType);
      for (const { resource, index } of result.entries) {
        resources++;
        categories.add(index.category);
        expect(resource.id).toMatch(ID_PATTERN);
        const errors = validator.validate(resource);
        if (errors.length > 0 && invalid.length < 5) {
          invalid.push(`${resource.resourceType}/${resource.id}: ${JSON.stringify(errors.slice(0, 2))}`);
        }
      }
    }
    expect(invalid).toEqual([]);
    expect([...types].sort()).toEqual(DATA_TYPES.map((t) => t.code).sort());
    expect(resources).toBeGreaterThan(1000);
    expect(categories.size).toBeGreaterThanOrEqual(18);
  }, 120_000);
});
