/**
 * 新しいキャビネット: the form's values, checked by the contract's `cabinetOpenSchema` (the hub's own
 * check) plus what a person would expect (a birth date not in the future, an end after the start), and
 * the body it sends. Pure.
 */
import { type CabinetOpenInput, cabinetOpenSchema } from '@hie/contract';
import { toKatakana } from './core/cabinet-state';

export interface OpenForm {
  groupId: string;
  name: string;
  kana: string;
  birthDate: string;
  sex: string;
  address: string;
  startDate: string;
  endDate: string;
  /** Facilities covered besides my own. */
  facilities: string[];
  /** `userId|facilityOid`: a person is invited for one facility. */
  invite: string[];
  note: string;
}

export const emptyOpenForm = (today: string): OpenForm => ({
  groupId: '',
  name: '',
  kana: '',
  birthDate: '',
  sex: '',
  address: '',
  startDate: today,
  endDate: '',
  facilities: [],
  invite: [],
  note: '',
});

/** The schema's field of each form value (problems are cleared when it changes). */
export const FIELD_OF: Record<keyof OpenForm, string> = {
  groupId: 'groupId',
  name: 'patient.name',
  kana: 'patient.kana',
  birthDate: 'patient.birthDate',
  sex: 'patient.sex',
  address: 'patient.address',
  startDate: 'consent.startDate',
  endDate: 'consent.endDate',
  facilities: 'consent.facilities',
  invite: 'invite',
  note: 'consent.note',
};

/** Problem codes by field (`patient.kana`, `consent.endDate`, …): 'required', 'kana', 'invalid', … */
export type OpenProblems = Record<string, 'required' | 'kana' | 'future' | 'before-start' | 'invalid'>;

export function checkOpen(
  form: OpenForm,
  today: string,
): { ok: true; body: CabinetOpenInput } | { ok: false; problems: OpenProblems } {
  const body: CabinetOpenInput = {
    groupId: form.groupId,
    patient: {
      name: form.name.trim(),
      kana: toKatakana(form.kana.trim()),
      birthDate: form.birthDate,
      sex: form.sex as 'male',
      ...(form.address.trim() ? { address: form.address.trim() } : {}),
    },
    consent: {
      startDate: form.startDate,
      ...(form.endDate ? { endDate: form.endDate } : {}),
      facilities: [...form.facilities],
      ...(form.note.trim() ? { note: form.note.trim() } : {}),
    },
    invite: form.invite.map(inviteOf),
  };
  const problems: OpenProblems = {};
  const parsed = cabinetOpenSchema.safeParse(body);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const field = issue.path.join('.');
      if (problems[field]) continue;
      const key = (Object.keys(FIELD_OF) as (keyof OpenForm)[]).find((k) => FIELD_OF[k] === field);
      const value = key ? form[key] : undefined;
      problems[field] =
        typeof value === 'string' && value.trim() === ''
          ? 'required'
          : field === 'patient.kana'
            ? 'kana'
            : 'invalid';
    }
  if (form.birthDate && form.birthDate > today && !problems['patient.birthDate'])
    problems['patient.birthDate'] = 'future';
  if (form.endDate && form.startDate && form.endDate < form.startDate && !problems['consent.endDate'])
    problems['consent.endDate'] = 'before-start';
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, body };
}

/** A person to invite as the picker holds them (`userId|facilityOid`) and as the hub takes them. */
export const inviteKey = (p: { userId: string; facilityOid: string }) => `${p.userId}|${p.facilityOid}`;
export function inviteOf(key: string): { userId: string; facilityOid: string } {
  const at = key.lastIndexOf('|');
  return { userId: key.slice(0, at), facilityOid: key.slice(at + 1) };
}
