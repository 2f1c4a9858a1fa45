import { createHash } from 'node:crypto';
import { UNNAMED_PATIENT } from '@hie/contract';
import { el, t } from '@hie/platform';
import { TEST_ENGINES } from '@hie/platform/testing';
import { FEED_TOKEN_STATE } from '@hie/record-source';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantFeeds } from '../run/feeds.js';
import { type RepositoryUnderTest, repositoryUnderTest, seedPatient } from '../testing.js';

const CLINIC = {
  oid: '1.2.392.200119.6.102.3310000301',
  institutionCode: '3310000301',
  name: 'ディレクトリ内科',
  kind: 'clinic' as const,
};
const OTHER = {
  oid: '1.2.392.200119.6.102.3310000302',
  institutionCode: '3310000302',
  name: '別の薬局',
  kind: 'pharmacy' as const,
};
/** The reading hospital (the default requester of the test assertions) and its doctor. */
const HOSPITAL = '1.2.392.200284.33.3311610020';
const DOCTOR = 'dr-sato';
const OFFICE_TOKEN = 'hft_office_set_0123456789';
const PUSHED_TOKEN = 'hft_hub_pushed_0123456789';

const SOAP = 'http://www.w3.org/2003/05/soap-envelope';
const DSML = 'urn:oasis:names:tc:DSML:2:0:core';
const orgDn = (oid: string) => `uid=${oid},ou=HCRegulatedOrganization,dc=HPD`;
const userDn = (id: string) => `uid=${id},ou=HCProfessional,dc=HPD`;
const attrs = (a: Record<string, string[]>) =>
  Object.entries(a).map(([name, values]) =>
    el('attr', { name }, ...values.map((v) => el('value', {}, t(v)))),
  );
const organization = (oid: string, id: string) =>
  el(
    'addRequest',
    { dn: orgDn(oid), requestID: id },
    ...attrs({
      objectClass: ['top', 'organization', 'HCRegulatedOrganization', 'HPDProvider'],
      uid: [oid],
      hpdProviderStatus: ['Active'],
    }),
  );
const professional = (uid: string, facility: string, id: string) =>
  el(
    'addRequest',
    { dn: userDn(uid), requestID: id },
    ...attrs({
      objectClass: ['top', 'person', 'inetOrgPerson', 'HCProfessional', 'HPDProvider'],
      uid: [uid],
      cn: ['岡山 太郎'],
      hpdProviderStatus: ['Active'],
      memberOf: [orgDn(facility)],
    }),
  );
const feedToken = (oid: string, token: string, id: string) =>
  el(
    'modifyRequest',
    { dn: orgDn(oid), requestID: id },
    el('modification', { name: 'hieFeedToken', operation: 'replace' }, el('value', {}, t(token))),
  );
/** An ITI-59 message as the hub's HpdPusher sends it: DSMLv2 in SOAP 1.2. */
const envelope = (...requests: string[]) =>
  el(
    'env:Envelope',
    { 'xmlns:env': SOAP, 'xmlns:wsa': 'http://www.w3.org/2005/08/addressing' },
    el(
      'env:Header',
      {},
      el('wsa:Action', { 'env:mustUnderstand': 'true' }, 'urn:ihe:iti:2010:ProviderInformationFeedRequest'),
    ),
    el('env:Body', {}, el('batchRequest', { xmlns: DSML, requestID: 'batch' }, ...requests)),
  );

describe.each(TEST_ENGINES)('each tenant takes its own network directory (ITI-59) on %s', (engine) => {
  let r: RepositoryUnderTest;
  let feeds: TenantFeeds | undefined;
  /** What the hub's feed endpoint received: the bearer token and the local ids of each request. */
  const fed: { token: string; localIds: string[] }[] = [];
  const hubFetch: typeof fetch = async (_url, init) => {
    const headers = new Headers(init?.headers);
    const body = JSON.parse(String(init?.body)) as { identities: { localId: string }[] };
    fed.push({
      token: headers.get('authorization')?.replace(/^Bearer /, '') ?? '',
      localIds: body.identities.map((i) => i.localId),
    });
    return new Response('{"outcomes":[]}', { status: 200, headers: { 'content-type': 'application/json' } });
  };
  const feedsOf = () =>
    new TenantFeeds(r.tenants, { hubUrl: 'https://hub.test', pollIntervalMs: 0, fetch: hubFetch });

  beforeAll(async () => {
    r = await repositoryUnderTest(engine, { onFeedToken: (oid, token) => feeds?.handOver(oid, token) });
    await r.addTenant({ ...CLINIC, settings: { feedToken: OFFICE_TOKEN } });
    await r.addTenant(OTHER);
    for (const oid of [CLINIC.oid, OTHER.oid]) await seedPatient(r.tenants.storeOf(oid), 'P1');
  });
  afterAll(async () => {
    await feeds?.stop();
    await r?.dispose();
  });

  /**
   * The hub's push to `/t/<tenant>/ihe/hpd-feed`: its assertion for `signedFor`, bound to the path below
   * that tenant's root and to the body's SHA-256, as HpdPusher signs it.
   */
  const push = async (tenant: string, body: string, signedFor = tenant) => {
    const query = `?sha256=${createHash('sha256').update(body).digest('base64url')}`;
    const token = await r.sign(
      signedFor,
      `/t/${signedFor}/ihe/hpd-feed${query}`,
      {
        userId: 'hub:hpd-feed',
        profession: 'office',
        facilityOid: signedFor,
        patientId: UNNAMED_PATIENT,
        purposeOfUse: 'HOPERAT',
      },
      'POST',
    );
    return r.app.inject({
      method: 'POST',
      url: `/t/${tenant}/ihe/hpd-feed${query}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/soap+xml; charset=utf-8' },
      payload: body,
    });
  };
  const readAs = async (tenant: string, userId: string) => {
    const read = await r.read(tenant, `/t/${tenant}/fhir/Patient/P1/$everything`, {
      patientId: 'P1',
      userId,
      facilityOid: HOSPITAL,
    });
    return { status: read.status, code: read.status === 200 ? null : codeOf(read.json()) };
  };
  const directoryOf = (oid: string) =>
    r.tenants.storeOf(oid).db.selectFrom('gw_directory_entry').select('dn').execute();

  it('takes the hub’s push into the tenant’s own directory, and refuses requesters it does not list', async () => {
    // Before any push nobody is refused by a directory.
    expect(await readAs(CLINIC.oid, 'dr-unlisted')).toEqual({ status: 200, code: null });

    const answer = await push(
      CLINIC.oid,
      envelope(
        organization(CLINIC.oid, '1'),
        organization(HOSPITAL, '2'),
        professional(DOCTOR, HOSPITAL, '3'),
      ),
    );
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.headers['content-type']).toContain('urn:ihe:iti:2010:ProviderInformationFeedResponse');
    expect(answer.body.match(/<resultCode code="0" descr="success"\/>/g)).toHaveLength(3);
    expect(answer.body).not.toMatch(/code="[1-9]/);

    // The tenant's directory is its own: the other tenant's scoped store sees none of it, and every row
    // in the shared table carries the tenant the push was for.
    expect(await directoryOf(CLINIC.oid)).toHaveLength(3);
    expect(await directoryOf(OTHER.oid)).toEqual([]);
    const tenants = await sql<{ tenant: string }>`select distinct tenant from gw_directory_entry`.execute(
      r.store.db,
    );
    expect(tenants.rows).toEqual([{ tenant: CLINIC.oid }]);

    expect(await readAs(CLINIC.oid, DOCTOR)).toEqual({ status: 200, code: null });
    expect(await readAs(CLINIC.oid, 'dr-unlisted')).toEqual({ status: 403, code: 'requester-unknown' });
    // The other tenant has no directory yet: its reads are not narrowed by the clinic's.
    expect(await readAs(OTHER.oid, 'dr-unlisted')).toEqual({ status: 200, code: null });
  });

  it('narrows the entries of the tenant’s own staff as it narrows reads', async () => {
    const staff = await push(CLINIC.oid, envelope(professional('ns-listed', CLINIC.oid, '1')));
    expect(staff.statusCode, staff.body).toBe(200);
    const register = async (userId: string, patientId: string) => {
      const url = `/t/${CLINIC.oid}/entries/patients`;
      const token = await r.sign(
        CLINIC.oid,
        url,
        { userId, profession: 'nurse', facilityOid: CLINIC.oid, patientId },
        'POST',
      );
      const answer = await r.app.inject({
        method: 'POST',
        url,
        headers: { authorization: `Bearer ${token}` },
        payload: {
          patientId,
          familyName: '岡山',
          givenName: '花子',
          familyKana: 'オカヤマ',
          givenKana: 'ハナコ',
          birthDate: '1950-03-04',
          sex: 'female',
        },
      });
      return { status: answer.statusCode, code: (answer.json() as { error?: { code: string } }).error?.code };
    };
    expect(await register('ns-unlisted', 'P8')).toEqual({ status: 403, code: 'requester-unknown' });
    expect((await register('ns-listed', 'P9')).status).toBe(200);
  });

  it('refuses a push for one tenant made with the hub’s assertion for another, and writes nothing', async () => {
    const before = await directoryOf(OTHER.oid);
    const body = envelope(professional('dr-intruder', HOSPITAL, '1'));
    // The hub's assertion for the clinic (audience, path below its root, the body's digest) sent to the
    // other tenant's endpoint, and the other way round.
    for (const [tenant, signedFor] of [
      [OTHER.oid, CLINIC.oid],
      [CLINIC.oid, OTHER.oid],
    ] as const) {
      const answer = await push(tenant, body, signedFor);
      expect(answer.statusCode, answer.body).toBe(401);
      expect(codeOf(answer.json())).toBe('wrong-audience');
    }
    expect(await directoryOf(OTHER.oid)).toEqual(before);
    expect((await directoryOf(CLINIC.oid)).map((e) => e.dn)).not.toContain(userDn('dr-intruder'));
    expect(await readAs(CLINIC.oid, 'dr-intruder')).toEqual({ status: 403, code: 'requester-unknown' });
  });

  it('hands a pushed feed token to the tenant’s running feed, which sends its next batch with it', async () => {
    feeds = feedsOf();
    await feeds.refresh();
    await expect.poll(() => fed.length).toBe(1);
    // P1, and P9 the clinic's nurse registered above.
    expect({ ...fed[0], localIds: fed[0]?.localIds.sort() }).toEqual({
      token: OFFICE_TOKEN,
      localIds: ['P1', 'P9'],
    });
    // The other tenant has no feed token: it is not fed.
    expect(feeds.tokenOf(OTHER.oid)).toBeUndefined();

    await seedPatient(r.tenants.storeOf(CLINIC.oid), 'P2');
    // A token on another tenant's entry is refused (53); the clinic's own is taken.
    const answer = await push(
      CLINIC.oid,
      envelope(
        feedToken(OTHER.oid, 'hft_not_for_the_clinic_0123', 'x'),
        feedToken(CLINIC.oid, PUSHED_TOKEN, 'y'),
      ),
    );
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.body).toMatch(/requestID="x"><resultCode code="53"/);
    expect(answer.body).toMatch(/requestID="y"><resultCode code="0"/);
    // In force before the hub had its answer, without a restart; the next batch carries it.
    expect(feeds.tokenOf(CLINIC.oid)).toBe(PUSHED_TOKEN);
    await expect.poll(() => fed.length).toBe(2);
    expect(fed[1]).toEqual({ token: PUSHED_TOKEN, localIds: ['P2'] });
    expect(feeds.tokenOf(OTHER.oid)).toBeUndefined();

    // Kept in the tenant's store (never in its directory, nor the other tenant's state): a restarted
    // repository feeds with it, not with the office's.
    const storedToken = (oid: string) =>
      r.tenants
        .storeOf(oid)
        .db.selectFrom('gw_state')
        .select('value')
        .where('name', '=', FEED_TOKEN_STATE)
        .execute();
    expect(await storedToken(CLINIC.oid)).toEqual([{ value: PUSHED_TOKEN }]);
    expect(await storedToken(OTHER.oid)).toEqual([]);
    const rows = await r.tenants
      .storeOf(CLINIC.oid)
      .db.selectFrom('gw_directory_entry')
      .select('attrs')
      .execute();
    expect(rows.some((row) => row.attrs.includes('hft_'))).toBe(false);
    await feeds.stop();
    feeds = feedsOf();
    await feeds.refresh();
    expect(feeds.tokenOf(CLINIC.oid)).toBe(PUSHED_TOKEN);
  });
});

function codeOf(outcome: unknown): string | undefined {
  return (outcome as { issue?: { details?: { coding?: { code?: string }[] } }[] }).issue?.[0]?.details
    ?.coding?.[0]?.code;
}
