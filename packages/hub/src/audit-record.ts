import { type AuditAgent, type AuditRecord, appendAudit, appendAuditInTransaction } from '@hie/platform';
import type { Kysely } from 'kysely';
import type { HubDeps, HubPrincipal } from './http.js';
import type { Schema } from './store/schema.js';

/** The hub's audit source name: gateways use their facility OID. */
export const HUB_AUDIT_SOURCE = 'hub';

/** Audit types the hub writes (AuditRecord.type). */
export type HubAuditType =
  | 'login'
  | 'logout'
  | 'search'
  | 'view'
  | 'consent'
  | 'admin'
  | 'break-glass'
  | 'mpi'
  | 'policy'
  /** A hand-made entry of a small facility's staff, forwarded to the facility's repository tenant. */
  | 'entry'
  /** The Care Cabinet: a read or write of a care team's shared record, or of its team and consent. */
  | 'cabinet'
  /** Someone read the audit log itself: a search, an export, a chain check, an access report. */
  | 'audit'
  /** A gateway answered outside what it was asked (another category or patient): dropped. */
  | 'gateway-misbehaviour'
  /** Records into the timeline across networks: our query to a partner network, or a partner's query to us (XUA). */
  | 'partner';

export const agentOf = (principal: HubPrincipal, address?: string): AuditAgent => ({
  userId: principal.userId,
  name: principal.name,
  profession: principal.profession,
  facilityOid: principal.facilityOid,
  ...(address ? { address } : {}),
});

/**
 * Appends hub audit events (hash-chained) and resolves once they are stored: await it before
 * answering, so that nothing is disclosed without its audit record.
 */
export async function auditHub(
  deps: Pick<HubDeps, 'store' | 'now'>,
  records: readonly HubAuditRecord[],
): Promise<void> {
  await appendAudit(
    deps.store,
    records.map((r) => ({ ...r, source: HUB_AUDIT_SOURCE })),
    deps.now,
  );
}

/** A hub audit event (the source is the hub's). */
export type HubAuditRecord = Omit<AuditRecord, 'source'> & { type: HubAuditType };

/** Appends hub audit events inside the caller's transaction: they commit with its writes, or neither. */
export async function auditHubInTransaction(
  trx: Kysely<Schema>,
  deps: Pick<HubDeps, 'store' | 'now'>,
  records: readonly HubAuditRecord[],
): Promise<void> {
  await appendAuditInTransaction(
    trx,
    deps.store.engine,
    records.map((r) => ({ ...r, source: HUB_AUDIT_SOURCE })),
    deps.now,
  );
}
