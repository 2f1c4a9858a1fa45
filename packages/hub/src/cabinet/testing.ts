import type { HubPrincipal } from '../http.js';
import type { HubUnderTest } from '../testing.js';
import { seedFacility, seedUser } from '../testing.js';

/** A small district group for the cabinet tests: a clinic, a nursing station, a care office, a pharmacy; one outsider. */
export const OIDS = {
  clinic: '1.2.392.200284.33.3310000201',
  nursing: '1.2.392.200284.33.3360000202',
  care: '1.2.392.200284.33.3370000203',
  pharmacy: '1.2.392.200284.33.3340000204',
  outside: '1.2.392.200284.33.3310000299',
  office: '1.2.392.200284.33.0000000001',
} as const;

export interface CabinetTeam {
  doctor: HubPrincipal;
  nurse: HubPrincipal;
  careManager: HubPrincipal;
  pharmacist: HubPrincipal;
  outsider: HubPrincipal;
  office: HubPrincipal;
}

export async function seedCabinetTeam(hub: HubUnderTest, groupId = 'momo'): Promise<CabinetTeam> {
  await seedFacility(hub.store, { oid: OIDS.clinic, type: 'clinic', name: 'ももたろう内科クリニック' });
  await seedFacility(hub.store, {
    oid: OIDS.nursing,
    type: 'visiting-nursing',
    discloses: false,
    name: 'きびだんご訪問看護ステーション',
  });
  await seedFacility(hub.store, {
    oid: OIDS.care,
    type: 'care-manager-office',
    discloses: false,
    name: 'さる居宅介護支援事業所',
  });
  await seedFacility(hub.store, { oid: OIDS.pharmacy, type: 'pharmacy', discloses: false, name: 'きじ薬局' });
  await seedFacility(hub.store, { oid: OIDS.outside, type: 'clinic', name: '鬼ヶ島クリニック' });
  await seedFacility(hub.store, { oid: OIDS.office, type: 'network-office', discloses: false, views: false });
  const team: CabinetTeam = {
    doctor: await seedUser(hub.store, { facilityOid: OIDS.clinic, profession: 'doctor', name: '岡山 太郎' }),
    nurse: await seedUser(hub.store, { facilityOid: OIDS.nursing, profession: 'nurse', name: '吉備 花子' }),
    careManager: await seedUser(hub.store, {
      facilityOid: OIDS.care,
      profession: 'care-manager',
      name: '倉敷 次郎',
    }),
    pharmacist: await seedUser(hub.store, {
      facilityOid: OIDS.pharmacy,
      profession: 'pharmacist',
      name: '玉野 三郎',
    }),
    outsider: await seedUser(hub.store, { facilityOid: OIDS.outside, profession: 'doctor', name: '鬼 一郎' }),
    office: {
      ...(await seedUser(hub.store, { facilityOid: OIDS.office, profession: 'office' })),
      office: true,
    },
  };
  const now = new Date().toISOString();
  await hub.store.db
    .insertInto('hub_cabinet_group')
    .values({
      id: groupId,
      name: 'もも脳ネット',
      area: '岡山市',
      columns_json: null,
      status: 'active',
      created_at: now,
      updated_at: now,
    })
    .execute();
  await hub.store.db
    .insertInto('hub_cabinet_group_facility')
    .values(
      [OIDS.clinic, OIDS.nursing, OIDS.care, OIDS.pharmacy].map((oid) => ({
        group_id: groupId,
        facility_oid: oid,
      })),
    )
    .execute();
  return team;
}

export const PATIENT = {
  name: '桃山 ウメ',
  kana: 'モモヤマ ウメ',
  birthDate: '1938-04-02',
  sex: 'female' as const,
  address: '岡山市北区',
};

/** Today in Asia/Tokyo (YYYY-MM-DD): a consent that starts today is in force. */
export const tokyoToday = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

type Role = Exclude<keyof CabinetTeam, 'office'>;
const FACILITY_OF: Record<Role, string> = {
  doctor: OIDS.clinic,
  nurse: OIDS.nursing,
  careManager: OIDS.care,
  pharmacist: OIDS.pharmacy,
  outsider: OIDS.outside,
};

/**
 * The nurse opens 桃山 ウメ's cabinet in もも脳ネット with a consent from today covering `facilities`
 * (default the clinic and the care office), invites `invite` (default the doctor and the care manager)
 * and `accept` of them accept (default all). Returns the cabinet's id.
 */
export async function openTeamCabinet(
  hub: HubUnderTest,
  team: CabinetTeam,
  options: { facilities?: string[]; invite?: Role[]; accept?: Role[] } = {},
): Promise<string> {
  const invite = options.invite ?? ['doctor', 'careManager'];
  const opened = await hub.app.inject({
    method: 'POST',
    url: '/api/v1/cabinets',
    headers: hub.as(team.nurse),
    payload: {
      groupId: 'momo',
      patient: PATIENT,
      consent: { startDate: tokyoToday(), facilities: options.facilities ?? [OIDS.clinic, OIDS.care] },
      invite: invite.map((role) => ({ userId: team[role].userId, facilityOid: FACILITY_OF[role] })),
    },
  });
  if (opened.statusCode !== 201) throw new Error(`cabinet not opened: ${opened.body}`);
  const id = opened.json().id as string;
  for (const role of options.accept ?? invite) {
    const accepted = await hub.app.inject({
      method: 'POST',
      url: `/api/v1/cabinets/${id}/accept`,
      headers: hub.as(team[role]),
    });
    if (accepted.statusCode !== 200) throw new Error(`${role} could not accept: ${accepted.body}`);
  }
  return id;
}
