import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import type { HubUnderTest } from '../testing.js';
import { iheHub, MESA_A, MESA_B, TOKENS } from './testing.js';
import { hubOids } from './v3.js';

const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

/** A JP Core style Patient of `facility`'s system: kanji (IDE) and kana (SYL) names, as PDQm writes them. */
const patient = (facility: string, localId: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Patient',
  identifier: [{ system: `urn:oid:${facility}`, value: localId }],
  name: [
    {
      extension: [{ url: REPRESENTATION, valueCode: 'IDE' }],
      use: 'official',
      text: '桃山 ウメ',
      family: '桃山',
      given: ['ウメ'],
    },
    {
      extension: [{ url: REPRESENTATION, valueCode: 'SYL' }],
      use: 'official',
      text: 'モモヤマ ウメ',
      family: 'モモヤマ',
      given: ['ウメ'],
    },
  ],
  gender: 'female',
  birthDate: '1938-04-02',
  address: [{ postalCode: '7000001', state: '岡山県', city: '岡山市北区', line: ['桃山町1-2'] }],
  ...extra,
});

describe.each(TEST_ENGINES)('PIXm Patient Identity Feed FHIR (ITI-104) on %s', (engine) => {
  let hub: HubUnderTest;
  const put = (
    identifier: string,
    body: unknown,
    facility: string | null = MESA_A,
    contentType = 'application/fhir+json; charset=utf-8',
  ) =>
    hub.app.inject({
      method: 'PUT',
      url: `/fhir/Patient?identifier=${encodeURIComponent(identifier)}`,
      headers: {
        'content-type': contentType,
        ...(facility ? { authorization: `Bearer ${TOKENS[facility]}` } : {}),
      },
      payload: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = (url: string, facility = MESA_A) =>
    hub.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKENS[facility]}` } });
  const records = async (localId: string) =>
    hub.store.db.selectFrom('mpi_record').selectAll().where('local_id', '=', localId).execute();

  /** The audit events of ITI-104 so far. */
  const iti104Audit = async () =>
    (await hub.store.db.selectFrom('audit_event').select('event_json').where('type', '=', 'mpi').execute())
      .map(
        (a) =>
          JSON.parse(a.event_json) as {
            outcome: string;
            patient?: { personId: string };
            detail: Record<string, string>;
          },
      )
      .filter((e) => e.detail?.operation === 'ITI-104');

  beforeAll(async () => {
    hub = await iheHub(engine);
  });
  afterAll(() => hub.dispose());

  it('creates (201) then revises (200) the facility’s own patient; PDQm and PIXm find them afterwards', async () => {
    const created = await put(`urn:oid:${MESA_A}|A-104`, patient(MESA_A, 'A-104'));
    expect(created.statusCode, created.body).toBe(201);
    expect(created.headers['content-type']).toMatch(/^application\/fhir\+json/);
    const stored = created.json();
    const regional = hubOids(hub.deps.settings).regionalId;
    expect(stored).toMatchObject({
      resourceType: 'Patient',
      identifier: [
        { system: `urn:oid:${regional}`, value: stored.id },
        { system: `urn:oid:${MESA_A}`, value: 'A-104' },
      ],
      gender: 'female',
      birthDate: '1938-04-02',
    });
    expect(stored.name.map((n: { text: string }) => n.text)).toEqual(['桃山 ウメ', 'モモヤマ ウメ']);
    expect(created.headers.location).toMatch(new RegExp(`/fhir/Patient/${stored.id}$`));
    const revised = await put(
      `urn:oid:${MESA_A}|A-104`,
      patient(MESA_A, 'A-104', {
        // Names without the representation extension: kana only is the reading, the rest the written name.
        name: [
          { use: 'official', family: '桃山', given: ['梅'] },
          { family: 'モモヤマ', given: ['ウメ'] },
        ],
        birthDate: '1938-04-03',
      }),
    );
    expect(revised.statusCode, revised.body).toBe(200);
    expect(revised.json().id).toBe(stored.id);
    expect(revised.json().birthDate).toBe('1938-04-03');
    expect(revised.json().name[0].text).toBe('桃山 梅');
    expect(await records('A-104')).toHaveLength(1);
    const found = (
      await get(`/fhir/Patient?family=${encodeURIComponent('モモヤマ')}&birthdate=1938-04-03`)
    ).json();
    expect(found.total).toBe(1);
    expect(found.entry[0].resource.id).toBe(stored.id);
    const pix = (
      await get(`/fhir/Patient/$ihe-pix?sourceIdentifier=${encodeURIComponent(`urn:oid:${MESA_A}|A-104`)}`)
    ).json();
    expect(pix.parameter[0].valueReference.reference).toBe(`Patient/${stored.id}`);
    expect((await iti104Audit()).filter((e) => e.patient?.personId === stored.id)).toHaveLength(2);
  });

  it('refuses and stores nothing: another facility’s domain 403, no caller 401, wrong type 415, deactivation 422, bad fields 400', async () => {
    const forbidden = await put(`urn:oid:${MESA_B}|B-104`, patient(MESA_B, 'B-104'));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'forbidden' }],
    });
    const anonymous = await put(`urn:oid:${MESA_A}|A-401`, patient(MESA_A, 'A-401'), null);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().resourceType).toBe('OperationOutcome');
    const xml = await put(
      `urn:oid:${MESA_A}|A-415`,
      '<Patient xmlns="http://hl7.org/fhir"/>',
      MESA_A,
      'application/fhir+xml',
    );
    expect(xml.statusCode).toBe(415);
    expect(xml.json().resourceType).toBe('OperationOutcome');
    const plainJson = await put(
      `urn:oid:${MESA_A}|A-415`,
      patient(MESA_A, 'A-415'),
      MESA_A,
      'application/json',
    );
    expect(plainJson.statusCode).toBe(415);
    // A deactivation that names no surviving patient is not a merge.
    const deactivation = await put(`urn:oid:${MESA_A}|A-422`, patient(MESA_A, 'A-422', { active: false }));
    expect(deactivation.statusCode).toBe(422);
    expect(deactivation.json().issue[0].expression).toEqual(['Patient.active']);
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['A-400a', { birthDate: '1938-13-45' }, 'Patient.birthDate'],
      ['A-400b', { birthDate: '02/04/1938' }, 'Patient.birthDate'],
      ['A-400i', { birthDate: '1938-02-30' }, 'Patient.birthDate'],
      ['A-400c', { gender: 'F' }, 'Patient.gender'],
      ['A-400d', { identifier: [{ system: `urn:oid:${MESA_A}`, value: 'another' }] }, 'Patient.identifier'],
      ['A-400e', { address: [{ postalCode: '7'.repeat(40) }] }, 'Patient.address.postalCode'],
      ['A-400f', { resourceType: 'Person' }, 'Patient.resourceType'],
    ];
    for (const [localId, change, expression] of cases) {
      const answer = await put(`urn:oid:${MESA_A}|${localId}`, patient(MESA_A, localId, change));
      expect(answer.statusCode, localId).toBe(400);
      expect(answer.json().issue[0].expression, localId).toEqual([expression]);
    }
    const notJson = await put(`urn:oid:${MESA_A}|A-400g`, '{"resourceType":');
    expect(notJson.statusCode).toBe(400);
    const tooBig = await put(
      `urn:oid:${MESA_A}|A-413`,
      patient(MESA_A, 'A-413', { text: 'x'.repeat(100_000) }),
    );
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json().resourceType).toBe('OperationOutcome');
    expect((await put(`${MESA_A}|A-400h`, patient(MESA_A, 'A-400h'))).json().issue[0].code).toBe('required');
    const stored = await hub.store.db
      .selectFrom('mpi_record')
      .select('local_id')
      .where('local_id', 'in', [
        'B-104',
        'A-401',
        'A-415',
        'A-422',
        'A-413',
        'A-400a',
        'A-400b',
        'A-400c',
        'A-400d',
        'A-400e',
        'A-400f',
        'A-400g',
        'A-400h',
        'A-400i',
      ])
      .execute();
    expect(stored).toEqual([]);
    expect((await iti104Audit()).some((e) => e.outcome === '4' && e.detail.refused === 'forbidden')).toBe(
      true,
    );
  });

  /** The obsolete id's Patient as ITI-104 sends a merge: inactive, replaced by the surviving patient. */
  const replacedBy = (facility: string, obsolete: string, other: Record<string, unknown>) =>
    patient(facility, obsolete, { active: false, link: [{ other, type: 'replaced-by' }] });
  const byIdentifier = (facility: string, localId: string) => ({
    identifier: { system: `urn:oid:${facility}`, value: localId },
  });
  const pix = (facility: string, localId: string, asking = facility) =>
    get(
      `/fhir/Patient/$ihe-pix?sourceIdentifier=${encodeURIComponent(`urn:oid:${facility}|${localId}`)}`,
      asking,
    );
  /** Another person: no demographics in common with `patient`, so the matcher keeps them apart. */
  const stranger = (facility: string, localId: string) =>
    patient(facility, localId, {
      name: [{ use: 'official', family: '吉備', given: ['次郎'] }],
      gender: 'male',
      birthDate: '1970-01-01',
      address: [{ postalCode: '7100001' }],
    });

  it('merges the facility’s obsolete id into its surviving one (as ITI-44): 200 with the surviving Patient; PIXm no longer knows the obsolete id', async () => {
    const surviving = (await put(`urn:oid:${MESA_A}|A-M1`, patient(MESA_A, 'A-M1'))).json();
    const obsolete = (await put(`urn:oid:${MESA_A}|A-M2`, stranger(MESA_A, 'A-M2'))).json();
    expect(obsolete.id).not.toBe(surviving.id);
    const merged = await put(
      `urn:oid:${MESA_A}|A-M2`,
      replacedBy(MESA_A, 'A-M2', byIdentifier(MESA_A, 'A-M1')),
    );
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(merged.json()).toMatchObject({ resourceType: 'Patient', id: surviving.id, active: true });
    expect(merged.json().identifier.map((i: { value: string }) => i.value)).toEqual([surviving.id, 'A-M1']);
    expect(await records('A-M2')).toEqual([]);
    expect((await pix(MESA_A, 'A-M2')).statusCode).toBe(404);
    const found = await pix(MESA_A, 'A-M1');
    expect(found.statusCode).toBe(200);
    expect(found.json().parameter).toEqual([
      { name: 'targetId', valueReference: { reference: `Patient/${surviving.id}` } },
      {
        name: 'targetIdentifier',
        valueIdentifier: { system: expect.stringMatching(/^urn:oid:/), value: surviving.id },
      },
    ]);

    // The surviving patient named by a conditional reference, as a reference is written in FHIR.
    await put(`urn:oid:${MESA_A}|A-M3`, stranger(MESA_A, 'A-M3'));
    const reference = `Patient?identifier=${encodeURIComponent(`urn:oid:${MESA_A}|A-M1`)}`;
    const byReference = await put(`urn:oid:${MESA_A}|A-M3`, replacedBy(MESA_A, 'A-M3', { reference }));
    expect(byReference.statusCode, byReference.body).toBe(200);
    expect(byReference.json().id).toBe(surviving.id);
    expect((await pix(MESA_A, 'A-M3')).statusCode).toBe(404);
    expect((await iti104Audit()).filter((e) => e.detail.outcome === 'merged')).toHaveLength(2);
  });

  it('refuses merges as ITI-44 does (AE 204/205): another domain 403 whether its id exists or not, unknown own ids 404, one id twice 400; nothing moves', async () => {
    await put(`urn:oid:${MESA_A}|A-R1`, patient(MESA_A, 'A-R1'));
    await put(`urn:oid:${MESA_A}|A-R2`, stranger(MESA_A, 'A-R2'));
    await put(`urn:oid:${MESA_B}|B-R1`, patient(MESA_B, 'B-R1'), MESA_B);
    const merge = (obsolete: string, other: Record<string, unknown>) =>
      put(`urn:oid:${MESA_A}|${obsolete}`, replacedBy(MESA_A, obsolete, other));

    // Another facility's id is never looked up: an existing one and a made-up one get the same answer.
    const existing = await merge('A-R2', byIdentifier(MESA_B, 'B-R1'));
    const madeUp = await merge('A-R2', byIdentifier(MESA_B, 'B-NONE'));
    expect(existing.statusCode).toBe(403);
    expect(existing.json().issue[0]).toMatchObject({ code: 'forbidden', expression: ['Patient.link.other'] });
    expect(madeUp.statusCode).toBe(403);
    expect(madeUp.json().issue[0].diagnostics).toBe(existing.json().issue[0].diagnostics);
    const foreignReference = await merge('A-R2', {
      reference: `Patient?identifier=urn:oid:${MESA_B}|B-R1`,
    });
    expect(foreignReference.statusCode).toBe(403);

    const unknownSurviving = await merge('A-R2', byIdentifier(MESA_A, 'A-NONE'));
    expect(unknownSurviving.statusCode).toBe(404);
    expect(unknownSurviving.json().issue[0]).toMatchObject({
      code: 'not-found',
      expression: ['Patient.link.other'],
    });
    const unknownObsolete = await merge('A-NONE', byIdentifier(MESA_A, 'A-R1'));
    expect(unknownObsolete.statusCode).toBe(404);
    expect(unknownObsolete.json().issue[0].expression).toEqual(['Patient.identifier']);
    const same = await merge('A-R2', byIdentifier(MESA_A, 'A-R2'));
    expect(same.statusCode).toBe(400);
    expect(same.json().issue[0].diagnostics).toMatch(/same id/);

    // Malformed merges: no surviving patient named, a Patient still active, a link that is not a merge.
    expect((await merge('A-R2', { display: 'A-R1' })).statusCode).toBe(400);
    expect((await merge('A-R2', { reference: 'Patient/123' })).statusCode).toBe(400);
    const active = await put(
      `urn:oid:${MESA_A}|A-R2`,
      patient(MESA_A, 'A-R2', { link: [{ other: byIdentifier(MESA_A, 'A-R1'), type: 'replaced-by' }] }),
    );
    expect(active.statusCode).toBe(400);
    expect(active.json().issue[0].expression).toEqual(['Patient.active']);
    const seeAlso = await put(
      `urn:oid:${MESA_A}|A-R2`,
      patient(MESA_A, 'A-R2', {
        active: false,
        link: [{ other: byIdentifier(MESA_A, 'A-R1'), type: 'seealso' }],
      }),
    );
    expect(seeAlso.statusCode).toBe(422);
    const anonymous = await put(
      `urn:oid:${MESA_A}|A-R2`,
      replacedBy(MESA_A, 'A-R2', byIdentifier(MESA_A, 'A-R1')),
      null,
    );
    expect(anonymous.statusCode).toBe(401);

    for (const localId of ['A-R1', 'A-R2']) expect(await records(localId), localId).toHaveLength(1);
    expect(await records('B-R1')).toHaveLength(1);
    expect((await pix(MESA_A, 'A-R2')).statusCode).toBe(200);
    const refusals = (await iti104Audit()).filter(
      (e) => e.detail.interaction === 'merge' && e.outcome === '4',
    );
    expect(refusals.map((e) => e.detail.outcome).sort()).toEqual([
      'forbidden',
      'forbidden',
      'forbidden',
      'same-id',
      'unknown-id',
      'unknown-id',
    ]);
  });
});
