/**
 * 入退院と受診歴: the gateways make one Encounter per ADT message (fhir-jp encounter.ts): 入院予定,
 * 入院実施, 外出泊, 転科・転棟 (予定/実施), 退院予定, 退院実施, 外来診察受付. A clinician means something
 * else by them, and this module reads them that way:
 *
 * - **One stay** (入院) per admission at a facility, with its admission and discharge dates (or 入院中),
 *   its departments and wards, and its transfers and leaves nested under it. The messages of one stay
 *   are tied by the visit number (PV1-19) when the hospital sends one, else by the day of admission
 *   (PV1-44, which every message of the stay carries; PV2-8 of a planned admission). A message without
 *   either (a transfer or leave sent without PV1-44) joins the stay of its facility whose dates hold its
 *   date; failing that it makes a stay of its own, with the admission unknown — never dropped.
 * - A **planned admission** (入院予定) joins the stay admitted on its planned day; one that no admission
 *   followed stays visible as a stay whose status is `planned`.
 * - **Length of stay** is told as Japanese wards tell it: nights and days (13泊14日), the day of
 *   admission counting as day 1.
 * - **Visits** (受診歴): an outpatient visit is an outpatient reception (外来診察受付, class AMB), one row
 *   per facility and day. A stay is one row. Other records (results, prescriptions, studies) are the
 *   "what was done" of the visit or stay they fall in; days inside a stay are never outpatient visits. A
 *   day with results but no reception and no stay is its own row, marked as such (no reception was sent).
 */
import type { SourcedResource } from '../api/types';
import { dayOf, todayInJapan } from '../lib/dates';
import { type CodeableConcept, categoryOf, conceptText } from './fhir';

/** What one ADT message says happened (its data type). */
export type EncounterEvent =
  | 'visit'
  | 'admit-planned'
  | 'admit'
  | 'leave'
  | 'return'
  | 'transfer-planned'
  | 'transfer'
  | 'discharge-planned'
  | 'discharge';

/** fhir-jp's Encounter.type text per data type (ADT-12 … ADT-52). */
const EVENT_OF_LABEL: Readonly<Record<string, EncounterEvent>> = {
  外来診察受付: 'visit',
  入院予定: 'admit-planned',
  入院実施: 'admit',
  外出泊実施: 'leave',
  外出泊帰院実施: 'return',
  '転科・転棟予定': 'transfer-planned',
  '転科・転棟実施': 'transfer',
  退院予定: 'discharge-planned',
  退院実施: 'discharge',
};

/** A ward place: PV1-3 / PV1-6 as fhir-jp writes them (ward, room, bed), or a place as sent. */
export interface Place {
  ward?: string;
  room?: string;
  bed?: string;
  /** A place that is not a ward/room/bed (an older projection's `32-302-1`, an outpatient clinic). */
  other?: string;
}

interface EncounterLike {
  status?: string;
  class?: { code?: string };
  type?: CodeableConcept[];
  serviceType?: CodeableConcept;
  period?: { start?: string; end?: string };
  identifier?: { type?: CodeableConcept; value?: string }[];
  location?: {
    location?: { display?: string };
    status?: string;
    physicalType?: CodeableConcept;
    period?: { start?: string; end?: string };
  }[];
  statusHistory?: { status?: string; period?: { start?: string; end?: string } }[];
  participant?: { type?: CodeableConcept[]; individual?: { display?: string } }[];
}

/** One ADT message, read. */
interface AdtEvent {
  entry: SourcedResource;
  event: EncounterEvent;
  /** When it happened (the event's own time, per the care-date table). */
  at: string | null;
  /** The stay's admission as the message tells it (PV1-44; PV2-8 when planned). */
  admission: string | null;
  discharge: string | null;
  visitNumber: string | null;
  department: string | null;
  place: Place | null;
  prior: Place | null;
  doctor: string | null;
}

export interface StayEvent {
  kind: 'transfer' | 'leave';
  /** A transfer that was planned (転科・転棟予定) and not (yet) carried out. */
  planned: boolean;
  /** The transfer's time; the leave's going out. */
  at: string | null;
  /** The return from a leave (null: not back, or not recorded). */
  returned: string | null;
  from: Place | null;
  to: Place | null;
  fromDepartment: string | null;
  toDepartment: string | null;
}

export type StayStatus = 'planned' | 'admitted' | 'discharged';

export interface Stay {
  key: string;
  facilityOid: string;
  facilityName: string;
  status: StayStatus;
  /** The admission (入院実施), or the admission time any message of the stay gives. */
  admitted: string | null;
  plannedAdmission: string | null;
  discharged: string | null;
  plannedDischarge: string | null;
  /** Departments by name as sent, in order (a 転科 adds one). */
  departments: string[];
  /** Wards in order (a 転棟 adds one). */
  places: Place[];
  doctor: string | null;
  events: StayEvent[];
  /** The messages merged into this stay. */
  entries: SourcedResource[];
}

const encounterOf = (e: SourcedResource) => e.resource as unknown as EncounterLike;

function eventOf(enc: EncounterLike): EncounterEvent | null {
  const label = enc.type?.[0]?.text;
  if (label && EVENT_OF_LABEL[label]) return EVENT_OF_LABEL[label];
  if (enc.class?.code === 'AMB') return 'visit';
  if (enc.status === 'planned') return 'admit-planned';
  if (enc.status === 'finished') return 'discharge';
  if (enc.class?.code === 'IMP') return 'admit';
  return null;
}

const PLACE_PART: Readonly<Record<string, keyof Place>> = { wa: 'ward', ro: 'room', bd: 'bed' };

/**
 * The place the message puts the patient (PV1-3) and the one before (PV1-6): fhir-jp writes each as
 * ward, room and bed entries; a planned transfer's new place is `planned`, the place left `completed`
 * (or still `active` while the transfer is only planned). Also when the move happened (its period).
 */
function placesOf(enc: EncounterLike): {
  current: Place | null;
  prior: Place | null;
  movedAt: string | null;
} {
  const byStatus = new Map<string, Place>();
  let movedAt: string | null = null;
  for (const l of enc.location ?? []) {
    const display = l.location?.display;
    if (!display) continue;
    const status = l.status ?? 'active';
    const place = byStatus.get(status) ?? {};
    byStatus.set(status, place);
    const part = PLACE_PART[l.physicalType?.coding?.[0]?.code ?? ''] ?? 'other';
    place[part] ??= display;
    if (status !== 'completed') movedAt ??= l.period?.start ?? null;
  }
  const planned = byStatus.get('planned');
  const active = byStatus.get('active');
  return {
    current: planned ?? active ?? null,
    prior: byStatus.get('completed') ?? (planned ? (active ?? null) : null),
    movedAt,
  };
}

function read(entry: SourcedResource): AdtEvent | null {
  if (entry.resource.resourceType !== 'Encounter') return null;
  const enc = encounterOf(entry);
  const event = eventOf(enc);
  if (!event) return null;
  const { current, prior, movedAt } = placesOf(enc);
  const department = enc.serviceType ? conceptText(enc.serviceType) : null;
  const leave = enc.statusHistory?.find((h) => h.status === 'onleave')?.period;
  const vn = enc.identifier?.find((i) => i.type?.coding?.some((c) => c.code === 'VN'))?.value ?? null;
  const attending =
    enc.participant?.find((p) => p.type?.some((t) => t.coding?.some((c) => c.code === 'ATND'))) ??
    enc.participant?.[0];
  return {
    entry,
    event,
    at: eventTime(event, enc, movedAt, leave) ?? entry.date ?? null,
    admission: enc.period?.start ?? null,
    discharge: enc.period?.end ?? null,
    visitNumber: vn,
    department: department && department !== '—' ? department : null,
    place: current,
    prior,
    doctor: attending?.individual?.display ?? null,
  };
}

/**
 * When the message's event happened. The hub dates an Encounter by its period (the stay's admission),
 * so the event's own time is read where fhir-jp writes it: the period for an admission or discharge,
 * the location's period for a transfer, the status history for a leave.
 */
function eventTime(
  event: EncounterEvent,
  enc: EncounterLike,
  movedAt: string | null,
  leave: { start?: string; end?: string } | undefined,
): string | null {
  switch (event) {
    case 'visit':
    case 'admit-planned':
    case 'admit':
      return enc.period?.start ?? null;
    case 'discharge-planned':
    case 'discharge':
      return enc.period?.end ?? null;
    case 'transfer-planned':
    case 'transfer':
      return movedAt;
    case 'leave':
      return leave?.start ?? null;
    case 'return':
      return leave?.end ?? null;
  }
}

const byTime = (a: AdtEvent, b: AdtEvent) => (a.at ?? '').localeCompare(b.at ?? '');
interface Building {
  stay: Stay;
  events: AdtEvent[];
}

function newStay(key: string, e: AdtEvent): Building {
  return {
    stay: {
      key,
      facilityOid: e.entry.facilityOid,
      facilityName: e.entry.facilityName,
      status: 'planned',
      admitted: null,
      plannedAdmission: null,
      discharged: null,
      plannedDischarge: null,
      departments: [],
      places: [],
      doctor: null,
      events: [],
      entries: [],
    },
    events: [],
  };
}

/** The days a stay covers so far, for placing a message that names no admission. */
function holds(b: Building, day: string): boolean {
  const first = b.events.map((e) => e.admission ?? e.at).find((x) => x);
  const start = first ? dayOf(first) : null;
  const end = b.events.find((e) => e.event === 'discharge');
  const endDay = end ? dayOf(end.discharge ?? end.at) : null;
  return (start === null || start <= day) && (endDay === null || day <= endDay);
}

/** Builds the stay's dates, places and nested events from its messages (in time order). */
function finish(b: Building): Stay {
  const s = b.stay;
  const events = [...b.events].sort(byTime);
  s.entries = events.map((e) => e.entry);
  const admit = events.find((e) => e.event === 'admit');
  const planned = events.find((e) => e.event === 'admit-planned');
  const discharge = events.find((e) => e.event === 'discharge');
  const dischargePlan = [...events].reverse().find((e) => e.event === 'discharge-planned');
  const happened = events.some((e) => e.event !== 'admit-planned');
  s.plannedAdmission = planned?.admission ?? planned?.at ?? null;
  s.admitted = happened
    ? (admit?.admission ??
      admit?.at ??
      events.find((e) => e.event !== 'admit-planned' && e.admission)?.admission ??
      null)
    : null;
  s.discharged = discharge ? (discharge.discharge ?? discharge.at) : null;
  s.plannedDischarge = dischargePlan ? (dischargePlan.discharge ?? dischargePlan.at) : null;
  s.status = discharge ? 'discharged' : happened ? 'admitted' : 'planned';
  const first = admit ?? events.find((e) => e.event !== 'admit-planned') ?? events[0];
  s.doctor = first?.doctor ?? events.find((e) => e.doctor)?.doctor ?? null;

  let department = first?.department ?? null;
  let place = first?.place ?? null;
  if (department) s.departments.push(department);
  if (place) s.places.push(place);
  const transfersDone = events.filter((e) => e.event === 'transfer');
  let out: StayEvent | null = null;
  for (const e of events) {
    if (e.event === 'transfer' || e.event === 'transfer-planned') {
      const isPlanned = e.event === 'transfer-planned';
      // A planned transfer carried out the same day is the transfer itself.
      if (isPlanned && transfersDone.some((t) => dayOf(t.at) === dayOf(e.at))) continue;
      const to = e.place;
      const from = e.prior ?? place;
      const toDepartment = e.department;
      s.events.push({
        kind: 'transfer',
        planned: isPlanned,
        at: e.at,
        returned: null,
        from,
        to,
        fromDepartment: department,
        toDepartment,
      });
      if (!isPlanned) {
        // A move to another ward or room is a new place of the stay (a bed change is not).
        const otherWard = (to?.ward ?? to?.other) !== (place?.ward ?? place?.other);
        if (to && (otherWard || to.room !== place?.room)) s.places.push(to);
        if (toDepartment && toDepartment !== department && !s.departments.includes(toDepartment))
          s.departments.push(toDepartment);
        place = to ?? place;
        department = toDepartment ?? department;
      }
    } else if (e.event === 'leave') {
      out = {
        kind: 'leave',
        planned: false,
        at: e.at,
        returned: null,
        from: null,
        to: null,
        fromDepartment: null,
        toDepartment: null,
      };
      s.events.push(out);
    } else if (e.event === 'return') {
      if (out && out.returned === null) out.returned = e.at;
      else
        s.events.push({
          kind: 'leave',
          planned: false,
          at: null,
          returned: e.at,
          from: null,
          to: null,
          fromDepartment: null,
          toDepartment: null,
        });
      out = null;
    }
  }
  return s;
}

/**
 * The stays (入院) in these entries, newest first. Entries that are not inpatient Encounters (outpatient
 * receptions, other resources) are ignored.
 */
export function staysOf(entries: readonly SourcedResource[]): Stay[] {
  const events = entries
    .map(read)
    .filter((e): e is AdtEvent => e !== null && e.event !== 'visit')
    .sort(byTime);
  const building = new Map<string, Building>();
  const keyOf = (e: AdtEvent): string | null => {
    if (e.visitNumber) return `${e.entry.facilityOid}|vn|${e.visitNumber}`;
    const day = dayOf(e.admission);
    return day ? `${e.entry.facilityOid}|day|${day}` : null;
  };
  const unkeyed: AdtEvent[] = [];
  for (const e of events) {
    const key = keyOf(e);
    if (!key) {
      unkeyed.push(e);
      continue;
    }
    let b = building.get(key);
    if (!b) {
      b = newStay(key, e);
      building.set(key, b);
    }
    b.events.push(e);
  }
  for (const e of unkeyed) {
    const day = dayOf(e.at);
    const candidates = [...building.values()].filter(
      (b) =>
        b.stay.facilityOid === e.entry.facilityOid &&
        day !== null &&
        holds(b, day) &&
        // A discharge closes a stay not yet closed.
        !(e.event === 'discharge' && b.events.some((x) => x.event === 'discharge')),
    );
    // The latest admitted stay that holds the date.
    const start = (b: Building) => b.events.map((x) => x.admission ?? x.at ?? '').sort()[0] ?? '';
    const chosen = candidates.sort((a, b) => start(b).localeCompare(start(a)))[0];
    if (chosen) {
      chosen.events.push(e);
      continue;
    }
    const key = `${e.entry.facilityOid}|alone|${e.entry.resource.id}`;
    const b = newStay(key, e);
    b.events.push(e);
    building.set(key, b);
  }
  const stays = [...building.values()].map(finish);
  const sortDate = (s: Stay) => s.admitted ?? s.plannedAdmission ?? s.entries[0]?.date ?? '';
  return stays.sort((a, b) => sortDate(b).localeCompare(sortDate(a)));
}

/** Whole days between two YYYY-MM-DD days. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Length of stay as wards tell it: nights and days (the day of admission is day 1); for a patient still
 * in hospital, up to today. Null when the admission is not known or not happened.
 */
export function stayLength(
  stay: Stay,
  today: string = todayInJapan(),
): { nights: number; days: number; ongoing: boolean } | null {
  const start = dayOf(stay.admitted);
  if (!start || stay.status === 'planned') return null;
  const end = stay.status === 'discharged' ? dayOf(stay.discharged) : today;
  if (!end) return null;
  const nights = Math.max(0, daysBetween(start, end));
  return { nights, days: nights + 1, ongoing: stay.status !== 'discharged' };
}

// ── 受診歴 ─────────────────────────────────────────────────────────────────────────────────────────

/** Record categories that mean the patient was there that day (a document or a diagnosis does not). */
const PRESENCE = new Set([
  'prescription',
  'injection',
  'lab-result',
  'bacteriology',
  'radiology',
  'endoscopy',
  'physiology',
]);

export type VisitKind = 'outpatient' | 'stay' | 'records';

export interface VisitRow {
  key: string;
  kind: VisitKind;
  /** The visit's day; a stay's admission day (or its first known day). */
  day: string;
  /** A stay's discharge day (null: still in hospital, or not recorded). */
  endDay: string | null;
  facilityOid: string;
  facilityName: string;
  departments: string[];
  /** The categories of the records of that visit or stay (処方, 検査 …), in first-seen order. */
  kinds: string[];
  stay: Stay | null;
}

/** A one-day row (an outpatient visit, or records with neither reception nor stay) of `e`'s facility. */
function dayRow(key: string, kind: 'outpatient' | 'records', day: string, e: SourcedResource): VisitRow {
  return {
    key,
    kind,
    day,
    endDay: null,
    facilityOid: e.facilityOid,
    facilityName: e.facilityName,
    departments: [],
    kinds: [],
    stay: null,
  };
}

/** A record's category for the visit list: the document kinds are one kind there. */
function recordKind(e: SourcedResource): string | null {
  const category = categoryOf(e);
  if (!category) return null;
  return category.startsWith('document') ? 'document' : category;
}

/**
 * 受診歴一覧, newest first: outpatient visits (one per facility and day, from the outpatient receptions),
 * stays (one row each, planned-only stays left out: they did not happen), and days with records but no
 * reception and no stay. Each row lists the kinds of records of that visit or stay.
 */
export function visitsOf(entries: readonly SourcedResource[], today: string = todayInJapan()): VisitRow[] {
  const stays = staysOf(entries).filter((s) => s.status !== 'planned');
  const rows = new Map<string, VisitRow>();
  const outpatient = new Map<string, VisitRow>();
  for (const e of entries) {
    if (e.resource.resourceType !== 'Encounter') continue;
    const r = read(e);
    if (r?.event !== 'visit') continue;
    const day = dayOf(r.at ?? r.admission);
    if (!day) continue;
    const key = `visit|${e.facilityOid}|${day}`;
    let row = outpatient.get(key);
    if (!row) {
      row = dayRow(key, 'outpatient', day, e);
      outpatient.set(key, row);
      rows.set(key, row);
    }
    if (r.department && !row.departments.includes(r.department)) row.departments.push(r.department);
  }
  const stayRows = stays.map((stay): VisitRow => {
    const day = dayOf(stay.admitted) ?? dayOf(stay.entries[0]?.date) ?? today;
    const row: VisitRow = {
      key: `stay|${stay.key}`,
      kind: 'stay',
      day,
      endDay: stay.status === 'discharged' ? dayOf(stay.discharged) : null,
      facilityOid: stay.facilityOid,
      facilityName: stay.facilityName,
      departments: [...stay.departments],
      kinds: [],
      stay,
    };
    rows.set(row.key, row);
    return row;
  });
  /** The stay a record falls in: inside its days; on the first or last day, by the time when both have one. */
  const stayOf = (e: SourcedResource, day: string): VisitRow | undefined =>
    stayRows.find((row) => {
      if (row.facilityOid !== e.facilityOid || day < row.day) return false;
      const end = row.endDay ?? today;
      if (day > end) return false;
      const visitSameDay = outpatient.has(`visit|${e.facilityOid}|${day}`);
      if (!visitSameDay) return true;
      // An outpatient reception the same day: before the admission (or after the discharge) is the visit.
      const at = e.date ?? '';
      const admitted = row.stay?.admitted ?? '';
      const discharged = row.stay?.discharged ?? '';
      if (day === row.day && at.length > 10 && admitted.length > 10) return at >= admitted;
      if (day === row.endDay && at.length > 10 && discharged.length > 10) return at <= discharged;
      return day !== row.day && day !== row.endDay;
    });
  for (const e of entries) {
    if (e.resource.resourceType === 'Encounter') continue;
    const kind = recordKind(e);
    const day = dayOf(e.date);
    if (!kind || !day) continue;
    const row = stayOf(e, day) ?? outpatient.get(`visit|${e.facilityOid}|${day}`);
    if (row) {
      if (!row.kinds.includes(kind)) row.kinds.push(kind);
      continue;
    }
    if (!PRESENCE.has(kind)) continue;
    const key = `records|${e.facilityOid}|${day}`;
    let alone = rows.get(key);
    if (!alone) {
      alone = dayRow(key, 'records', day, e);
      rows.set(key, alone);
    }
    if (!alone.kinds.includes(kind)) alone.kinds.push(kind);
  }
  return [...rows.values()].sort(
    (a, b) =>
      b.day.localeCompare(a.day) ||
      a.facilityName.localeCompare(b.facilityName, 'ja') ||
      a.kind.localeCompare(b.kind),
  );
}
