import type { Store } from '../store/open.js';
import { eventHash, indexedColumns } from './chain.js';
import { GENESIS_HASH } from './migration.js';
import type { AuditRecord } from './record.js';
import { type AuditSchema, auditStore } from './schema.js';

export type AuditProblemKind =
  /** The row's content no longer matches its hash: it was edited. */
  | 'edited'
  /** One or more events before this one are missing: deleted. */
  | 'missing'
  /** The row's link to its predecessor is wrong: an event was replaced or re-inserted. */
  | 'broken-link'
  /** The indexed columns disagree with the hashed JSON. */
  | 'index-mismatch'
  /** The newest events were deleted (the head remembers more than the table holds). */
  | 'truncated';

export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  problems: AuditProblem[];
}

/** Re-computes the whole chain, in pages, and names every edited, deleted or re-linked event. */
export async function verifyAudit<DB extends AuditSchema>(
  unitStore: Store<DB>,
  pageSize = 5000,
): Promise<AuditVerification> {
  const store = auditStore(unitStore);
  const problems: AuditProblem[] = [];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let events = 0;
  let after = 0;
  for (;;) {
    const page = await store.db
      .selectFrom('audit_event')
      .selectAll()
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    if (page.length === 0) break;
    for (const row of page) {
      const seq = Number(row.seq);
      events += 1;
      if (seq !== expectedSeq) {
        problems.push({
          seq,
          kind: 'missing',
          message: `events ${expectedSeq}…${seq - 1} are missing (deleted)`,
        });
      }
      if (row.prev_hash !== prevHash && seq === expectedSeq) {
        problems.push({
          seq,
          kind: 'broken-link',
          message: `event ${seq} does not link to event ${seq - 1}`,
        });
      }
      const recomputed = eventHash(row.prev_hash, seq, row.recorded_at, row.event_json);
      if (recomputed !== row.hash) {
        problems.push({ seq, kind: 'edited', message: `event ${seq} was modified after it was written` });
      } else {
        const expected = indexedColumns(JSON.parse(row.event_json) as AuditRecord);
        const differs = (Object.keys(expected) as (keyof typeof expected)[]).filter(
          (k) => expected[k] !== row[k],
        );
        if (differs.length > 0) {
          problems.push({
            seq,
            kind: 'index-mismatch',
            message: `event ${seq}: column(s) ${differs.join(', ')} edited`,
          });
        }
      }
      prevHash = row.hash;
      expectedSeq = seq + 1;
      after = seq;
    }
  }
  const head = await store.db
    .selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  const headSeq = Number(head?.seq ?? 0);
  if (headSeq > expectedSeq - 1) {
    problems.push({
      seq: expectedSeq,
      kind: 'truncated',
      message: `events ${expectedSeq}…${headSeq} are missing (the newest events were deleted)`,
    });
  } else if (head && head.hash !== prevHash && headSeq === expectedSeq - 1) {
    problems.push({ seq: headSeq, kind: 'edited', message: `the newest event ${headSeq} was replaced` });
  }
  return { ok: problems.length === 0, events, problems };
}
