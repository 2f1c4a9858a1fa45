/** The Care Cabinet's schedule (予定表) tables. Owned by hub/cabinet/schedule. */

/**
 * One entry of a cabinet's schedule: who, what, when, and how it repeats. Times are wall-clock in
 * `zone` (always Asia/Tokyo: no daylight saving, so local minutes are elapsed minutes).
 */
export interface HubCabinetScheduleEntryTable {
  id: string;
  cabinet_id: string;
  /** A ScheduleKind (contract): home-medical, home-nursing, … */
  kind: string;
  /** The member scheduled; null for a service named only by its facility (デイサービス). */
  user_id: string | null;
  /** The member's facility (the one they are a member for), or the service's facility. */
  facility_oid: string;
  /** The first day (YYYY-MM-DD, local). */
  start_date: string;
  /** HH:MM, local. */
  start_time: string;
  end_time: string;
  /** The occurrence ends this many days after it starts (a short stay's nights); 0 = the same day. */
  nights: number;
  zone: string;
  note: string | null;
  /** none | weekly | monthly */
  freq: string;
  /** Every N weeks / months. */
  every_n: number;
  /** Weekdays 0 (Sunday)–6, comma separated: "1,4". Null for none. */
  weekdays: string | null;
  /** For monthly: the n-th weekdays, 1–5 or -1 (the last), comma separated: "2,4". */
  nths: string | null;
  until_date: string | null;
  occurrence_count: number | null;
  /** manual | csv */
  source: string;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

/** One occurrence of an entry (the day it was due) cancelled, or moved to another day and time. */
export interface HubCabinetScheduleExceptionTable {
  entry_id: string;
  original_date: string;
  cabinet_id: string;
  /** cancel | move */
  action: string;
  move_date: string | null;
  move_start: string | null;
  move_end: string | null;
  note: string | null;
  created_by: string;
  created_at: string;
}

export interface HubCabinetScheduleSchema {
  hub_cabinet_schedule_entry: HubCabinetScheduleEntryTable;
  hub_cabinet_schedule_exception: HubCabinetScheduleExceptionTable;
}
