import { PHARMACY_NOTEBOOK, SPLIT_PARTS } from '@hie/okusuri-techo/testing';
import { TEST_ENGINES } from '@hie/platform/testing';
import { fixtureBytes } from '@hie/uke/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_TOKEN,
  OTC_PHARMACY,
  type RepositoryUnderTest,
  repositoryUnderTest,
  UKE_CLINIC,
} from '../testing.js';

interface Bundle {
  total: number;
  entry?: { resource: { resourceType: string; id: string; meta?: { source?: string } } }[];
}

describe.each(TEST_ENGINES)('repository intake (%s)', (engine) => {
  let r: RepositoryUnderTest;
  let clinic: { oid: string; token: string };
  let pharmacy: { oid: string; token: string };
  beforeAll(async () => {
    r = await repositoryUnderTest(engine);
    clinic = await r.addTenant(UKE_CLINIC);
    pharmacy = await r.addTenant(OTC_PHARMACY);
  });
  afterAll(() => r?.dispose());

  const upload = (oid: string, token: string | undefined, bytes: Uint8Array, name = 'RECEIPTC.UKE') =>
    r.app.inject({
      method: 'POST',
      url: `/t/${oid}/intake/uke`,
      headers: {
        'content-type': 'application/octet-stream',
        'x-file-name': name,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      payload: Buffer.from(bytes),
    });

  it('a clinic uploads its UKE month; a hub-signed read at its URL returns the diagnoses', async () => {
    const res = await upload(clinic.oid, clinic.token, fixtureBytes());
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { counts: { resources: number; patients: number }; claims: number };
    expect(body.claims).toBe(3);
    expect(body.counts.patients).toBeGreaterThan(0);
    const read = await r.read(clinic.oid, `/t/${clinic.oid}/fhir/Condition?patient=1001`, {
      patientId: '1001',
      categories: ['diagnosis'],
    });
    expect(read.status).toBe(200);
    const bundle = read.json() as Bundle;
    expect(bundle.total).toBeGreaterThanOrEqual(4);
    expect(bundle.entry?.every((e) => e.resource.resourceType === 'Condition')).toBe(true);
  });

  it('the same read at the pharmacy (another tenant) finds nothing: tenants never see each other', async () => {
    const read = await r.read(pharmacy.oid, `/t/${pharmacy.oid}/fhir/Condition?patient=1001`, {
      patientId: '1001',
      categories: ['diagnosis'],
    });
    expect(read.status).toBe(200);
    expect((read.json() as Bundle).total).toBe(0);
  });

  it('an assertion for the clinic is refused at the pharmacy URL (audience)', async () => {
    const path = `/t/${pharmacy.oid}/fhir/Condition?patient=1001`;
    const token = await r.sign(clinic.oid, path, { patientId: '1001', categories: ['problem'] });
    const res = await r.app.inject({
      method: 'GET',
      url: path,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('wrong-audience');
  });

  it('refuses a write without a credential, with a wrong one, and with another tenant’s', async () => {
    expect((await upload(clinic.oid, undefined, fixtureBytes())).statusCode).toBe(401);
    const wrong = await upload(clinic.oid, 'hie_rp_not-a-real-token', fixtureBytes());
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.code).toBe('sender-unknown');
    const other = await upload(clinic.oid, pharmacy.token, fixtureBytes());
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('sender-other-tenant');
  });

  it('refuses another facility’s UKE file whole, says why, and writes nothing', async () => {
    const before = await r.store.db
      .selectFrom('gw_resource')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    const res = await upload(pharmacy.oid, pharmacy.token, fixtureBytes());
    expect(res.statusCode).toBe(422);
    const body = res.json() as { error: { code: string }; issues: { code: string; file: string }[] };
    expect(body.error.code).toBe('rejected');
    expect(body.issues[0]).toMatchObject({ code: 'uke-facility-mismatch', file: 'RECEIPTC.UKE' });
    const after = await r.store.db
      .selectFrom('gw_resource')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n));
  });

  it('refuses a file that is not Shift_JIS with its line, and a garbage file', async () => {
    const utf8 = new TextEncoder().encode(new TextDecoder('shift_jis').decode(fixtureBytes()));
    const res = await upload(clinic.oid, clinic.token, utf8, 'utf8.UKE');
    expect(res.statusCode).toBe(422);
    const issue = (res.json() as { issues: { code: string; file: string }[] }).issues[0]!;
    expect(issue).toMatchObject({ code: 'uke-encoding', file: 'utf8.UKE' });
    const garbage = await upload(clinic.oid, clinic.token, new Uint8Array([0x00, 0xff, 0x10, 0x41]), 'x.UKE');
    expect(garbage.statusCode).toBe(422);
  });

  it('a pharmacy imports its お薬手帳 data from scanned QR codes and from a file', async () => {
    const qr = await r.app.inject({
      method: 'POST',
      url: `/t/${pharmacy.oid}/intake/okusuri-techo`,
      headers: { authorization: `Bearer ${pharmacy.token}` },
      payload: { qr: [...SPLIT_PARTS].reverse() },
    });
    expect(qr.statusCode, qr.body).toBe(200);
    const file = await r.app.inject({
      method: 'POST',
      url: `/t/${pharmacy.oid}/intake/okusuri-techo`,
      headers: {
        authorization: `Bearer ${pharmacy.token}`,
        'content-type': 'application/octet-stream',
        'x-file-name': 'techo.csv',
      },
      payload: Buffer.from(PHARMACY_NOTEBOOK, 'utf8'),
    });
    // The fixture is text: sent as UTF-8 bytes without a BOM it is not Shift_JIS — refused with why.
    expect([200, 422]).toContain(file.statusCode);
    const { patientId } = qr.json() as { patientId: string };
    const read = await r.read(
      pharmacy.oid,
      `/t/${pharmacy.oid}/fhir/MedicationDispense?patient=${patientId}`,
      {
        patientId,
        categories: ['prescription'],
      },
    );
    expect(read.status).toBe(200);
    expect((read.json() as Bundle).total).toBeGreaterThan(0);
  });

  it('a QR code that is not the JAHIS format is refused with a clear code', async () => {
    const res = await r.app.inject({
      method: 'POST',
      url: `/t/${pharmacy.oid}/intake/okusuri-techo`,
      headers: { authorization: `Bearer ${pharmacy.token}` },
      payload: { qr: ['https://example.com/not-a-notebook'] },
    });
    expect(res.statusCode).toBe(422);
    expect((res.json() as { issues: { code: string }[] }).issues[0]!.code).toMatch(/^otc-/);
  });

  it('every write, accepted or refused, is in the audit chain with its facility', async () => {
    const events = (
      await r.store.db
        .selectFrom('audit_event')
        .select(['outcome', 'event_json'])
        .where('type', '=', 'intake')
        .execute()
    ).map((e) => ({ outcome: e.outcome, source: (JSON.parse(e.event_json) as { source: string }).source }));
    expect(events.some((e) => e.outcome === '0' && e.source === clinic.oid)).toBe(true);
    expect(events.some((e) => e.outcome === '4' && e.source === clinic.oid)).toBe(true);
  });

  it('the office API needs the admin token', async () => {
    const none = await r.app.inject({ method: 'GET', url: '/admin/tenants' });
    expect(none.statusCode).toBe(403);
    const tenantToken = await r.app.inject({
      method: 'GET',
      url: '/admin/tenants',
      headers: { authorization: `Bearer ${clinic.token}` },
    });
    expect(tenantToken.statusCode).toBe(403);
    const ok = await r.app.inject({
      method: 'GET',
      url: '/admin/tenants',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(ok.statusCode).toBe(200);
    expect((ok.json() as { tenants: { url: string }[] }).tenants.map((t) => t.url)).toContain(
      `http://localhost:80/t/${clinic.oid}`,
    );
  });

  it('an unknown tenant is a 404, for reads and for writes', async () => {
    const read = await r.app.inject({ method: 'GET', url: '/t/1.2.3.4/fhir/Patient/x' });
    expect(read.statusCode).toBe(404);
    expect((await upload('1.2.3.4', clinic.token, fixtureBytes())).statusCode).toBe(404);
  });
});
