// The small-facility repository in the demo (issue 13): ももたろう内科クリニック fed by its ORCA (a
// simulator of ORCA's API serving the clinic's patients, who are also patients of the hospitals), a lab
// centre sending the clinic's results, and きびだんご薬局 importing its お薬手帳 data — each tenant in the
// hub's directory at `<repository>/t/<OID>`, fed to the patient index, consented like a hospital.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CATEGORIES, type Category } from '@hie/contract';
import { type HubDeps, type RunningHub, registerConsent, subscribeToDirectory } from '@hie/hub';
import { type OrcaSimulator, type SimPerson, startOrcaSimulator } from '@hie/orca';
import {
  createSender,
  linkLabCentre,
  type RunningRepository,
  repositoryConfigSchema,
  resolveRepositoryConfig,
  startRepository,
  type TenantSettings,
} from '@hie/repository';
import type { DemoFacility } from './facilities.js';
import { labDelivery, notebookFor } from './repository-data.js';
import type { TruthEntry } from './seed.js';
import { clerkOf } from './seed-consents.js';

const ALL_CATEGORIES = Object.keys(CATEGORIES) as Category[];
/** How many of the hospitals' people are also the clinic's patients (the rest are the clinic's own). */
const SHARED_PEOPLE = 12;
const CLINIC_PATIENTS = 30;
const LAB_CODE = 'MOMOKEN';

export interface DemoRepository {
  repository: RunningRepository;
  /** The repository's office token: the hub's link to it (the office's リポジトリ screen). */
  adminToken: string;
  orca: OrcaSimulator;
  /** The clinic’s patients who are also hospital patients: local id → their person id in the ground truth. */
  clinicPeople: Map<string, string>;
  stop(): Promise<void>;
}

export interface DemoRepositoryOptions {
  dir: string;
  host: string;
  /** 0 = any free port. */
  port: number;
  orcaPort: number;
  hub: RunningHub;
  keysFile: string;
  oids: ReadonlyMap<string, string>;
  feedTokens: ReadonlyMap<string, string>;
  truth: readonly TruthEntry[];
  facilities: readonly DemoFacility[];
  /** Sets a facility's URL in the hub's directory. */
  setUrl(facility: DemoFacility, url: string): Promise<void>;
  say(line: string): void;
}

export async function startDemoRepository(o: DemoRepositoryOptions): Promise<DemoRepository> {
  const clinic = o.facilities.find((f) => f.key === 'clinic')!;
  const pharmacy = o.facilities.find((f) => f.key === 'pharmacy')!;
  const people = sharedPeople(o.truth, SHARED_PEOPLE);
  const orcaPassword = randomBytes(12).toString('base64url');
  const orca = await startOrcaSimulator({
    host: o.host,
    port: o.orcaPort,
    username: 'ormaster',
    password: orcaPassword,
    patients: CLINIC_PATIENTS,
    seed: 2013,
    recorded: false,
    people: people.map((p) => p.sim),
  });
  const adminToken = randomBytes(24).toString('base64url');
  const repository = await startRepository(
    resolveRepositoryConfig(
      repositoryConfigSchema.parse({
        dataDir: join(o.dir, 'repository'),
        host: o.host,
        port: o.port,
        hub: { keys: o.keysFile, issuer: o.hub.deps.settings.issuer, url: o.hub.url, feedPollMs: 2000 },
        disclosure: { categories: ALL_CATEGORIES },
        adminToken,
        logLevel: 'warn',
      }),
    ),
    { logger: false },
  );
  try {
    const clinicOid = o.oids.get('clinic')!;
    const pharmacyOid = o.oids.get('pharmacy')!;
    const clinicSettings: TenantSettings = {
      orca: { url: orca.url, username: 'ormaster', password: orcaPassword, everyMinutes: 5, format: 'json' },
      feedToken: o.feedTokens.get('clinic')!,
    };
    const fresh = !repository.tenants.get(clinicOid);
    await upsertTenant(repository, {
      oid: clinicOid,
      facility: clinic,
      kind: 'clinic',
      settings: clinicSettings,
    });
    await upsertTenant(repository, {
      oid: pharmacyOid,
      facility: pharmacy,
      kind: 'pharmacy',
      settings: { feedToken: o.feedTokens.get('pharmacy')! },
    });
    for (const f of [clinic, pharmacy]) {
      const tenantUrl = `${repository.url}/t/${o.oids.get(f.key)!}`;
      await o.setUrl(f, tenantUrl);
      // The office's directory reaches the tenant as it reaches a gateway (ITI-59).
      await subscribeToDirectory(
        o.hub.deps,
        o.oids.get(f.key)!,
        { endpoint: `${tenantUrl}/ihe/hpd-feed` },
        'demo',
      );
    }
    await repository.refresh();
    o.say(`Repository on ${repository.url}: ${clinic.name} (ORCA on ${orca.url}), ${pharmacy.name}`);
    const pulled = await repository.orca.runNow(clinicOid);
    o.say(`${clinic.name}: ORCA pull, ${pulled.patients} patients, ${pulled.counts.resources} resources`);

    const clinicPeople = new Map(people.map((p, i) => [String(1001 + i).padStart(5, '0'), p.personId]));
    if (fresh) {
      const base = repository.url;
      const pharmacySender = await createSender(repository.store, {
        kind: 'tenant',
        tenant: pharmacyOid,
        name: `${pharmacy.name} 調剤システム`,
      });
      const dispensed = people.slice(0, 4);
      for (const p of dispensed) {
        const res = await fetch(`${base}/t/${pharmacyOid}/intake/okusuri-techo`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${pharmacySender.token}`,
            'content-type': 'application/octet-stream',
            'x-file-name': encodeURIComponent(`techo-${p.personId}.csv`),
          },
          body: notebookFor(p, {
            name: pharmacy.name,
            code: pharmacy.code!,
            clinic: clinic.name,
            clinicCode: clinic.code!,
          }),
        });
        if (!res.ok) throw new Error(`demo: お薬手帳 import refused: ${await res.text()}`);
      }
      const centre = await createSender(repository.store, {
        kind: 'lab-centre',
        name: 'ももけん検査センター',
        facilityCode: LAB_CODE,
      });
      await linkLabCentre(repository.store, centre.sender.id, clinicOid);
      const lab = await fetch(`${base}/intake/lab-csv?layout=example-kensa-v1`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${centre.token}`,
          'content-type': 'text/csv',
          'x-file-name': 'momoken.csv',
        },
        body: labDelivery(clinic.code!, [...clinicPeople.keys()].slice(0, 8)),
      });
      if (!lab.ok) throw new Error(`demo: lab delivery refused: ${await lab.text()}`);
      o.say(
        `${pharmacy.name}: ${dispensed.length} お薬手帳 imported; ももけん検査センター: results for ${clinic.name}`,
      );
    }
    return {
      repository,
      adminToken,
      orca,
      clinicPeople,
      async stop() {
        await repository.stop();
        await orca.close();
      },
    };
  } catch (e) {
    await repository.stop().catch(() => undefined);
    await orca.close().catch(() => undefined);
    throw e;
  }
}

/** The clinic's and the pharmacy's patients consent to every facility (as the hospitals' showcase does). */
export async function seedRepositoryConsents(
  deps: HubDeps,
  oids: ReadonlyMap<string, string>,
  demo: DemoRepository,
): Promise<number> {
  let n = 0;
  for (const key of ['clinic', 'pharmacy']) {
    const oid = oids.get(key)!;
    const clerk = await clerkOf(deps, key, oids);
    const store = demo.repository.tenants.storeOf(oid);
    const patients = await store.db.selectFrom('gw_patient').select('patient_id').execute();
    for (const { patient_id } of patients) {
      try {
        await registerConsent(deps, clerk, {
          facilityOid: oid,
          localId: patient_id,
          scope: 'all',
          viewers: [],
          startDate: '2025-04-01',
          note: 'デモ: 同意書受領済み',
        });
        n++;
      } catch {
        // Not in the patient index yet (the feed is still on its way): registered on a later start.
      }
    }
  }
  return n;
}

async function upsertTenant(
  repository: RunningRepository,
  t: { oid: string; facility: DemoFacility; kind: 'clinic' | 'pharmacy'; settings: TenantSettings },
): Promise<void> {
  if (repository.tenants.get(t.oid)) await repository.tenants.update(t.oid, { settings: t.settings });
  else
    await repository.tenants.create({
      oid: t.oid,
      institutionCode: t.facility.code!,
      name: t.facility.name,
      kind: t.kind,
      settings: t.settings,
    });
}

export interface SharedPerson {
  personId: string;
  sim: SimPerson;
  truth: TruthEntry;
}

/** The first `n` people of the hospitals (by person id) with a reading and a birth date, as ORCA writes them. */
function sharedPeople(truth: readonly TruthEntry[], n: number): SharedPerson[] {
  const seen = new Set<string>();
  const out: SharedPerson[] = [];
  for (const t of [...truth].sort((a, b) => a.personId.localeCompare(b.personId))) {
    if (seen.has(t.personId) || !t.familyKana || !t.birthDate) continue;
    seen.add(t.personId);
    out.push({
      personId: t.personId,
      truth: t,
      sim: {
        name: `${t.familyKanji}　${t.givenKanji}`,
        kana: `${t.familyKana}　${t.givenKana}`,
        birthDate: /^\d{8}$/.test(t.birthDate)
          ? `${t.birthDate.slice(0, 4)}-${t.birthDate.slice(4, 6)}-${t.birthDate.slice(6)}`
          : t.birthDate,
        sex: t.sex === 'F' ? '2' : '1',
        zip: t.postcode.replace(/\D/g, ''),
        address1: '岡山県岡山市北区',
        address2: '',
        phone: '',
      },
    });
    if (out.length === n) break;
  }
  return out;
}
