import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import type { HubUnderTest } from '../testing.js';
import {
  envelope,
  feedMessage,
  fixture,
  iheHub,
  MESA_A,
  MESA_B,
  message,
  poster,
  read,
  V3,
} from './testing.js';
import { hubOids } from './v3.js';

describe.each(TEST_ENGINES)('the PDQ Supplier (ITI-47) on %s', (engine) => {
  let hub: HubUnderTest;
  const pix = poster(() => hub, '/ihe/pix');
  const pdq = poster(() => hub, '/ihe/pdq');
  const find = (facility: string, params: string, extra = '') =>
    pdq(
      message(
        'PRPA_IN201305UV02',
        facility,
        'PRPA_TE201305UV02',
        `<queryByParameter><queryId root="1.2.3" extension="q-${facility}"/><statusCode code="new"/><responseModalityCode code="R"/><responsePriorityCode code="I"/>${extra}<parameterList>${params}</parameterList></queryByParameter>`,
      ),
      facility,
    );
  const continuation = (facility: string, cancel: boolean) =>
    pdq(
      message(
        cancel ? 'QUQI_IN000003UV01_Cancel' : 'QUQI_IN000003UV01_Continue',
        facility,
        'PRPA_TE000003UV01',
        `<queryContinuation><queryId root="1.2.3" extension="q-${facility}"/><statusCode code="${cancel ? 'aborted' : 'waitContinuedQueryResponse'}"/><continuationQuantity value="2"/></queryContinuation>`,
      ),
      facility,
    );
  const quantities = (answer: ReturnType<typeof read>) =>
    ['resultTotalQuantity', 'resultCurrentQuantity', 'resultRemainingQuantity'].map((q) =>
      Number(answer.all(q)[0]?.getAttribute('value')),
    );
  const names = (answer: ReturnType<typeof read>) =>
    answer.all('name').map((n) => `${n.getAttribute('use')}:${n.textContent}`);

  beforeAll(async () => {
    hub = await iheHub(engine);
    const people: Array<[string, string, [string, string], [string, string], string]> = [
      [MESA_A, 'A-1', ['桃山', 'ウメ'], ['モモヤマ', 'ウメ'], '19380402'],
      [MESA_A, 'A-2', ['桃山', '太郎'], ['モモヤマ', 'タロウ'], '19400101'],
      [MESA_A, 'A-3', ['桃山', '花子'], ['モモヤマ', 'ハナコ'], '19450505'],
      [MESA_B, 'B-1', ['桃山', '次郎'], ['モモヤマ', 'ジロウ'], '19500303'],
    ];
    for (const [facility, id, kanji, kana, birth] of people) {
      expect(read((await pix(feedMessage(facility, id, { kanji, kana, birth }), facility)).body).ack).toBe(
        'AA',
      );
    }
  });
  afterAll(() => hub.dispose());

  it('finds its own facility’s patients by reading, page by page, and never another facility’s', async () => {
    const first = read(
      (
        await find(
          MESA_A,
          '<livingSubjectName><value use="SYL"><family>モモヤマ</family></value></livingSubjectName>',
          '<initialQuantity value="2"/>',
        )
      ).body,
    );
    expect(first.ack).toBe('AA');
    expect(first.queryResponse).toBe('OK');
    expect(quantities(first)).toEqual([3, 2, 1]);
    expect(first.action).toBe('urn:hl7-org:v3:PRPA_IN201306UV02');
    const regional = hubOids(hub.deps.settings).regionalId;
    expect(first.patientIds.filter((id) => id.startsWith(`${regional}|`))).toHaveLength(2);
    expect(first.patientIds.filter((id) => id.startsWith(`${MESA_A}|`))).toHaveLength(2);
    expect(names(first)).toContain('IDE:桃山ウメ');
    expect(names(first)).toContain('SYL:モモヤマウメ');
    const next = read((await continuation(MESA_A, false)).body);
    expect(quantities(next)).toEqual([3, 1, 0]);
    const everything = `${first.doc}${next.doc}`;
    expect(everything).not.toContain('ジロウ');
    expect(everything).not.toContain('B-1');
    // Ended: a further continuation is refused.
    expect(read((await continuation(MESA_A, false)).body).ack).toBe('AE');
    // B's system sees B's patient only.
    const b = read(
      (await find(MESA_B, '<livingSubjectName><value><family>モモヤマ</family></value></livingSubjectName>'))
        .body,
    );
    expect(quantities(b)).toEqual([1, 1, 0]);
    expect(b.patientIds).toContain(`${MESA_B}|B-1`);
  });

  it('finds by written name, birth date and sex, and by the regional id; cancel ends a query', async () => {
    const byKanji = read(
      (
        await find(
          MESA_A,
          '<livingSubjectAdministrativeGender><value code="F"/></livingSubjectAdministrativeGender><livingSubjectBirthTime><value value="19380402"/></livingSubjectBirthTime><livingSubjectName><value use="IDE"><family>桃山</family></value></livingSubjectName>',
          '<initialQuantity value="1"/>',
        )
      ).body,
    );
    expect(quantities(byKanji)).toEqual([1, 1, 0]);
    const regionalId =
      byKanji.patientIds.find((id) => id.startsWith(hubOids(hub.deps.settings).regionalId)) ?? '';
    const [root, extension] = regionalId.split('|');
    const byId = read(
      (
        await find(
          MESA_A,
          `<livingSubjectId><value root="${root}" extension="${extension}"/></livingSubjectId><otherIDsScopingOrganization><value root="${MESA_A}"/></otherIDsScopingOrganization>`,
        )
      ).body,
    );
    expect(byId.patientIds).toEqual([`${MESA_A}|A-1`]);
    const paged = read(
      (
        await find(
          MESA_A,
          '<livingSubjectName><value><family>モモヤマ</family></value></livingSubjectName>',
          '<initialQuantity value="1"/>',
        )
      ).body,
    );
    expect(quantities(paged)).toEqual([3, 1, 2]);
    const cancelled = read((await continuation(MESA_A, true)).body);
    expect(cancelled.action).toBe('urn:hl7-org:v3:MCCI_IN000002UV01');
    expect(cancelled.ack).toBe('AA');
    expect(read((await continuation(MESA_A, false)).body).ack).toBe('AE');
  });

  it('refuses another facility’s ids, unknown domains and empty queries with AE and where', async () => {
    const foreign = read(
      (await find(MESA_A, `<livingSubjectId><value root="${MESA_B}" extension="B-1"/></livingSubjectId>`))
        .body,
    );
    expect(foreign.ack).toBe('AE');
    expect(foreign.detail[0]?.location).toMatch(/livingSubjectId\/value$/);
    const empty = read((await find(MESA_A, '')).body);
    expect(empty.detail[0]?.code).toBe('101');
    // The published samples, unchanged: the Swiss one asks for domains this network does not know.
    const epd = read((await pdq(fixture('epd-by-example/ITI-47_request_raw.xml'), MESA_A)).body);
    expect(epd.ack).toBe('AE');
    expect(epd.detail[0]?.location).toBe(
      '/PRPA_IN201305UV02/controlActProcess/queryByParameter/parameterList/otherIDsScopingOrganization[1]/value',
    );
    // IPF's maximal query asks for B's domain by name and birth: A's system gets nothing of B.
    const ipf = read(
      (
        await pdq(
          envelope(fixture('ipf/pdq_PDQ_Maximal_Query.xml'), 'urn:hl7-org:v3:PRPA_IN201305UV02'),
          MESA_A,
        )
      ).body,
    );
    expect(ipf.ack).toBe('AA');
    expect(ipf.queryResponse).toBe('NF');
    expect(ipf.all('queryByParameter')).toHaveLength(1);
    expect(ipf.doc.getElementsByTagNameNS(V3, 'patient')).toHaveLength(0);
  });

  it('publishes its WSDL', async () => {
    const wsdl = await hub.app.inject({ method: 'GET', url: '/ihe/pdq?wsdl' });
    expect(wsdl.body).toContain('PDSupplier_Service');
    expect(wsdl.body).toContain('urn:hl7-org:v3:QUQI_IN000003UV01_Cancel');
  });
});
