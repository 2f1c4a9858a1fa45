import { randomUUID } from 'node:crypto';
import type { SamlLink } from '@hie/contract';
import type { Store } from '@hie/platform';
import { HubError } from '../../http.js';
import type { HubSamlLinkTable } from '../../store/auth-tables.js';
import type { Schema } from '../../store/schema.js';

export type { SamlLink };

const toLink = (r: HubSamlLinkTable): SamlLink => ({
  id: r.id,
  idp: r.idp_entity_id,
  subject: r.subject,
  userId: r.user_id,
  origin: r.origin,
  status: r.status,
  createdAt: r.created_at,
  createdBy: r.created_by,
  revokedAt: r.revoked_at,
  lastLoginAt: r.last_login_at,
});

/** The active link of this IdP's subject, or null. */
export async function linkOf(store: Store<Schema>, idp: string, subject: string): Promise<SamlLink | null> {
  const row = await store.db
    .selectFrom('hub_saml_link')
    .selectAll()
    .where('idp_entity_id', '=', idp)
    .where('subject', '=', subject)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row ? toLink(row) : null;
}

/**
 * Links an IdP's subject to a user. Refuses (409 saml-subject-linked) a subject already linked to
 * another user; the same link again answers the existing one.
 */
export async function addLink(
  store: Store<Schema>,
  link: { idp: string; subject: string; userId: string; origin: 'admin' | 'jit'; by: string; now: Date },
): Promise<SamlLink> {
  return store.db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('hub_saml_link')
      .selectAll()
      .where('idp_entity_id', '=', link.idp)
      .where('subject', '=', link.subject)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (existing && existing.user_id !== link.userId)
      throw new HubError(
        409,
        'saml-subject-linked',
        'this IdP user is already linked to another user / このIdPの利用者は他の利用者に連携済みです',
      );
    if (existing) return toLink(existing);
    const row: HubSamlLinkTable = {
      id: randomUUID(),
      idp_entity_id: link.idp,
      subject: link.subject,
      user_id: link.userId,
      origin: link.origin,
      status: 'active',
      created_at: link.now.toISOString(),
      created_by: link.by,
      revoked_at: null,
      revoked_by: null,
      last_login_at: null,
    };
    await tx.insertInto('hub_saml_link').values(row).execute();
    return toLink(row);
  });
}

export async function linkById(store: Store<Schema>, id: string): Promise<SamlLink | null> {
  const row = await store.db.selectFrom('hub_saml_link').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toLink(row) : null;
}

export async function revokeLink(store: Store<Schema>, id: string, by: string, now: Date): Promise<void> {
  await store.db
    .updateTable('hub_saml_link')
    .set({ status: 'revoked', revoked_at: now.toISOString(), revoked_by: by })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .execute();
}

export async function touchLink(store: Store<Schema>, id: string, now: Date): Promise<void> {
  await store.db
    .updateTable('hub_saml_link')
    .set({ last_login_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** Links of some users (newest first), or of every user when `userIds` is null (the office). */
export async function listLinks(
  store: Store<Schema>,
  userIds: readonly string[] | null,
): Promise<SamlLink[]> {
  if (userIds && userIds.length === 0) return [];
  let query = store.db.selectFrom('hub_saml_link').selectAll().orderBy('created_at', 'desc').limit(1000);
  if (userIds) query = query.where('user_id', 'in', userIds);
  return (await query.execute()).map(toLink);
}

/** The facilities whose users this IdP may create at their first login (the office's choice; none by default). */
export async function jitFacilities(store: Store<Schema>, idp: string): Promise<string[]> {
  const row = await store.db
    .selectFrom('hub_saml_idp_policy')
    .select('jit_facilities')
    .where('idp_entity_id', '=', idp)
    .executeTakeFirst();
  return row ? (JSON.parse(row.jit_facilities) as string[]) : [];
}

export async function setJitFacilities(
  store: Store<Schema>,
  idp: string,
  facilities: readonly string[],
  by: string,
  now: Date,
): Promise<void> {
  const values = {
    jit_facilities: JSON.stringify([...new Set(facilities)].sort()),
    updated_at: now.toISOString(),
    updated_by: by,
  };
  await store.db
    .insertInto('hub_saml_idp_policy')
    .values({ idp_entity_id: idp, ...values })
    .onConflict((oc) => oc.column('idp_entity_id').doUpdateSet(values))
    .execute();
}
