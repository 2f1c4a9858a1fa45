import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dsmlErrors } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayUnderTest, gatewayUnderTest, operationOfRequest } from '../api/test-kit.js';
import { TEST_FACILITY } from '../api/testing.js';
import { TEST_ENGINES } from '../testing/store.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const DSML = 'urn:oasis:names:tc:DSML:2:0:core';

/**
 * ITI-59 received by a record server: the Swiss EPR's published feed messages (CARA, the `dc=HPD,o=CARA,c=CH`
 * tree; CRLF line ends as published) are applied unchanged, each request answered success, and every
 * answer is valid DSMLv2.
 */
describe.each(TEST_ENGINES)('the HPD feed a record server takes (ITI-59) on %s', (engine) => {
  let gw: GatewayUnderTest;
  beforeAll(async () => {
    gw = await gatewayUnderTest(engine, []);
  });
  afterAll(() => gw.dispose());

  const feed = async (body: string) => {
    const digest = createHash('sha256').update(body).digest('base64url');
    const request = `/ihe/hpd-feed?sha256=${digest}`;
    const token = await gw.sign({ operation: operationOfRequest(request, 'POST') });
    const response = await gw.app.inject({
      method: 'POST',
      url: request,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/soap+xml; charset=UTF-8' },
      payload: body,
    });
    return { status: response.statusCode, body: response.body };
  };
  const entry = async (dn: string) => {
    const row = await gw.store.db
      .selectFrom('gw_directory_entry')
      .select('attrs')
      .where('dn', '=', dn.toLowerCase())
      .executeTakeFirst();
    return row ? (JSON.parse(row.attrs) as Record<string, string[]>) : null;
  };

  it('applies the published adds, modifications and deletion unchanged, answering valid DSMLv2', async () => {
    for (const name of ['add_1', 'add_2', 'add_3', 'modify_1', 'modify_2', 'delete_1']) {
      const answer = await feed(fixture(`cara_iti-59-int-${name}.xml`));
      expect(answer.status, name).toBe(200);
      expect(answer.body, name).toContain('urn:ihe:iti:2010:ProviderInformationFeedResponse');
      expect(answer.body, name).toMatch(/<resultCode code="0" descr="success"\/>/);
      expect(answer.body, name).not.toMatch(/code="[1-9]/);
      expect(dsmlErrors(answer.body), name).toEqual([]);
      expect(dsmlErrors(fixture(`cara_iti-59-int-${name}.xml`)), `${name} request`).toEqual([]);
      if (name === 'add_1') {
        const professional = await entry('uid=Cara:12345,ou=HCProfessional,dc=HPD,o=CARA,c=CH');
        expect(professional?.hpdProviderStatus).toEqual(['Active']);
        expect(professional?.displayName).toEqual(['Dr. med. Maria Lopez']);
      }
    }
    // The relationship the samples added (DC=HPD,O=CARA in capitals) was modified in lower case, then deleted.
    expect(await entry('cn=relation1234,ou=Relationship,dc=HPD,o=CARA,c=CH')).toBeNull();
    expect(await entry('uid=1.2.3.4:org12345,ou=HCRegulatedOrganization,dc=HPD,o=CARA,c=CH')).not.toBeNull();
  });

  it('answers each request on its own: a DN outside dc=HPD, a missing entry and a search are refused, the rest applied', async () => {
    const body = `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><batchRequest xmlns="${DSML}" requestID="b1"><addRequest dn="uid=a,ou=HCProfessional,o=elsewhere" requestID="1"><attr name="uid"><value>a</value></attr></addRequest><delRequest dn="uid=none,ou=HCProfessional,dc=HPD" requestID="2"/><searchRequest dn="dc=HPD" scope="wholeSubtree" derefAliases="neverDerefAliases" requestID="3"><filter><present name="uid"/></filter></searchRequest><addRequest dn="uid=b,ou=HCProfessional,dc=HPD" requestID="4"><attr name="uid"><value>b</value></attr></addRequest></batchRequest></env:Body></env:Envelope>`;
    const answer = await feed(body);
    expect(answer.status).toBe(200);
    const response = answer.body;
    expect(dsmlErrors(response)).toEqual([]);
    expect(response).toMatch(/requestID="1"><resultCode code="34"/);
    expect(response).toMatch(/requestID="2"><resultCode code="32"/);
    expect(response).toMatch(/<errorResponse requestID="3" type="notAttempted">/);
    expect(response).toMatch(/requestID="4"><resultCode code="0"/);
    expect(await entry('uid=b,ou=HCProfessional,dc=HPD')).toEqual({ uid: ['b'] });
    expect(await entry('uid=a,ou=HCProfessional,o=elsewhere')).toBeNull();
  });

  it('takes a feed token on this facility’s own entry only, and never keeps it in the directory', async () => {
    const own = `uid=${TEST_FACILITY.oid},ou=HCRegulatedOrganization,dc=HPD`;
    const other = 'uid=1.2.392.200284.33.9999999999,ou=HCRegulatedOrganization,dc=HPD';
    const token = (dn: string, id: string) =>
      `<modifyRequest dn="${dn}" requestID="${id}"><modification name="hieFeedToken" operation="replace"><value>hft_${id}_0123456789abcdef</value></modification></modifyRequest>`;
    const answer = await feed(
      `<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><batchRequest xmlns="${DSML}">${token(other, 'x')}${token(own, 'y')}</batchRequest></env:Body></env:Envelope>`,
    );
    const response = answer.body;
    expect(dsmlErrors(response)).toEqual([]);
    expect(response).toMatch(/requestID="x"><resultCode code="53"/);
    expect(response).toMatch(/requestID="y"><resultCode code="0"/);
    const state = await gw.store.db
      .selectFrom('gw_state')
      .select('value')
      .where('name', '=', 'hub-feed-token')
      .executeTakeFirstOrThrow();
    expect(state.value).toBe('hft_y_0123456789abcdef');
    const rows = await gw.store.db.selectFrom('gw_directory_entry').select('attrs').execute();
    expect(rows.some((r) => r.attrs.includes('hft_'))).toBe(false);
  });
});
