import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';
import type { HubGatewayChangeTable } from '../store/directory-tables.js';
import type { Schema } from '../store/schema.js';
import { auditAdmin } from './common.js';
import { facilityNotFound, tlsPinSchema } from './facilities.js';

/**
 * Changing where a facility's gateway is, or which TLS key it presents, redirects every assertion the
 * hub signs for that facility's patients: one person could point it at their own listener and collect
 * doctors' assertions (issue 10, finding 6). So it takes two people of two sides: the network office
 * proposes and the facility's administrator confirms, or the other way round. A proposal lives 7 days;
 * a newer one supersedes it; every step is audited.
 */

/** Which side of the two a person acts for. */
export type ChangeSide = 'office' | 'facility';

export const GATEWAY_CHANGE_DAYS = 7;

export const gatewayChangeSchema = z.strictObject({
  gatewayUrl: z
    .url({ protocol: /^https?$/ })
    .max(500)
    .nullable(),
  /** Required for an https URL in production practice; optional so a site can move first, pin later. */
  tlsPin: tlsPinSchema.nullable().default(null),
});
export type GatewayChangeInput = z.input<typeof gatewayChangeSchema>;

export interface GatewayChange {
  id: string;
  facilityOid: string;
  gatewayUrl: string | null;
  tlsPin: string | null;
  proposedBy: string;
  proposedSide: ChangeSide;
  proposedAt: string;
  expiresAt: string;
  status: 'pending' | 'applied' | 'rejected' | 'withdrawn' | 'superseded' | 'expired';
  decidedBy: string | null;
  decidedAt: string | null;
}

type Deps = Pick<HubDeps, 'store' | 'now'>;

/** The side a principal acts for at this facility, or 403. */
export function sideOf(principal: HubPrincipal, facilityOid: string): ChangeSide {
  if (principal.office) return 'office';
  if (principal.facilityRole === 'admin' && principal.facilityOid === facilityOid) return 'facility';
  throw new HubError(
    403,
    'forbidden',
    'only the network office or this facility’s administrator / 事務局または当該施設の管理者のみ',
  );
}

export async function proposeGatewayChange(
  deps: Deps,
  facilityOid: string,
  input: GatewayChangeInput,
  principal: HubPrincipal,
): Promise<GatewayChange> {
  const side = sideOf(principal, facilityOid);
  const parsed = gatewayChangeSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HubError(400, 'bad-request', `${issue?.path.join('.') ?? 'body'}: ${issue?.message}`);
  }
  if (parsed.data.tlsPin !== null && !parsed.data.gatewayUrl?.startsWith('https:')) {
    throw new HubError(
      400,
      'bad-request',
      'a TLS pin needs an https gateway URL / ピン留めにはhttpsが必要です',
    );
  }
  const now = deps.now();
  const row: Selectable<HubGatewayChangeTable> = {
    id: randomUUID(),
    facility_oid: facilityOid,
    gateway_url: parsed.data.gatewayUrl,
    tls_pin: parsed.data.tlsPin,
    proposed_by: principal.userId,
    proposed_side: side,
    proposed_at: now.toISOString(),
    expires_at: new Date(now.getTime() + GATEWAY_CHANGE_DAYS * 86_400_000).toISOString(),
    status: 'pending',
    decided_by: null,
    decided_at: null,
  };
  await deps.store.db.transaction().execute(async (trx) => {
    const facility = await trx
      .selectFrom('hub_facility')
      .select('oid')
      .where('oid', '=', facilityOid)
      .executeTakeFirst();
    if (!facility) throw facilityNotFound();
    await trx
      .updateTable('hub_gateway_change')
      .set({ status: 'superseded', decided_by: principal.userId, decided_at: row.proposed_at })
      .where('facility_oid', '=', facilityOid)
      .where('status', '=', 'pending')
      .execute();
    await trx.insertInto('hub_gateway_change').values(row).execute();
  });
  await auditAdmin(deps, principal, [
    {
      action: 'C',
      operation: 'facility-gateway-propose',
      entity: `Organization/${facilityOid}`,
      changes: { id: row.id, gatewayUrl: row.gateway_url, tlsPin: row.tls_pin, side },
    },
  ]);
  return toChange(row);
}

/** The facility's proposals, newest first (expired ones marked so). */
export async function listGatewayChanges(
  deps: Deps,
  facilityOid: string,
  principal: HubPrincipal,
): Promise<GatewayChange[]> {
  sideOf(principal, facilityOid);
  const rows = await deps.store.db
    .selectFrom('hub_gateway_change')
    .selectAll()
    .where('facility_oid', '=', facilityOid)
    .orderBy('proposed_at', 'desc')
    .limit(50)
    .execute();
  const now = deps.now().toISOString();
  return rows.map((r) =>
    toChange(r.status === 'pending' && r.expires_at <= now ? { ...r, status: 'expired' } : r),
  );
}

/**
 * Confirms a pending proposal and applies it: only a person of the other side than the proposer (so
 * never the proposer), before it expires. The facility row and the proposal change in one transaction.
 */
export function confirmGatewayChange(
  deps: Deps,
  facilityOid: string,
  id: string,
  principal: HubPrincipal,
): Promise<GatewayChange> {
  return decideChange(deps, facilityOid, id, principal, async (trx, row, side, stamp) => {
    if (row.proposed_by === principal.userId || row.proposed_side === side) {
      throw new HubError(
        403,
        'same-side',
        `the ${row.proposed_side === 'office' ? 'facility administrator' : 'network office'} confirms what the ${row.proposed_side === 'office' ? 'office' : 'facility'} proposed / 提案者と異なる側の承認が必要です`,
      );
    }
    await trx
      .updateTable('hub_facility')
      .set({ gateway_url: row.gateway_url, gateway_tls_pin: row.tls_pin, updated_at: stamp })
      .where('oid', '=', facilityOid)
      .execute();
    return 'applied';
  });
}

/** Turns a pending proposal down: the other side rejects it, the proposer's side withdraws it. */
export function rejectGatewayChange(
  deps: Deps,
  facilityOid: string,
  id: string,
  principal: HubPrincipal,
): Promise<GatewayChange> {
  return decideChange(deps, facilityOid, id, principal, async (_trx, row, side) =>
    row.proposed_side === side ? 'withdrawn' : 'rejected',
  );
}

const DECISION_OPERATIONS = {
  applied: 'facility-gateway-confirm',
  rejected: 'facility-gateway-reject',
  withdrawn: 'facility-gateway-withdraw',
} as const;

/**
 * One decision on a pending proposal, in one transaction: `decide` checks it and does what the
 * decision needs, and names the new status; the proposal is marked with it and the decision audited.
 */
async function decideChange(
  deps: Deps,
  facilityOid: string,
  id: string,
  principal: HubPrincipal,
  decide: (
    trx: Kysely<Schema>,
    row: Selectable<HubGatewayChangeTable>,
    side: ChangeSide,
    stamp: string,
  ) => Promise<keyof typeof DECISION_OPERATIONS>,
): Promise<GatewayChange> {
  const side = sideOf(principal, facilityOid);
  const stamp = deps.now().toISOString();
  const decided = await deps.store.db.transaction().execute(async (trx) => {
    const row = await pendingChange(trx, facilityOid, id, stamp);
    const status = await decide(trx, row, side, stamp);
    await trx
      .updateTable('hub_gateway_change')
      .set({ status, decided_by: principal.userId, decided_at: stamp })
      .where('id', '=', id)
      .execute();
    return { ...row, status, decided_by: principal.userId, decided_at: stamp };
  });
  await auditAdmin(deps, principal, [
    {
      action: 'U',
      operation: DECISION_OPERATIONS[decided.status],
      entity: `Organization/${facilityOid}`,
      changes: {
        id,
        gatewayUrl: decided.gateway_url,
        tlsPin: decided.tls_pin,
        proposedBy: decided.proposed_by,
      },
    },
  ]);
  return toChange(decided);
}

async function pendingChange(
  trx: Kysely<Schema>,
  facilityOid: string,
  id: string,
  stamp: string,
): Promise<Selectable<HubGatewayChangeTable>> {
  const row = await trx
    .selectFrom('hub_gateway_change')
    .selectAll()
    .where('id', '=', id)
    .where('facility_oid', '=', facilityOid)
    .executeTakeFirst();
  if (!row) throw new HubError(404, 'not-found', 'no such proposal / 提案が見つかりません');
  if (row.status !== 'pending' || row.expires_at <= stamp) {
    const status = row.status === 'pending' ? 'expired' : row.status;
    throw new HubError(409, 'not-pending', `the proposal is ${status} / この提案は${status}です`);
  }
  return row;
}

function toChange(row: Selectable<HubGatewayChangeTable>): GatewayChange {
  return {
    id: row.id,
    facilityOid: row.facility_oid,
    gatewayUrl: row.gateway_url,
    tlsPin: row.tls_pin,
    proposedBy: row.proposed_by,
    proposedSide: row.proposed_side as ChangeSide,
    proposedAt: row.proposed_at,
    expiresAt: row.expires_at,
    status: row.status as GatewayChange['status'],
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
  };
}
