import type { Store } from '../store/open.js';
import type { HubKey } from '../trust/keys.js';
import { type AuditAnchor, anchorSignedBy } from './anchor.js';
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
  | 'truncated'
  /** An anchor signed outside the store names an event the chain no longer has as it was. */
  | 'anchor-mismatch'
  /** An anchor whose signature does not verify: it proves nothing, and someone forged or damaged it. */
  | 'anchor-forged';

export interface AuditProblem {
  seq: number;
  kind: AuditProblemKind;
  message: string;
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  problems: AuditProblem[];
  /** Anchors checked (0 when none were given). */
  anchors?: number;
}

/** Re-computes the whole chain, in pages, and names every edited, deleted or re-linked event. */
export interface VerifyAuditOptions {
  pageSize?: number;
  /** Anchors from the witness outside the store, and the keys that sign them. */
  anchors?: readonly AuditAnchor[];
  anchorKeys?: readonly HubKey[];
}

export async function verifyAudit<DB extends AuditSchema>(
  unitStore: Store<DB>,
  options: VerifyAuditOptions = {},
): Promise<AuditVerification> {
  const pageSize = options.pageSize ?? 5000;
  const store = auditStore(unitStore);
  const { anchored, problems: anchorProblems } = signedAnchors(options);
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
      for (const anchor of anchored.get(seq) ?? []) {
        if (anchor.hash !== row.hash) {
          problems.push({
            seq,
            kind: 'anchor-mismatch',
            message: `event ${seq} is not the one anchored at ${anchor.at}: the chain was rewritten or re-numbered`,
          });
        }
      }
      anchored.delete(seq);
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
  for (const [seq, anchors] of anchored) {
    if (seq === 0) continue;
    problems.push({
      seq,
      kind: 'anchor-mismatch',
      message: `event ${seq}, anchored at ${anchors[0]?.at}, is gone: events were deleted (and the chain re-hashed)`,
    });
  }
  problems.push(...anchorProblems);
  return {
    ok: problems.length === 0,
    events,
    problems,
    ...(options.anchors ? { anchors: options.anchors.length } : {}),
  };
}

/** Anchors by seq, those whose signature verifies; a forged one is a problem of its own. */
function signedAnchors(options: VerifyAuditOptions): {
  anchored: Map<number, AuditAnchor[]>;
  problems: AuditProblem[];
} {
  const anchored = new Map<number, AuditAnchor[]>();
  const problems: AuditProblem[] = [];
  for (const anchor of options.anchors ?? []) {
    if (!anchorSignedBy(anchor, options.anchorKeys ?? [])) {
      problems.push({
        seq: Number(anchor.seq) || 0,
        kind: 'anchor-forged',
        message: `the anchor of ${anchor.at} is not signed by a trusted key`,
      });
      continue;
    }
    anchored.set(anchor.seq, [...(anchored.get(anchor.seq) ?? []), anchor]);
  }
  return { anchored, problems };
}
