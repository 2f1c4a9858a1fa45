import { EXIT } from '../exit.js';

/** An issue as the repository answers it (IntakeIssue): where, and a stable code. */
interface Issue {
  code?: string;
  message?: string;
  file?: string;
  line?: number;
  field?: string;
}

interface Counts {
  resources?: number;
  patients?: number;
  deleted?: number;
}

/** The fields of the repository's intake answers this command prints (every intake route's, merged). */
interface Answer {
  intakeId?: string | null;
  counts?: Counts;
  warnings?: Issue[];
  claims?: number;
  patientId?: string;
  newPatient?: boolean;
  tenant?: string;
  duplicate?: boolean;
  results?: number;
  tenants?: { tenant: string; intakeId: string; resources: number }[];
  patients?: number;
  failures?: number;
  error?: { code?: string; message?: string };
  issues?: Issue[];
  candidates?: string[];
}

/**
 * Prints the repository's answer to one upload and returns the exit code: 0 when it was taken, 1 when
 * it was refused (every issue on its own line: `file:line field code message`, the upload's own name
 * when the issue names no file).
 */
export function printAnswer(what: string, status: number, text: string, json: boolean): number {
  const answer = parse(text);
  const ok = status >= 200 && status < 300;
  if (json && answer) process.stdout.write(`${JSON.stringify(answer, null, 2)}\n`);
  else
    process.stdout.write(
      `${(ok && answer ? taken(what, answer) : refused(what, status, answer, text)).join('\n')}\n`,
    );
  return ok ? EXIT.ok : EXIT.findings;
}

function taken(what: string, a: Answer): string[] {
  if (a.duplicate)
    return [`${what}: imported before as intake ${a.intakeId} (${a.tenant}): not written again`];
  if (a.tenants)
    return [
      `${what}: ${a.results ?? 0} result(s) imported`,
      ...a.tenants.map((t) => `  ${t.tenant}: intake ${t.intakeId}, ${t.resources} resources`),
    ];
  const facts = [
    a.counts ? counts(a.counts) : undefined,
    a.claims !== undefined ? `${a.claims} claims` : undefined,
    a.patients !== undefined ? `${a.patients} patients pulled, ${a.failures ?? 0} failed` : undefined,
    a.patientId ? `patient ${a.patientId}${a.newPatient ? ' (new)' : ''}` : undefined,
    a.tenant ? `tenant ${a.tenant}` : undefined,
  ].filter((f) => f !== undefined);
  const intake = a.intakeId ? `imported as intake ${a.intakeId}` : 'nothing new';
  return [
    `${what}: ${intake}${facts.length > 0 ? `: ${facts.join('; ')}` : ''}`,
    ...(a.warnings ?? []).map((w) => `  warning ${issueLine(what, w)}`),
  ];
}

function refused(what: string, status: number, a: Answer | undefined, text: string): string[] {
  if (!a?.error) return [`${what}: refused (HTTP ${status}): ${text.slice(0, 200).trim() || 'no answer'}`];
  return [
    `${what}: refused (HTTP ${status} ${a.error.code ?? ''}): ${a.error.message ?? ''}`,
    ...(a.issues ?? []).map((i) => issueLine(what, i)),
    ...(a.candidates?.length
      ? [`several patients match: ${a.candidates.join(', ')} (pick one with --patient-id)`]
      : []),
  ];
}

export function issueLine(what: string, i: Issue): string {
  return `${i.file ?? what}${i.line !== undefined ? `:${i.line}` : ''} ${i.field ?? '-'} ${i.code ?? '-'} ${i.message ?? ''}`.trimEnd();
}

function counts(c: Counts): string {
  return `${c.resources ?? 0} resources, ${c.patients ?? 0} patients, ${c.deleted ?? 0} deleted`;
}

function parse(text: string): Answer | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Answer) : undefined;
  } catch {
    return undefined;
  }
}
