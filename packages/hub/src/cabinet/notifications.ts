import { tokyoDay } from '@hie/contract';
import type { HubPrincipal } from '../http.js';
import { readableCabinets } from '../policy/cabinet.js';
import { auditCabinet } from './audit.js';
import type { CabinetCallDeps } from './cabinets.js';
import { excerptOf, type PostBody } from './inputs.js';

/** Whose unread posts: a user acting for a facility (a session's principal, or a push subscription's). */
type Reader = Pick<HubPrincipal, 'userId' | 'facilityOid' | 'office'>;

/**
 * What is new for a user: posts by others, since they joined, in the cabinets they may read today (the
 * rule as SQL: a withdrawn consent or a removal takes a cabinet's posts out of the count at once), that
 * they have not seen in their current version.
 */
function unreadQuery(deps: CabinetCallDeps, principal: Reader) {
  const today = tokyoDay(deps.now());
  return deps.store.db
    .selectFrom('hub_cabinet_post as p')
    .innerJoin('hub_cabinet_member as m', (join) =>
      join
        .onRef('m.cabinet_id', '=', 'p.cabinet_id')
        .on('m.user_id', '=', principal.userId)
        .on('m.facility_oid', '=', principal.facilityOid),
    )
    .leftJoin('hub_cabinet_read as r', (join) =>
      join.onRef('r.post_id', '=', 'p.id').on('r.user_id', '=', principal.userId),
    )
    .where('p.cabinet_id', 'in', readableCabinets(deps.store.db, principal, today))
    .where('p.author_user_id', '!=', principal.userId)
    .whereRef('p.created_at', '>=', 'm.joined_at')
    .where((eb) => eb.or([eb('r.post_id', 'is', null), eb('r.version', '<', eb.ref('p.version'))]));
}

/** Unread counts per cabinet (and urgent ones among them). */
export async function unreadByCabinet(deps: CabinetCallDeps, principal: Reader) {
  const rows = await unreadQuery(deps, principal)
    .select([
      'p.cabinet_id',
      (eb) => eb.fn.countAll<number>().as('n'),
      (eb) => eb.fn.sum<number>('p.urgent').as('urgent'),
    ])
    .groupBy('p.cabinet_id')
    .execute();
  return new Map(rows.map((r) => [r.cabinet_id, { unread: Number(r.n), urgent: Number(r.urgent ?? 0) }]));
}

export async function notifications(deps: CabinetCallDeps, principal: HubPrincipal) {
  const counts = await unreadByCabinet(deps, principal);
  const unread = [...counts.values()].reduce((sum, c) => sum + c.unread, 0);
  const rows = await unreadQuery(deps, principal)
    .innerJoin('hub_cabinet as c', 'c.id', 'p.cabinet_id')
    .leftJoin('hub_cabinet_mention as me', (join) =>
      join.onRef('me.post_id', '=', 'p.id').on('me.user_id', '=', principal.userId),
    )
    .select([
      'p.cabinet_id',
      'p.id',
      'p.author_name',
      'p.author_profession',
      'p.kind',
      'p.urgent',
      'p.body_json',
      'p.created_at',
      'c.patient_name',
      'c.person_id',
      'me.user_id as mentioned',
    ])
    .orderBy('p.urgent', 'desc')
    .orderBy('p.created_at', 'desc')
    .limit(20)
    .execute();
  const cabinets = [...new Set(rows.map((r) => r.cabinet_id))];
  for (const cabinetId of cabinets) {
    const row = rows.find((r) => r.cabinet_id === cabinetId);
    await auditCabinet(deps, principal, {
      action: 'R',
      cabinetId,
      personId: row?.person_id ?? null,
      what: 'notifications',
      entities: rows.filter((r) => r.cabinet_id === cabinetId).map((r) => `Communication/${r.id}`),
    });
  }
  return {
    unread,
    items: rows.map((r) => ({
      cabinetId: r.cabinet_id,
      patientName: r.patient_name,
      postId: r.id,
      author: { name: r.author_name, profession: r.author_profession },
      kind: r.kind,
      urgent: r.urgent === 1,
      mentionsMe: r.mentioned !== null,
      createdAt: r.created_at,
      excerpt: excerptOf(JSON.parse(r.body_json) as PostBody),
    })),
  };
}

/** Only the count: no patient, no content (what the navigation badge polls). */
export async function unreadCount(deps: CabinetCallDeps, principal: Reader): Promise<number> {
  const row = await unreadQuery(deps, principal)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The count and whether an urgent post or a mention of the user is among it (what a push says). */
export async function unreadSummary(
  deps: CabinetCallDeps,
  reader: Reader,
): Promise<{ unread: number; urgent: boolean }> {
  const row = await unreadQuery(deps, reader)
    .leftJoin('hub_cabinet_mention as me', (join) =>
      join.onRef('me.post_id', '=', 'p.id').on('me.user_id', '=', reader.userId),
    )
    .select([
      (eb) => eb.fn.count<number>('p.id').distinct().as('n'),
      (eb) => eb.fn.max<number>('p.urgent').as('urgent'),
      (eb) => eb.fn.count<number>('me.user_id').as('mentions'),
    ])
    .executeTakeFirst();
  return {
    unread: Number(row?.n ?? 0),
    urgent: Number(row?.urgent ?? 0) > 0 || Number(row?.mentions ?? 0) > 0,
  };
}
