import { type AuditRecord, appendAuditInTransaction } from '@hie/platform';
import type { Kysely } from 'kysely';
import { agentOf, auditHub, HUB_AUDIT_SOURCE } from '../audit-record.js';
import type { HubDeps, HubPrincipal } from '../http.js';
import type { Schema } from '../store/schema.js';

export interface CabinetAuditEvent {
  action: AuditRecord['action'];
  outcome?: AuditRecord['outcome'];
  outcomeDescription?: string;
  cabinetId: string;
  personId: string | null;
  /** e.g. `posts`, `post-create`, `member-invite`. */
  what: string;
  entities?: string[];
  detail?: Record<string, string>;
}

const recordOf = (principal: HubPrincipal, event: CabinetAuditEvent) => ({
  type: 'cabinet' as const,
  action: event.action,
  outcome: event.outcome ?? ('0' as const),
  ...(event.outcomeDescription ? { outcomeDescription: event.outcomeDescription } : {}),
  agent: agentOf(principal),
  ...(event.personId ? { patient: { personId: event.personId } } : {}),
  entities: [`CareTeam/${event.cabinetId}`, ...(event.entities ?? [])],
  purposeOfUse: 'TREAT',
  detail: { cabinet: event.cabinetId, what: event.what, ...event.detail },
});

/**
 * One Care Cabinet audit event (type `cabinet`): who, which cabinet (and person when linked), what.
 * Given the write's transaction, the event commits with the write (neither without the other).
 */
export async function auditCabinet(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  event: CabinetAuditEvent,
  tx?: Kysely<Schema>,
): Promise<void> {
  if (tx) {
    await appendAuditInTransaction(
      tx,
      deps.store.engine,
      [{ ...recordOf(principal, event), source: HUB_AUDIT_SOURCE }],
      deps.now,
    );
    return;
  }
  await auditHub(deps, [recordOf(principal, event)]);
}
