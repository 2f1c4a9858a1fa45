import { randomUUID } from 'node:crypto';
import type { Engine } from '@hie/platform';
import { generateSigningKey } from '@hie/platform';
import type { FastifyInstance } from 'fastify';
import { createHubApp } from './api/app.js';
import { newConsentRow } from './consent/registry.js';
import {
  DEFAULT_HUB_SETTINGS,
  type HubDeps,
  type HubPrincipal,
  type HubRoutes,
  type HubSettings,
} from './http.js';
import { recordColumns } from './mpi/records.js';
import { createTestStore, type TestStore } from './testing/store.js';

/**
 * Test support for hub route modules: a real store (SQLite or PostgreSQL), the real app shell, and a
 * principal taken from the `x-test-principal` header (base64url JSON) instead of a session cookie.
 * Never imported by production code.
 */
export interface HubUnderTest {
  app: FastifyInstance;
  deps: HubDeps;
  store: TestStore;
  /** Headers that make a request act as `principal`. */
  as(principal: HubPrincipal): Record<string, string>;
  dispose(): Promise<void>;
}

const TEST_PRINCIPAL_HEADER = 'x-test-principal';

export const testIdentify: HubRoutes = (app) => {
  app.addHook('onRequest', async (request) => {
    const header = request.headers[TEST_PRINCIPAL_HEADER];
    if (typeof header === 'string') {
      request.principal = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as HubPrincipal;
    }
  });
};

export async function hubUnderTest(
  engine: Engine,
  routes: readonly HubRoutes[],
  options: {
    settings?: Partial<HubSettings>;
    now?: () => Date;
    fetch?: typeof fetch;
    identify?: HubRoutes;
    webRoot?: string;
    /** Route modules at the root, outside `/api/v1` (the IHE endpoints). */
    outside?: readonly HubRoutes[];
    /** Serve HTTPS (after `app.listen`), asking clients for certificates of `clientCa`. */
    https?: { key: Buffer; cert: Buffer; clientCa?: Buffer };
  } = {},
): Promise<HubUnderTest> {
  const store = await createTestStore(engine);
  const deps: HubDeps = {
    store,
    settings: { ...DEFAULT_HUB_SETTINGS, secureCookies: false, ...options.settings },
    signingKey: await generateSigningKey(),
    now: options.now ?? (() => new Date()),
    fetch: options.fetch ?? fetch,
  };
  const app = await createHubApp(deps, {
    routes,
    identify: options.identify ?? testIdentify,
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
    ...(options.outside ? { outside: options.outside } : {}),
    ...(options.https ? { https: options.https } : {}),
  });
  await app.ready();
  return {
    app,
    deps,
    store,
    as: (principal) => ({
      [TEST_PRINCIPAL_HEADER]: Buffer.from(JSON.stringify(principal), 'utf8').toString('base64url'),
    }),
    async dispose() {
      await app.close();
      await store.dispose();
    },
  };
}

/**
 * `apiCall(hubOf)(principal, method, url, payload?)`: a request to `/api/v1${url}` as `principal` (null: none),
 * with a JSON body if given, on the hub `hubOf()` returns (a getter: tests make a hub per test).
 */
export const apiCall =
  (hubOf: () => HubUnderTest) =>
  (
    principal: HubPrincipal | null,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: string,
    payload?: object,
  ) => {
    const hub = hubOf();
    return hub.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: principal ? hub.as(principal) : {},
      ...(payload ? { payload } : {}),
    });
  };

const stamp = () => new Date().toISOString();

/** Inserts a facility row directly (defaults: an active Okayama hospital that discloses and views). */
export async function seedFacility(
  store: TestStore,
  values: {
    oid: string;
    name?: string;
    type?: string;
    discloses?: boolean;
    views?: boolean;
    status?: string;
    gatewayUrl?: string | null;
    gatewayTlsPin?: string | null;
    code?: string | null;
  },
): Promise<void> {
  await store.db
    .insertInto('hub_facility')
    .values({
      oid: values.oid,
      code: values.code ?? values.oid.split('.').at(-1) ?? null,
      name: values.name ?? `施設 ${values.oid}`,
      name_kana: null,
      type: values.type ?? 'hospital',
      prefecture: '33',
      discloses: values.discloses === false ? 0 : 1,
      views: values.views === false ? 0 : 1,
      gateway_url: values.gatewayUrl ?? null,
      gateway_tls_pin: values.gatewayTlsPin ?? null,
      address: null,
      phone: null,
      feed_token_hash: null,
      status: values.status ?? 'active',
      created_at: stamp(),
      updated_at: stamp(),
    })
    .execute();
}

/** Inserts a user and a membership; returns the principal that user would have in a session. */
export async function seedUser(
  store: TestStore,
  values: {
    facilityOid: string;
    profession: HubPrincipal['profession'];
    id?: string;
    name?: string;
    status?: string;
    role?: 'member' | 'admin';
  },
): Promise<HubPrincipal> {
  const id = values.id ?? randomUUID();
  await store.db
    .insertInto('hub_user')
    .values({
      id,
      login_id: `u-${id}`.toLowerCase(),
      name: values.name ?? `利用者 ${id.slice(0, 6)}`,
      name_kana: null,
      profession: values.profession,
      email: null,
      status: values.status ?? 'active',
      created_at: stamp(),
      updated_at: stamp(),
    })
    .execute();
  await store.db
    .insertInto('hub_membership')
    .values({
      user_id: id,
      facility_oid: values.facilityOid,
      role: values.role ?? 'member',
      created_at: stamp(),
    })
    .execute();
  return {
    userId: id,
    loginId: `u-${id}`.toLowerCase(),
    name: values.name ?? `利用者 ${id.slice(0, 6)}`,
    profession: values.profession,
    facilityOid: values.facilityOid,
    facilityRole: values.role ?? 'member',
    office: values.profession === 'office',
    sessionId: `test-${id}`,
  };
}

/** Inserts a person with one record per (facility, local id) given. */
export async function seedPerson(
  store: TestStore,
  records: ReadonlyArray<{
    facilityOid: string;
    localId: string;
    nameKanji?: string;
    nameKana?: string;
    birthDate?: string;
    sex?: string;
  }>,
  personId: string = randomUUID(),
): Promise<string> {
  await store.db
    .insertInto('mpi_person')
    .values({ id: personId, status: 'active', merged_into: null, created_at: stamp(), updated_at: stamp() })
    .execute();
  for (const r of records) {
    await store.db
      .insertInto('mpi_record')
      .values({
        facility_oid: r.facilityOid,
        local_id: r.localId,
        person_id: personId,
        ...recordColumns({
          facilityOid: r.facilityOid,
          localId: r.localId,
          ...(r.nameKanji ? { nameKanji: r.nameKanji } : {}),
          ...(r.nameKana ? { nameKana: r.nameKana } : {}),
          ...(r.birthDate ? { birthDate: r.birthDate } : {}),
          ...(r.sex ? { sex: r.sex as 'M' | 'F' | 'O' | 'U' } : {}),
        }),
        link_method: 'manual',
        link_score: null,
        updated_at: stamp(),
      })
      .execute();
  }
  return personId;
}

/** Inserts an active consent: the patient's records at `facilityOid` to `viewers` (or all). */
export async function seedConsent(
  store: TestStore,
  values: {
    facilityOid: string;
    localId: string;
    viewers: readonly string[] | 'all';
    startDate?: string;
    endDate?: string | null;
    status?: string;
  },
): Promise<string> {
  const id = randomUUID();
  await store.db
    .insertInto('hub_consent')
    .values(
      newConsentRow({
        id,
        facility_oid: values.facilityOid,
        local_id: values.localId,
        scope: values.viewers === 'all' ? 'all' : 'listed',
        start_date: values.startDate ?? '2000-01-01',
        end_date: values.endDate ?? null,
        status: values.status ?? 'active',
        card_number: null,
        registered_by: 'seed',
        registered_at: stamp(),
      }),
    )
    .execute();
  if (values.viewers !== 'all') {
    for (const viewer of values.viewers) {
      await store.db
        .insertInto('hub_consent_viewer')
        .values({ consent_id: id, viewer_oid: viewer })
        .execute();
    }
  }
  return id;
}

/** Replaces a facility's disclosure settings. */
export async function seedDisclosure(
  store: TestStore,
  facilityOid: string,
  categories: readonly string[],
): Promise<void> {
  await store.db.deleteFrom('hub_disclosure').where('facility_oid', '=', facilityOid).execute();
  if (categories.length > 0) {
    await store.db
      .insertInto('hub_disclosure')
      .values(categories.map((category) => ({ facility_oid: facilityOid, category })))
      .execute();
  }
}

export { createTestStore, TEST_DATABASE_URL, TEST_ENGINES, type TestStore } from './testing/store.js';
