import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CATEGORIES } from '@hie/contract';
import { completeGatewayConfig, gatewayConfigSchema, type RunningGateway, startGateway } from '@hie/gateway';
import {
  completeHubConfig,
  createFacility,
  createUser,
  enrolTotp,
  findUserByLoginId,
  type HubPrincipal,
  hubConfigSchema,
  issueFeedToken,
  newTotpSecret,
  parseSpMetadata,
  type RunningHub,
  recordsFor,
  registerConsent,
  type ServiceProvider,
  setDisclosure,
  setJitFacilities,
  setPassword,
  startHub,
} from '@hie/hub';
import { generateStorage } from '@hie/ssmix2';
import { DEMO_PASSWORD } from './facilities.js';
import { ensureDemoUser, readTruth, type TruthEntry } from './seed.js';

/** The neighbouring network of the seed (広島県の HM-net): one hospital near the border, its office. */
export const NEIGHBOUR = {
  name: 'HM-net',
  hospital: { code: '3410110015', name: '備後中央病院', nameKana: 'ビンゴチュウオウビョウイン' },
  office: {
    oid: '1.2.392.200284.34.9000000000',
    name: 'HM-net事務局',
    nameKana: 'エイチエムネットジムキョク',
  },
  /** Its hub (its gateway on the next port): ours + 100. */
  hubPort: 8200,
} as const;

/** The neighbour's demo users (password + TOTP like the portal's). */
const USERS = [
  {
    loginId: 'hm.doctor',
    name: '備後 健一',
    nameKana: 'ビンゴ ケンイチ',
    profession: 'doctor',
    at: 'hospital',
  },
  { loginId: 'hm.clerk', name: '福山 由美', nameKana: 'フクヤマ ユミ', profession: 'clerk', at: 'hospital' },
  { loginId: 'hm.office', name: '三原 誠', nameKana: 'ミハラ マコト', profession: 'office', at: 'office' },
] as const;

export interface NeighbourNetwork {
  hub: RunningHub;
  /** Its portal, on another host name than ours (`localhost`): each portal keeps its own session cookie. */
  url: string;
  gateway: RunningGateway;
  logins: { loginId: string; password: string; totpSecret: string; name: string; note: string }[];
  /**
   * A patient of both networks: consented at our hospital to our clinic, and at the neighbour's
   * hospital to our clinic and 岡山大学病院 (its consent form names them): what the HM-net link opens.
   */
  borderPatient: { personId: string; name: string; birthDate: string } | null;
  /** One whose neighbour consent does not name our facilities: the link lands on an empty search there. */
  withheldPatient: { personId: string; name: string; birthDate: string } | null;
  stop(): Promise<void>;
}

export interface NeighbourOptions {
  dir: string;
  host: string;
  anyPort: boolean;
  /** Its hub's port (its gateway's is the next); ignored with `anyPort`. */
  port?: number;
  patients: number;
  seed: number;
  webRoot?: string;
  logger?: boolean;
  say: (line: string) => void;
  /** Our network: its hub (an IdP), facility OIDs by key, its ground truth. */
  ours: { hub: RunningHub; oids: ReadonlyMap<string, string>; truth: readonly TruthEntry[] };
  /** Until the neighbour's gateway has fed its patient index. */
  waitForFeed: (hub: RunningHub, gateway: RunningGateway) => Promise<void>;
}

/**
 * The neighbouring network (issue 16): a hub of its own — directory, consent, policy, audit — with one
 * hospital near the border whose patients are partly ours (the generator's population is shared), and
 * an interconnection agreement both ways: the two offices exchange metadata (files under
 * `hm-net/partners/`), our clinic and 岡山大学病院 may open patients there, and the neighbour's office
 * lets their users in just in time. The neighbour's consent forms decide what our users see there.
 */
export async function startNeighbourNetwork(o: NeighbourOptions): Promise<NeighbourNetwork> {
  const base = join(o.dir, 'hm-net');
  const code = NEIGHBOUR.hospital.code;
  const truthFile = join(base, 'ground-truth.csv');
  const standard = join(base, code, 'standard');
  if (!existsSync(standard) || readdirSync(standard).length === 0) {
    o.say(
      `${NEIGHBOUR.name} ${NEIGHBOUR.hospital.name} (${code}): generating ${o.patients} patients, 5 years…`,
    );
    await generateStorage({
      patients: o.patients,
      facilityCode: code,
      years: 5,
      seed: o.seed,
      out: standard,
      truthFile,
      extendedOut: join(base, code, 'extended'),
    });
  }
  // Metadata exchanged by the offices: ours (IdP) to them as a file.
  const partners = join(base, 'partners');
  await mkdir(partners, { recursive: true });
  const ourIdp = join(partners, 'hareyaka-idp.xml');
  await writeFile(ourIdp, await (await fetch(`${o.ours.hub.url}/saml/idp/metadata`)).text());

  // Its portal on `localhost` (ours is on 127.0.0.1): two sites, two session cookies in one browser.
  const port = o.anyPort ? await freePort() : (o.port ?? NEIGHBOUR.hubPort);
  const publicUrl = `http://localhost:${port}`;
  const hub = await startHub(
    completeHubConfig(
      hubConfigSchema.parse({
        dataDir: join(base, 'hub'),
        host: o.host,
        port,
        signingKey: join(base, 'keys', 'hub-signing.key.pem'),
        secureCookies: false,
        networkName: { ja: 'HM-net（広島）', en: 'HM-net (Hiroshima)' },
        gatewayTimeoutMs: 3000,
        logLevel: 'warn',
        saml: {
          baseUrl: publicUrl,
          identityProviders: [
            {
              metadata: ourIdp,
              name: '晴れやかネット',
              allowUnsolicited: true,
              patientLanding: true,
              // Our hub may ask for its records of a patient for our agreement facilities' users (XUA).
              partnerRecords: true,
            },
          ],
        },
        ...(o.webRoot ? { webRoot: o.webRoot } : {}),
      }),
    ),
    { logger: o.logger ?? false },
  );
  const stops: Array<() => Promise<void>> = [() => hub.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    o.say(`${NEIGHBOUR.name} hub on ${publicUrl}`);
    const deps = hub.deps;
    const gatewayPort = o.anyPort ? 0 : port + 1;
    const fresh =
      (await deps.store.db.selectFrom('hub_facility').select('oid').limit(1).execute()).length === 0;
    const clinic = o.ours.oids.get('clinic')!;
    const ouh = o.ours.oids.get('ouh')!;
    let hospitalOid: string;
    if (fresh) {
      ({
        facility: { oid: hospitalOid },
      } = await createFacility(deps, {
        code,
        name: NEIGHBOUR.hospital.name,
        nameKana: NEIGHBOUR.hospital.nameKana,
        type: 'hospital',
        prefecture: '34',
        discloses: true,
        views: true,
        gatewayUrl: gatewayPort ? `http://${o.host}:${gatewayPort}` : null,
      }));
      await createFacility(deps, {
        oid: NEIGHBOUR.office.oid,
        name: NEIGHBOUR.office.name,
        nameKana: NEIGHBOUR.office.nameKana,
        type: 'network-office',
        prefecture: '34',
        discloses: false,
        views: false,
      });
      // Our facilities in the agreement, registered by their office in its directory (they view only).
      for (const [oid, name, type] of [
        [clinic, 'ももたろう内科クリニック（晴れやかネット）', 'clinic'],
        [ouh, '岡山大学病院（晴れやかネット）', 'hospital'],
      ] as const) {
        await createFacility(deps, { oid, name, type, prefecture: '33', discloses: false, views: true });
      }
      await setDisclosure(deps, null, hospitalOid, Object.keys(CATEGORIES));
    } else {
      hospitalOid = (
        await deps.store.db
          .selectFrom('hub_facility')
          .select('oid')
          .where('code', '=', code)
          .executeTakeFirstOrThrow()
      ).oid;
    }
    const logins: NeighbourNetwork['logins'] = [];
    const principals = new Map<string, HubPrincipal>();
    for (const u of USERS) {
      const facilityOid = u.at === 'office' ? NEIGHBOUR.office.oid : hospitalOid;
      const secret = newTotpSecret();
      const userId = await ensureDemoUser(
        deps,
        u,
        { facilityOid, role: u.profession === 'clerk' ? 'admin' : 'member' },
        secret,
      );
      logins.push({
        loginId: u.loginId,
        password: DEMO_PASSWORD,
        totpSecret: secret,
        name: u.name,
        note: `${NEIGHBOUR.name} ${u.at === 'office' ? NEIGHBOUR.office.name : NEIGHBOUR.hospital.name}`,
      });
      principals.set(u.loginId, {
        userId,
        loginId: u.loginId,
        name: u.name,
        profession: u.profession,
        facilityOid,
        facilityRole: u.profession === 'clerk' ? 'admin' : 'member',
        office: u.profession === 'office',
        sessionId: 'demo',
      });
    }
    // Their office lets users of our agreement facilities in at their first crossing.
    const ourEntity = [...(hub.saml.sp?.identityProviders.keys() ?? [])][0];
    if (ourEntity) await setJitFacilities(deps.store, ourEntity, [clinic, ouh], 'demo', deps.now());

    const config = completeGatewayConfig(
      gatewayConfigSchema.parse({
        facility: { institutionCode: code, name: NEIGHBOUR.hospital.name },
        storage: { roots: [standard], extended: [join(base, code, 'extended')] },
        dataDir: join(base, code, 'gateway'),
        host: o.host,
        port: gatewayPort,
        hub: {
          keys: join(base, 'keys', 'hub-signing.pub.pem'),
          issuer: deps.settings.issuer,
          url: hub.url,
          feedToken: (await issueFeedToken(deps, hospitalOid)).token,
          feedPollMs: 2000,
        },
        disclosure: { categories: Object.keys(CATEGORIES) },
        logLevel: 'warn',
      }),
    );
    o.say(`${NEIGHBOUR.name} ${NEIGHBOUR.hospital.name}: gateway starting…`);
    const gateway = await startGateway(config, { waitForLoad: true, logger: o.logger ?? false });
    stops.push(() => gateway.stop());
    if (!gatewayPort) {
      await deps.store.db
        .updateTable('hub_facility')
        .set({ gateway_url: gateway.url })
        .where('oid', '=', hospitalOid)
        .execute();
    }
    await o.waitForFeed(hub, gateway);

    // Their consent forms: the border patients consent at 備後中央病院 to our clinic and 岡山大学病院 —
    // one in three to their own hospital only.
    const ours = new Set(o.ours.truth.map((t) => t.personId));
    const theirs = (await readTruth(truthFile)).filter((t) => ours.has(t.personId));
    const clerk = principals.get('hm.clerk')!;
    const withheld = new Set<string>();
    if (fresh) {
      for (const t of theirs) {
        const open = hash(t.personId) % 3 !== 0;
        if (!open) withheld.add(t.personId);
        await registerConsent(deps, clerk, {
          facilityOid: hospitalOid,
          localId: t.localId,
          scope: 'listed',
          viewers: open ? [hospitalOid, clinic, ouh] : [hospitalOid],
          startDate: '2025-04-01',
          note: 'デモ: HM-net 同意書（晴れやかネット連携）',
        });
      }
      o.say(
        `${NEIGHBOUR.name}: ${theirs.length} patients are also ours; ${theirs.length - withheld.size} consented to our facilities`,
      );
    } else {
      for (const t of theirs) if (hash(t.personId) % 3 === 0) withheld.add(t.personId);
    }

    // Our side of the agreement: their portal (SP) for our clinic and 岡山大学病院, and their hub's
    // records of a shared patient in those facilities' timelines.
    const spXml = await (await fetch(`${hub.url}/saml/sp/metadata`)).text();
    await writeFile(join(partners, 'hm-net-sp.xml'), spXml);
    const partner = parseSpMetadata(spXml, NEIGHBOUR.name, `${publicUrl}/`, [clinic, ouh], publicUrl);
    const idp = o.ours.hub.saml.idp;
    if (idp) (idp.serviceProviders as Map<string, ServiceProvider>).set(partner.entityId, partner);

    const clinicDoctor =
      (await findUserByLoginId(o.ours.hub.store, 'clinic.doctor'))?.id ?? 'no-clinic-doctor';
    const pick = async (open: boolean) => {
      for (const t of theirs) {
        if (withheld.has(t.personId) === open) continue;
        const mine = o.ours.truth.find((x) => x.personId === t.personId);
        if (!mine) continue;
        const row = await o.ours.hub.store.db
          .selectFrom('mpi_record')
          .select('person_id')
          .where('local_id', '=', mine.localId)
          .where('facility_oid', 'in', [...o.ours.oids.values()])
          .executeTakeFirst();
        if (!row) continue;
        const seen = await recordsFor(
          o.ours.hub.deps,
          { userId: clinicDoctor, facilityOid: clinic },
          row.person_id,
        );
        if (seen.visible)
          return {
            personId: row.person_id,
            name: `${mine.familyKanji} ${mine.givenKanji}`,
            birthDate: mine.birthDate,
          };
      }
      return null;
    };
    return {
      hub,
      url: publicUrl,
      gateway,
      logins,
      borderPatient: await pick(true),
      withheldPatient: await pick(false),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

function hash(s: string): number {
  let h = 2166136261;
  for (const ch of s) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
