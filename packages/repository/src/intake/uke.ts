import { createHash } from 'node:crypto';
import { mapUke, parseUke, type UkeError, type UkeMasters, type UkeWarning } from '@hie/uke';
import type { IntakeBatch, IntakeIssue } from './batch.js';

export type UkeIntake =
  | { ok: true; batch: IntakeBatch; warnings: IntakeIssue[]; counts: { claims: number; patients: number } }
  | { ok: false; issues: IntakeIssue[] };

/**
 * A clinic's monthly レセプト電算処理 file (UKE) → one batch: every claim's 傷病名 and 医薬品, all or
 * nothing. The file must be the tenant's own (IR 医療機関コード); a re-upload of the same month and payer
 * replaces the earlier import whole (its key prefix).
 */
export function readUkeIntake(
  bytes: Uint8Array,
  fileName: string,
  institutionCode: string,
  masters: UkeMasters,
): UkeIntake {
  const parsed = parseUke(bytes, { fileName });
  if (!parsed.ok) return { ok: false, issues: parsed.errors.map(ukeIssue) };
  const mapped = mapUke(parsed.file, { masters, facility: { institutionCode } });
  if (!mapped.ok) return { ok: false, issues: mapped.errors.map(ukeIssue) };
  const m = mapped.mapping;
  const digest = createHash('sha256').update(bytes).digest('hex').slice(0, 12);
  return {
    ok: true,
    batch: {
      recordKey: `uke:${m.keyPrefix}`,
      origin: `uke:${fileName}#${digest}`,
      entries: m.entries,
      replacePrefixes: [m.keyPrefix],
      deleteIds: [],
    },
    warnings: m.warnings.map(ukeIssue),
    counts: { claims: m.counts.claims, patients: m.counts.patients },
  };
}

function ukeIssue(e: UkeError | UkeWarning): IntakeIssue {
  return {
    code: e.code,
    message: e.message,
    messageJa: e.messageJa,
    file: e.file,
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.field !== undefined ? { field: e.record ? `${e.record}-${e.field}` : String(e.field) } : {}),
  };
}
