import type { MappedResource } from '@hie/fhir-jp';

/**
 * What one intake writes into one tenant, whole or not at all (intake/apply.ts, one transaction): the
 * output of every intake path (ORCA pull, UKE file, お薬手帳 data, lab result, SS-MIX2 upload, manual entry).
 */
export interface IntakeBatch {
  /** The record key of every row written (gw_resource.record_key): what a later intake of the same thing replaces. */
  recordKey: string;
  /** Where the rows came from (gw_resource.file_path): a file's name, `orca:<date>`, a message's control id. */
  origin: string;
  /** Resources to PUT, with their index entries (the shape every mapper of this repository returns). */
  entries: readonly MappedResource[];
  /** Every stored id starting with one of these that `entries` does not PUT again is deleted. */
  replacePrefixes: readonly string[];
  /** Ids (of any type) to delete outright. */
  deleteIds: readonly string[];
  /** Local patient ids whose gw_patient row goes (a patient the source no longer has). */
  deletePatients?: readonly string[];
}

export type { IntakeIssue } from '@hie/contract';

/** An intake's counts, as stored with it and shown in the tenant's status. */
export interface IntakeCounts {
  resources: number;
  patients: number;
  deleted: number;
}
