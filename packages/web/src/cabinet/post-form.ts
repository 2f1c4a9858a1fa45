/**
 * The composer's form: its values, the checks the hub makes (contract's CABINET_LIMITS, a template's
 * number range and precision from VITAL_SIGNS or the field, a choice among its options), the body it
 * sends, and the hub's 422 `details` read back onto the fields. Field names are the hub's:
 * `soap.s`, `text`, `inputs.<fieldId>`, `mentions`. Pure.
 */
import {
  CABINET_LIMITS,
  type CabinetPostInput,
  type CabinetTemplate,
  isVitalSign,
  SOAP_SECTIONS,
  type SoapSection,
  type TemplateField,
  unitLabel,
  VITAL_SIGNS,
} from '@hie/contract';
import type { PostView } from './core/types';

export interface PostForm {
  kind: 'soap' | 'free';
  templateId: string | null;
  urgent: boolean;
  replyTo: string | null;
  soap: Record<SoapSection, string>;
  text: string;
  /** A check's boolean, a choice's value, a number or a text exactly as typed. */
  inputs: Record<string, string | boolean>;
  mentions: string[];
}

export type ProblemCode =
  | 'empty'
  | 'too-long'
  | 'not-a-number'
  | 'out-of-range'
  | 'too-precise'
  | 'control-character'
  | 'not-an-option'
  | 'too-many';

/** A field's problem: one of ours (said in the user's words), or the hub's own message. */
export interface Problem {
  code: ProblemCode | string;
  values?: Record<string, string | number>;
  message?: string;
}
export type Problems = Record<string, Problem>;

export const emptyPostForm = (replyTo: string | null = null): PostForm => ({
  kind: 'soap',
  templateId: null,
  urgent: false,
  replyTo,
  soap: { s: '', o: '', a: '', p: '' },
  text: '',
  inputs: {},
  mentions: [],
});

/** The composer opened on my post: its current version. */
export function formOfPost(post: PostView): PostForm {
  return {
    kind: post.kind,
    templateId: post.template?.id ?? null,
    urgent: post.urgent,
    replyTo: post.replyTo,
    soap: post.soap ? { ...post.soap } : { s: '', o: '', a: '', p: '' },
    text: post.text ?? '',
    inputs: Object.fromEntries(post.inputs.map((i) => [i.fieldId, i.value])),
    mentions: post.mentions.map((m) => m.userId),
  };
}

/** A number's limits: a vital sign's from VITAL_SIGNS, else the field's own. */
export function numberRule(field: Extract<TemplateField, { type: 'number' }>): {
  min: number | undefined;
  max: number | undefined;
  decimals: number;
  unit: string;
} {
  if (field.vital && isVitalSign(field.vital)) {
    const v = VITAL_SIGNS[field.vital];
    return { min: v.min, max: v.max, decimals: v.decimals, unit: unitLabel(v.unit) };
  }
  return {
    min: field.min,
    max: field.max,
    decimals: field.decimals ?? DEFAULT_DECIMALS,
    unit: unitLabel(field.unit ?? ''),
  };
}

/** Full-width digits, point and minus (an IME's) as ASCII; everything else exactly as typed. */
export function normalizeNumber(typed: string): string {
  return typed
    .trim()
    .replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0))
    .replace(/[．。]/g, '.')
    .replace(/[－ー−]/g, '-');
}

/** The hub's number: up to 6 digits each side of the point (hub/src/cabinet/inputs.ts). */
const NUMBER = /^-?\d{1,6}(?:\.(\d{1,6}))?$/;
/** Control characters other than tab and newline (a pasted NUL, an escape): the hub refuses them. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** Decimals a number without its own precision may carry (the hub's default). */
const DEFAULT_DECIMALS = 3;

/** A number input's problem, or null (an empty one is left out of the post). */
export function checkNumber(
  field: Extract<TemplateField, { type: 'number' }>,
  typed: string,
): Problem | null {
  const value = normalizeNumber(typed);
  if (value === '') return null;
  const m = NUMBER.exec(value);
  if (!m) return { code: 'not-a-number' };
  const rule = numberRule(field);
  const decimals = m[1]?.length ?? 0;
  if (decimals > rule.decimals) return { code: 'too-precise', values: { decimals: rule.decimals } };
  const n = Number(value);
  if ((rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max))
    return { code: 'out-of-range', values: { min: rule.min ?? '', max: rule.max ?? '', unit: rule.unit } };
  return null;
}

/** What a field's input sends: undefined when left empty (an unticked check is not sent either). */
export function inputValue(
  field: TemplateField,
  value: string | boolean | undefined,
): string | boolean | undefined {
  if (value === undefined) return undefined;
  if (field.type === 'check') return value === true ? true : undefined;
  if (typeof value !== 'string') return undefined;
  if (field.type === 'number') {
    const n = normalizeNumber(value);
    return n === '' ? undefined : n;
  }
  if (field.type === 'text') return value.trim() === '' ? undefined : value;
  return value === '' ? undefined : value;
}

function checkInput(field: TemplateField, value: string | boolean | undefined): Problem | null {
  const sent = inputValue(field, value);
  if (sent === undefined || typeof sent === 'boolean') return null;
  switch (field.type) {
    case 'number':
      return checkNumber(field, sent);
    case 'radio':
      return field.options.some((o) => o.value === sent) ? null : { code: 'not-an-option' };
    case 'text': {
      const max = Math.min(field.maxLength ?? CABINET_LIMITS.inputChars, CABINET_LIMITS.inputChars);
      if (CONTROL.test(sent)) return { code: 'control-character' };
      return sent.length > max ? { code: 'too-long', values: { max } } : null;
    }
    default:
      return null;
  }
}

/**
 * The form checked as the hub checks it: the body to send, or the problems by field. Something must be
 * written: a section, the text, or an input. `template` is the form's template (null: none, or one
 * no longer offered).
 */
export function checkPost(
  form: PostForm,
  template: Pick<CabinetTemplate, 'id' | 'fields'> | null,
): { ok: true; body: CabinetPostInput } | { ok: false; problems: Problems } {
  const problems: Problems = {};
  const inputs: Record<string, string | boolean> = {};
  if (template) {
    for (const field of template.fields) {
      const problem = checkInput(field, form.inputs[field.id]);
      if (problem) problems[`inputs.${field.id}`] = problem;
      const sent = inputValue(field, form.inputs[field.id]);
      if (sent !== undefined) inputs[field.id] = sent;
    }
  } else if (form.templateId) {
    // A template no longer offered (an edit of an old post): its inputs go back as they were.
    for (const [id, value] of Object.entries(form.inputs))
      if (value !== '' && value !== false) inputs[id] = value;
  }
  if (form.kind === 'soap') {
    for (const s of SOAP_SECTIONS)
      if (form.soap[s].length > CABINET_LIMITS.sectionChars)
        problems[`soap.${s}`] = { code: 'too-long', values: { max: CABINET_LIMITS.sectionChars } };
      else if (CONTROL.test(form.soap[s])) problems[`soap.${s}`] = { code: 'control-character' };
  } else if (form.text.length > CABINET_LIMITS.textChars) {
    problems.text = { code: 'too-long', values: { max: CABINET_LIMITS.textChars } };
  } else if (CONTROL.test(form.text)) {
    problems.text = { code: 'control-character' };
  }
  if (form.mentions.length > CABINET_LIMITS.mentions)
    problems.mentions = { code: 'too-many', values: { max: CABINET_LIMITS.mentions } };
  const written =
    form.kind === 'soap' ? SOAP_SECTIONS.some((s) => form.soap[s].trim() !== '') : form.text.trim() !== '';
  if (!written && Object.keys(inputs).length === 0)
    problems[form.kind === 'soap' ? 'soap.s' : 'text'] = { code: 'empty' };
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return {
    ok: true,
    body: {
      kind: form.kind,
      templateId: template?.id ?? form.templateId ?? null,
      urgent: form.urgent,
      replyTo: form.replyTo,
      ...(form.kind === 'soap' ? { soap: { ...form.soap }, text: null } : { soap: null, text: form.text }),
      inputs,
      mentions: [...form.mentions],
    },
  };
}

/** The hub's 422 `details: [{ field, code, message }]` by field ('' for what names no field). */
export function serverProblems(details: unknown): Problems {
  const problems: Problems = {};
  if (!Array.isArray(details)) return problems;
  for (const d of details) {
    if (!d || typeof d !== 'object') continue;
    const { field, code, message } = d as { field?: unknown; code?: unknown; message?: unknown };
    const name = typeof field === 'string' ? field : '';
    if (problems[name]) continue;
    problems[name] = {
      code: typeof code === 'string' ? code : 'invalid',
      ...(typeof message === 'string' ? { message } : {}),
    };
  }
  return problems;
}

/** Problems of the fields a change touched are cleared (the rest stay until the next check). */
export function clearTouched(problems: Problems, before: PostForm, after: PostForm): Problems {
  const next = { ...problems };
  for (const s of SOAP_SECTIONS) if (before.soap[s] !== after.soap[s]) delete next[`soap.${s}`];
  if (before.text !== after.text) delete next.text;
  if (before.mentions !== after.mentions) delete next.mentions;
  for (const id of new Set([...Object.keys(before.inputs), ...Object.keys(after.inputs)]))
    if (before.inputs[id] !== after.inputs[id]) delete next[`inputs.${id}`];
  if (before.kind !== after.kind || before.templateId !== after.templateId) return {};
  return next;
}

/**
 * A stock phrase (定型句) put where the cursor is (replacing a selection; at the end when the field was
 * never focused); the cursor then stands after it.
 */
export function insertAt(
  value: string,
  start: number | null,
  end: number | null,
  phrase: string,
): { value: string; cursor: number } {
  const from = Math.max(0, Math.min(start ?? value.length, value.length));
  const to = Math.max(from, Math.min(end ?? from, value.length));
  return { value: `${value.slice(0, from)}${phrase}${value.slice(to)}`, cursor: from + phrase.length };
}

/** The templates to offer: mine first (offered), then the others, each in the order given. */
export function orderTemplates<T extends { offered: boolean }>(templates: readonly T[]): T[] {
  return [...templates.filter((t) => t.offered), ...templates.filter((t) => !t.offered)];
}
