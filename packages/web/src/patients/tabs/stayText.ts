/** How a stay's places, lengths and nested events are written (入退院 and 受診歴 tabs). */
import type { useI18n } from '../../i18n';
import { dayOf, westernDate, westernDateTime } from '../../lib/dates';
import type { Place, Stay, StayEvent } from '../../records/stays';
import { stayLength } from '../../records/stays';

type TFunction = ReturnType<typeof useI18n>['t'];

/** 31病棟 307号室 4床 (the codes as sent: SS-MIX2 carries no ward names). */
export function placeText(t: TFunction, p: Place | null, withBed = true): string {
  if (!p) return '—';
  if (p.other && !p.ward) return p.other;
  return [
    p.ward && t('episodes.wardName', { ward: p.ward }),
    p.room && t('episodes.roomName', { room: p.room }),
    withBed && p.bed && t('episodes.bedName', { bed: p.bed }),
  ]
    .filter(Boolean)
    .join(' ');
}

/** 12泊13日; 入院中 8日目 for a patient still in hospital; '' when unknown. */
export function lengthText(t: TFunction, stay: Stay, today?: string): string {
  const length = stayLength(stay, today);
  if (!length) return '';
  return length.ongoing
    ? t('episodes.dayOfStay', { days: length.days })
    : t('episodes.nightsDays', { nights: length.nights, days: length.days });
}

/** 転科 / 転棟 / 転室 / 転床, as the nested event changed. */
function transferKind(t: TFunction, e: StayEvent): string {
  const kinds: string[] = [];
  if (e.toDepartment && e.fromDepartment && e.toDepartment !== e.fromDepartment)
    kinds.push(t('episodes.transferDept'));
  const from = e.from;
  const to = e.to;
  if ((from?.ward ?? from?.other) !== (to?.ward ?? to?.other)) kinds.push(t('episodes.transferWard'));
  else if (from?.room !== to?.room) kinds.push(t('episodes.transferRoom'));
  else if (from?.bed !== to?.bed) kinds.push(t('episodes.transferBed'));
  const kind = kinds.join('・') || t('episodes.transferWard');
  return e.planned ? t('episodes.transferPlanned', { kind }) : kind;
}

/** One nested line: what happened, when, from where to where. */
export function eventText(t: TFunction, e: StayEvent): { when: string; what: string; detail: string } {
  if (e.kind === 'leave') {
    const overnight = e.returned !== null && e.at !== null && dayOf(e.returned) !== dayOf(e.at);
    const what =
      e.returned === null
        ? t('episodes.leaveOut')
        : overnight
          ? t('episodes.leaveNight')
          : t('episodes.leaveDay');
    const back = e.returned ? westernDateTime(e.returned) : '';
    return {
      when: [e.at ? westernDateTime(e.at) : '—', back].filter(Boolean).join(` ${t('episodes.until')} `),
      what,
      detail: '',
    };
  }
  const places = `${placeText(t, e.from)} → ${placeText(t, e.to)}`;
  const departments =
    e.toDepartment && e.fromDepartment && e.toDepartment !== e.fromDepartment
      ? `（${e.fromDepartment} → ${e.toDepartment}）`
      : '';
  return {
    when: e.at ? westernDateTime(e.at) : '—',
    what: transferKind(t, e),
    detail: `${places}${departments}`,
  };
}

/** 2023/08/03 〜 2023/08/15 */
export const spanText = (t: TFunction, from: string | null, to: string | null): string =>
  `${westernDate(from)} ${t('episodes.until')} ${to ? westernDate(to) : ''}`.trim();
