import { SPLIT_PARTS } from '@hie/okusuri-techo/testing';
import { TEST_ENGINES } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTC_PHARMACY, type RepositoryUnderTest, repositoryUnderTest, UKE_CLINIC } from '../testing.js';

describe.each(TEST_ENGINES)('a pharmacist’s scanned お薬手帳 QR codes (%s)', (engine) => {
  let r: RepositoryUnderTest;
  beforeAll(async () => {
    r = await repositoryUnderTest(engine);
    await r.addTenant(OTC_PHARMACY);
    await r.addTenant(UKE_CLINIC);
  });
  afterAll(() => r?.dispose());

  const scan = async (oid: string, profession: string, body: object, patientId = '-') => {
    const url = `/t/${oid}/entries/okusuri-techo`;
    const token = await r.sign(oid, url, { patientId, profession, facilityOid: oid }, 'POST');
    return r.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      payload: body,
    });
  };

  it('publishes the pharmacy’s own dispensings, matched to a new patient, readable with an assertion', async () => {
    const res = await scan(OTC_PHARMACY.oid, 'pharmacist', { qr: [...SPLIT_PARTS].reverse() });
    expect(res.statusCode, res.body).toBe(200);
    const { patientId, newPatient, dispensings } = res.json() as {
      patientId: string;
      newPatient: boolean;
      dispensings: number;
    };
    expect(newPatient).toBe(true);
    expect(dispensings).toBeGreaterThan(0);
    const read = await r.read(
      OTC_PHARMACY.oid,
      `/t/${OTC_PHARMACY.oid}/fhir/MedicationDispense?patient=${patientId}`,
      {
        patientId,
        categories: ['prescription'],
      },
    );
    expect((read.json() as { total: number }).total).toBeGreaterThan(0);
    // Scanned again: the same patient, found this time, and the dispensings replaced, not doubled.
    const again = await scan(OTC_PHARMACY.oid, 'pharmacist', { qr: [...SPLIT_PARTS] });
    expect(again.json()).toMatchObject({ patientId, newPatient: false });
    const reread = await r.read(
      OTC_PHARMACY.oid,
      `/t/${OTC_PHARMACY.oid}/fhir/MedicationDispense?patient=${patientId}`,
      {
        patientId,
        categories: ['prescription'],
      },
    );
    expect((reread.json() as { total: number }).total).toBe((read.json() as { total: number }).total);
  });

  it('refuses a doctor, another facility’s notebook, and a code that is not JAHIS', async () => {
    expect((await scan(OTC_PHARMACY.oid, 'doctor', { qr: [...SPLIT_PARTS] })).statusCode).toBe(403);
    const elsewhere = await scan(UKE_CLINIC.oid, 'pharmacist', { qr: [...SPLIT_PARTS] });
    expect(elsewhere.statusCode).toBe(422);
    expect(elsewhere.json().issues[0].code).toBe('otc-other-facility');
    const junk = await scan(OTC_PHARMACY.oid, 'pharmacist', { qr: ['https://example.com/'] });
    expect(junk.statusCode).toBe(422);
    expect(junk.json().issues[0].code).toMatch(/^otc-/);
  });
});
