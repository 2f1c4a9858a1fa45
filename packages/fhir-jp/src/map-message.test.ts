import { beforeAll, describe, expect, it } from 'vitest';
import { ID_PATTERN, type MappingResult, mapMessage } from './index.js';
import {
  EMITTED_TYPES,
  type FhirValidator,
  officialR4Types,
  sharedValidator,
  shippedResourceTypes,
} from './testing/fhir-schema.js';
import { FACILITY, loadSamples, NHO, type Sample, SYNTHETIC } from './testing/samples.js';

const samples: Sample[] = [...loadSamples(NHO), ...loadSamples(SYNTHETIC)];
const map = (s: Sample): MappingResult => mapMessage(s.message, { fileName: s.fileName, facility: FACILITY });

let validator: FhirValidator;
beforeAll(() => {
  validator = sharedValidator();
});

describe('mapMessage on every sample', () => {
  it('covers the 19 NHO and 30 synthetic files', () => {
    expect(samples).toHaveLength(49);
  });

  it('maps every file without throwing and yields resources for every data type but ADT-01', () => {
    for (const s of samples) {
      const r = map(s);
      expect(r.delete, s.path).toBe(false);
      expect(r.resources.length, s.path).toBeGreaterThan(0);
      expect(r.entries.map((e) => e.resource)).toEqual(r.resources);
    }
  });

  it('gives ids that match the FHIR id pattern, are unique per file and start with the key prefix', () => {
    for (const s of samples) {
      const r = map(s);
      const ids = r.resources.map((x) => x.id ?? '');
      expect(new Set(ids).size, s.path).toBe(ids.length);
      for (const id of ids) {
        expect(id, s.path).toMatch(ID_PATTERN);
        if (!id.endsWith('.ADT-00')) expect(id.startsWith(r.keyPrefix), id).toBe(true);
      }
    }
  });

  it('is deterministic: the same input maps to the same JSON', () => {
    for (const s of samples) expect(JSON.stringify(map(s))).toBe(JSON.stringify(map(s)));
  });

  it('points every resource back to its file and its patient', () => {
    for (const s of samples) {
      for (const { resource, index } of map(s).entries) {
        expect(resource.meta?.source, s.path).toContain(encodeURIComponent(s.path.split('/').pop()!));
        expect(index.patientId).toBe(s.fileName.patientId);
        expect(index.id).toBe(resource.id);
        const json = JSON.stringify(resource);
        if (resource.resourceType !== 'Patient') {
          expect(json, `${s.path} ${resource.id}`).toContain(
            `"reference":"Patient/${s.fileName.patientId}.ADT-00"`,
          );
        }
      }
    }
  });

  it('validates every resource against the official FHIR R4 JSON schema', () => {
    let checked = 0;
    for (const s of samples) {
      for (const resource of map(s).resources) {
        const errors = validator.validate(resource);
        expect(
          errors,
          `${s.path} ${resource.resourceType}/${resource.id}: ${JSON.stringify(errors.slice(0, 3))}`,
        ).toEqual([]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('uses the official R4 schema: shipped = 146 official 4.0.1 types + Medplum additions; we emit official ones', () => {
    const official = officialR4Types();
    expect(official.size).toBe(146);
    const shipped = shippedResourceTypes();
    expect(shipped.filter((t) => official.has(t))).toHaveLength(146);
    expect(shipped.filter((t) => !official.has(t))).toEqual(
      expect.arrayContaining(['Project', 'Bot', 'AccessPolicy']),
    );
    for (const t of EMITTED_TYPES) expect(official.has(t), t).toBe(true);
  });

  it('the validator rejects what the schema forbids (so the check above can fail)', () => {
    expect(validator.validate({ resourceType: 'Patient', id: 'a_b' })).not.toEqual([]);
    expect(validator.validate({ resourceType: 'Patient', gender: 'man' } as never)).not.toEqual([]);
    expect(
      validator.validate({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
        effectiveDateTime: '2011-12-19T15:00',
      }),
    ).not.toEqual([]);
  });
});
