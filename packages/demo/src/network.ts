import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CATEGORIES, type Category } from '@hie/contract';
import {
  completeGatewayConfig,
  gatewayConfigSchema,
  HPD_FEED_PATH,
  type RunningGateway,
  startGateway,
} from '@hie/gateway';
import {
  completeHubConfig,
  hubConfigSchema,
  newTotpSecret,
  type RunningHub,
  startHub,
  subscribeToDirectory,
} from '@hie/hub';
import { DEFAULT_END_DATE, generateStorage, imagingScenario } from '@hie/ssmix2';
import { DEMO_FACILITIES, DEMO_PASSWORD, DEMO_USERS, type DemoFacility } from './facilities.js';
import { DEMO_HPKI_PORT, type DemoCard, prepareDemoHpki } from './hpki.js';
import { generateDemoImages, imagingSince } from './images.js';
import { type NeighbourNetwork, startNeighbourNetwork } from './neighbour.js';
import { type DemoRepository, seedRepositoryConsents, startDemoRepository } from './repository.js';
import { type DemoSeedResult, seedDemoHub } from './seed.js';
import { seedDemoCabinets } from './seed-cabinets.js';
import { seedDemoConsents } from './seed-consents.js';
import { findShowcase, type Showcase } from './showcase.js';

export interface DemoNetworkOptions {
  /** Where generated storage, stores and keys live (`demo-data/`). Reused when present. */
  dir: string;
  /** Patients per hospital (default 200). */
  patients?: number;
  /** Hub port (default 8100; 0 = any free port, gateways then too). */
  hubPort?: number;
  host?: string;
  /** The built web app to serve. */
  webRoot?: string;
  /** Pino logs of hub and gateways (default off). */
  logger?: boolean;
  /** Progress lines for a terminal. */
  onProgress?: (line: string) => void;
  /** Resolve only when the hub's patient index holds every gateway's patients (default true). */
  waitForFeed?: boolean;
  /** Seed of the generator (default 2013, the year 晴れやかネット started). */
  seed?: number;
  /** Systems the hub signs users into as SAML IdP (their metadata files), beside its own metadata. */
  samlServiceProviders?: { metadata: string; name?: string; landing?: string }[];
  /** Also start the neighbouring network (HM-net: its hub, one hospital, the agreement both ways). */
  neighbour?: boolean;
}

export interface DemoLogin {
  loginId: string;
  password: string;
  totpSecret: string;
  profession: string;
  name: string;
  facilityName: string;
  facilityOid: string;
  note: string;
}

export interface DemoNetwork {
  hub: RunningHub;
  hubUrl: string;
  /** The HPKI card listener (the portal asking for a card), and the demo cards to present there. */
  cardUrl: string | null;
  cards: DemoCard[];
  gateways: Array<{ facility: DemoFacility; gateway: RunningGateway; oid: string }>;
  /** The small-facility repository: the clinic (ORCA, a lab centre) and the pharmacy (お薬手帳). */
  repository: DemoRepository;
  logins: DemoLogin[];
  seed: DemoSeedResult;
  /** The patients worth opening first (a consented diabetes follow-up; one who consented nowhere). */
  showcase: Showcase;
  /** The neighbouring network, when started (`neighbour`). */
  neighbour: NeighbourNetwork | null;
  stop(): Promise<void>;
}

const ALL_CATEGORIES = Object.keys(CATEGORIES) as Category[];
/** Demo ports of the repository and of the clinic's ORCA (simulated). */
const REPOSITORY_PORT = 8110;
const ORCA_PORT = 8111;
/** The generator's seed: 2013, the year 晴れやかネット started. */
const DEFAULT_SEED = 2013;

/**
 * The whole network on one machine with the embedded store: SS-MIX2 storage generated for the
 * hospitals (the same people at several of them), the hub with its directory, users of every
 * profession (password + TOTP), policy and consents, and one gateway per hospital feeding the hub's
 * patient index. What `npm start` runs, and what the browser tests run against.
 */
export async function startDemoNetwork(options: DemoNetworkOptions): Promise<DemoNetwork> {
  const say = options.onProgress ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const anyPort = options.hubPort === 0;
  const truthFile = join(options.dir, 'ground-truth.csv');
  const hospitals = DEMO_FACILITIES.filter((f) => f.discloses);
  await generateDemoStorage(options);

  const hubDir = join(options.dir, 'hub');
  const hpki = await prepareDemoHpki(options.dir, host, anyPort ? 0 : DEMO_HPKI_PORT);
  const hub = await startHub(
    completeHubConfig(
      hubConfigSchema.parse({
        dataDir: hubDir,
        host,
        port: options.hubPort ?? 8100,
        signingKey: join(options.dir, 'keys', 'hub-signing.key.pem'),
        secureCookies: false,
        gatewayTimeoutMs: 3000,
        logLevel: 'warn',
        // Web Push where the machine reaches the browsers' push services; offline, the panel says it failed.
        cabinetPush: { subject: 'mailto:office@demo.hareyaka.invalid' },
        // HPKI card login on its own TLS port, trusting the demo's test PKI only.
        hpki: hpki.config,
        // The hub as SAML IdP (its metadata at /saml/idp/metadata) for the systems given.
        saml: { serviceProviders: options.samlServiceProviders ?? [] },
        ...(options.webRoot ? { webRoot: options.webRoot } : {}),
      }),
    ),
    { logger: options.logger ?? false },
  );
  const stops: Array<() => Promise<void>> = [() => hub.stop()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    say(`Hub on ${hub.url}`);
    const gatewayPorts = new Map(hospitals.map((f) => [f.key, anyPort ? 0 : f.port!]));
    const loginsFile = join(hubDir, 'demo-logins.json');
    const saved = await readSaved(loginsFile);
    const totpSecrets = new Map(saved?.logins.map((l) => [l.loginId, l.totpSecret]) ?? []);
    for (const u of DEMO_USERS) if (!totpSecrets.has(u.loginId)) totpSecrets.set(u.loginId, newTotpSecret());

    // Gateways first need to exist for their URL; the port is known up front unless it is 0.
    const gateways: DemoNetwork['gateways'] = [];
    const seeded = await seedDemoHub(hub.deps, {
      truthFile,
      totpSecrets,
      gatewayUrl: (f) => {
        const port = gatewayPorts.get(f.key);
        return port ? `http://${host}:${port}` : null;
      },
    });
    await hpki.bind(hub.deps);
    if (hub.cardUrl)
      say(`HPKI card login on ${hub.cardUrl} (demo cards in ${join(options.dir, 'hpki', 'cards')})`);
    for (const f of hospitals) {
      const code = f.code!;
      const config = completeGatewayConfig(
        gatewayConfigSchema.parse({
          facility: { institutionCode: code, name: f.name },
          storage: {
            roots: [join(options.dir, code, 'standard')],
            extended: [join(options.dir, code, 'extended')],
            dicom: [join(options.dir, code, 'dicom')],
          },
          dataDir: join(options.dir, code, 'gateway'),
          host,
          port: gatewayPorts.get(f.key) ?? 0,
          // Always listening (HL7 v2 in is part of what the demo shows): on a free port when every port is free.
          mllp: { port: anyPort ? 0 : f.mllpPort, host },
          hub: {
            keys: join(options.dir, 'keys', 'hub-signing.pub.pem'),
            issuer: hub.deps.settings.issuer,
            url: hub.url,
            feedToken: seeded.feedTokens.get(f.key),
            feedPollMs: 2000,
          },
          disclosure: { categories: ALL_CATEGORIES },
          logLevel: 'warn',
        }),
      );
      say(`${f.name}: gateway starting (first load of its storage)…`);
      const gateway = await startGateway(config, { waitForLoad: true, logger: options.logger ?? false });
      stops.push(() => gateway.stop());
      gateways.push({ facility: f, gateway, oid: config.facility.oid });
      say(`${f.name}: gateway on ${gateway.url}`);
      if (anyPort) await seeded.setGatewayUrl(f, gateway.url);
      // The office's directory reaches the gateway by ITI-59: it then serves the network's active users only.
      await subscribeToDirectory(
        hub.deps,
        config.facility.oid,
        { endpoint: `${gateway.url}${HPD_FEED_PATH}` },
        'demo',
      );
    }

    await writeDemoIheSystem(join(hubDir, 'demo-ihe.json'), hub.url, gateways[0], seeded.feedTokens);

    const repository = await startDemoRepository({
      dir: options.dir,
      host,
      port: anyPort ? 0 : REPOSITORY_PORT,
      orcaPort: anyPort ? 0 : ORCA_PORT,
      hub,
      keysFile: join(options.dir, 'keys', 'hub-signing.pub.pem'),
      oids: seeded.oids,
      feedTokens: seeded.feedTokens,
      truth: seeded.truth,
      facilities: DEMO_FACILITIES,
      setUrl: (f, url) => seeded.setGatewayUrl(f, url),
      say,
    });
    stops.push(() => repository.stop());
    // The office's screen registers clinics and pharmacies in it from the directory.
    hub.deps.settings.repository = { url: repository.repository.url, adminToken: repository.adminToken };

    if (options.waitForFeed !== false || seeded.fresh) {
      say('Waiting for the gateways and the repository to feed the patient index…');
      await waitForFeed(hub, [
        ...gateways.map((g) => ({ db: g.gateway.store.db, wake: () => g.gateway.feeder?.wake() })),
        // The repository's tenants feed on their poll (2 s in the demo).
        { db: repository.repository.store.db as unknown as GatewayDb },
      ]);
    }
    const repositoryConsents = await seedRepositoryConsents(hub.deps, seeded.oids, repository);
    if (repositoryConsents) say(`Registered ${repositoryConsents} consents at the clinic and the pharmacy`);
    if (seeded.fresh) {
      const scenario = imagingScenario(options.seed ?? DEFAULT_SEED);
      const n = await seedDemoConsents(
        hub.deps,
        seeded.truth,
        seeded.oids,
        seeded.codeToKey,
        new Set(scenario ? [scenario.personId] : []),
      );
      say(`Registered ${n} consents (施設単位) at the hospitals`);
    }
    // Once per hub (it looks for the groups first): a demo-data/ made before the Care Cabinet gets it too.
    const posts = await seedDemoCabinets(hub.deps, seeded.oids);
    if (posts) say(`Opened 3 Care Cabinets (もも脳ネット) with a month of ${posts} posts`);

    const logins: DemoLogin[] = DEMO_USERS.map((u) => {
      const facility = DEMO_FACILITIES.find((f) => f.key === u.facility)!;
      return {
        loginId: u.loginId,
        password: DEMO_PASSWORD,
        totpSecret: totpSecrets.get(u.loginId)!,
        profession: u.profession,
        name: u.name,
        facilityName: facility.name,
        facilityOid: seeded.oids.get(facility.key)!,
        note: u.note,
      };
    });
    await mkdir(hubDir, { recursive: true });
    await writeFile(loginsFile, `${JSON.stringify({ logins }, null, 2)}\n`, { mode: 0o600 });
    await chmod(loginsFile, 0o600);
    const neighbour = options.neighbour
      ? await startNeighbourNetwork({
          dir: options.dir,
          host,
          anyPort,
          port: (options.hubPort ?? 8100) + 100,
          patients: options.patients ?? 200,
          seed: options.seed ?? DEFAULT_SEED,
          ...(options.webRoot ? { webRoot: options.webRoot } : {}),
          ...(options.logger !== undefined ? { logger: options.logger } : {}),
          say,
          ours: { hub, oids: seeded.oids, truth: seeded.truth },
          waitForFeed: (h, g) => waitForFeed(h, [{ db: g.store.db, wake: () => g.feeder?.wake() }]),
        })
      : null;
    if (neighbour) stops.push(() => neighbour.stop());
    const showcase = await findShowcase(
      hub.store,
      gateways.map((g) => ({ oid: g.oid, store: g.gateway.store })),
    );
    return {
      hub,
      hubUrl: hub.url,
      cardUrl: hub.cardUrl ?? null,
      cards: hpki.cards,
      gateways,
      repository,
      logins,
      seed: seeded,
      showcase,
      neighbour,
      stop: stopAll,
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/**
 * SS-MIX2 storage (standardized and extended) for each demo hospital under `<dir>/<code>/`, with one
 * ground-truth file for patient matching; storage already there is reused.
 */
export async function generateDemoStorage(
  options: Pick<DemoNetworkOptions, 'dir' | 'patients' | 'seed' | 'onProgress'>,
): Promise<void> {
  const say = options.onProgress ?? (() => undefined);
  const patients = options.patients ?? 200;
  const seedNumber = options.seed ?? DEFAULT_SEED;
  const truthFile = join(options.dir, 'ground-truth.csv');
  const hospitals = DEMO_FACILITIES.filter((f) => f.discloses);
  for (const f of hospitals) {
    const code = f.code!;
    const standard = join(options.dir, code, 'standard');
    if (existsSync(standard) && readdirSync(standard).length > 0) {
      say(`${f.name} (${code}): reusing ${standard}`);
      continue;
    }
    say(`${f.name} (${code}): generating ${patients} patients, 5 years…`);
    await generateStorage({
      patients,
      facilityCode: code,
      years: 5,
      seed: seedNumber,
      out: standard,
      truthFile,
      extendedOut: join(options.dir, code, 'extended'),
    });
  }
  // Images of the last months' studies (the hospital's DICOM export), for each hospital that has none yet.
  for (const f of hospitals) {
    const code = f.code!;
    const out = join(options.dir, code, 'dicom');
    if (existsSync(out) && readdirSync(out).length > 0) continue;
    const images = generateDemoImages({
      standard: join(options.dir, code, 'standard'),
      out,
      seed: seedNumber,
      since: imagingSince(DEFAULT_END_DATE),
    });
    const withoutImages = images.ctWithoutImages
      ? `, ${images.ctWithoutImages} older CT with report only`
      : '';
    say(
      `${f.name} (${code}): ${images.studies} imaging studies as DICOM (${images.ct} CT${withoutImages}; ${images.files} files, ${Math.round(images.bytes / 1e6)} MB)`,
    );
  }
}

async function readSaved(file: string): Promise<{ logins: DemoLogin[] } | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as { logins: DemoLogin[] };
  } catch {
    return null;
  }
}

type GatewayDb = RunningGateway['store']['db'];

/** Until the hub's index holds as many records as the sources have patients (60 s at most). */
async function waitForFeed(
  hub: RunningHub,
  sources: readonly { db: GatewayDb; wake?: () => void }[],
): Promise<void> {
  let expected = 0;
  for (const { db } of sources) {
    const row = await db
      .selectFrom('gw_patient')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    expected += Number(row.n);
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = await hub.store.db
      .selectFrom('mpi_record')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(row.n) >= expected) return;
    if (Date.now() > deadline) {
      throw new Error(
        `the patient index has ${row.n} of ${expected} records after 60 s: is the feed failing?`,
      );
    }
    for (const { wake } of sources) wake?.();
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The IHE endpoints' demo caller (README § IHE): the first hospital's system, known by its feed token
 * (the node identity until mutual TLS), written where the README's curl examples read it.
 */
async function writeDemoIheSystem(
  file: string,
  hubUrl: string,
  gateway: { facility: DemoFacility; oid: string } | undefined,
  tokens: ReadonlyMap<string, string>,
): Promise<void> {
  const token = gateway ? tokens.get(gateway.facility.key) : undefined;
  if (!gateway || !token) return;
  const system = {
    note: 'A facility system for the IHE endpoints (ITI-44/45 at /ihe/pix, ITI-47 at /ihe/pdq): send SOAP 1.2 with this bearer token.',
    facility: gateway.facility.name,
    facilityOid: gateway.oid,
    token,
    pix: `${hubUrl}/ihe/pix`,
    pdq: `${hubUrl}/ihe/pdq`,
  };
  await writeFile(file, `${JSON.stringify(system, null, 2)}\n`, { mode: 0o600 });
}
