import type { AuditRecord } from '@hie/platform';
import { agentOf, auditHub } from '../audit-record.js';
import type { HubDeps, HubPrincipal } from '../http.js';

/** One Care Cabinet audit event (type `cabinet`): who, which cabinet (and person when linked), what. */
export async function auditCabinet(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: HubPrincipal,
  event: {
    action: AuditRecord['action'];
    outcome?: AuditRecord['outcome'];
    outcomeDescription?: string;
    cabinetId: string;
    personId: string | null;
    /** e.g. `posts`, `post-create`, `member-invite`. */
    what: string;
    entities?: string[];
    detail?: Record<string, string>;
  },
): Promise<void> {
  await auditHub(deps, [
    {
      type: 'cabinet',
      action: event.action,
      outcome: event.outcome ?? '0',
      ...(event.outcomeDescription ? { outcomeDescription: event.outcomeDescription } : {}),
      agent: agentOf(principal),
      ...(event.personId ? { patient: { personId: event.personId } } : {}),
      entities: [`CareTeam/${event.cabinetId}`, ...(event.entities ?? [])],
      purposeOfUse: 'TREAT',
      detail: { cabinet: event.cabinetId, what: event.what, ...event.detail },
    },
  ]);
}
