import type { CabinetTemplate, TemplateField } from '@hie/contract';
import { cabinetPostInputSchema } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import type { PostView } from './core/types';
import {
  checkNumber,
  checkPost,
  clearTouched,
  emptyPostForm,
  formOfPost,
  insertAt,
  normalizeNumber,
  numberRule,
  orderTemplates,
  serverProblems,
} from './post-form';

type NumberField = Extract<TemplateField, { type: 'number' }>;
const temperature: NumberField = {
  id: 'temp',
  type: 'number',
  vital: 'temperature',
  label: { ja: '体温', en: 'T' },
};
const leftover: NumberField = {
  id: 'left',
  type: 'number',
  label: { ja: '残薬', en: 'L' },
  min: 0,
  max: 90,
  decimals: 0,
  unit: '日',
};
const free: NumberField = { id: 'free', type: 'number', label: { ja: '自由', en: 'F' } };

const template: Pick<CabinetTemplate, 'id' | 'fields'> = {
  id: 'nursing-visit',
  fields: [
    temperature,
    { id: 'bath', type: 'check', label: { ja: '入浴', en: 'Bath' } },
    {
      id: 'meal',
      type: 'radio',
      label: { ja: '食事', en: 'Meal' },
      options: [
        { value: 'all', label: { ja: '全量', en: 'All' } },
        { value: 'half', label: { ja: '半量', en: 'Half' } },
      ],
    },
    { id: 'memo', type: 'text', label: { ja: 'メモ', en: 'Memo' }, maxLength: 10 },
  ],
};

describe('numbers', () => {
  it('takes a vital sign’s range and precision from VITAL_SIGNS, else the field’s (3 decimals by default)', () => {
    expect(numberRule(temperature)).toEqual({ min: 30, max: 43, decimals: 1, unit: '℃' });
    expect(numberRule(leftover)).toEqual({ min: 0, max: 90, decimals: 0, unit: '日' });
    expect(numberRule(free).decimals).toBe(3);
  });

  it('checks as the hub does: a number, its precision, then its range', () => {
    expect(checkNumber(temperature, '36.0')).toBeNull();
    expect(checkNumber(temperature, '')).toBeNull();
    expect(checkNumber(temperature, 'abc')?.code).toBe('not-a-number');
    expect(checkNumber(temperature, '36.')?.code).toBe('not-a-number');
    expect(checkNumber(temperature, '36.55')?.code).toBe('too-precise');
    expect(checkNumber(temperature, '44')).toEqual({
      code: 'out-of-range',
      values: { min: 30, max: 43, unit: '℃' },
    });
    expect(checkNumber(temperature, '29.9')?.code).toBe('out-of-range');
    expect(checkNumber(leftover, '1.5')?.code).toBe('too-precise');
    expect(checkNumber(free, '1234567')?.code).toBe('not-a-number');
  });

  it('reads full-width digits as typed on a Japanese keyboard, keeping trailing zeros', () => {
    expect(normalizeNumber(' ３６．０ ')).toBe('36.0');
    expect(normalizeNumber('－２')).toBe('-2');
    expect(checkNumber(temperature, '３６．０')).toBeNull();
  });
});

describe('checkPost', () => {
  it('sends the inputs as typed (36.0 stays 36.0), leaving out empty ones and unticked checks', () => {
    const form = {
      ...emptyPostForm(),
      templateId: 'nursing-visit',
      soap: { s: '痛みなし', o: '', a: '', p: '' },
      inputs: { temp: '36.0', bath: false, meal: '', memo: '' },
    };
    const checked = checkPost(form, template);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.body.inputs).toEqual({ temp: '36.0' });
    expect(checked.body.soap).toEqual({ s: '痛みなし', o: '', a: '', p: '' });
    expect(checked.body.text).toBeNull();
    expect(checked.body.templateId).toBe('nursing-visit');
    expect(cabinetPostInputSchema.safeParse(checked.body).success).toBe(true);
  });

  it('names every problem by the hub’s field names', () => {
    const form = {
      ...emptyPostForm(),
      templateId: 'nursing-visit',
      inputs: { temp: '50', meal: 'none', memo: 'x'.repeat(11), bath: true },
      soap: { s: 'a', o: 'b'.repeat(4001), a: '', p: 'bell\u0007' },
      mentions: Array.from({ length: 21 }, (_, i) => `u${i}`),
    };
    const checked = checkPost(form, template);
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(Object.fromEntries(Object.entries(checked.problems).map(([k, v]) => [k, v.code]))).toEqual({
      'inputs.temp': 'out-of-range',
      'inputs.meal': 'not-an-option',
      'inputs.memo': 'too-long',
      'soap.o': 'too-long',
      'soap.p': 'control-character',
      mentions: 'too-many',
    });
  });

  it('wants something written: a section, the text, or an input', () => {
    const soap = checkPost(emptyPostForm(), null);
    expect(soap.ok ? null : soap.problems).toEqual({ 'soap.s': { code: 'empty' } });
    const text = checkPost({ ...emptyPostForm(), kind: 'free', text: '  ' }, null);
    expect(text.ok ? null : text.problems).toEqual({ text: { code: 'empty' } });
    const onlyInput = checkPost(
      { ...emptyPostForm(), templateId: 'nursing-visit', inputs: { bath: true } },
      template,
    );
    expect(onlyInput.ok).toBe(true);
  });

  it('sends a free post’s text (no sections) and keeps HTML as typed', () => {
    const checked = checkPost(
      { ...emptyPostForm('9f1c0f5e-5a7c-4bde-9a36-1f7c7c0e9d11'), kind: 'free', text: '<b>x</b>\n次' },
      null,
    );
    expect(checked.ok && checked.body).toMatchObject({
      kind: 'free',
      soap: null,
      text: '<b>x</b>\n次',
      replyTo: '9f1c0f5e-5a7c-4bde-9a36-1f7c7c0e9d11',
    });
  });

  it('sends an old post’s inputs back when its template is no longer offered', () => {
    const checked = checkPost(
      { ...emptyPostForm(), kind: 'free', templateId: 'retired', text: 'x', inputs: { a: '1', b: false } },
      null,
    );
    expect(checked.ok && checked.body).toMatchObject({ templateId: 'retired', inputs: { a: '1' } });
  });
});

describe('editing', () => {
  it('opens the composer on the post’s current version', () => {
    const post = {
      kind: 'soap',
      template: { id: 'nursing-visit', name: { ja: '訪問看護', en: 'Visit' } },
      urgent: true,
      replyTo: null,
      soap: { s: 'S', o: 'O', a: '', p: '' },
      text: null,
      inputs: [
        {
          fieldId: 'temp',
          label: { ja: '体温', en: 'T' },
          type: 'number',
          value: '36.0',
          display: '36.0 ℃',
          vital: 'temperature',
          unit: 'Cel',
        },
      ],
      mentions: [{ userId: 'u2', name: 'B' }],
    } as unknown as PostView;
    expect(formOfPost(post)).toEqual({
      kind: 'soap',
      templateId: 'nursing-visit',
      urgent: true,
      replyTo: null,
      soap: { s: 'S', o: 'O', a: '', p: '' },
      text: '',
      inputs: { temp: '36.0' },
      mentions: ['u2'],
    });
  });
});

describe('the hub’s refusals', () => {
  it('reads 422 details by field, the first problem of each field', () => {
    expect(
      serverProblems([
        {
          field: 'inputs.temp',
          code: 'out-of-range',
          message: 'between 30 and 43 / 30〜43の範囲で入力してください',
        },
        { field: 'inputs.temp', code: 'other', message: 'x' },
        { field: 'soap.s', code: 'empty', message: 'write / 入力' },
        { code: 'odd' },
        'junk',
      ]),
    ).toEqual({
      'inputs.temp': { code: 'out-of-range', message: 'between 30 and 43 / 30〜43の範囲で入力してください' },
      'soap.s': { code: 'empty', message: 'write / 入力' },
      '': { code: 'odd' },
    });
    expect(serverProblems(undefined)).toEqual({});
  });

  it('clears the problems of what changed', () => {
    const before = { ...emptyPostForm(), inputs: { temp: '50' }, soap: { s: '', o: 'x', a: '', p: '' } };
    const problems = { 'inputs.temp': { code: 'out-of-range' }, 'soap.o': { code: 'too-long' } };
    expect(clearTouched(problems, before, { ...before, inputs: { temp: '36' } })).toEqual({
      'soap.o': { code: 'too-long' },
    });
    expect(clearTouched(problems, before, { ...before, kind: 'free' })).toEqual({});
  });
});

describe('stock phrases', () => {
  it('go where the cursor is, replacing a selection, the cursor after them', () => {
    expect(insertAt('熱なし。', 2, 2, '食欲あり')).toEqual({ value: '熱な食欲ありし。', cursor: 6 });
    expect(insertAt('abcdef', 1, 4, 'X')).toEqual({ value: 'aXef', cursor: 2 });
    expect(insertAt('abc', null, null, '追記')).toEqual({ value: 'abc追記', cursor: 5 });
    expect(insertAt('', 5, 9, 'x')).toEqual({ value: 'x', cursor: 1 });
  });
});

describe('templates', () => {
  it('offers mine first', () => {
    const list = [
      { id: 'a', offered: false },
      { id: 'b', offered: true },
      { id: 'c', offered: false },
      { id: 'd', offered: true },
    ];
    expect(orderTemplates(list).map((t) => t.id)).toEqual(['b', 'd', 'a', 'c']);
  });
});
