import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import type { HubUnderTest } from '../testing.js';
import {
  EPD_QUERIER,
  EPD_SOURCE,
  envelope,
  feedMessage,
  fixture,
  gazelleErrors,
  iheHub,
  MERGE_SOURCE,
  MESA_A,
  MESA_B,
  message,
  poster,
  read,
  V3,
} from './testing.js';
import { hubOids } from './v3.js';

describe.each(TEST_ENGINES)('the PIX Manager (ITI-44 feed, ITI-45 query) on %s', (engine) => {
  let hub: HubUnderTest;
  const post = poster(() => hub, '/ihe/pix');
  const feedJapanese = (facility: string, localId: string) => post(feedMessage(facility, localId), facility);
  const query = (facility: string, asked: { root: string; extension: string }, sources: string[] = []) =>
    post(
      message(
        'PRPA_IN201309UV02',
        facility,
        'PRPA_TE201309UV02',
        `<queryByParameter><queryId root="1.2.3" extension="qq"/><statusCode code="new"/><responsePriorityCode code="I"/><parameterList>${sources.map((s) => `<dataSource><value root="${s}"/></dataSource>`).join('')}<patientIdentifier><value root="${asked.root}" extension="${asked.extension}"/></patientIdentifier></parameterList></queryByParameter>`,
      ),
      facility,
    );

  beforeAll(async () => {
    hub = await iheHub(engine);
  });
  afterAll(() => hub.dispose());

  it('refuses an unknown caller before reading its XML, with a SOAP Fault and a stable code', async () => {
    for (const facility of [null, 'nobody']) {
      const answer = await hub.app.inject({
        method: 'POST',
        url: '/ihe/pix',
        headers: {
          'content-type': 'application/soap+xml',
          ...(facility ? { authorization: `Bearer ${facility}` } : {}),
        },
        payload: '<!DOCTYPE x [<!ENTITY a "a">]><x>&a;</x>',
      });
      expect(answer.statusCode).toBe(401);
      expect(answer.headers['content-type']).toMatch(/^application\/soap\+xml/);
      expect(answer.body).toContain('hie:not-authenticated');
    }
  });

  it('refuses hostile or wrong XML with a Fault, never a stack trace', async () => {
    const laughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>&lol2;</env:Body></env:Envelope>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>`;
    const deep = envelope(`${'<a>'.repeat(100)}${'</a>'.repeat(100)}`, 'urn:hl7-org:v3:PRPA_IN201309UV02');
    const cases: Array<[string, string, number, string?]> = [
      [laughs, 'xml-doctype', 400],
      [xxe, 'xml-doctype', 400],
      [deep, 'xml-too-deep', 400],
      ['<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body>', 'xml-malformed', 400],
      [
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x/></s:Body></s:Envelope>',
        'soap-1.1',
        400,
      ],
      [
        envelope('<PRPA_IN201309UV02 xmlns="urn:hl7-org:v3"/>', 'urn:hl7-org:v3:QUQI_IN000003UV01_Cancel'),
        'unknown-action',
        400,
      ],
      [
        envelope('<PRPA_IN201301UV02 xmlns="urn:hl7-org:v3"/>', 'urn:hl7-org:v3:PRPA_IN201309UV02'),
        'action-mismatch',
        400,
      ],
      [
        envelope('<PRPA_IN201309UV02 xmlns="urn:other"/>', 'urn:hl7-org:v3:PRPA_IN201309UV02'),
        'action-mismatch',
        400,
      ],
      [`<?xml version="1.0" encoding="Shift_JIS"?><x/>`, 'xml-encoding', 400],
    ];
    for (const [body, code, status] of cases) {
      const answer = await post(body, MESA_A);
      expect(answer.statusCode, code).toBe(status);
      expect(answer.body, code).toContain(`hie:${code}`);
      expect(answer.body).not.toMatch(/at .*\.js|Error:/);
    }
    const big = await post(
      envelope(`<x>${'a'.repeat(2_100_000)}</x>`, 'urn:hl7-org:v3:PRPA_IN201309UV02'),
      MESA_A,
    );
    expect(big.statusCode).toBe(413);
    // A prefix bound elsewhere is the same element: namespaces decide, not prefixes.
    const prefixed = await post(
      envelope(
        fixture('ipf/pixquery_NistPixpdq_Mesa10502-03~UnknownId_Example_01.xml')
          .replace(/<(\/?)([A-Za-z])/g, '<$1v3:$2')
          .replace('xmlns="urn:hl7-org:v3"', 'xmlns:v3="urn:hl7-org:v3"'),
        'urn:hl7-org:v3:PRPA_IN201309UV02',
      ),
      MESA_A,
    );
    expect(read(prefixed.body).ack).toBe('AE');
  });

  it('feeds the published ITI-44 add (Swiss EPR sample) unchanged: AA, related to the request, the record in the index', async () => {
    const request = fixture('epd-by-example/ITI-44_request_raw.xml');
    const answer = await post(request, EPD_SOURCE);
    expect(answer.statusCode, answer.body).toBe(200);
    const ack = read(answer.body);
    expect(ack.action).toBe('urn:hl7-org:v3:MCCI_IN000002UV01');
    expect(ack.relatesTo).toBe('urn:uuid:c12e1f14-c2c9-4a94-ba27-6511e8c90b78');
    expect(ack.ack).toBe('AA');
    const target = ack.all('targetMessage')[0]?.getElementsByTagNameNS(V3, 'id')[0];
    expect(target?.getAttribute('extension')).toBe('1694431245655');
    // The answer's receiver is the request's sender.
    expect(ack.all('receiver')[0]?.getElementsByTagNameNS(V3, 'id')[0]?.getAttribute('root')).toBe(
      '1.3.6.1.4.1.21367.2017.2.2.140',
    );
    const record = await hub.store.db
      .selectFrom('mpi_record')
      .selectAll()
      .where('facility_oid', '=', EPD_SOURCE)
      .executeTakeFirstOrThrow();
    expect(record).toMatchObject({
      local_id: 'TestSystemId',
      name_kanji: 'Muster Maja',
      birth_date: '1960-06-18',
      sex: 'F',
      postcode: '5430',
    });
  });

  it('feeds Japanese names as kanji (IDE) and kana (SYL); a system feeds its own facility only', async () => {
    expect(read((await feedJapanese(MESA_A, 'PIX10501')).body).ack).toBe('AA');
    const record = await hub.store.db
      .selectFrom('mpi_record')
      .selectAll()
      .where('facility_oid', '=', MESA_A)
      .where('local_id', '=', 'PIX10501')
      .executeTakeFirstOrThrow();
    expect(record).toMatchObject({
      name_kanji: '桃山 ウメ',
      name_kana: 'モモヤマ ウメ',
      birth_date: '1938-04-02',
      sex: 'F',
      postcode: '7000001',
      address: '岡山県岡山市北区桃山町1-2',
    });
    // B's system feeding an id of A's domain: refused, nothing written.
    const foreign = read((await post(fixture('epd-by-example/ITI-44_request_raw.xml'), MESA_B)).body);
    expect(foreign.ack).toBe('AE');
    expect(foreign.detail[0]?.code).toBe('204');
  });

  it('merges two of a system’s own ids (ITI-44 merge, the IPF sample): the obsolete id is retired, the surviving one answers', async () => {
    const regional = hubOids(hub.deps.settings).regionalId;
    const sample = envelope(
      fixture('ipf/pixfeed_PIX_FEED_MERGE_Maximal_Request.xml'),
      'urn:hl7-org:v3:PRPA_IN201304UV02',
    );
    const obsoleteAt =
      '/PRPA_IN201304UV02/controlActProcess/subject/registrationEvent/replacementOf/priorRegistration/subject1/priorRegisteredRole/id';
    const who = { kanji: ['藤原', '秋子'], kana: ['フジワラ', 'アキコ'], birth: '19520910' } as const;
    const feedAs = (localId: string) =>
      post(
        feedMessage(MERGE_SOURCE, localId, { kanji: [...who.kanji], kana: [...who.kana], birth: who.birth }),
        MERGE_SOURCE,
      );
    expect(read((await feedAs('120-01')).body).ack).toBe('AA');
    expect(read((await feedAs('120-02')).body).ack).toBe('AA'); // a duplicate registration: its own person, reviewed
    const before = await query(MERGE_SOURCE, { root: MERGE_SOURCE, extension: '120-01' });
    const survivor = read(before.body).patientIds[0];

    // As published, the obsolete id is of another domain (1.2.3.4.666) than the sender's: not its to merge.
    const published = await post(sample, MERGE_SOURCE);
    expect(read(published.body).ack).toBe('AE');
    expect(read(published.body).detail).toEqual([{ code: '204', location: obsoleteAt }]);
    expect(gazelleErrors(published.body)).toEqual([]);
    // Another system sending it: the surviving id is not its own either.
    const other = read((await post(sample, MESA_B)).body);
    expect(other.detail).toEqual([
      {
        code: '204',
        location: '/PRPA_IN201304UV02/controlActProcess/subject/registrationEvent/subject1/patient/id',
      },
    ]);

    // The same message with the obsolete id in the sender's own domain (its root changed, nothing else).
    const own = sample.replace('root="1.2.3.4.666"', `root="${MERGE_SOURCE}"`);
    const merged = await post(own, MERGE_SOURCE);
    expect(read(merged.body).ack).toBe('AA');
    expect(gazelleErrors(merged.body)).toEqual([]);
    // PIX no longer knows the obsolete id; the surviving one keeps its regional id, alone.
    const gone = await query(MERGE_SOURCE, { root: MERGE_SOURCE, extension: '120-02' });
    expect(read(gone.body).detail[0]?.code).toBe('204');
    expect(gazelleErrors(gone.body)).toEqual([]);
    const after = read((await query(MERGE_SOURCE, { root: MERGE_SOURCE, extension: '120-01' })).body);
    expect(after.patientIds).toEqual([survivor]);
    const personId = survivor?.split('|')[1] ?? '';
    const back = read(
      (await query(MERGE_SOURCE, { root: regional, extension: personId }, [MERGE_SOURCE])).body,
    );
    expect(back.patientIds).toEqual([`${MERGE_SOURCE}|120-01`]);

    // Sent again, the obsolete id is unknown now; one id twice is refused.
    const again = read((await post(own, MERGE_SOURCE)).body);
    expect(again.detail).toEqual([{ code: '204', location: obsoleteAt }]);
    const twice = await post(
      sample.replace('root="1.2.3.4.666" extension="120-02"', `root="${MERGE_SOURCE}" extension="120-01"`),
      MERGE_SOURCE,
    );
    expect(read(twice.body).detail).toEqual([{ code: '205', location: obsoleteAt }]);
    expect(gazelleErrors(twice.body)).toEqual([]);
    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'mpi')
      .execute();
    const merges = audit.filter((a) => a.event_json.includes('PRPA_IN201304UV02'));
    expect(merges.some((a) => a.event_json.includes('merged') && a.event_json.includes(personId))).toBe(true);
  });

  it('answers the NIST MESA unknown-id and unknown-domain queries with AE 204 and where', async () => {
    for (const [file, location] of [
      ['ipf/pixquery_NistPixpdq_Mesa10502-03~UnknownId_Example_01.xml', 'patientIdentifier/value'],
      ['ipf/pixquery_NistPixpdq_Mesa10503-01~UnknownAssigningAuth_Example_01.xml', 'patientIdentifier/value'],
    ] as const) {
      const answer = read(
        (await post(envelope(fixture(file), 'urn:hl7-org:v3:PRPA_IN201309UV02'), MESA_A)).body,
      );
      expect(answer.ack, file).toBe('AE');
      expect(answer.queryResponse).toBe('AE');
      expect(answer.detail).toEqual([
        {
          code: '204',
          location: `/PRPA_IN201309UV02/controlActProcess/queryByParameter/parameterList/${location}`,
        },
      ]);
      expect(answer.patientIds).toEqual([]);
    }
    // The Swiss sample asks for two domains this network does not know.
    await feedJapanese(EPD_QUERIER, '900010');
    const epd = read((await post(fixture('epd-by-example/ITI-45_request_raw.xml'), EPD_QUERIER)).body);
    expect(epd.ack).toBe('AE');
    expect(epd.detail[0]?.location).toBe(
      '/PRPA_IN201309UV02/controlActProcess/queryByParameter/parameterList/dataSource[1]/value',
    );
  });

  it('tells a system the regional id and its own ids, never another facility’s; another facility’s id is "unknown"', async () => {
    const regional = hubOids(hub.deps.settings).regionalId;
    await feedJapanese(MESA_B, 'B-777'); // the same person, at another hospital
    const mine = read((await query(MESA_A, { root: MESA_A, extension: 'PIX10501' })).body);
    expect(mine.ack).toBe('AA');
    expect(mine.queryResponse).toBe('OK');
    expect(mine.patientIds).toHaveLength(1);
    expect(mine.patientIds[0]).toMatch(new RegExp(`^${regional.replaceAll('.', '\\.')}\\|`));
    const personId = mine.patientIds[0]?.split('|')[1] ?? '';
    const b = await hub.store.db
      .selectFrom('mpi_record')
      .select('person_id')
      .where('facility_oid', '=', MESA_B)
      .where('local_id', '=', 'B-777')
      .executeTakeFirstOrThrow();
    expect(b.person_id).toBe(personId); // linked: the index knows both
    expect(mine.doc.toString()).not.toContain('B-777');
    // MESA 10501: A asks for the person's id in B's domain — a known domain, nothing to tell: NF.
    const sample = read(
      (
        await post(
          envelope(
            fixture('ipf/pixquery_NistPixpdq_Mesa10501-04_Example_01.xml'),
            'urn:hl7-org:v3:PRPA_IN201309UV02',
          ),
          MESA_A,
        )
      ).body,
    );
    expect(sample.ack).toBe('AA');
    expect(sample.queryResponse).toBe('NF');
    expect(sample.patientIds).toEqual([]);
    // Asking with B's id, or with the regional id of a person A has no record of: unknown.
    expect(read((await query(MESA_A, { root: MESA_B, extension: 'B-777' })).body).detail[0]?.code).toBe(
      '204',
    );
    expect(
      read((await query(EPD_SOURCE, { root: regional, extension: personId })).body).detail[0]?.code,
    ).toBe('204');
    // By the regional id, A learns its own id back.
    const back = read((await query(MESA_A, { root: regional, extension: personId }, [MESA_A])).body);
    expect(back.patientIds).toEqual([`${MESA_A}|PIX10501`]);
    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'mpi')
      .execute();
    expect(audit.some((a) => a.event_json.includes('ITI-45'))).toBe(true);
    expect(audit.some((a) => a.event_json.includes('ITI-44'))).toBe(true);
  });

  it('publishes its WSDL at ?wsdl', async () => {
    const answer = await hub.app.inject({ method: 'GET', url: '/ihe/pix?wsdl' });
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('wsaw:Action="urn:hl7-org:v3:PRPA_IN201309UV02"');
    expect(answer.body).toContain('location="http://localhost:80/ihe/pix"');
    expect((await hub.app.inject({ method: 'GET', url: '/ihe/pix' })).statusCode).toBe(405);
  });
});
