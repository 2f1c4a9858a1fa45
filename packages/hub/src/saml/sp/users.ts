import { createHash } from 'node:crypto';
import { isProfession, PROFESSIONS, type Profession } from '@hie/contract';
import { activeMemberships } from '../../auth/complete.js';
import { defaultRoleMap } from '../../auth/hpki/checks.js';
import { isUniqueViolation } from '../../directory/common.js';
import { checkProfessionForFacility } from '../../directory/user-access.js';
import { createUser } from '../../directory/users.js';
import { type HubDeps, HubError } from '../../http.js';
import { type Asserted, SamlRefused } from './assertion.js';
import { addLink, jitFacilities, linkOf, touchLink } from './links.js';
import type { AttributeNames } from './trusted-idp.js';

const first = (a: Asserted, name: string) => a.attributes[name]?.[0] ?? null;

/** What the assertion says of the user, through the IdP's attribute names. */
export function claimsOf(a: Asserted, names: AttributeNames) {
  const facility = first(a, names.facility)?.replace(/^urn:oid:/, '') ?? null;
  const role = first(a, names.profession);
  const hcRole = first(a, names.hcRole);
  const profession: Profession | null =
    role && isProfession(role) ? role : hcRole ? (defaultRoleMap()[hcRole] ?? null) : null;
  return { name: first(a, names.name), facility, profession, statedRole: role ?? hcRole };
}

/**
 * The directory user and facility an assertion logs in (saml/README.md, "The hub as SP"): the user
 * linked to the IdP's subject — whose registered profession must be the one asserted, if one is —
 * acting for the facility asserted (or their only one); else, only where the office allows this IdP
 * just-in-time users for the asserted facility, a new user of that facility with the asserted name
 * and profession, linked at once. Everything else is refused with a stable code.
 */
export async function userOfAssertion(
  deps: HubDeps,
  a: Asserted,
): Promise<{ userId: string; facilityOid: string; created: boolean }> {
  const claims = claimsOf(a, a.idp.attributes);
  const idp = a.idp.entityId;
  const link = await linkOf(deps.store, idp, a.subject);
  if (link) {
    const user = await deps.store.db
      .selectFrom('hub_user')
      .select(['profession'])
      .where('id', '=', link.userId)
      .executeTakeFirst();
    if (claims.statedRole !== null && user && claims.profession !== user.profession) {
      throw new SamlRefused(
        'saml-role-mismatch',
        `the IdP says “${claims.statedRole}”, the account is registered as ${
          isProfession(user.profession) ? PROFESSIONS[user.profession].en : user.profession
        } / 連携先の資格と登録された職種が一致しません`,
        idp,
      );
    }
    const facilities = await activeMemberships(deps.store, link.userId);
    const facility = claims.facility
      ? facilities.find((f) => f.oid === claims.facility)
      : facilities.length === 1
        ? facilities[0]
        : undefined;
    if (!facility) {
      throw new SamlRefused(
        'saml-facility',
        claims.facility
          ? `the asserted facility ${claims.facility} is not one of this user’s active facilities / 所属施設が一致しません`
          : 'the IdP must say which facility the user acts for (organization-id) / 所属施設が指定されていません',
        idp,
      );
    }
    await touchLink(deps.store, link.id, deps.now());
    return { userId: link.userId, facilityOid: facility.oid, created: false };
  }

  // A link an administrator revoked is not undone by a just-in-time creation.
  if (await wasRevoked(deps, idp, a.subject)) {
    throw new SamlRefused(
      'saml-link-revoked',
      'this user’s link to the network was revoked: ask your facility’s administrator / 連携は解除されています',
      idp,
    );
  }
  const allowed = await jitFacilities(deps.store, idp);
  if (!claims.facility || !allowed.includes(claims.facility)) {
    throw new SamlRefused(
      'saml-not-linked',
      'this user of the identity provider is not registered in the network: ask your facility’s administrator / ネットワークに登録されていない利用者です',
      idp,
    );
  }
  if (!claims.name || !claims.profession || claims.profession === 'office') {
    throw new SamlRefused(
      'saml-jit-incomplete',
      'the IdP did not say the name and profession a new account needs / 新規登録に必要な氏名・職種がありません',
      idp,
    );
  }
  const facility = await deps.store.db
    .selectFrom('hub_facility')
    .select(['status'])
    .where('oid', '=', claims.facility)
    .executeTakeFirst();
  if (facility?.status !== 'active') {
    throw new SamlRefused('saml-facility', `facility ${claims.facility} is not active in the network`, idp);
  }
  await checkProfessionForFacility(deps.store.db, claims.profession, {
    office: false,
    facilityOid: claims.facility,
  });
  try {
    return await createJitUser(deps, a, idp, claims as JitClaims);
  } catch (e) {
    // Two first calls at once (a patient page asks the partner for several views in parallel): the
    // other one made the account; use its link.
    if (isUniqueViolation(e) || (e instanceof HubError && e.status === 409)) {
      for (let wait = 0; wait < 10; wait++) {
        if (await linkOf(deps.store, idp, a.subject)) return userOfAssertion(deps, a);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    throw e;
  }
}

type JitClaims = { name: string; facility: string; profession: Profession };

async function createJitUser(
  deps: HubDeps,
  a: Asserted,
  idp: string,
  claims: JitClaims,
): Promise<{ userId: string; facilityOid: string; created: boolean }> {
  const { user } = await createUser(deps, {
    loginId: `saml-${createHash('sha256').update(`${idp}\n${a.subject}`).digest('hex').slice(0, 24)}`,
    name: claims.name.slice(0, 100),
    profession: claims.profession,
    memberships: [{ facilityOid: claims.facility, role: 'member' }],
  });
  // No password is ever shown for it: the account logs in through its IdP only.
  await deps.store.db
    .updateTable('hub_credential')
    .set({ must_change: 0 })
    .where('user_id', '=', user.id)
    .execute();
  await addLink(deps.store, {
    idp,
    subject: a.subject,
    userId: user.id,
    origin: 'jit',
    by: `saml-jit:${idp}`,
    now: deps.now(),
  });
  return { userId: user.id, facilityOid: claims.facility, created: true };
}

async function wasRevoked(deps: HubDeps, idp: string, subject: string): Promise<boolean> {
  const row = await deps.store.db
    .selectFrom('hub_saml_link')
    .select('id')
    .where('idp_entity_id', '=', idp)
    .where('subject', '=', subject)
    .where('status', '=', 'revoked')
    .executeTakeFirst();
  return row !== undefined;
}
