/**
 * 記録の入力 (hand-made entries of a small facility's staff): the form values of each entry kind, how
 * they become the body the contract's schema checks (the same schema the hub and the repository
 * apply), the field-by-field problems in the user's words, and the entries' current state and history
 * read from their versions. Pure: the screens (EntriesPage, RegisterPatientPage) draw what these say.
 */
import {
  ENTRY_KINDS,
  ENTRY_SCHEMAS,
  type EntryKind,
  type EntryVersion,
  mayEnter,
  patientEntrySchema,
} from '@hie/contract';

/** The kinds a profession may enter, in the contract's order (a clerk: none). */
export const offeredKinds = (profession: string): EntryKind[] =>
  ENTRY_KINDS.filter((kind) => mayEnter(profession, kind));

// ── form values ─────────────────────────────────────────────────────────────────────────────────────

export interface AllergyForm {
  substance: string;
  category: string;
  reaction: string;
  criticality: string;
  verification: string;
  onset: string;
}
export interface DiagnosisForm {
  name: string;
  icd10: string;
  suspected: boolean;
  status: string;
  onset: string;
  abatement: string;
}
export interface MedicationForm {
  name: string;
  yj: string;
  dosage: string;
  start: string;
  end: string;
  /** '' until chosen: where the drug comes from is asked, never assumed. */
  source: string;
}
export interface GuidanceForm {
  date: string;
  text: string;
}
export interface NoteForm {
  date: string;
  title: string;
  text: string;
}
export interface EntryForms {
  allergy: AllergyForm;
  diagnosis: DiagnosisForm;
  medication: MedicationForm;
  guidance: GuidanceForm;
  note: NoteForm;
}
export type AnyForm = EntryForms[EntryKind];

/** A fresh form: the contract's defaults, today for the dated notes. */
export function emptyForm<K extends EntryKind>(kind: K, today: string): EntryForms[K] {
  const forms: EntryForms = {
    allergy: {
      substance: '',
      category: 'medication',
      reaction: '',
      criticality: 'unable-to-assess',
      verification: 'confirmed',
      onset: '',
    },
    diagnosis: { name: '', icd10: '', suspected: false, status: 'active', onset: '', abatement: '' },
    medication: { name: '', yj: '', dosage: '', start: '', end: '', source: '' },
    guidance: { date: today, text: '' },
    note: { date: today, title: '', text: '' },
  };
  return forms[kind];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The form of an entry's body, for 修正 (what the repository kept, as the schema left it). */
export function formOf<K extends EntryKind>(kind: K, body: unknown, today: string): EntryForms[K] {
  const b = (body ?? {}) as Record<string, unknown>;
  const form = { ...emptyForm(kind, today) } as unknown as Record<string, string | boolean>;
  for (const key of Object.keys(form)) {
    if (typeof form[key] === 'boolean') form[key] = b[key] === true;
    else if (b[key] !== undefined) form[key] = str(b[key]);
  }
  return form as unknown as EntryForms[K];
}

/** Full-width digits and letters as ASCII, dashes of every kind as '-' (codes, phone numbers). */
export function asciiCode(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/[‐‑‒–—―−ーｰ]/g, '-')
    .replace(/\s+/g, '');
}

/** What the user typed as the body: trimmed, empty optional fields left out, codes in their form. */
export function bodyOf(kind: EntryKind, form: AnyForm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (typeof value === 'boolean') {
      out[key] = value;
      continue;
    }
    let v = value.trim();
    if (key === 'icd10' || key === 'yj') v = asciiCode(v).toUpperCase();
    if (v !== '') out[key] = v;
  }
  // The resolved day of a diagnosis only belongs to one that ended.
  if (kind === 'diagnosis' && out.status === 'active') delete out.abatement;
  return out;
}

// ── problems, field by field ────────────────────────────────────────────────────────────────────────

/** The problems the screen names (entries.error.<code> in the i18n files). */
export type ProblemCode =
  | 'required'
  | 'tooLong'
  | 'date'
  | 'icd10'
  | 'yj'
  | 'kana'
  | 'postcode'
  | 'phone'
  | 'patientId'
  | 'patientIdTaken'
  | 'choose'
  | 'abatementRequired'
  | 'endBeforeStart'
  | 'future'
  | 'invalid'
  | 'server';

export interface Problem {
  code: ProblemCode;
  values?: Record<string, string | number>;
}
/** field → its first problem ('' = the form as a whole). */
export type Problems = Record<string, Problem>;

const DATE_FIELDS = new Set(['onset', 'abatement', 'start', 'end', 'date', 'birthDate']);
const FORMAT_OF: Readonly<Record<string, ProblemCode>> = {
  icd10: 'icd10',
  yj: 'yj',
  familyKana: 'kana',
  givenKana: 'kana',
  postcode: 'postcode',
  phone: 'phone',
  patientId: 'patientId',
};

/** One issue of a zod safeParse (zod 4's shape, as far as it is read here). */
interface ZodIssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  input?: unknown;
}

export function problemOfIssue(issue: ZodIssueLike): { field: string; problem: Problem } {
  const field = issue.path.map(String).join('.');
  const formatted = (): Problem =>
    DATE_FIELDS.has(field) ? { code: 'date' } : { code: FORMAT_OF[field] ?? 'invalid' };
  switch (issue.code) {
    case 'too_small':
      return { field, problem: { code: 'required' } };
    case 'too_big':
      return { field, problem: { code: 'tooLong', values: { max: Number(issue.maximum ?? 0) } } };
    case 'invalid_format':
      return { field, problem: formatted() };
    case 'invalid_value':
      return { field, problem: { code: 'choose' } };
    case 'invalid_type':
      return { field, problem: { code: issue.input === undefined ? 'required' : 'invalid' } };
    case 'custom':
      return {
        field,
        problem: { code: field === 'abatement' ? 'abatementRequired' : 'invalid' },
      };
    default:
      return { field, problem: { code: 'invalid' } };
  }
}

/**
 * A problem the server named (422 `issues`: `{code, message, field}` with zod's English message) in the
 * same words as the browser's own check; a message it does not know is shown as it came.
 */
export function problemOfServerIssue(issue: { message?: string; field?: string }): {
  field: string;
  problem: Problem;
} {
  const field = issue.field ?? '';
  const message = issue.message ?? '';
  const known: [RegExp, ProblemCode][] = [
    [/^YYYY-MM-DD$/, 'date'],
    [/katakana/i, 'kana'],
    [/ICD-10/, 'icd10'],
    [/YJ/, 'yj'],
    [/^123-4567$/, 'postcode'],
    [/at most 20/, 'patientId'],
    [/digits and hyphens/, 'phone'],
    [/resolved diagnosis/, 'abatementRequired'],
    [/received undefined|Too small|>=1 character/i, 'required'],
    [/Invalid option|expected one of/i, 'choose'],
  ];
  const tooBig = /Too big.*<=\s*(\d+)/i.exec(message);
  if (tooBig) return { field, problem: { code: 'tooLong', values: { max: Number(tooBig[1]) } } };
  for (const [pattern, code] of known) if (pattern.test(message)) return { field, problem: { code } };
  return { field, problem: { code: 'server', values: { message } } };
}

/** The first problem of each field. */
function collect(list: { field: string; problem: Problem }[]): Problems {
  const out: Problems = {};
  for (const { field, problem } of list) out[field] ??= problem;
  return out;
}

/** The server's 422 issues (the hub passes the repository's answer on), by field. */
export function serverProblems(details: unknown): Problems {
  const issues = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return {};
  return collect(issues.map((i) => problemOfServerIssue(i as { message?: string; field?: string })));
}

/** Fields whose problem may be another field's doing (an end before its start, 治癒 without its end). */
const RELATED: Readonly<Record<string, readonly string[]>> = {
  status: ['abatement'],
  onset: ['abatement'],
  start: ['end'],
};

/**
 * The problems still standing once the user changed some fields: a field that was edited (or whose
 * related field was) is checked again on the next submit, not shown wrong meanwhile.
 */
export function clearChanged(problems: Problems, before: object, after: object): Problems {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  const changed = Object.keys(a).filter((k) => a[k] !== b[k]);
  if (changed.length === 0) return problems;
  const gone = new Set(changed.flatMap((k) => [k, ...(RELATED[k] ?? [])]));
  const left = Object.fromEntries(Object.entries(problems).filter(([k]) => !gone.has(k)));
  return Object.keys(left).length === Object.keys(problems).length ? problems : left;
}

export type Checked<T> = { ok: true; body: T } | { ok: false; problems: Problems };

/**
 * The browser's check of an entry: the contract's schema (what the server will check), then what a
 * clinician would be asked before saving — a day not after today where it records the past, an end
 * not before its start, and where a medication comes from.
 */
export function checkEntry(kind: EntryKind, form: AnyForm, today: string): Checked<Record<string, unknown>> {
  const body = bodyOf(kind, form);
  const parsed = ENTRY_SCHEMAS[kind].safeParse(body);
  const list = parsed.success ? [] : parsed.error.issues.map((i) => problemOfIssue(i as ZodIssueLike));
  const day = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  const past = ['onset', 'abatement', 'date', ...(kind === 'medication' ? ['start'] : [])];
  for (const key of past) {
    const d = day(key);
    if (d && /^\d{4}-\d{2}-\d{2}$/.test(d) && d > today)
      list.push({ field: key, problem: { code: 'future' } });
  }
  const [startKey, endKey] = kind === 'diagnosis' ? ['onset', 'abatement'] : ['start', 'end'];
  const start = day(startKey);
  const end = day(endKey);
  if ((kind === 'diagnosis' || kind === 'medication') && start && end && end < start)
    list.push({ field: endKey, problem: { code: 'endBeforeStart' } });
  if (kind === 'medication' && !body.source) list.push({ field: 'source', problem: { code: 'choose' } });
  // The contract's rule, said with the others (zod skips its refinement while another field fails).
  if (kind === 'diagnosis' && body.status === 'resolved' && !end)
    list.push({ field: 'abatement', problem: { code: 'abatementRequired' } });
  if (list.length > 0) return { ok: false, problems: collect(list) };
  return { ok: true, body: parsed.success ? (parsed.data as Record<string, unknown>) : body };
}

// ── 患者登録 ────────────────────────────────────────────────────────────────────────────────────────

export interface PatientForm {
  patientId: string;
  familyName: string;
  givenName: string;
  familyKana: string;
  givenKana: string;
  birthDate: string;
  sex: string;
  postcode: string;
  address: string;
  phone: string;
}

export const emptyPatientForm = (): PatientForm => ({
  patientId: '',
  familyName: '',
  givenName: '',
  familyKana: '',
  givenKana: '',
  birthDate: '',
  sex: '',
  postcode: '',
  address: '',
  phone: '',
});

/** A reading as typed (hiragana, half-width katakana, spaces) as full-width katakana. */
export function toKatakana(value: string): string {
  return value
    .normalize('NFKC')
    .replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60))
    .replace(/\s+/g, '');
}

export function patientBodyOf(form: PatientForm): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (key: keyof PatientForm, value: string) => {
    const v = value.trim();
    if (v !== '') out[key] = v;
  };
  put('patientId', asciiCode(form.patientId));
  put('familyName', form.familyName);
  put('givenName', form.givenName);
  put('familyKana', toKatakana(form.familyKana));
  put('givenKana', toKatakana(form.givenKana));
  put('birthDate', form.birthDate);
  put('sex', form.sex);
  put('postcode', asciiCode(form.postcode));
  put('address', form.address);
  put('phone', asciiCode(form.phone));
  return out;
}

export function checkPatient(form: PatientForm, today: string): Checked<Record<string, string>> {
  const body = patientBodyOf(form);
  const parsed = patientEntrySchema.safeParse(body);
  const list = parsed.success ? [] : parsed.error.issues.map((i) => problemOfIssue(i as ZodIssueLike));
  if (body.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(body.birthDate) && body.birthDate > today)
    list.push({ field: 'birthDate', problem: { code: 'future' } });
  if (list.length > 0) return { ok: false, problems: collect(list) };
  return { ok: true, body };
}

// ── entries and their history ───────────────────────────────────────────────────────────────────────

export interface EntryState {
  id: string;
  kind: EntryKind;
  /** Every version, oldest first. */
  versions: EntryVersion[];
  /** The version that created it. */
  created: EntryVersion;
  /** The last version (a deletion, when deleted). */
  last: EntryVersion;
  /** The last version with a body (what the entry says, or said before it was deleted). */
  content: EntryVersion;
  deleted: boolean;
}

/**
 * Versions (every entry's, any order) → one state per clinical entry: current ones first, newest
 * change first, then the deleted ones (kept on screen, marked, with their reason in the history).
 * Patient registrations are not clinical entries and are left out.
 */
export function entryStates(versions: readonly EntryVersion[]): EntryState[] {
  const byId = new Map<string, EntryVersion[]>();
  for (const v of versions) {
    if (v.kind === 'patient') continue;
    byId.set(v.id, [...(byId.get(v.id) ?? []), v]);
  }
  const states: EntryState[] = [];
  for (const [id, list] of byId) {
    const sorted = [...list].sort((a, b) => a.version - b.version);
    const last = sorted.at(-1)!;
    const content = [...sorted].reverse().find((v) => v.action !== 'delete') ?? last;
    states.push({
      id,
      kind: last.kind as EntryKind,
      versions: sorted,
      created: sorted[0]!,
      last,
      content,
      deleted: last.action === 'delete',
    });
  }
  return states.sort(
    (a, b) =>
      Number(a.deleted) - Number(b.deleted) ||
      (a.last.at < b.last.at ? 1 : a.last.at > b.last.at ? -1 : 0) ||
      a.id.localeCompare(b.id),
  );
}

/** The entries of one kind, in the order of `entryStates`. */
export const ofKind = (states: readonly EntryState[], kind: EntryKind) =>
  states.filter((s) => s.kind === kind);
