import { describe, expect, it } from 'vitest';
import { filtersOf } from '../filters';
import { checkOpen, emptyOpenForm, inviteKey, inviteOf } from '../open-form';
import {
  consentState,
  inLanguage,
  knownReason,
  labelIn,
  nameOf,
  sortCabinets,
  toKatakana,
} from './cabinet-state';
import type { CabinetConsent } from './types';

const consent = (patch: Partial<CabinetConsent> = {}): CabinetConsent => ({
  id: 'k1',
  startDate: '2025-04-01',
  endDate: null,
  status: 'active',
  inEffect: true,
  facilities: [],
  registeredBy: 'A',
  registeredAt: '2025-04-01T00:00:00Z',
  note: null,
  withdrawnAt: null,
  withdrawReason: null,
  form: null,
  ...patch,
});

describe('consentState', () => {
  it('says in effect, withdrawn (on), expired (on its end day), not yet, or none', () => {
    expect(consentState(null, '2025-06-01')).toEqual({ state: 'none' });
    expect(consentState(consent({ endDate: '2026-03-31' }), '2025-06-01')).toEqual({
      state: 'in-effect',
      from: '2025-04-01',
      until: '2026-03-31',
    });
    expect(
      consentState(
        consent({ status: 'withdrawn', inEffect: false, withdrawnAt: '2025-05-10T03:00:00Z' }),
        '2025-06-01',
      ),
    ).toEqual({ state: 'withdrawn', on: '2025-05-10T03:00:00Z' });
    expect(consentState(consent({ endDate: '2025-05-31', inEffect: false }), '2025-06-01')).toEqual({
      state: 'expired',
      on: '2025-05-31',
    });
    expect(consentState(consent({ startDate: '2025-07-01', inEffect: false }), '2025-06-01')).toEqual({
      state: 'not-yet',
      from: '2025-07-01',
    });
  });
});

describe('words', () => {
  it('names the refusals it knows', () => {
    expect(knownReason('consent-withdrawn')).toBe('consent-withdrawn');
    expect(knownReason('invitation-pending')).toBe('invitation-pending');
    expect(knownReason('something-new')).toBeNull();
    expect(knownReason(null)).toBeNull();
  });

  it('picks the user’s half of the hub’s bilingual words, either way round', () => {
    expect(inLanguage('患者が同意を撤回しました / the patient withdrew the consent', 'ja')).toBe(
      '患者が同意を撤回しました',
    );
    expect(inLanguage('患者が同意を撤回しました / the patient withdrew the consent', 'en')).toBe(
      'the patient withdrew the consent',
    );
    expect(inLanguage('between 30 and 43 / 30〜43の範囲で入力してください', 'ja')).toBe(
      '30〜43の範囲で入力してください',
    );
    expect(inLanguage('just one language', 'ja')).toBe('just one language');
    expect(inLanguage('a / b / c', 'en')).toBe('a / b / c');
  });

  it('reads labels and names sent either way', () => {
    expect(labelIn({ ja: '体温', en: 'Temperature' }, 'en')).toBe('Temperature');
    expect(labelIn('体温', 'en')).toBe('体温');
    expect(labelIn(undefined, 'ja')).toBe('');
    expect(nameOf('山田')).toBe('山田');
    expect(nameOf({ name: '山田' })).toBe('山田');
    expect(nameOf(null)).toBe('');
  });

  it('turns hiragana into katakana', () => {
    expect(toKatakana('やまだ たろう')).toBe('ヤマダ タロウ');
    expect(toKatakana('ヤマダ')).toBe('ヤマダ');
  });
});

describe('sortCabinets', () => {
  it('puts invitations first, then the latest activity, closed ones last', () => {
    const c = (id: string, myStatus: string, status: string, lastPostAt: string | null) => ({
      id,
      myStatus,
      status,
      lastPostAt,
      unread: 0,
    });
    expect(
      sortCabinets([
        c('old', 'active', 'open', '2025-01-01T00:00:00Z'),
        c('closed', 'active', 'closed', '2025-06-01T00:00:00Z'),
        c('new', 'active', 'open', '2025-05-01T00:00:00Z'),
        c('quiet', 'active', 'open', null),
        c('invite', 'invited', 'open', null),
      ]).map((x) => x.id),
    ).toEqual(['invite', 'new', 'old', 'quiet', 'closed']);
  });
});

describe('the feed’s filters', () => {
  it('become query parameters, empty ones left out', () => {
    expect(
      filtersOf({
        author: 'u1',
        profession: '',
        kind: 'soap',
        urgent: true,
        from: '2025-06-01',
        to: '',
        q: '  転倒 ',
      }),
    ).toEqual({ author: 'u1', kind: 'soap', urgent: true, from: '2025-06-01', q: '転倒' });
    expect(
      filtersOf({ author: '', profession: '', kind: '', urgent: false, from: '', to: '', q: '' }),
    ).toEqual({});
  });
});

describe('opening a cabinet', () => {
  const filled = {
    ...emptyOpenForm('2025-06-01'),
    groupId: 'g1',
    name: '山田 花子',
    kana: 'やまだ はなこ',
    birthDate: '1940-02-03',
    sex: 'female',
    facilities: ['1.2.3'],
    invite: [inviteKey({ userId: 'u2', facilityOid: '1.2.3' })],
  };

  it('sends the contract’s body, kana in katakana, invitations per facility', () => {
    const checked = checkOpen(filled, '2025-06-01');
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.body).toEqual({
      groupId: 'g1',
      patient: { name: '山田 花子', kana: 'ヤマダ ハナコ', birthDate: '1940-02-03', sex: 'female' },
      consent: { startDate: '2025-06-01', facilities: ['1.2.3'] },
      invite: [{ userId: 'u2', facilityOid: '1.2.3' }],
    });
  });

  it('names what is missing or wrong', () => {
    const checked = checkOpen(
      { ...emptyOpenForm('2025-06-01'), kana: 'Yamada', birthDate: '2030-01-01', endDate: '2025-05-01' },
      '2025-06-01',
    );
    expect(checked.ok ? null : checked.problems).toEqual({
      groupId: 'required',
      'patient.name': 'required',
      'patient.kana': 'kana',
      'patient.sex': 'required',
      'patient.birthDate': 'future',
      'consent.endDate': 'before-start',
    });
  });

  it('says an empty kana is missing, not malformed', () => {
    const checked = checkOpen({ ...filled, kana: ' ' }, '2025-06-01');
    expect(checked.ok ? null : checked.problems).toEqual({ 'patient.kana': 'required' });
  });

  it('keeps a user id with a bar in it whole', () => {
    expect(inviteOf(inviteKey({ userId: 'a|b', facilityOid: '1.2' }))).toEqual({
      userId: 'a|b',
      facilityOid: '1.2',
    });
  });
});
