import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubUnderTest } from '../testing.js';
import { PixNotifier } from './pix-notify.js';
import {
  envelope,
  feedMessage,
  fixture,
  gazelleErrors,
  iheHub,
  MESA_A,
  message,
  poster,
  read,
} from './testing.js';

/**
 * Every kind of message the hub answers or sends on the PIX/PDQ V3 endpoints passes the Gazelle
 * Schematron in its interaction's phase (issue 15, proof) — and the validator itself fails what it should.
 */
describe('Gazelle PIX/PDQ V3 conformance of what the hub says', () => {
  let hub: HubUnderTest;
  const pix = poster(() => hub, '/ihe/pix');
  const pdq = poster(() => hub, '/ihe/pdq');

  beforeAll(async () => {
    hub = await iheHub('sqlite');
  });
  afterAll(() => hub.dispose());

  it('the validator passes the valid sample and fails the invalid one', () => {
    expect(gazelleErrors(fixture('ipf/prpa-valid.xml'))).toEqual([]);
    expect(gazelleErrors(fixture('ipf/prpa-invalid.xml')).length).toBeGreaterThan(0);
  });

  it('ITI-44 acknowledgements (AA, AE, AR), ITI-45 answers (OK, NF, AE), ITI-47 answers, continuation and cancel', async () => {
    const answers: Record<string, string> = {};
    answers['ITI-44 AA'] = (await pix(feedMessage(MESA_A, 'A-1'), MESA_A)).body;
    await pix(
      feedMessage(MESA_A, 'A-2', {
        kanji: ['桃山', '太郎'],
        kana: ['モモヤマ', 'タロウ'],
        birth: '19400101',
        sex: 'M',
      }),
      MESA_A,
    );
    answers['ITI-44 AE'] = (await pix(fixture('epd-by-example/ITI-44_request_raw.xml'), MESA_A)).body;
    // The published merge sample: its obsolete id is of another domain than the sender's (AE 204).
    answers['ITI-44 merge AE'] = (
      await pix(
        envelope(
          fixture('ipf/pixfeed_PIX_FEED_MERGE_Maximal_Request.xml'),
          'urn:hl7-org:v3:PRPA_IN201304UV02',
        ),
        MESA_A,
      )
    ).body;
    const query = (id: string, source = '') =>
      pix(
        message(
          'PRPA_IN201309UV02',
          MESA_A,
          'PRPA_TE201309UV02',
          `<queryByParameter><queryId root="1.2.3" extension="q"/><statusCode code="new"/><responsePriorityCode code="I"/><parameterList>${source}<patientIdentifier><value root="${MESA_A}" extension="${id}"/></patientIdentifier></parameterList></queryByParameter>`,
        ),
        MESA_A,
      );
    answers['ITI-45 OK'] = (await query('A-1')).body;
    answers['ITI-45 NF'] = (await query('A-1', `<dataSource><value root="${MESA_A}"/></dataSource>`)).body;
    answers['ITI-45 AE'] = (await query('nobody')).body;
    answers['ITI-45 AE (MESA)'] = (
      await pix(
        envelope(
          fixture('ipf/pixquery_NistPixpdq_Mesa10502-03~UnknownId_Example_01.xml'),
          'urn:hl7-org:v3:PRPA_IN201309UV02',
        ),
        MESA_A,
      )
    ).body;
    const find = (params: string) =>
      pdq(
        message(
          'PRPA_IN201305UV02',
          MESA_A,
          'PRPA_TE201305UV02',
          `<queryByParameter><queryId root="1.2.3" extension="p"/><statusCode code="new"/><responseModalityCode code="R"/><responsePriorityCode code="I"/><initialQuantity value="1"/><parameterList>${params}</parameterList></queryByParameter>`,
        ),
        MESA_A,
      );
    answers['ITI-47 OK'] = (
      await find('<livingSubjectName><value><family>モモヤマ</family></value></livingSubjectName>')
    ).body;
    answers['ITI-47 continue'] = (
      await pdq(
        message(
          'QUQI_IN000003UV01_Continue',
          MESA_A,
          'PRPA_TE000003UV01',
          '<queryContinuation><queryId root="1.2.3" extension="p"/><statusCode code="waitContinuedQueryResponse"/></queryContinuation>',
        ),
        MESA_A,
      )
    ).body;
    answers['ITI-47 NF'] = (
      await find('<livingSubjectName><value><family>アサヒ</family></value></livingSubjectName>')
    ).body;
    answers['ITI-47 AE'] = (await find('')).body;
    await find('<livingSubjectName><value><family>モモヤマ</family></value></livingSubjectName>');
    answers['ITI-47 cancel'] = (
      await pdq(
        message(
          'QUQI_IN000003UV01_Cancel',
          MESA_A,
          'PRPA_TE000003UV01',
          '<queryContinuation><queryId root="1.2.3" extension="p"/><statusCode code="aborted"/></queryContinuation>',
        ),
        MESA_A,
      )
    ).body;
    const wanted: Record<string, string> = {
      'ITI-44 AA': 'AA',
      'ITI-44 AE': 'AE',
      'ITI-44 merge AE': 'AE',
      'ITI-45 OK': 'AA',
      'ITI-45 NF': 'AA',
      'ITI-45 AE': 'AE',
      'ITI-47 OK': 'AA',
      'ITI-47 continue': 'AA',
      'ITI-47 NF': 'AA',
      'ITI-47 AE': 'AE',
      'ITI-47 cancel': 'AA',
    };
    for (const [what, body] of Object.entries(answers)) {
      if (wanted[what]) expect(read(body).ack, what).toBe(wanted[what]);
      expect(gazelleErrors(body), what).toEqual([]);
    }
  });

  it('ITI-46 notifications', async () => {
    const bodies: string[] = [];
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (c) => {
        body += c;
      });
      request.on('end', () => {
        bodies.push(body);
        response
          .writeHead(200, { 'content-type': 'application/soap+xml' })
          .end(
            '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><MCCI_IN000002UV01 xmlns="urn:hl7-org:v3"><acknowledgement><typeCode code="AA"/></acknowledgement></MCCI_IN000002UV01></e:Body></e:Envelope>',
          );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await hub.store.db
        .insertInto('hub_pix_consumer')
        .values({
          facility_oid: MESA_A,
          endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
          status: 'active',
          cursor: '',
          delivered: 0,
          failures: 0,
          last_attempt_at: null,
          last_error: null,
          retry_at: null,
          updated_at: new Date().toISOString(),
          updated_by: 'test',
        })
        .execute();
      await new PixNotifier(hub.deps, { settleMs: 0 }).round();
      expect(bodies.length).toBeGreaterThan(0);
      for (const body of bodies) expect(gazelleErrors(body)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
