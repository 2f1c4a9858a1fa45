/**
 * The hub's お薬手帳 route (hub/entries/routes.ts → the repository's /entries/okusuri-techo): the codes'
 * texts, for the user's own facility, and what its answers mean for the screen.
 */
import type { IntakeIssue } from '@hie/contract';
import { ApiError, api } from '../api/client';

/** A problem the repository names (a refusal's reason, or a warning of an import that went through). */
export type NotebookIssue = IntakeIssue;

export interface NotebookImported {
  /** The pharmacy's patient (カルテ番号 / the id the repository made for a new one). */
  patientId: string;
  newPatient: boolean;
  dispensings: number;
  warnings: NotebookIssue[];
}

export const importNotebook = (facility: string, body: { qr: string[]; patientId?: string }) =>
  api<NotebookImported>(`/entries/${encodeURIComponent(facility)}/okusuri-techo`, { method: 'POST', body });

/** How the screen answers a refusal. */
export type NotebookRefusal =
  /** 409 patient-ambiguous: several patients match the notebook; the pharmacist picks one. */
  | { kind: 'ambiguous'; candidates: string[] }
  /** 422: the notebook was read and refused, nothing imported; each reason. */
  | { kind: 'rejected'; issues: NotebookIssue[] }
  /** 403: not a pharmacist of this facility. */
  | { kind: 'forbidden' }
  /** The facility keeps no records in the network's repository (409 from the hub, or no such route). */
  | { kind: 'not-tenant' }
  | { kind: 'unreachable' }
  /** Anything else: the app's message for the error. */
  | { kind: 'other'; error: unknown };

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function issuesOf(details: unknown): NotebookIssue[] {
  const list = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(list)) return [];
  return list
    .filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
    .map((i) => ({
      code: typeof i.code === 'string' ? i.code : '',
      message: typeof i.message === 'string' ? i.message : '',
      ...(typeof i.messageJa === 'string' ? { messageJa: i.messageJa } : {}),
      ...(typeof i.file === 'string' ? { file: i.file } : {}),
      ...(typeof i.line === 'number' ? { line: i.line } : {}),
      ...(typeof i.field === 'string' ? { field: i.field } : {}),
    }));
}

export function classifyRefusal(error: unknown): NotebookRefusal {
  if (!(error instanceof ApiError)) return { kind: 'other', error };
  if (error.code === 'patient-ambiguous') {
    const candidates = strings((error.details as { candidates?: unknown } | undefined)?.candidates);
    if (candidates.length > 0) return { kind: 'ambiguous', candidates };
  }
  if (error.status === 422) {
    const issues = issuesOf(error.details);
    return {
      kind: 'rejected',
      issues: issues.length > 0 ? issues : [{ code: error.code, message: error.message }],
    };
  }
  if (error.status === 403) return { kind: 'forbidden' };
  if (error.code === 'entry-no-repository' || (error.status === 404 && error.code === 'http-404'))
    return { kind: 'not-tenant' };
  if (error.code === 'entry-unreachable') return { kind: 'unreachable' };
  return { kind: 'other', error };
}

/** An issue in the user's language: the repository's Japanese when it wrote one. */
export const issueText = (issue: NotebookIssue, lang: 'ja' | 'en') =>
  lang === 'ja' ? (issue.messageJa ?? issue.message) : issue.message || (issue.messageJa ?? '');
