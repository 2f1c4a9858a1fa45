import { readFile } from 'node:fs/promises';
import type { Profession } from '@hie/contract';
import type { HubDeps } from '@hie/hub';
import {
  createFacility,
  createUser,
  enrolTotp,
  findUserByLoginId,
  issueFeedToken,
  setPassword,
  updateFacility,
} from '@hie/hub';
import { DEMO_FACILITIES, DEMO_PASSWORD, DEMO_USERS, type DemoFacility } from './facilities.js';
import { seedDemoPolicy } from './seed-consents.js';

export interface DemoSeedResult {
  /** Facility key → OID. */
  oids: Map<string, string>;
  /** Hospital key → its gateway's feed token (issued anew at each start). */
  feedTokens: Map<string, string>;
  /** True when this start filled an empty hub (consents are then registered after the feed). */
  fresh: boolean;
  truth: TruthEntry[];
  codeToKey: Map<string, string>;
  setGatewayUrl(facility: DemoFacility, url: string): Promise<void>;
}

/** One row of the generator's ground truth (see @hie/ssmix2 TRUTH_HEADER). */
export interface TruthEntry {
  personId: string;
  facilityCode: string;
  localId: string;
  familyKanji: string;
  givenKanji: string;
  familyKana: string;
  givenKana: string;
  birthDate: string;
  /** M | F, as the facility recorded it. */
  sex: string;
  postcode: string;
}

export async function readTruth(file: string): Promise<TruthEntry[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').slice(1);
  const out: TruthEntry[] = [];
  for (const line of lines) {
    const [
      personId,
      facilityCode,
      localId,
      ,
      familyKanji,
      givenKanji,
      familyKana,
      givenKana,
      birthDate,
      sex,
      postcode,
    ] = line.split(',');
    if (!personId || !facilityCode || !localId) continue;
    out.push({
      personId,
      facilityCode,
      localId,
      familyKanji: familyKanji ?? '',
      givenKanji: givenKanji ?? '',
      familyKana: familyKana ?? '',
      givenKana: givenKana ?? '',
      birthDate: birthDate ?? '',
      sex: sex ?? '',
      postcode: postcode ?? '',
    });
  }
  return out;
}

/**
 * Fills an empty hub with the demo network (facilities, users of every profession, policy,
 * consents); on a hub seeded before, only refreshes what changes per start (gateway URLs, feed
 * tokens, TOTP secrets). Everything goes through the same functions the admin API uses, audited.
 */
export async function seedDemoHub(
  deps: HubDeps,
  options: {
    truthFile: string;
    totpSecrets: ReadonlyMap<string, string>;
    gatewayUrl: (facility: DemoFacility) => string | null;
  },
): Promise<DemoSeedResult> {
  const oids = new Map<string, string>();
  const fresh =
    (await deps.store.db.selectFrom('hub_facility').select('oid').limit(1).execute()).length === 0;
  for (const f of DEMO_FACILITIES) {
    if (fresh) {
      const { facility } = await createFacility(deps, {
        ...(f.oid ? { oid: f.oid } : {}),
        code: f.code,
        name: f.name,
        nameKana: f.nameKana,
        type: f.type,
        prefecture: '33',
        discloses: f.discloses || f.repository === true,
        views: f.views,
        gatewayUrl: f.discloses || f.repository ? options.gatewayUrl(f) : null,
      });
      oids.set(f.key, facility.oid);
    } else {
      const row = await deps.store.db
        .selectFrom('hub_facility')
        .select('oid')
        .where((eb) => (f.code ? eb('code', '=', f.code) : eb('oid', '=', f.oid!)))
        .executeTakeFirstOrThrow();
      oids.set(f.key, row.oid);
      if (f.discloses || f.repository)
        await updateFacility(deps, row.oid, { gatewayUrl: options.gatewayUrl(f) });
    }
  }
  for (const u of DEMO_USERS) {
    await ensureDemoUser(
      deps,
      u,
      { facilityOid: oids.get(u.facility)!, role: u.role ?? 'member' },
      options.totpSecrets.get(u.loginId)!,
    );
  }
  const feedTokens = new Map<string, string>();
  for (const f of DEMO_FACILITIES.filter((x) => x.discloses || x.repository)) {
    feedTokens.set(f.key, (await issueFeedToken(deps, oids.get(f.key)!)).token);
  }

  const truth = await readTruth(options.truthFile);
  const codeToKey = new Map(DEMO_FACILITIES.filter((f) => f.code).map((f) => [f.code!, f.key]));
  if (fresh) await seedDemoPolicy(deps, oids);
  return {
    oids,
    feedTokens,
    fresh,
    truth,
    codeToKey,
    async setGatewayUrl(facility, url) {
      await updateFacility(deps, oids.get(facility.key)!, { gatewayUrl: url });
    },
  };
}

/** A demo user (made once), with the demo password and the given TOTP secret; its id. */
export async function ensureDemoUser(
  deps: HubDeps,
  u: { loginId: string; name: string; nameKana: string; profession: Profession },
  membership: { facilityOid: string; role: 'member' | 'admin' },
  totpSecret: string,
): Promise<string> {
  let user = await findUserByLoginId(deps.store, u.loginId);
  if (!user) {
    ({ user } = await createUser(deps, {
      loginId: u.loginId,
      name: u.name,
      nameKana: u.nameKana,
      profession: u.profession,
      password: DEMO_PASSWORD,
      memberships: [membership],
    }));
  }
  await setPassword(deps.store, user.id, DEMO_PASSWORD, { mustChange: false });
  await enrolTotp(deps.store, user.id, totpSecret);
  return user.id;
}
