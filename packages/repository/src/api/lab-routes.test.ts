import { TEST_ENGINES } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLabMessage } from '../intake/lab/index.js';
import {
  CLINIC,
  encode,
  exampleCsv,
  labCentreText,
  NHO_LAB_RESULT,
  nhoForClinic,
  setField,
} from '../intake/lab/testing.js';
import { createSender, linkLabCentre } from '../tenants/senders.js';
import { type RepositoryUnderTest, repositoryUnderTest, seedPatient } from '../testing.js';

const CLINIC_TENANT = { ...CLINIC, kind: 'clinic' as const };
const OTHER = {
  oid: '1.2.392.200284.13.1399999999',
  institutionCode: '1399999999',
  name: '別の診療所',
  kind: 'clinic' as const,
};

describe.each(TEST_ENGINES)('lab results from a lab centre (%s)', (engine) => {
  let r: RepositoryUnderTest;
  let lab: string;
  let otherLab: string;
  let clinicToken: string;
  const patientOf = (bytes: Uint8Array) => {
    const read = readLabMessage(bytes, { sourceName: 't' });
    if (!read.ok) throw new Error('sample unreadable');
    return read.patientId;
  };

  beforeAll(async () => {
    r = await repositoryUnderTest(engine);
    ({ token: clinicToken } = await r.addTenant(CLINIC_TENANT));
    await r.addTenant(OTHER);
    const centre = await createSender(r.store, {
      kind: 'lab-centre',
      name: 'テスト検査センター',
      facilityCode: 'KENSA01',
    });
    await linkLabCentre(r.store, centre.sender.id, CLINIC.oid);
    lab = centre.token;
    otherLab = (
      await createSender(r.store, { kind: 'lab-centre', name: '別の検査センター', facilityCode: 'KENSA99' })
    ).token;
    // The clinic's patients (from its ORCA, say): results are only taken for them.
    for (const id of [patientOf(nhoForClinic()), '0001000052', '0002000077'])
      await seedPatient(r.tenants.storeOf(CLINIC.oid), id);
  });
  afterAll(() => r?.dispose());

  const send = (token: string | undefined, body: Uint8Array, url = '/intake/lab') =>
    r.app.inject({
      method: 'POST',
      url,
      headers: {
        'content-type': 'application/hl7-v2',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      payload: Buffer.from(body),
    });

  it('an OUL^R22 reaches the ordering clinic, readable there with an assertion', async () => {
    const res = await send(lab, nhoForClinic());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().tenant).toBe(CLINIC.oid);
    const patient = patientOf(nhoForClinic());
    const read = await r.read(CLINIC.oid, `/t/${CLINIC.oid}/fhir/Observation?patient=${patient}`, {
      patientId: patient,
      categories: ['lab-result'],
    });
    expect(read.status).toBe(200);
    expect((read.json() as { total: number }).total).toBeGreaterThan(0);
  });

  it('the same message again (replay) is acknowledged and written once', async () => {
    const res = await send(lab, nhoForClinic());
    expect(res.statusCode).toBe(200);
    expect(res.json().duplicate).toBe(true);
  });

  it('refuses an anonymous sender, a wrong credential, and a clinic’s credential', async () => {
    expect((await send(undefined, nhoForClinic())).statusCode).toBe(401);
    expect((await send('hie_rp_forged', nhoForClinic())).statusCode).toBe(401);
    expect((await send(clinicToken, nhoForClinic())).statusCode).toBe(403);
  });

  it('refuses MSH-4 of another facility than the sender’s', async () => {
    const forged = encode(setField(labCentreText(NHO_LAB_RESULT), 'MSH', 4, 'KENSA99'));
    const res = await send(lab, forged);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('sender-other-facility');
  });

  it('refuses a lab centre the clinic has not linked', async () => {
    const text = setField(labCentreText(NHO_LAB_RESULT), 'MSH', 4, 'KENSA99');
    const res = await send(otherLab, encode(text));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('lab-not-linked');
  });

  it('refuses an unknown clinic and an unknown patient with the field, writing nothing', async () => {
    const unknownClinic = await send(
      lab,
      encode(setField(labCentreText(NHO_LAB_RESULT), 'MSH', 6, '1300000000')),
    );
    expect(unknownClinic.statusCode).toBe(422);
    expect(unknownClinic.json().issues[0]).toMatchObject({ code: 'lab-unknown-clinic', field: 'MSH-6' });
    const unknownPatient = await send(
      lab,
      encode(setField(labCentreText(NHO_LAB_RESULT), 'PID', 3, 'NOBODY')),
    );
    expect(unknownPatient.statusCode).toBe(422);
    expect(unknownPatient.json().issues[0]).toMatchObject({ code: 'lab-unknown-patient', field: 'PID-3' });
  });

  it('a lab centre’s CSV delivery (example layout) lands at the clinic; one bad row refuses the file', async () => {
    const csv = (text: string) =>
      r.app.inject({
        method: 'POST',
        url: '/intake/lab-csv?layout=example-kensa-v1',
        headers: { 'content-type': 'text/csv', authorization: `Bearer ${lab}`, 'x-file-name': 'kensa.csv' },
        payload: Buffer.from(encode(text, 'Shift_JIS')),
      });
    const ok = await csv(exampleCsv());
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().tenants[0].tenant).toBe(CLINIC.oid);
    const bad = await csv(exampleCsv(['1312345678,0001000052,A100,20240212,,K1,項目,1,,,']));
    expect(bad.statusCode).toBe(422);
    expect(bad.json().issues[0].line).toBe(2);
  });
});
