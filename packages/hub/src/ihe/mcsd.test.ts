import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../testing/store.js';
import { type HubUnderTest, seedFacility, seedUser } from '../testing.js';
import { roleId } from './mcsd-resources.js';
import { iheHub, MESA_A, MESA_B, TOKENS } from './testing.js';

const CLINIC = '1.2.392.200284.33.3310000201';
const PHARMACY = '1.2.392.200284.33.3340000301';
/** The directory's two facilities besides the IHE test systems': a clinic and a pharmacy, with 医療機関コード. */
const DIRECTORY_FACILITIES = [
  { oid: CLINIC, type: 'clinic', name: 'ももたろう内科クリニック', code: '3310000201' },
  { oid: PHARMACY, type: 'pharmacy', name: 'きび薬局', code: '3340000301' },
] as const;
const JP_CODE = 'http://jpfhir.jp/fhir/core/IdSystem/insurance-medical-institution-no';
const HCROLE = 'urn:oid:1.2.392.100495.1.6.1.1';
const SYL = { url: 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation', valueCode: 'SYL' };

interface Entry {
  fullUrl: string;
  resource: { resourceType: string; id: string; [k: string]: unknown };
  search: { mode: string };
}
interface Bundle {
  resourceType: string;
  total: number;
  link: { relation: string; url: string }[];
  entry: Entry[];
}

describe.each(TEST_ENGINES)('mCSD Find Matching Care Services (ITI-90) on %s', (engine) => {
  let hub: HubUnderTest;
  const get = (url: string, facility: string | null = MESA_A) =>
    hub.app.inject({
      method: 'GET',
      url,
      headers: facility ? { authorization: `Bearer ${TOKENS[facility]}` } : {},
    });
  const search = async (url: string, facility: string = MESA_A) => {
    const answer = await get(url, facility);
    expect(answer.statusCode, `${url}: ${answer.body}`).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^application\/fhir\+json/);
    return answer.json() as Bundle;
  };
  const ids = (bundle: Bundle, mode = 'match') =>
    bundle.entry
      .filter((e) => e.search.mode === mode)
      .map((e) => `${e.resource.resourceType}/${e.resource.id}`);

  beforeAll(async () => {
    hub = await iheHub(engine);
    for (const facility of DIRECTORY_FACILITIES) await seedFacility(hub.store, facility);
    await hub.store.db
      .updateTable('hub_facility')
      .set({
        name_kana: 'モモタロウナイカクリニック',
        address: '岡山県岡山市北区桃太郎町1-1',
        phone: '086-000-0000',
        updated_at: '2026-03-01T00:00:00.000Z',
      })
      .where('oid', '=', CLINIC)
      .execute();
    await hub.store.db
      .updateTable('hub_facility')
      .set({ updated_at: '2025-01-01T00:00:00.000Z' })
      .where('oid', '!=', CLINIC)
      .execute();
    await seedUser(hub.store, { facilityOid: CLINIC, profession: 'doctor', name: '岡山 太郎', id: 'doc-1' });
    await hub.store.db
      .insertInto('hub_membership')
      .values({
        user_id: 'doc-1',
        facility_oid: PHARMACY,
        role: 'admin',
        created_at: '2026-02-01T00:00:00.000Z',
      })
      .execute();
    await seedUser(hub.store, { facilityOid: CLINIC, profession: 'nurse', name: '吉備 花子', id: 'nurse-1' });
    await seedUser(hub.store, { facilityOid: CLINIC, profession: 'clerk', name: '受付 一郎', id: 'clerk-1' });
    await seedUser(hub.store, {
      facilityOid: PHARMACY,
      profession: 'pharmacist',
      name: '備前 次郎',
      id: 'pharm-1',
      status: 'retired',
    });
    await hub.store.db
      .updateTable('hub_user')
      .set({ updated_at: '2025-06-01T00:00:00.000Z' })
      .where('id', '=', 'clerk-1')
      .execute();
    for (const [id, kana] of [
      ['doc-1', 'オカヤマ タロウ'],
      ['nurse-1', 'キビ ハナコ'],
      ['pharm-1', 'ビゼン ジロウ'],
    ] as const) {
      await hub.store.db
        .updateTable('hub_user')
        .set({ name_kana: kana, email: `${id}@example.jp`, updated_at: '2026-03-01T00:00:00.000Z' })
        .where('id', '=', id)
        .execute();
    }
  });
  afterAll(() => hub.dispose());

  it('Organization: the facility with its 医療機関コード, OID, kana name, type and address; found by each parameter', async () => {
    const byCode = await search(
      `/fhir/Organization?identifier=${encodeURIComponent(`${JP_CODE}|3310000201`)}`,
    );
    expect(byCode.total).toBe(1);
    expect(byCode.entry[0]?.resource).toMatchObject({
      resourceType: 'Organization',
      id: CLINIC,
      active: true,
      identifier: [
        { system: JP_CODE, value: '3310000201' },
        { system: 'urn:ietf:rfc:3986', value: `urn:oid:${CLINIC}` },
      ],
      name: 'ももたろう内科クリニック',
      alias: ['モモタロウナイカクリニック'],
      _alias: [{ extension: [SYL] }],
      address: [{ text: '岡山県岡山市北区桃太郎町1-1' }],
      meta: { lastUpdated: '2026-03-01T00:00:00.000Z' },
    });
    const cases: Array<[string, string[]]> = [
      [`identifier=${encodeURIComponent(`urn:oid:${CLINIC}`)}`, [CLINIC]],
      ['identifier=3340000301', [PHARMACY]],
      [`name=${encodeURIComponent('ももたろう')}`, [CLINIC]],
      [`name=${encodeURIComponent('ﾓﾓﾀﾛｳ')}`, [CLINIC]], // half-width kana reads the same
      [`name=${encodeURIComponent('もも')}`, [CLINIC]], // hiragana finds the katakana reading too
      [`name:contains=${encodeURIComponent('薬局')}`, [PHARMACY]],
      [`name:exact=${encodeURIComponent('きび薬局')}`, [PHARMACY]],
      [`name:exact=${encodeURIComponent('きび')}`, []],
      ['type=pharmacy', [PHARMACY]],
      [`type=${encodeURIComponent('urn:hie:facility-type|clinic')}`, [CLINIC]],
      [`_id=${CLINIC},${PHARMACY}`, [CLINIC, PHARMACY]],
      ['_lastUpdated=ge2026-01-01', [CLINIC]],
      ['_lastUpdated=lt2026-03-01&_lastUpdated=ge2025-01-01', [...Object.keys(TOKENS), PHARMACY]],
      [`partof=Organization/${CLINIC}`, []],
      ['active=false', []],
    ];
    for (const [query, expected] of cases) {
      const found = await search(`/fhir/Organization?${query}`);
      expect(
        ids(found)
          .map((id) => id.replace('Organization/', ''))
          .sort(),
        query,
      ).toEqual([...expected].sort());
    }
    const read = await get(`/fhir/Organization/${CLINIC}`);
    expect(read.json().id).toBe(CLINIC);
    expect(read.body).not.toContain('086-000-0000');
    expect((await get('/fhir/Organization/9.9.9')).statusCode).toBe(404);
    expect((await get('/fhir/Organization/9.9.9')).json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ code: 'not-found' }],
    });
  });

  it('Location: the facility’s place with its address, managed by the Organization; by organization', async () => {
    const found = await search(
      `/fhir/Location?organization=Organization/${CLINIC}&_include=Location:organization`,
    );
    expect(ids(found)).toEqual([`Location/${CLINIC}`]);
    expect(ids(found, 'include')).toEqual([`Organization/${CLINIC}`]);
    expect(found.entry[0]?.resource).toMatchObject({
      status: 'active',
      name: 'ももたろう内科クリニック',
      address: { text: '岡山県岡山市北区桃太郎町1-1' },
      managingOrganization: { reference: `Organization/${CLINIC}` },
    });
    expect((await get(`/fhir/Location/${PHARMACY}`)).json().address).toBeUndefined();
  });

  it('Practitioner: kanji and kana names, HPKI qualification, status; never e-mail, phone or login id', async () => {
    const found = await search(`/fhir/Practitioner?family=${encodeURIComponent('岡山')}`);
    expect(found.total).toBe(1);
    const taro = found.entry[0]?.resource ?? {};
    expect(taro).toMatchObject({
      id: 'doc-1',
      identifier: [{ system: 'urn:hie:user', value: 'doc-1' }],
      active: true,
      name: [
        { use: 'official', text: '岡山 太郎', family: '岡山', given: ['太郎'] },
        { use: 'official', text: 'オカヤマ タロウ', family: 'オカヤマ', given: ['タロウ'], extension: [SYL] },
      ],
      qualification: [{ code: { coding: [{ system: HCROLE, code: 'Medical Doctor', display: '医師' }] } }],
    });
    expect(taro).not.toHaveProperty('telecom');
    const all = await search('/fhir/Practitioner?_count=100');
    expect(JSON.stringify(all)).not.toMatch(/@example\.jp|u-doc-1|telecom/);
    const clerk = (await get('/fhir/Practitioner/clerk-1')).json();
    expect(clerk.qualification).toBeUndefined();
    const cases: Array<[string, string[]]> = [
      [`given=${encodeURIComponent('たろう')}`, ['doc-1']],
      [`name=${encodeURIComponent('キビ')}`, ['nurse-1']],
      [`name=${encodeURIComponent('花子')}`, ['nurse-1']],
      [`name:contains=${encodeURIComponent('ジロ')}`, ['pharm-1']],
      [`name:exact=${encodeURIComponent('岡山 太郎')}`, ['doc-1']],
      [`identifier=${encodeURIComponent('urn:hie:user|nurse-1')}`, ['nurse-1']],
      ['active=false', ['pharm-1']],
      ['_lastUpdated=gt2026-03-01', []],
      ['_lastUpdated=eq2026-03-01', ['doc-1', 'nurse-1', 'pharm-1']],
    ];
    for (const [query, expected] of cases) {
      expect(
        ids(await search(`/fhir/Practitioner?${query}`)).map((id) => id.replace('Practitioner/', '')),
        query,
      ).toEqual(expected);
    }
    // A retired user is still in the directory, marked inactive; so are their roles.
    expect((await get('/fhir/Practitioner/pharm-1')).json().active).toBe(false);
    const retired = await search('/fhir/PractitionerRole?practitioner=pharm-1');
    expect(retired.entry[0]?.resource.active).toBe(false);
  });

  it('PractitionerRole: memberships by organization, practitioner, location, role; includes and revincludes', async () => {
    const roles = await search(
      `/fhir/PractitionerRole?organization=${CLINIC}&role=${encodeURIComponent(`${HCROLE}|Medical Doctor`)}&_include=PractitionerRole:practitioner&_include=PractitionerRole:organization&_include=PractitionerRole:location`,
    );
    expect(ids(roles)).toEqual([`PractitionerRole/${roleId('doc-1', CLINIC)}`]);
    expect(ids(roles, 'include').sort()).toEqual(
      [`Practitioner/doc-1`, `Organization/${CLINIC}`, `Location/${CLINIC}`].sort(),
    );
    expect(roles.total).toBe(1);
    expect(roles.entry[0]?.resource).toMatchObject({
      active: true,
      practitioner: { reference: 'Practitioner/doc-1' },
      organization: { reference: `Organization/${CLINIC}` },
      location: [{ reference: `Location/${CLINIC}` }],
      code: [
        {
          coding: [
            { system: 'urn:hie:profession', code: 'doctor' },
            { system: HCROLE, code: 'Medical Doctor' },
          ],
        },
      ],
    });
    expect(JSON.stringify(roles.entry[0]?.resource)).not.toContain('admin'); // the facility-admin flag is internal
    const cases: Array<[string, number]> = [
      ['practitioner=Practitioner/doc-1', 2],
      [`location=Location/${PHARMACY}`, 2],
      ['role=nurse', 1],
      ['active=true', 4],
      ['active=false', 1],
      [`practitioner=Organization/doc-1`, 0],
    ];
    for (const [query, total] of cases) {
      expect((await search(`/fhir/PractitionerRole?${query}`)).total, query).toBe(total);
    }
    const doctor = await search('/fhir/Practitioner?_id=doc-1&_revinclude=PractitionerRole:practitioner');
    expect(ids(doctor, 'include').sort()).toEqual(
      [roleId('doc-1', CLINIC), roleId('doc-1', PHARMACY)].map((id) => `PractitionerRole/${id}`).sort(),
    );
    const clinic = await search(`/fhir/Organization?_id=${CLINIC}&_revinclude=PractitionerRole:organization`);
    expect(ids(clinic, 'include')).toHaveLength(3);
    expect(clinic.total).toBe(1); // included resources are not counted
    const role = await get(`/fhir/PractitionerRole/${roleId('nurse-1', CLINIC)}`);
    expect(role.json().practitioner.reference).toBe('Practitioner/nurse-1');
  });

  it('pages with _count and a next link; every facility system may read; the search is audited', async () => {
    const first = await search('/fhir/Practitioner?_count=2', MESA_B);
    expect(first.total).toBe(4);
    expect(first.entry).toHaveLength(2);
    const seen = ids(first);
    let next = first.link.find((l) => l.relation === 'next')?.url;
    while (next) {
      const url = new URL(next);
      const page = await search(`${url.pathname}${url.search}`, MESA_B);
      seen.push(...ids(page));
      next = page.link.find((l) => l.relation === 'next')?.url;
    }
    expect(seen).toEqual(['clerk-1', 'doc-1', 'nurse-1', 'pharm-1'].map((id) => `Practitioner/${id}`));
    const audit = await hub.store.db
      .selectFrom('audit_event')
      .select('event_json')
      .where('type', '=', 'admin')
      .execute();
    expect(audit.some((a) => a.event_json.includes('ITI-90') && a.event_json.includes(MESA_B))).toBe(true);
  });

  it('refuses: no caller 401, unknown parameters and modifiers 400 not-supported, bad values 400', async () => {
    const anonymous = await get('/fhir/Practitioner', null);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
    expect((await get('/fhir/Organization/x', null)).statusCode).toBe(401);
    for (const query of [
      'Practitioner?telecom=086',
      'Practitioner?family:missing=true',
      'Organization?organization=x',
      'Practitioner?_include=PractitionerRole:practitioner',
      'Organization?_revinclude=PractitionerRole:practitioner',
      'Practitioner?_sort=name',
    ]) {
      const answer = await get(`/fhir/${query}`);
      expect(answer.statusCode, query).toBe(400);
      expect(answer.json(), query).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'not-supported' }],
      });
    }
    for (const query of ['Practitioner?_count=abc', 'Practitioner?_lastUpdated=yesterday']) {
      const answer = await get(`/fhir/${query}`);
      expect(answer.statusCode, query).toBe(400);
      expect(answer.json().issue[0].code, query).toBe('invalid');
    }
  });
});
