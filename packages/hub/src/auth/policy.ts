/**
 * Password policy. Long passphrases over composition tricks (NIST SP 800-63B), with the mix of
 * letters and digits/symbols that the MHLW safety guideline (第6.0版) asks for, and the obvious
 * guesses refused. The second factor (TOTP) is what carries most of the weight.
 */
export const PASSWORD_MIN_LENGTH = 12;
/** argon2 hashes anything, but a megabyte of "password" is a denial of service, not a password. */
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem =
  | 'too-short'
  | 'too-long'
  | 'same-as-login-id'
  | 'contains-login-id'
  | 'one-kind-of-character'
  | 'repetitive'
  | 'common'
  | 'same-as-current';

export const PASSWORD_PROBLEM_LABELS: Record<PasswordProblem, { ja: string; en: string }> = {
  'too-short': {
    ja: `${PASSWORD_MIN_LENGTH}文字以上にしてください`,
    en: `use at least ${PASSWORD_MIN_LENGTH} characters`,
  },
  'too-long': {
    ja: `${PASSWORD_MAX_LENGTH}文字以内にしてください`,
    en: `use at most ${PASSWORD_MAX_LENGTH} characters`,
  },
  'same-as-login-id': { ja: 'ログインIDと同じです', en: 'equals the login ID' },
  'contains-login-id': { ja: 'ログインIDを含んでいます', en: 'contains the login ID' },
  'one-kind-of-character': {
    ja: '英字と、数字または記号を混ぜてください',
    en: 'mix letters with digits or symbols',
  },
  repetitive: { ja: '同じ文字や並びの繰り返しです', en: 'is a repetition or a simple sequence' },
  common: { ja: 'よく使われるパスワードです', en: 'is a commonly used password' },
  'same-as-current': { ja: '現在のパスワードと同じです', en: 'equals the current password' },
};

/** Well-known guesses (normalised: lower-case, digits kept). Short on purpose: length does the rest. */
const COMMON = new Set([
  'password1234',
  'password12345',
  'password123456',
  'passw0rd1234',
  'p@ssw0rd1234',
  'qwerty123456',
  'qwertyuiop12',
  'iloveyou1234',
  'administrator',
  'administrator1',
  'welcome12345',
  'letmein12345',
  'changeme1234',
  'hospital1234',
  'byouin123456',
  'kango1234567',
  'okayama12345',
  'hareyaka1234',
]);

const SEQUENCES = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm'];

function isRepetitive(value: string): boolean {
  const lower = value.toLowerCase();
  // One short unit repeated: "aaaaaaaaaaaa", "abcabcabcabc", "12121212…".
  for (let unit = 1; unit <= 4; unit++) {
    const piece = lower.slice(0, unit);
    if (piece.repeat(Math.ceil(lower.length / unit)).slice(0, lower.length) === lower) return true;
  }
  // A plain run of a keyboard or alphabet sequence.
  return SEQUENCES.some((s) => {
    const doubled = s + s;
    return doubled.includes(lower) || [...doubled].reverse().join('').includes(lower);
  });
}

/** Everything wrong with a new password (empty = acceptable). */
export function passwordProblems(
  plain: string,
  context: { loginId: string; current?: string },
): PasswordProblem[] {
  const problems: PasswordProblem[] = [];
  const length = [...plain].length;
  if (length < PASSWORD_MIN_LENGTH) problems.push('too-short');
  if (length > PASSWORD_MAX_LENGTH) problems.push('too-long');
  const normalised = plain.normalize('NFKC').toLowerCase();
  const loginId = context.loginId.normalize('NFKC').toLowerCase();
  if (loginId !== '' && normalised === loginId) problems.push('same-as-login-id');
  else if (loginId.length >= 4 && normalised.includes(loginId)) problems.push('contains-login-id');
  const letters = /\p{L}/u.test(plain);
  const others = /[\p{N}\p{P}\p{S}\s]/u.test(plain);
  if (!(letters && others)) problems.push('one-kind-of-character');
  if (isRepetitive(plain)) problems.push('repetitive');
  if (COMMON.has(normalised)) problems.push('common');
  if (context.current !== undefined && plain === context.current) problems.push('same-as-current');
  return problems;
}
