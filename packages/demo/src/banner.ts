import type { Showcase } from './showcase.js';

/**
 * 1950/04/01（昭和25年4月1日）: a birth date as the demo prints it. The day is formatted as the day it
 * is (UTC in, UTC out): read as Japan midnight and printed in the machine's zone, a UTC machine
 * printed the day before, and the first search a newcomer typed found no one.
 */
export function japaneseBirthDate(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number);
  if (!y || !m || !d) return ymd;
  const wareki = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
    timeZone: 'UTC',
    era: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
  }).format(new Date(Date.UTC(y, m - 1, d)));
  return `${ymd.replaceAll('-', '/')}（${wareki}）`;
}

/** The "Try" lines of `npm start`: whom to search, typed exactly as the search box takes it. */
export function tryHint(showcase: Showcase, hubUrl: string): string {
  const shown = showcase.consentedEverywhere;
  const hidden = showcase.consentedNowhere;
  const lines: string[] = [];
  if (shown) {
    lines.push(
      `Try: log in as clinic.doctor and search  ${shown.nameKana} ${shown.birthDate.replaceAll('-', '/')}`,
      `     (${shown.nameKanji}, born ${japaneseBirthDate(shown.birthDate)}): seen at ${shown.facilities} hospitals,`,
      `     consented everywhere, ${shown.hba1cResults} HbA1c results — open 検査結果.`,
      `     ${hubUrl}/patients/${shown.personId}?tab=labs`,
    );
  }
  if (hidden) {
    lines.push(
      `     ${hidden.nameKana} (${hidden.nameKanji}) gave no consent: outside their ${hidden.facilities} hospital(s) nobody can find them.`,
    );
  }
  const imaging = showcase.imaging;
  if (imaging) {
    const [first, last] = [imaging.cr[0]?.date, imaging.cr.at(-1)?.date];
    lines.push(
      `     Images: ${imaging.nameKana} ${imaging.birthDate.replaceAll('-', '/')} (${imaging.nameKanji}): a CT of ${imaging.ct.images} slices,`,
      `     chest X-rays of ${first} and ${last} to compare — open 画像.`,
      `     ${hubUrl}/patients/${imaging.personId}?tab=imaging`,
    );
  }
  return lines.join('\n');
}
