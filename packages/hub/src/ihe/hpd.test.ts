import { dsmlErrors } from '@hie/platform/testing';
import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, seedFacility, seedUser } from '../testing.js';
import { DSML } from './hpd.js';
import { envelope, fixture, iheHub, MESA_A, poster } from './testing.js';

const CLINIC = '1.2.392.200284.33.3310000201';

/** The searchResponses of a batchResponse: entries (dn → attributes) and the result code. */
function responses(xml: string) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  return Array.from(doc.getElementsByTagNameNS(DSML, 'searchResponse')).map((r) => ({
    entries: Array.from(r.getElementsByTagNameNS(DSML, 'searchResultEntry')).map((e) => ({
      dn: e.getAttribute('dn'),
      attrs: Object.fromEntries(
        Array.from(e.getElementsByTagNameNS(DSML, 'attr')).map((a) => [
          a.getAttribute('name'),
          Array.from(a.getElementsByTagNameNS(DSML, 'value')).map((v) => v.textContent),
        ]),
      ),
    })),
    code: r.getElementsByTagNameNS(DSML, 'resultCode')[0]?.getAttribute('code'),
  }));
}

describe.each(TEST_ENGINES)('HPD Provider Information Query (ITI-58) on %s', (engine) => {
  let hub: HubUnderTest;
  const post = poster(() => hub, '/ihe/hpd');
  // Every answer is valid DSMLv2 (the OASIS schema, by xmllint).
  const hpd = async (...args: Parameters<typeof post>) => {
    const response = await post(...args);
    if (response.statusCode === 200) expect(dsmlErrors(response.body)).toEqual([]);
    return response;
  };
  const search = (dn: string, filter: string, extra = '', attributes: string[] = []) =>
    hpd(
      envelope(
        `<batchRequest xmlns="${DSML}" requestID="b1"><searchRequest dn="${dn}" scope="wholeSubtree" derefAliases="neverDerefAliases" requestID="s1" ${extra}><filter>${filter}</filter>${attributes.length ? `<attributes>${attributes.map((a) => `<attribute name="${a}"/>`).join('')}</attributes>` : ''}</searchRequest></batchRequest>`,
        'urn:ihe:iti:2010:ProviderInformationQuery',
      ),
      MESA_A,
    );

  beforeAll(async () => {
    hub = await iheHub(engine);
    await seedFacility(hub.store, {
      oid: CLINIC,
      type: 'clinic',
      name: 'ももたろう内科クリニック',
      code: '3310000201',
    });
    const doctor = await seedUser(hub.store, {
      facilityOid: CLINIC,
      profession: 'doctor',
      name: '岡山 太郎',
      id: 'doc-1',
    });
    await hub.store.db
      .updateTable('hub_user')
      .set({ name_kana: 'オカヤマ タロウ', email: 'taro@example.jp' })
      .where('id', '=', doctor.userId)
      .execute();
    await seedUser(hub.store, { facilityOid: CLINIC, profession: 'nurse', name: '吉備 花子', id: 'nurse-1' });
    await seedUser(hub.store, { facilityOid: CLINIC, profession: 'clerk', name: '受付 一郎', id: 'clerk-1' });
  });
  afterAll(() => hub.dispose());

  it('finds professionals by name (kanji or kana) with their HPKI profession and facility, never their e-mail', async () => {
    const [byKanji] = responses(
      (
        await search(
          'ou=HCProfessional,dc=HPD',
          '<equalityMatch name="sn"><value>岡山</value></equalityMatch>',
        )
      ).body,
    );
    expect(byKanji?.code).toBe('0');
    expect(byKanji?.entries).toHaveLength(1);
    const taro = byKanji?.entries[0];
    expect(taro?.dn).toBe('uid=doc-1,ou=HCProfessional,dc=HPD');
    expect(taro?.attrs.hcProfession).toEqual(['HPKI:1.2.392.100495.1.6.1.1:Medical Doctor:医師']);
    expect(taro?.attrs.cn).toEqual(['岡山 太郎', 'オカヤマ タロウ']);
    expect(taro?.attrs.memberOf).toEqual([`uid=${CLINIC},ou=HCRegulatedOrganization,dc=HPD`]);
    expect(JSON.stringify(taro)).not.toContain('taro@example.jp');
    const [byKana] = responses(
      (await search('dc=HPD', '<substrings name="cn"><initial>おかやま</initial></substrings>')).body,
    );
    expect(byKana?.entries.map((e) => e.dn)).toEqual([]); // hiragana ≠ katakana: caseIgnoreMatch, not kana folding
    const [nurses] = responses(
      (
        await search(
          'ou=HCProfessional,dc=HPD',
          '<and><substrings name="hcProfession"><any>Nurse</any></substrings><not><present name="mail"/></not></and>',
        )
      ).body,
    );
    expect(nurses?.entries.map((e) => e.dn)).toEqual(['uid=nurse-1,ou=HCProfessional,dc=HPD']);
  });

  it('answers from the directory as it is now: a change, a new member and a removal show at once', async () => {
    const find = async (filter: string) =>
      responses((await search('dc=HPD', filter)).body)[0]?.entries.map((e) => e.dn) ?? [];
    const byName = '<equalityMatch name="sn"><value>吉備</value></equalityMatch>';
    expect(await find(byName)).toEqual(['uid=nurse-1,ou=HCProfessional,dc=HPD']);
    await hub.store.db
      .updateTable('hub_user')
      .set({ name: '備前 花子', updated_at: new Date(Date.now() + 1000).toISOString() })
      .where('id', '=', 'nurse-1')
      .execute();
    expect(await find(byName)).toEqual([]);
    const member = `<equalityMatch name="memberOf"><value>uid=${MESA_A},ou=HCRegulatedOrganization,dc=HPD</value></equalityMatch>`;
    expect(await find(member)).toEqual([]);
    await hub.store.db
      .insertInto('hub_membership')
      .values({
        user_id: 'nurse-1',
        facility_oid: MESA_A,
        role: 'member',
        created_at: new Date().toISOString(),
      })
      .execute();
    expect(await find(member)).toEqual(['uid=nurse-1,ou=HCProfessional,dc=HPD']);
    await hub.store.db.deleteFrom('hub_membership').where('facility_oid', '=', MESA_A).execute();
    expect(await find(member)).toEqual([]);
  });

  it('finds organisations by institution code and their staff through Relationship; attributes and size limits', async () => {
    const [org] = responses(
      (
        await search(
          'ou=HCRegulatedOrganization,dc=HPD',
          '<equalityMatch name="hcIdentifier"><value>MHLW:InstitutionCode:3310000201:active</value></equalityMatch>',
          '',
          ['hcRegisteredName'],
        )
      ).body,
    );
    expect(org?.entries).toEqual([
      {
        dn: `uid=${CLINIC},ou=HCRegulatedOrganization,dc=HPD`,
        attrs: { hcRegisteredName: ['ももたろう内科クリニック'] },
      },
    ]);
    const [staff] = responses(
      (
        await search(
          'ou=Relationship,dc=HPD',
          `<equalityMatch name="owner"><value>uid=${CLINIC},ou=HCRegulatedOrganization,dc=HPD</value></equalityMatch>`,
        )
      ).body,
    );
    expect(staff?.entries[0]?.attrs.member).toHaveLength(3);
    const [limited] = responses(
      (await search('ou=HCProfessional,dc=HPD', '<present name="uid"/>', 'sizeLimit="1"')).body,
    );
    expect(limited?.entries).toHaveLength(1);
    expect(limited?.code).toBe('4');
    const [none] = responses((await search('ou=Nowhere,dc=HPD', '<present name="uid"/>')).body);
    expect(none?.code).toBe('32');
  });

  it('answers the published Swiss queries unchanged; refuses changes (ITI-59 is the office’s) and strangers', async () => {
    const egger = responses(
      (await hpd(fixture('ahdis-cara/cara_transferts_ProviderInformationQuery-name_1.xml'), MESA_A)).body,
    );
    expect(egger).toEqual([{ entries: [], code: '0' }]);
    const eprik = await hpd(fixture('ahdis-cara/cara_iti-58-int-eprik_1.xml'), MESA_A);
    expect(eprik.body).toContain('urn:ihe:iti:2010:ProviderInformationQueryResponse');
    expect(responses(eprik.body)).toEqual([{ entries: [], code: '0' }]);
    const add = await hpd(
      envelope(
        `<batchRequest xmlns="${DSML}"><addRequest dn="uid=x,ou=HCProfessional,dc=HPD"><attr name="cn"><value>x</value></attr></addRequest></batchRequest>`,
        'urn:ihe:iti:2010:ProviderInformationQuery',
      ),
      MESA_A,
    );
    expect(add.body).toContain('errorResponse');
    expect((await hpd(fixture('ahdis-cara/cara_iti-58-int-eprik_1.xml'), null)).statusCode).toBe(401);
    expect((await hub.app.inject({ method: 'GET', url: '/ihe/hpd?wsdl' })).body).toContain(
      'ProviderInformationDirectory_Service',
    );
  });
});
