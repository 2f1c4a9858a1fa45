import { CATEGORIES } from '@hie/contract';
import type { HubDeps, HubPrincipal } from '@hie/hub';
import { registerConsent, setDisclosure } from '@hie/hub';
import { consentPlanFor, DEMO_FACILITIES, DEMO_USERS, type DemoUserSpec } from './facilities.js';
import type { TruthEntry } from './seed.js';

/** The hospitals disclose every category (each may narrow it later in its settings). */
export async function seedDemoPolicy(deps: HubDeps, oids: ReadonlyMap<string, string>): Promise<void> {
  for (const f of DEMO_FACILITIES.filter((x) => x.discloses || x.repository)) {
    await setDisclosure(deps, null, oids.get(f.key)!, Object.keys(CATEGORIES));
  }
}

/**
 * Registers the planned consents (facilities.ts consentPlanFor) as each hospital's clerk would: the
 * patient must already be in the index (the gateways feed it), so this runs after the feed. The
 * generator's scenario patients (`showcase`, person ids) consent to all facilities everywhere: the
 * demo and its browser tests open their records.
 */
export async function seedDemoConsents(
  deps: HubDeps,
  truth: readonly TruthEntry[],
  oids: ReadonlyMap<string, string>,
  codeToKey: ReadonlyMap<string, string>,
  showcase: ReadonlySet<string> = new Set(),
): Promise<number> {
  const clerks = new Map<string, HubPrincipal>();
  for (const f of DEMO_FACILITIES.filter((x) => x.discloses || x.repository))
    clerks.set(f.key, await clerkOf(deps, f.key, oids));
  let count = 0;
  for (const t of truth) {
    const key = codeToKey.get(t.facilityCode);
    const clerk = key ? clerks.get(key) : undefined;
    if (!key || !clerk) continue;
    const plan = showcase.has(t.personId) ? { scope: 'all' as const } : consentPlanFor(t.personId, key);
    if (!plan) continue;
    await registerConsent(deps, clerk, {
      facilityOid: clerk.facilityOid,
      localId: t.localId,
      scope: plan.scope,
      viewers: plan.scope === 'listed' ? plan.viewers.map((v) => oids.get(v)!) : [],
      startDate: '2025-04-01',
      note: 'デモ: 同意書受領済み',
    });
    count++;
  }
  return count;
}

/** The facility's front desk (a clerk, else its administrator): who registers its consents in the demo. */
export async function clerkOf(
  deps: HubDeps,
  key: string,
  oids: ReadonlyMap<string, string>,
): Promise<HubPrincipal> {
  const spec =
    // Consents are registered at the facility's counter (a clerk), as the hub requires for scope "all".
    DEMO_USERS.find((u) => u.facility === key && u.profession === 'clerk') ??
    DEMO_USERS.find((u) => u.facility === key && u.role === 'admin');
  if (!spec) throw new Error(`demo: ${key} has no clerk or administrator to register consents`);
  return demoPrincipal(deps, spec, oids);
}

/** A demo user as the hub's functions take them: acting for their facility, as if logged in. */
export async function demoPrincipal(
  deps: HubDeps,
  spec: DemoUserSpec,
  oids: ReadonlyMap<string, string>,
): Promise<HubPrincipal> {
  const user = await deps.store.db
    .selectFrom('hub_user')
    .select(['id', 'name', 'login_id'])
    .where('login_id', '=', spec.loginId)
    .executeTakeFirstOrThrow();
  return {
    userId: user.id,
    loginId: user.login_id,
    name: user.name,
    profession: spec.profession,
    facilityOid: oids.get(spec.facility)!,
    facilityRole: spec.role ?? 'member',
    office: spec.profession === 'office',
    sessionId: 'demo-seed',
  };
}
