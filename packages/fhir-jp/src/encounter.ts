// ADT-12/21/22/31/32/41/42/51/52 → JP_Encounter (one per message, from PV1). Class from PV1-2,
// department from PV1-10 (table 0069), location PV1-3 (prior PV1-6) as ward, room and bed,
// attending PV1-7, admitting PV1-17, visit number PV1-19. Period: the stay's admission (PV1-44; the
// expected one, PV2-8, of a planned admission) and discharge (PV1-45, PV2-9 when planned) — never
// the date of a leave or transfer, which go to the location's period (ADT-41/42) and the status
// history (ADT-31/32) as well as the entry's index date.
import { clinician, type Hl7Segment, location } from '@hie/hl7v2';
import type { Encounter, EncounterLocation, EncounterParticipant } from '@medplum/fhirtypes';
import { department } from './codes.js';
import { type MappingContext, text } from './context.js';
import { toFhirDateTime } from './datetime.js';
import type { Category } from './types.js';

interface EventRule {
  category: Category;
  status: Encounter['status'];
  label: string;
}
/** Per data type: index category, Encounter.status after the event, and its name. */
const EVENTS: Readonly<Record<string, EventRule>> = {
  'ADT-12': { category: 'outpatient-visit', status: 'arrived', label: '外来診察受付' },
  'ADT-21': { category: 'admission', status: 'planned', label: '入院予定' },
  'ADT-22': { category: 'admission', status: 'in-progress', label: '入院実施' },
  'ADT-31': { category: 'leave', status: 'onleave', label: '外出泊実施' },
  'ADT-32': { category: 'leave', status: 'in-progress', label: '外出泊帰院実施' },
  'ADT-41': { category: 'transfer', status: 'in-progress', label: '転科・転棟予定' },
  'ADT-42': { category: 'transfer', status: 'in-progress', label: '転科・転棟実施' },
  'ADT-51': { category: 'discharge', status: 'in-progress', label: '退院予定' },
  'ADT-52': { category: 'discharge', status: 'finished', label: '退院実施' },
};

const CLASS: Readonly<Record<string, { code: string; display: string }>> = {
  I: { code: 'IMP', display: 'inpatient encounter' },
  O: { code: 'AMB', display: 'ambulatory' },
  E: { code: 'EMER', display: 'emergency' },
};

const PHYSICAL_TYPE = 'http://terminology.hl7.org/CodeSystem/location-physical-type';
const LEVELS = [
  ['pointOfCare', 'wa', 'Ward'],
  ['room', 'ro', 'Room'],
  ['bed', 'bd', 'Bed'],
] as const;

/**
 * PV1-3 / PV1-6 as Encounter.location entries. A ward place (PL-6 `N`, or any place with a room or
 * bed) gives one entry per level — ward, room, bed — typed by location-physical-type, so a viewer can
 * write 32病棟 302号室 1床 and tell a change of ward (転棟) from a change of room; the display is the
 * code as sent (SS-MIX2 sends no ward names), or PL-9's description for the ward when there is one.
 * Any other place (an outpatient clinic `105^^^^^C`) is one entry with its code.
 */
function places(
  seg: Hl7Segment,
  field: number,
  status: EncounterLocation['status'],
  period: EncounterLocation['period'] | undefined,
): EncounterLocation[] {
  const l = location((i, j) => (i === 0 ? seg.get(field) : seg.get(field, 1, i, j)));
  if (!l) return [];
  const ward = l.type === 'N' || l.room !== undefined || l.bed !== undefined;
  if (!ward)
    return l.pointOfCare
      ? [{ location: { display: l.pointOfCare }, status, ...(period ? { period } : {}) }]
      : [];
  const description = seg.get(field, 1, 9);
  const out: EncounterLocation[] = [];
  for (const [part, code, display] of LEVELS) {
    const value = l[part];
    if (!value) continue;
    out.push({
      location: {
        display: part === 'pointOfCare' && description ? description : value,
        identifier: { value },
      },
      status,
      ...(period ? { period } : {}),
      physicalType: { coding: [{ system: PHYSICAL_TYPE, code, display }] },
    });
  }
  return out;
}

function participants(seg: Hl7Segment, field: number, type: string, display: string): EncounterParticipant[] {
  const out: EncounterParticipant[] = [];
  for (let r = 1; r <= seg.repetitionCount(field); r++) {
    const c = clinician((i, j) => (i === 0 ? seg.get(field, r) : seg.get(field, r, i, j)));
    if (!c || c.representation === 'P') continue;
    const name = [c.family, c.given].filter(Boolean).join(' ') || c.id;
    if (!name) continue;
    out.push({
      type: [
        {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: type, display },
          ],
        },
      ],
      individual: {
        display: name,
        ...(c.id ? { identifier: { value: c.id } } : {}),
      },
    });
  }
  return out;
}

export function mapEncounter(ctx: MappingContext): void {
  const pv1 = ctx.message.segment('PV1');
  const rule = EVENTS[ctx.fileName.dataType];
  if (!pv1 || !rule) {
    ctx.warn('MISSING_FIELD', `no PV1 (or data type ${ctx.fileName.dataType} is not an encounter event)`);
    return;
  }
  const pv2 = ctx.message.segment('PV2');
  const evn = ctx.message.segment('EVN');
  const patientClass = text(pv1, 2);
  const cls = CLASS[patientClass ?? ''] ?? (rule.category === 'outpatient-visit' ? CLASS.O! : CLASS.I!);
  const admit = toFhirDateTime(text(pv1, 44));
  const discharge = toFhirDateTime(text(pv1, 45));
  const occurred = evn ? (toFhirDateTime(text(evn, 6)) ?? toFhirDateTime(text(evn, 2))) : undefined;
  const expectedAdmit = pv2 ? toFhirDateTime(text(pv2, 8)) : undefined;
  const expectedDischarge = pv2 ? toFhirDateTime(text(pv2, 9)) : undefined;
  const type = ctx.fileName.dataType;
  // The event's own date, per the care-date table (SSMIX2.md §4).
  const eventDate =
    type === 'ADT-12' || type === 'ADT-22'
      ? admit
      : type === 'ADT-52'
        ? (discharge ?? occurred)
        : type === 'ADT-21' || type === 'ADT-41'
          ? (expectedAdmit ?? occurred)
          : type === 'ADT-51'
            ? (expectedDischarge ?? occurred)
            : occurred;
  // The stay's admission: a leave, transfer or discharge message without PV1-44 has none to tell.
  const start =
    type === 'ADT-21'
      ? (expectedAdmit ?? admit)
      : type === 'ADT-12' || type === 'ADT-22'
        ? (admit ?? eventDate)
        : admit;
  const end = type === 'ADT-52' ? discharge : type === 'ADT-51' ? expectedDischarge : undefined;
  // PV1-10, else the file name's department (ADT-22 of some senders leaves PV1-10 empty).
  const dept = text(pv1, 10) ?? ctx.fileName.department;
  // A transfer's time is when the patient entered the new place and left the old one; a leave's, when
  // the patient went out (ADT-31) or came back (ADT-32). The period is the stay's, so these times are
  // written where FHIR keeps them: the location's period and the status history.
  const moved = type === 'ADT-41' || type === 'ADT-42' ? eventDate : undefined;
  const locations = [
    ...places(
      pv1,
      3,
      rule.status === 'planned' || type === 'ADT-41' ? 'planned' : 'active',
      moved ? { start: moved } : undefined,
    ),
    ...places(
      pv1,
      6,
      type === 'ADT-41' ? 'active' : 'completed',
      moved && type === 'ADT-42' ? { end: moved } : undefined,
    ),
  ];
  const leave = type === 'ADT-31' ? { start: eventDate } : type === 'ADT-32' ? { end: eventDate } : undefined;
  const visitNumber = text(pv1, 19);
  const people = [...participants(pv1, 7, 'ATND', 'attender'), ...participants(pv1, 17, 'ADM', 'admitter')];
  const disposition = text(pv1, 36);
  const serviceType = department(dept);
  const encounter: Encounter & { id: string } = {
    resourceType: 'Encounter',
    id: ctx.idFor(pv1),
    ...ctx.meta('JP_Encounter'),
    ...(visitNumber
      ? {
          identifier: [
            {
              type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'VN' }] },
              value: visitNumber,
            },
          ],
        }
      : {}),
    status: rule.status,
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', ...cls },
    type: [{ text: rule.label }],
    ...(serviceType ? { serviceType } : {}),
    ...(leave && eventDate ? { statusHistory: [{ status: 'onleave', period: leave }] } : {}),
    subject: ctx.patientRef,
    ...(people.length ? { participant: people } : {}),
    ...(start || end ? { period: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {}),
    ...(disposition
      ? {
          hospitalization: {
            dischargeDisposition: {
              coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0112', code: disposition }],
            },
          },
        }
      : {}),
    ...(locations.length ? { location: locations } : {}),
  };
  ctx.add(encounter, rule.category, { date: eventDate ?? start, code: { code: type } });
}
