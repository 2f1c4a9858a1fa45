import { CATEGORIES, SERVED_TYPES } from '@hie/contract';
import type { GatewayFacility } from '../facility.js';

export { SERVED_TYPES };

const searchParams = [
  {
    name: 'patient',
    type: 'reference',
    documentation: 'Patient/<id> or the local patient id; must be the patient of the assertion',
  },
  {
    name: 'category',
    type: 'token',
    documentation: `Disclosure category, comma = or: ${Object.keys(CATEGORIES).join(', ')}`,
  },
  { name: 'date', type: 'date', documentation: 'eq|ge|gt|le|lt + YYYY[-MM[-DD]]; may repeat' },
  { name: 'code', type: 'token', documentation: 'main code (JLAC10, HOT, disease code…); system| ignored' },
  { name: '_count', type: 'number', documentation: 'page size, 0–200 (default 50)' },
  { name: '_offset', type: 'number', documentation: 'index of the first entry of the page' },
];

/** GET /fhir/metadata: what this gateway serves and how it must be called. No patient data. */
export function capabilityStatement(facility: GatewayFacility, fhirBase: string): object {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-01',
    kind: 'instance',
    software: { name: 'hie-gateway', version: '0.1.0' },
    implementation: { description: `${facility.name} (${facility.oid}) SS-MIX2 gateway`, url: fhirBase },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [
      {
        mode: 'server',
        security: {
          description:
            'Every request but metadata carries `Authorization: Bearer <assertion>`: a compact JWS (EdDSA) ' +
            'signed by the hub, audience = this facility OID, naming user, profession, facility, patient, ' +
            'purpose of use and allowed categories; single use (nonce), at most 5 minutes. Mutual TLS optional. ' +
            '401 = assertion refused (code in OperationOutcome), 403 = another patient, 404 = unknown or not visible.',
        },
        resource: SERVED_TYPES.map((type) => ({
          type,
          interaction: [{ code: 'read' }, ...(type === 'Binary' ? [] : [{ code: 'search-type' }])],
          ...(type === 'Binary' ? {} : { searchParam: searchParams }),
          ...(type === 'Patient'
            ? {
                operation: [
                  {
                    name: 'everything',
                    definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
}
