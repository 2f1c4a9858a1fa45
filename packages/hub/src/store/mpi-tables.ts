/** Patient index tables (PIX/PDQ manager). Owned by hub/mpi. */
export interface MpiPersonTable {
  id: string;
  /** active | merged (its records moved to `merged_into`) */
  status: string;
  /** When merged: the surviving person. */
  merged_into: string | null;
  /** The person's display identity: that of its most recently fed record (PDQ results, sorting). */
  name_kanji: string | null;
  name_kana: string | null;
  kana_key: string | null;
  birth_date: string | null;
  sex: string | null;
  created_at: string;
  updated_at: string;
}

/** One patient identity at one facility: (facility OID, local id), linked to exactly one person. */
export interface MpiRecordTable {
  facility_oid: string;
  local_id: string;
  person_id: string;
  name_kanji: string | null;
  name_kana: string | null;
  /** Normalised keys for matching and PDQ prefix search (see mpi/normalize.ts, mpi/match.ts matchKeysOf). */
  kanji_key: string | null;
  kana_key: string | null;
  kanji_family: string | null;
  kanji_given: string | null;
  kana_family: string | null;
  kana_given: string | null;
  birth_date: string | null;
  /** M | F | O | U */
  sex: string | null;
  postcode: string | null;
  address: string | null;
  phone: string | null;
  address_key: string | null;
  /** Digits of the phone number (blocking key). */
  phone_key: string | null;
  /** auto | manual | new | review (a new person pending review): how the current link was made. */
  link_method: string;
  link_score: number | null;
  updated_at: string;
}

export interface MpiReviewTable {
  id: string;
  facility_oid: string;
  local_id: string;
  candidate_person_id: string;
  score: number;
  /** JSON: the per-field agreement and weights. */
  explanation: string;
  /** open | linked | rejected | superseded */
  status: string;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
}

export interface MpiHistoryTable {
  id: string;
  facility_oid: string;
  local_id: string;
  from_person: string | null;
  to_person: string | null;
  /** create | auto-link | update | link | unlink | merge | review */
  action: string;
  actor: string;
  reason: string | null;
  score: number | null;
  at: string;
}

/** Records per reading of a family name / given name (frequency.ts: value-specific u). */
export interface MpiNameCountTable {
  /** kana_family | kana_given | records (the total, value '') */
  part: string;
  value: string;
  n: number;
}

export interface HubMpiSchema {
  mpi_name_count: MpiNameCountTable;
  mpi_person: MpiPersonTable;
  mpi_record: MpiRecordTable;
  mpi_review: MpiReviewTable;
  mpi_history: MpiHistoryTable;
}
