import { TEST_ENGINES } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RepositoryUnderTest, repositoryUnderTest } from '../testing.js';

const CLINIC = {
  oid: '1.2.392.200119.6.102.3310000101',
  institutionCode: '3310000101',
  name: 'テスト内科',
  kind: 'clinic' as const,
};
const OTHER = {
  oid: '1.2.392.200119.6.102.3310000102',
  institutionCode: '3310000102',
  name: '別の内科',
  kind: 'clinic' as const,
};
const PATIENT = {
  patientId: '1234',
  familyName: '岡山',
  givenName: '花子',
  familyKana: 'オカヤマ',
  givenKana: 'ハナコ',
  birthDate: '1950-03-04',
  sex: 'female',
};

describe.each(TEST_ENGINES)('entries by a facility’s own staff (%s)', (engine) => {
  let r: RepositoryUnderTest;
  beforeAll(async () => {
    r = await repositoryUnderTest(engine);
    await r.addTenant(CLINIC);
    await r.addTenant(OTHER);
  });
  afterAll(() => r?.dispose());

  /** A write as the hub sends it: an assertion bound to this request, for the user of `facility`. */
  const send = async (
    method: 'POST' | 'PUT' | 'DELETE' | 'GET',
    path: string,
    patientId: string,
    body: unknown,
    who: { profession?: string; facilityOid?: string; audience?: string } = {},
  ) => {
    const url = `/t/${CLINIC.oid}${path}`;
    const token = await r.sign(
      who.audience ?? CLINIC.oid,
      url,
      {
        patientId,
        profession: who.profession ?? 'doctor',
        facilityOid: who.facilityOid ?? CLINIC.oid,
      },
      method,
    );
    return r.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body ? { payload: body as object } : {}),
    });
  };

  it('a clerk registers a patient; a doctor enters an allergy and a diagnosis; both are served to the hub', async () => {
    const reg = await send('POST', '/entries/patients', '1234', PATIENT, { profession: 'clerk' });
    expect(reg.statusCode, reg.body).toBe(200);
    const allergy = await send('POST', '/entries/1234/allergy', '1234', {
      substance: 'ペニシリン',
      category: 'medication',
      reaction: '発疹',
      criticality: 'high',
    });
    expect(allergy.statusCode, allergy.body).toBe(200);
    const dx = await send('POST', '/entries/1234/diagnosis', '1234', {
      name: '2型糖尿病',
      icd10: 'E11.9',
      onset: '2020-04-01',
    });
    expect(dx.statusCode, dx.body).toBe(200);
    const read = await r.read(CLINIC.oid, `/t/${CLINIC.oid}/fhir/Patient/1234/$everything`, {
      patientId: '1234',
      categories: ['demographics', 'allergy', 'diagnosis'],
    });
    const types = ((read.json() as { entry: { resource: { resourceType: string } }[] }).entry ?? [])
      .map((e) => e.resource.resourceType)
      .sort();
    expect(types).toEqual(['AllergyIntolerance', 'Condition', 'Patient']);
  });

  it('registers a patient without a chart number: the repository gives one', async () => {
    const { patientId: _given, ...withoutId } = PATIENT;
    const res = await send(
      'POST',
      '/entries/patients',
      '-',
      { ...withoutId, familyName: '倉敷' },
      { profession: 'clerk' },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().patientId).toMatch(/^M\d{6}$/);
  });

  it('an edit keeps every version; a deletion leaves a trace with its reason and the record is no longer served', async () => {
    const created = await send('POST', '/entries/1234/diagnosis', '1234', { name: '高血圧症' });
    const id = created.json().id as string;
    const edited = await send('PUT', `/entries/1234/diagnosis/${id}`, '1234', {
      name: '本態性高血圧症',
      icd10: 'I10',
    });
    expect(edited.json().version).toBe(2);
    const deleted = await send('DELETE', `/entries/1234/diagnosis/${id}`, '1234', {
      reason: '別患者への誤入力',
    });
    expect(deleted.statusCode, deleted.body).toBe(200);
    const history = await send('GET', '/entries/1234', '1234', undefined);
    const versions = (
      history.json().entries as { id: string; action: string; reason: string | null }[]
    ).filter((e) => e.id === id);
    expect(versions.map((v) => v.action)).toEqual(['create', 'update', 'delete']);
    expect(versions[2]!.reason).toBe('別患者への誤入力');
    const read = await r.read(CLINIC.oid, `/t/${CLINIC.oid}/fhir/Condition?patient=1234`, {
      patientId: '1234',
      categories: ['diagnosis'],
    });
    expect(
      (read.json() as { entry?: { resource: { id: string } }[] }).entry?.map((e) => e.resource.id),
    ).not.toContain(id);
    const noReason = await send('DELETE', `/entries/1234/diagnosis/${id}`, '1234', {});
    expect(noReason.statusCode).toBe(400);
  });

  it('refuses staff of another facility, a lesser profession, another patient, and no assertion', async () => {
    const other = await send(
      'POST',
      '/entries/1234/allergy',
      '1234',
      { substance: 'x', category: 'food' },
      { facilityOid: OTHER.oid },
    );
    expect(other.statusCode).toBe(403);
    const clerk = await send(
      'POST',
      '/entries/1234/diagnosis',
      '1234',
      { name: '肺炎' },
      { profession: 'clerk' },
    );
    expect(clerk.statusCode).toBe(403);
    const nurse = await send(
      'POST',
      '/entries/1234/diagnosis',
      '1234',
      { name: '肺炎' },
      { profession: 'nurse' },
    );
    expect(nurse.statusCode).toBe(403);
    const wrongPatient = await send('POST', '/entries/1234/allergy', '9999', {
      substance: 'x',
      category: 'food',
    });
    expect(wrongPatient.statusCode).toBe(403);
    const otherAudience = await send(
      'POST',
      '/entries/1234/allergy',
      '1234',
      { substance: 'x', category: 'food' },
      { audience: OTHER.oid },
    );
    expect(otherAudience.statusCode).toBe(401);
    const none = await r.app.inject({
      method: 'POST',
      url: `/t/${CLINIC.oid}/entries/1234/allergy`,
      payload: { substance: 'x', category: 'food' },
    });
    expect(none.statusCode).toBe(401);
  });

  it('says which field is wrong and writes nothing', async () => {
    const bad = await send('POST', '/entries/1234/diagnosis', '1234', { name: '', icd10: 'XYZ' });
    expect(bad.statusCode).toBe(422);
    const fields = (bad.json().issues as { field: string }[]).map((i) => i.field).sort();
    expect(fields).toEqual(['icd10', 'name']);
    const unknown = await send('POST', '/entries/0000/allergy', '0000', {
      substance: 'そば',
      category: 'food',
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().issues[0].code).toBe('entry-unknown-patient');
  });

  it('audits every write, refused ones too, at the facility', async () => {
    const rows = await r.store.db
      .selectFrom('audit_event')
      .select(['outcome', 'action'])
      .where('type', '=', 'entry')
      .execute();
    expect(rows.some((e) => e.outcome === '0' && e.action === 'D')).toBe(true);
    expect(rows.some((e) => e.outcome === '4')).toBe(true);
  });
});
