import type { EntryVersion } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import {
  asciiCode,
  bodyOf,
  checkEntry,
  checkPatient,
  clearChanged,
  emptyForm,
  emptyPatientForm,
  entryStates,
  formOf,
  offeredKinds,
  problemOfServerIssue,
  serverProblems,
  toKatakana,
} from './entries';

const TODAY = '2026-12-07';

describe('who may enter what', () => {
  it('offers each profession the kinds of the contract, a clerk none', () => {
    expect(offeredKinds('doctor')).toEqual(['allergy', 'diagnosis', 'medication', 'note']);
    expect(offeredKinds('pharmacist')).toEqual(['allergy', 'medication', 'guidance', 'note']);
    expect(offeredKinds('nurse')).toEqual(['allergy', 'note']);
    expect(offeredKinds('clerk')).toEqual([]);
  });
});

describe('the body of a form', () => {
  it('trims, leaves empty optional fields out and writes codes as the schema wants them', () => {
    const form = { ...emptyForm('diagnosis', TODAY), name: ' 2型糖尿病 ', icd10: 'ｅ１１．９ ' };
    expect(bodyOf('diagnosis', form)).toEqual({
      name: '2型糖尿病',
      icd10: 'E11.9',
      suspected: false,
      status: 'active',
    });
  });

  it('drops the end date of a diagnosis that goes on', () => {
    const form = { ...emptyForm('diagnosis', TODAY), name: '高血圧症', abatement: '2026-01-01' };
    expect(bodyOf('diagnosis', form)).not.toHaveProperty('abatement');
  });

  it('fills the form of an entry for 修正, keeping what the entry does not say empty', () => {
    const form = formOf(
      'allergy',
      { substance: 'ペニシリン', category: 'medication', criticality: 'high' },
      TODAY,
    );
    expect(form).toEqual({
      substance: 'ペニシリン',
      category: 'medication',
      reaction: '',
      criticality: 'high',
      verification: 'confirmed',
      onset: '',
    });
    expect(formOf('diagnosis', { name: 'x', suspected: true }, TODAY).suspected).toBe(true);
  });
});

describe('the browser’s check', () => {
  it('accepts an allergy the contract accepts, with its defaults', () => {
    const checked = checkEntry(
      'allergy',
      { ...emptyForm('allergy', TODAY), substance: 'ペニシリン', reaction: '発疹', criticality: 'high' },
      TODAY,
    );
    expect(checked).toEqual({
      ok: true,
      body: {
        substance: 'ペニシリン',
        category: 'medication',
        reaction: '発疹',
        criticality: 'high',
        verification: 'confirmed',
      },
    });
  });

  it('names each field’s problem: required, ICD-10 form, a resolved diagnosis without its end', () => {
    const checked = checkEntry(
      'diagnosis',
      { ...emptyForm('diagnosis', TODAY), icd10: '250.0', status: 'resolved' },
      TODAY,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems.name).toEqual({ code: 'required' });
    expect(checked.problems.icd10).toEqual({ code: 'icd10' });
    expect(checked.problems.abatement).toEqual({ code: 'abatementRequired' });
  });

  it('asks for the end date only when resolved, not in remission', () => {
    const form = { ...emptyForm('diagnosis', TODAY), name: '関節リウマチ', status: 'remission' };
    expect(checkEntry('diagnosis', form, TODAY).ok).toBe(true);
  });

  it('refuses a past event dated in the future, and an end before its start', () => {
    const allergy = checkEntry(
      'allergy',
      { ...emptyForm('allergy', TODAY), substance: '卵', onset: '2027-01-01' },
      TODAY,
    );
    expect(allergy.ok ? null : allergy.problems.onset).toEqual({ code: 'future' });
    const med = checkEntry(
      'medication',
      {
        ...emptyForm('medication', TODAY),
        name: 'ロキソニン',
        source: 'otc',
        start: '2026-05-01',
        end: '2026-04-01',
      },
      TODAY,
    );
    expect(med.ok ? null : med.problems.end).toEqual({ code: 'endBeforeStart' });
  });

  it('asks where a medication comes from instead of assuming 自院', () => {
    const med = checkEntry('medication', { ...emptyForm('medication', TODAY), name: 'ロキソニン' }, TODAY);
    expect(med.ok ? null : med.problems.source).toEqual({ code: 'choose' });
  });

  it('checks a YJ code and a note’s text', () => {
    const med = checkEntry(
      'medication',
      { ...emptyForm('medication', TODAY), name: 'アムロジピン', source: 'other-clinic', yj: '2171022' },
      TODAY,
    );
    expect(med.ok ? null : med.problems.yj).toEqual({ code: 'yj' });
    const note = checkEntry('note', emptyForm('note', TODAY), TODAY);
    expect(note.ok ? null : note.problems.text).toEqual({ code: 'required' });
    expect(note.ok ? null : note.problems.date).toBeUndefined();
  });
});

describe('problems while the user corrects the form', () => {
  it('leave the fields the user changed, and those a change may have settled', () => {
    const before = { ...emptyForm('diagnosis', TODAY), status: 'resolved' };
    const problems = {
      name: { code: 'required' as const },
      abatement: { code: 'abatementRequired' as const },
    };
    expect(clearChanged(problems, before, { ...before, name: '痛風' })).toEqual({
      abatement: { code: 'abatementRequired' },
    });
    expect(clearChanged(problems, before, { ...before, status: 'active' })).toEqual({
      name: { code: 'required' },
    });
    expect(clearChanged(problems, before, { ...before })).toBe(problems);
  });
});

describe('the server’s 422 issues', () => {
  it('are read in the same words as the browser’s check', () => {
    expect(problemOfServerIssue({ field: 'onset', message: 'YYYY-MM-DD' }).problem).toEqual({ code: 'date' });
    expect(
      problemOfServerIssue({ field: 'name', message: 'Too small: expected string to have >=1 characters' })
        .problem,
    ).toEqual({ code: 'required' });
    expect(
      problemOfServerIssue({ field: 'name', message: 'Too big: expected string to have <=200 characters' })
        .problem,
    ).toEqual({ code: 'tooLong', values: { max: 200 } });
    expect(
      problemOfServerIssue({ field: 'patientId', message: 'digits, letters and hyphens, at most 20' })
        .problem,
    ).toEqual({ code: 'patientId' });
    expect(problemOfServerIssue({ field: 'phone', message: 'digits and hyphens' }).problem).toEqual({
      code: 'phone',
    });
    expect(problemOfServerIssue({ field: 'x', message: 'something new' }).problem).toEqual({
      code: 'server',
      values: { message: 'something new' },
    });
  });

  it('are keyed by field, the first of each', () => {
    expect(
      serverProblems({
        issues: [
          { code: 'entry-invalid', field: 'abatement', message: 'a resolved diagnosis needs its end date' },
          { code: 'entry-invalid', field: 'abatement', message: 'YYYY-MM-DD' },
        ],
      }),
    ).toEqual({ abatement: { code: 'abatementRequired' } });
    expect(serverProblems(undefined)).toEqual({});
  });
});

describe('患者登録', () => {
  const filled = {
    ...emptyPatientForm(),
    familyName: '吉備',
    givenName: '太郎',
    familyKana: 'きび',
    givenKana: 'ﾀﾛｳ',
    birthDate: '1950-04-01',
    sex: 'male',
    postcode: '７００－００１２',
    phone: '０８６ー２２２ー３３３３',
  };

  it('writes the reading in full-width katakana and codes in ASCII', () => {
    expect(toKatakana('きび　たろう')).toBe('キビタロウ');
    expect(toKatakana('ｷﾋﾞ')).toBe('キビ');
    expect(asciiCode('０８６ー２２２ー３３３３')).toBe('086-222-3333');
    expect(checkPatient(filled, TODAY)).toEqual({
      ok: true,
      body: {
        familyName: '吉備',
        givenName: '太郎',
        familyKana: 'キビ',
        givenKana: 'タロウ',
        birthDate: '1950-04-01',
        sex: 'male',
        postcode: '700-0012',
        phone: '086-222-3333',
      },
    });
  });

  it('names what is missing or malformed', () => {
    const checked = checkPatient(
      { ...filled, familyKana: 'Kibi', sex: '', birthDate: '2030-01-01', patientId: 'A B*' },
      TODAY,
    );
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.problems).toMatchObject({
      familyKana: { code: 'kana' },
      sex: { code: 'choose' },
      birthDate: { code: 'future' },
      patientId: { code: 'patientId' },
    });
  });
});

describe('entries and their history', () => {
  const v = (o: Partial<EntryVersion>): EntryVersion => ({
    id: 'man.allergy.1',
    kind: 'allergy',
    patientId: '01001',
    version: 1,
    action: 'create',
    userId: 'u1',
    userName: null,
    profession: 'doctor',
    at: '2026-12-01T01:00:00Z',
    body: { substance: 'ペニシリン' },
    reason: null,
    ...o,
  });

  it('one state per entry: what it says now, current first and newest first, deleted kept with their content', () => {
    const states = entryStates([
      v({ id: 'man.patient', kind: 'patient', body: {} }),
      v({
        id: 'a',
        version: 2,
        action: 'update',
        at: '2026-12-03T00:00:00Z',
        body: { substance: 'セフェム系' },
      }),
      v({ id: 'a' }),
      v({ id: 'b', kind: 'diagnosis', at: '2026-12-02T00:00:00Z', body: { name: '高血圧症' } }),
      v({ id: 'c', at: '2026-12-04T00:00:00Z', body: { substance: '卵' } }),
      v({
        id: 'c',
        version: 2,
        action: 'delete',
        at: '2026-12-05T00:00:00Z',
        body: {},
        reason: '別の患者に入力',
      }),
    ]);
    expect(states.map((s) => [s.id, s.deleted])).toEqual([
      ['a', false],
      ['b', false],
      ['c', true],
    ]);
    const [a, , c] = states;
    expect(a!.content.body).toEqual({ substance: 'セフェム系' });
    expect(a!.created.version).toBe(1);
    expect(a!.versions.map((x) => x.action)).toEqual(['create', 'update']);
    expect(c!.content.body).toEqual({ substance: '卵' });
    expect(c!.last.reason).toBe('別の患者に入力');
  });
});
