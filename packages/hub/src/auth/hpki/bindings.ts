import { randomUUID } from 'node:crypto';
import type { HpkiBinding } from '@hie/contract';
import type { Store } from '@hie/platform';
import { HubError } from '../../http.js';
import type { HubHpkiBindingTable } from '../../store/auth-tables.js';
import type { Schema } from '../../store/schema.js';
import type { CardCertificate } from './card.js';

export type { HpkiBinding };

const toBinding = (r: HubHpkiBindingTable): HpkiBinding => ({
  id: r.id,
  userId: r.user_id,
  kind: r.kind,
  issuer: r.issuer,
  matchValue: r.match_value,
  subject: r.subject,
  hcRole: r.hc_role,
  notAfter: r.not_after,
  status: r.status,
  requestedAt: r.requested_at,
  requestedBy: r.requested_by,
  decidedAt: r.decided_at,
  decidedBy: r.decided_by,
});

/**
 * The user an active binding gives this card: the exact certificate (issuer + serial) first, else
 * the holder (issuer + subject serialNumber). Null when unbound; two different users bound to the
 * same card is refused when binding, so at most one answers.
 */
export async function boundUser(store: Store<Schema>, card: CardCertificate): Promise<string | null> {
  const rows = await store.db
    .selectFrom('hub_hpki_binding')
    .select(['user_id', 'kind'])
    .where('issuer', '=', card.issuer)
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or([
        eb.and([eb('kind', '=', 'certificate'), eb('match_value', '=', card.serial)]),
        ...(card.holderId
          ? [eb.and([eb('kind', '=', 'holder'), eb('match_value', '=', card.holderId)])]
          : []),
      ]),
    )
    .execute();
  const exact = rows.find((r) => r.kind === 'certificate') ?? rows[0];
  return exact?.user_id ?? null;
}

export interface NewBinding {
  userId: string;
  kind: 'certificate' | 'holder';
  issuer: string;
  matchValue: string;
  card: CardCertificate | null;
  status: 'pending' | 'active';
  by: string;
  now: Date;
}

/**
 * Records a binding. Refuses (409 hpki-card-bound) a card another user already holds, active or
 * pending; the same user's same card again answers the existing row.
 */
export async function addBinding(store: Store<Schema>, binding: NewBinding): Promise<HpkiBinding> {
  return store.db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('hub_hpki_binding')
      .selectAll()
      .where('issuer', '=', binding.issuer)
      .where('kind', '=', binding.kind)
      .where('match_value', '=', binding.matchValue)
      .where('status', 'in', ['pending', 'active'])
      .execute();
    const other = existing.find((r) => r.user_id !== binding.userId);
    if (other) {
      throw new HubError(
        409,
        'hpki-card-bound',
        'this card is already bound to another user / このカードは他の利用者に登録済みです',
      );
    }
    const mine = existing.find((r) => r.user_id === binding.userId);
    if (mine && (mine.status === 'active' || binding.status === 'pending')) return toBinding(mine);
    const at = binding.now.toISOString();
    if (mine) {
      await tx
        .updateTable('hub_hpki_binding')
        .set({ status: 'active', decided_at: at, decided_by: binding.by })
        .where('id', '=', mine.id)
        .execute();
      return toBinding({ ...mine, status: 'active', decided_at: at, decided_by: binding.by });
    }
    const row: HubHpkiBindingTable = {
      id: randomUUID(),
      user_id: binding.userId,
      kind: binding.kind,
      issuer: binding.issuer,
      match_value: binding.matchValue,
      subject: binding.card?.subject ?? null,
      hc_role: binding.card?.hcRole ?? null,
      not_after: binding.card?.notAfter ?? null,
      cert_sha256: binding.card?.sha256 ?? null,
      status: binding.status,
      requested_at: at,
      requested_by: binding.by,
      decided_at: binding.status === 'active' ? at : null,
      decided_by: binding.status === 'active' ? binding.by : null,
    };
    await tx.insertInto('hub_hpki_binding').values(row).execute();
    return toBinding(row);
  });
}

export async function bindingById(store: Store<Schema>, id: string): Promise<HpkiBinding | null> {
  const row = await store.db
    .selectFrom('hub_hpki_binding')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toBinding(row) : null;
}

/** pending → active, or pending/active → revoked. Answers the row after the change (null when the move is not allowed). */
export async function decideBinding(
  store: Store<Schema>,
  id: string,
  to: 'active' | 'revoked',
  by: string,
  now: Date,
): Promise<HpkiBinding | null> {
  const from: ('pending' | 'active')[] = to === 'active' ? ['pending'] : ['pending', 'active'];
  const result = await store.db
    .updateTable('hub_hpki_binding')
    .set({ status: to, decided_at: now.toISOString(), decided_by: by })
    .where('id', '=', id)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? bindingById(store, id) : null;
}

/** A user's bindings, newest first. */
export async function bindingsOfUser(store: Store<Schema>, userId: string): Promise<HpkiBinding[]> {
  const rows = await store.db
    .selectFrom('hub_hpki_binding')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('requested_at', 'desc')
    .execute();
  return rows.map(toBinding);
}

/**
 * Bindings in a status, with their user, for an administrator: the office sees all; a facility
 * administrator those of users with a membership at the facility (never office staff).
 */
export async function bindingsToReview(
  store: Store<Schema>,
  status: 'pending' | 'active' | 'revoked',
  scope: { office: true } | { office: false; facilityOid: string },
): Promise<(HpkiBinding & { loginId: string; name: string; profession: string })[]> {
  let query = store.db
    .selectFrom('hub_hpki_binding as b')
    .innerJoin('hub_user as u', 'u.id', 'b.user_id')
    .selectAll('b')
    .select(['u.login_id', 'u.name', 'u.profession'])
    .where('b.status', '=', status);
  if (!scope.office) {
    const facilityOid = scope.facilityOid;
    query = query
      .where('u.profession', '!=', 'office')
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('hub_membership as m')
            .select('m.user_id')
            .whereRef('m.user_id', '=', 'u.id')
            .where('m.facility_oid', '=', facilityOid),
        ),
      );
  }
  const rows = await query.orderBy('b.requested_at', 'desc').limit(500).execute();
  return rows.map((r) => ({ ...toBinding(r), loginId: r.login_id, name: r.name, profession: r.profession }));
}
