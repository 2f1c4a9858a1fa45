import type { AuditRecord } from '@hie/platform';
import { describe, expect, it } from 'vitest';
import { toAuditEvent } from './balp.js';
import { fhirErrors } from './testing.js';

const office = {
  userId: 'u-office',
  name: '事務局 花子',
  profession: 'office',
  facilityOid: '1.2.392.200284.33.9999999999',
};
const event = (record: Omit<AuditRecord, 'source'>, seq = 1) =>
  toAuditEvent({ seq, recordedAt: '2025-04-01T00:00:00.000Z', record: { ...record, source: 'hub' } });

describe('BALP shape of the other hub events', () => {
  it('maps admin, consent, patient-index and audit-log events to their ATNA / REST codes, all valid R4', () => {
    const admin = event({
      type: 'admin',
      action: 'U',
      outcome: '0',
      agent: office,
      detail: { facility: '1.2.392.200284.33.3319800011', changed: 'discloses' },
    });
    expect(admin).toMatchObject({ type: { code: 'rest' }, subtype: [{ code: 'update' }], action: 'U' });
    // No patient: the details travel on a system-object entity, and the author is the user.
    expect(admin.entity).toEqual([
      {
        type: {
          system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
          code: '2',
          display: 'System Object',
        },
        description: 'admin',
        detail: [
          { type: 'facility', valueString: '1.2.392.200284.33.3319800011' },
          { type: 'changed', valueString: 'discloses' },
        ],
      },
    ]);
    expect(admin.agent[0]?.type?.coding[0]?.code).toBe('AUT');
    const consent = event({
      type: 'consent',
      action: 'C',
      outcome: '0',
      agent: office,
      patient: { facilityOid: '1.2.392.200284.33.3319800011', localId: '0003314961' },
      entities: ['Consent/c-1'],
    });
    expect(consent).toMatchObject({ subtype: [{ code: 'create' }] });
    expect(consent.entity?.[0]?.what).toEqual({
      identifier: { system: 'urn:oid:1.2.392.200284.33.3319800011', value: '0003314961' },
    });
    expect(consent.entity?.[1]?.what).toEqual({ reference: 'Consent/c-1' });
    const mpi = event({
      type: 'mpi',
      action: 'U',
      outcome: '0',
      agent: office,
      patient: { personId: 'p-1' },
    });
    expect(mpi.type).toEqual({
      system: 'http://dicom.nema.org/resources/ontology/DCM',
      code: '110110',
      display: 'Patient Record',
    });
    const used = event({ type: 'audit', action: 'E', outcome: '0', agent: office });
    expect(used.type.code).toBe('110101');
    const failedLogin = event({
      type: 'login',
      action: 'E',
      outcome: '4',
      outcomeDescription: 'bad password',
    });
    expect(failedLogin.agent).toEqual([
      expect.objectContaining({
        type: { coding: [expect.objectContaining({ code: '110152' })] },
        requestor: false,
      }),
    ]);
    for (const e of [admin, consent, mpi, used, failedLogin]) expect(fhirErrors(e)).toEqual([]);
  });
});
