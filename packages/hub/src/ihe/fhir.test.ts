import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import type { HubUnderTest } from '../testing.js';
import { feedMessage, iheHub, MESA_A, MESA_B, poster, read, TOKENS } from './testing.js';
import { hubOids } from './v3.js';

describe.each(TEST_ENGINES)('PIXm (ITI-83) and PDQm (ITI-78) on %s', (engine) => {
  let hub: HubUnderTest;
  let regional: string;
  let person: string;
  const pix = poster(() => hub, '/ihe/pix');
  const get = (url: string, facility: string | null = MESA_A) =>
    hub.app.inject({
      method: 'GET',
      url,
      headers: facility ? { authorization: `Bearer ${TOKENS[facility]}` } : {},
    });

  beforeAll(async () => {
    hub = await iheHub(engine);
    regional = hubOids(hub.deps.settings).regionalId;
    expect(read((await pix(feedMessage(MESA_A, 'A-1'), MESA_A)).body).ack).toBe('AA');
    await pix(
      feedMessage(MESA_A, 'A-2', {
        kanji: ['桃山', '太郎'],
        kana: ['モモヤマ', 'タロウ'],
        birth: '19400101',
        sex: 'M',
      }),
      MESA_A,
    );
    await pix(feedMessage(MESA_B, 'B-1'), MESA_B); // the same person as A-1, at another hospital
    person = (
      await hub.store.db
        .selectFrom('mpi_record')
        .select('person_id')
        .where('local_id', '=', 'A-1')
        .executeTakeFirstOrThrow()
    ).person_id;
  });
  afterAll(() => hub.dispose());

  it('PIXm: the regional id and own ids; unknown authority 400, unknown id 404, unknown target 403', async () => {
    const mine = await get(
      `/fhir/Patient/$ihe-pix?sourceIdentifier=${encodeURIComponent(`urn:oid:${MESA_A}|A-1`)}`,
    );
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(mine.json()).toEqual({
      resourceType: 'Parameters',
      parameter: [
        { name: 'targetId', valueReference: { reference: `Patient/${person}` } },
        { name: 'targetIdentifier', valueIdentifier: { system: `urn:oid:${regional}`, value: person } },
      ],
    });
    expect(mine.body).not.toContain('B-1');
    const byRegional = await get(
      `/fhir/Patient/$ihe-pix?sourceIdentifier=${encodeURIComponent(`urn:oid:${regional}|${person}`)}&targetSystem=${encodeURIComponent(`urn:oid:${MESA_A}`)}`,
    );
    expect(byRegional.json().parameter[1].valueIdentifier).toEqual({
      system: `urn:oid:${MESA_A}`,
      value: 'A-1',
    });
    const cases: Array<[string, number, string]> = [
      [`sourceIdentifier=${encodeURIComponent('urn:oid:9.9.9|x')}`, 400, 'code-invalid'],
      [`sourceIdentifier=${encodeURIComponent(`urn:oid:${MESA_A}|nobody`)}`, 404, 'not-found'],
      [`sourceIdentifier=${encodeURIComponent(`urn:oid:${MESA_B}|B-1`)}`, 404, 'not-found'],
      [
        `sourceIdentifier=${encodeURIComponent(`urn:oid:${MESA_A}|A-1`)}&targetSystem=urn:oid:9.9.9`,
        403,
        'code-invalid',
      ],
    ];
    for (const [query, status, code] of cases) {
      const answer = await get(`/fhir/Patient/$ihe-pix?${query}`);
      expect(answer.statusCode, query).toBe(status);
      expect(answer.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code }] });
    }
    expect((await get('/fhir/Patient/$ihe-pix?sourceIdentifier=x', null)).statusCode).toBe(401);
  });

  it('PDQm: finds its own patients by kana, kanji, birth date and gender, pages, reads one; never another facility’s', async () => {
    const bundle = (await get(`/fhir/Patient?family=${encodeURIComponent('モモヤマ')}&_count=1`)).json();
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 2 });
    expect(bundle.entry).toHaveLength(1);
    expect(bundle.link.find((l: { relation: string }) => l.relation === 'next')).toBeDefined();
    const next = new URL(bundle.link.find((l: { relation: string }) => l.relation === 'next').url);
    const second = (await get(`${next.pathname}${next.search}`)).json();
    expect(second.entry).toHaveLength(1);
    expect(second.link.some((l: { relation: string }) => l.relation === 'next')).toBe(false);
    const ume = (
      await get(`/fhir/Patient?family=${encodeURIComponent('桃山')}&gender=female&birthdate=1938-04-02`)
    ).json();
    expect(ume.total).toBe(1);
    const patient = ume.entry[0].resource;
    expect(patient.id).toBe(person);
    expect(patient.identifier).toEqual([
      { system: `urn:oid:${regional}`, value: person },
      { system: `urn:oid:${MESA_A}`, value: 'A-1' },
    ]);
    expect(
      patient.name.map(
        (n: { text: string; extension: { valueCode: string }[] }) => `${n.extension[0]?.valueCode}:${n.text}`,
      ),
    ).toEqual(['IDE:桃山 ウメ', 'SYL:モモヤマ ウメ']);
    const read1 = await get(`/fhir/Patient/${person}`);
    expect(read1.json().identifier).toHaveLength(2);
    // B's system reads the same person with B's ids only; a person B has no record of is not found.
    expect((await get(`/fhir/Patient/${person}`, MESA_B)).json().identifier[1]).toEqual({
      system: `urn:oid:${MESA_B}`,
      value: 'B-1',
    });
    const taro =
      ume.entry[0].resource.id === person
        ? (await get(`/fhir/Patient?identifier=${encodeURIComponent(`urn:oid:${MESA_A}|A-2`)}`)).json()
            .entry[0].resource.id
        : '';
    expect((await get(`/fhir/Patient/${taro}`, MESA_B)).statusCode).toBe(404);
    expect(
      (await get(`/fhir/Patient?identifier=${encodeURIComponent(`urn:oid:${MESA_B}|B-1`)}`)).statusCode,
    ).toBe(400);
    expect((await get('/fhir/Patient')).statusCode).toBe(400);
    expect((await get('/fhir/Patient?family=x', null)).statusCode).toBe(401);
  });
});
