import type { AuditRecord } from '@hie/platform';
import { type Expression, type SqlBool, sql } from 'kysely';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubPrincipal } from '../http.js';

/** Who made a directory change: a logged-in principal, or the system (demo seeding, CLI). */
export type Actor = HubPrincipal | undefined;

/** One directory change, as the admin audit records it. */
export interface AdminChange {
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  /** e.g. `facility-create`, `user-memberships`. */
  operation: string;
  /** `Organization/<oid>` or `Practitioner/<user id>`. */
  entity: string;
  /** What changed; never a secret (no passwords, no tokens). */
  changes?: Record<string, unknown>;
}

/** Audits directory changes (type 'admin'); resolves once stored, so await it before answering. */
export async function auditAdmin(
  deps: Pick<HubDeps, 'store' | 'now'>,
  actor: Actor,
  changes: readonly AdminChange[],
): Promise<void> {
  const agent = actor ? agentOf(actor) : { userId: 'system', name: 'system' };
  const records: (Omit<AuditRecord, 'source'> & { type: 'admin' })[] = changes.map((change) => ({
    type: 'admin',
    action: change.action,
    outcome: '0',
    agent,
    entities: [change.entity],
    detail: {
      operation: change.operation,
      ...(change.changes ? { changes: JSON.stringify(change.changes) } : {}),
    },
  }));
  await auditHub(deps, records);
}

/** A primary-key or unique violation on either engine (a concurrent writer won the race). */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** `column LIKE %text%` with the wildcards of `text` taken literally, on both engines. */
export function containsText(column: string, text: string): Expression<SqlBool> {
  const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}

export const pagingSchema = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

/** Fields of `next` that differ from `current` (for the audit's "what changed"). */
export function changedFields<T extends object>(current: T, next: Partial<T>): Partial<T> {
  const changed: Partial<T> = {};
  for (const key of Object.keys(next) as (keyof T)[]) {
    if (next[key] !== undefined && next[key] !== current[key]) changed[key] = next[key];
  }
  return changed;
}

/** Validates input given to an exported function (routes have validated already; this is cheap). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new HubError(
      400,
      'invalid-request',
      'invalid input',
      result.error.issues.map((i) => ({ where: 'body', path: `/${i.path.join('/')}`, message: i.message })),
    );
  }
  return result.data;
}
