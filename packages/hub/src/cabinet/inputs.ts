import {
  CABINET_LIMITS,
  type CabinetTemplate,
  type cabinetPostInputSchema,
  type TemplateField,
  unitLabel,
  VITAL_SIGNS,
} from '@hie/contract';
import type { z } from 'zod';
import { HubError } from '../http.js';

/**
 * A post's content checked against its template and resolved for keeping: each input carries its label,
 * unit and the value exactly as typed, so that a post reads the same after its template changes.
 */

export interface ResolvedInput {
  fieldId: string;
  label: { ja: string; en: string };
  type: TemplateField['type'];
  value: string | boolean;
  /** How it is shown: `36.0 ℃`, `一部介助`, `あり`. */
  display: string;
  vital: string | null;
  unit: string | null;
}

export interface PostBody {
  soap: { s: string; o: string; a: string; p: string } | null;
  text: string | null;
  inputs: ResolvedInput[];
}

export interface InputIssue {
  field: string;
  code: string;
  message: string;
}

export type PostInput = z.output<typeof cabinetPostInputSchema>;

const NUMBER = /^-?\d{1,6}(\.\d{1,6})?$/;
/** Control characters other than tab and newline never belong in a note (a pasted NUL, an escape). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

const clean = (value: string) => value.replace(/\r\n?/g, '\n');

function numberIssue(field: Extract<TemplateField, { type: 'number' }>, raw: string): string | null {
  const spec = field.vital ? VITAL_SIGNS[field.vital] : null;
  const min = spec?.min ?? field.min;
  const max = spec?.max ?? field.max;
  const decimals = spec?.decimals ?? field.decimals ?? 3;
  if (!NUMBER.test(raw)) return 'not-a-number';
  if ((raw.split('.')[1]?.length ?? 0) > decimals) return 'too-precise';
  const value = Number(raw);
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) return 'out-of-range';
  return null;
}

const NUMBER_MESSAGES: Record<string, (f: Extract<TemplateField, { type: 'number' }>) => string> = {
  'not-a-number': () => 'a number, e.g. 36.5 / 数値で入力してください',
  'too-precise': (f) =>
    `at most ${(f.vital ? VITAL_SIGNS[f.vital].decimals : f.decimals) ?? 3} decimals / 小数点以下の桁数が多すぎます`,
  'out-of-range': (f) => {
    const spec = f.vital ? VITAL_SIGNS[f.vital] : f;
    return `between ${spec.min ?? '-'} and ${spec.max ?? '-'} / ${spec.min ?? ''}〜${spec.max ?? ''}の範囲で入力してください`;
  },
};

function resolveInput(
  field: TemplateField,
  value: string | boolean,
  issues: InputIssue[],
): ResolvedInput | null {
  const at = `inputs.${field.id}`;
  const base = { fieldId: field.id, label: field.label, type: field.type, vital: null, unit: null };
  switch (field.type) {
    case 'check':
      if (typeof value !== 'boolean') {
        issues.push({ field: at, code: 'not-a-check', message: 'true or false / チェックの値が不正です' });
        return null;
      }
      return value ? { ...base, value, display: 'あり' } : null;
    case 'radio': {
      const option = field.options.find((o) => o.value === value);
      if (!option) {
        issues.push({
          field: at,
          code: 'not-an-option',
          message: 'not one of the choices / 選択肢にない値です',
        });
        return null;
      }
      return { ...base, value: option.value, display: option.label.ja };
    }
    case 'number': {
      const raw = typeof value === 'string' ? value.trim() : '';
      if (raw === '') return null;
      const code = numberIssue(field, raw);
      if (code) {
        issues.push({ field: at, code, message: NUMBER_MESSAGES[code]?.(field) ?? code });
        return null;
      }
      const unit = field.vital ? VITAL_SIGNS[field.vital].unit : (field.unit ?? null);
      const shown = unit ? unitLabel(unit) : '';
      return {
        ...base,
        value: raw,
        display: shown ? `${raw} ${shown}` : raw,
        vital: field.vital ?? null,
        unit,
      };
    }
    case 'text': {
      const text = typeof value === 'string' ? clean(value.trim()) : '';
      if (text === '') return null;
      if (text.length > (field.maxLength ?? CABINET_LIMITS.inputChars) || CONTROL.test(text)) {
        issues.push({ field: at, code: 'too-long', message: 'too long / 長すぎます' });
        return null;
      }
      return { ...base, value: text, display: text };
    }
  }
}

/** Checks a post against its template; throws 422 `invalid-input` with every problem at once. */
export function resolvePostBody(input: PostInput, template: CabinetTemplate | null): PostBody {
  const issues: InputIssue[] = [];
  const inputs: ResolvedInput[] = [];
  const given = Object.entries(input.inputs ?? {});
  if (given.length > CABINET_LIMITS.inputs) {
    issues.push({ field: 'inputs', code: 'too-many', message: 'too many inputs / 入力項目が多すぎます' });
  }
  for (const [fieldId, value] of given) {
    const field = template?.fields.find((f) => f.id === fieldId);
    if (!field) {
      issues.push({
        field: `inputs.${fieldId}`,
        code: 'unknown-field',
        message: 'not an input of this template / この雛型にない項目です',
      });
      continue;
    }
    const resolved = resolveInput(field, value, issues);
    if (resolved) inputs.push(resolved);
  }
  // The template's order, whatever order the keys came in.
  inputs.sort(
    (a, b) =>
      (template?.fields.findIndex((f) => f.id === a.fieldId) ?? 0) -
      (template?.fields.findIndex((f) => f.id === b.fieldId) ?? 0),
  );

  let soap: PostBody['soap'] = null;
  let text: string | null = null;
  if (input.kind === 'soap') {
    if (input.text)
      issues.push({
        field: 'text',
        code: 'not-for-soap',
        message: 'a SOAP post has sections / SOAP形式では各欄に入力します',
      });
    const s = input.soap ?? { s: '', o: '', a: '', p: '' };
    soap = { s: clean(s.s), o: clean(s.o), a: clean(s.a), p: clean(s.p) };
    for (const key of ['s', 'o', 'a', 'p'] as const) {
      if (CONTROL.test(soap[key]))
        issues.push({
          field: `soap.${key}`,
          code: 'control-character',
          message: 'control characters / 使用できない文字があります',
        });
    }
    if (!Object.values(soap).some((v) => v.trim() !== '') && inputs.length === 0) {
      issues.push({
        field: 'soap.s',
        code: 'empty',
        message: 'write at least one section / いずれかの欄に入力してください',
      });
    }
  } else {
    if (input.soap)
      issues.push({
        field: 'soap.s',
        code: 'not-for-free',
        message: 'a free post has one text / 自由形式では本文に入力します',
      });
    text = clean(input.text ?? '');
    if (CONTROL.test(text))
      issues.push({
        field: 'text',
        code: 'control-character',
        message: 'control characters / 使用できない文字があります',
      });
    if (text.trim() === '' && inputs.length === 0) {
      issues.push({ field: 'text', code: 'empty', message: 'write something / 本文を入力してください' });
    }
  }
  if (template && template.kind !== input.kind) {
    issues.push({
      field: 'kind',
      code: 'template-kind',
      message: `the template is a ${template.kind} post / 雛型の形式と異なります`,
    });
  }
  if (issues.length > 0)
    throw new HubError(422, 'invalid-input', 'the post has problems / 入力内容に誤りがあります', issues);
  return { soap, text, inputs };
}

/** A short plain excerpt for notifications. */
/** What the feed's search looks in: the words of the post and its inputs as shown, one per line. */
export function searchTextOf(body: PostBody): string {
  const words = body.soap ? [body.soap.s, body.soap.o, body.soap.a, body.soap.p] : [body.text ?? ''];
  return [...words, ...body.inputs.map((i) => `${i.label.ja} ${i.display}`)]
    .filter((v) => v.trim() !== '')
    .join('\n');
}

export function excerptOf(body: PostBody, max = 60): string {
  const whole = body.soap
    ? [body.soap.s, body.soap.o, body.soap.a, body.soap.p].filter((v) => v.trim() !== '').join(' / ')
    : (body.text ?? '');
  const flat =
    whole.replace(/\s+/g, ' ').trim() || body.inputs.map((i) => `${i.label.ja} ${i.display}`).join('、');
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
