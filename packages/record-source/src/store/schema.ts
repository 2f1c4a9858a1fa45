import type { AuditSchema } from '@hie/platform';

/** The gateway's tables, as Kysely sees them. Bigint columns come back as string from pg. */
export interface GwFileTable {
  path: string;
  record_key: string;
  patient_id: string;
  care_date: string;
  data_type: string;
  order_no: string;
  timestamp: string;
  department: string;
  flag: string;
  size: number | string;
  mtime_ms: number;
  sha256: string;
  control_id: string | null;
  /** current | history | deleted | error */
  status: string;
  ingested_at: string;
}

export interface GwResourceTable {
  resource_type: string;
  id: string;
  patient_id: string;
  category: string;
  date: string | null;
  code: string | null;
  record_key: string;
  file_path: string;
  version_id: number;
  last_updated: string;
  json: string;
}

export interface GwPatientTable {
  patient_id: string;
  name_kanji: string | null;
  name_kana: string | null;
  kana_key: string | null;
  birth_date: string | null;
  sex: string | null;
  /** Contact details for the hub's patient matching (0007_gateway_feed). */
  postcode?: string | null;
  address?: string | null;
  phone?: string | null;
  updated_at: string;
}

export interface GwErrorTable {
  path: string;
  code: string;
  message: string;
  position: string | null;
  size: number | string;
  mtime_ms: number;
  first_seen: string;
  last_tried: string;
  attempts: number;
}

export interface GwStateTable {
  name: string;
  value: string;
  updated_at: string;
}

/** One entry of the network's directory as the hub pushed it (ITI-59): its DN and attributes (JSON). */
export interface GwDirectoryEntryTable {
  dn: string;
  /** `{ "<attribute>": ["value", …] }`, names as sent. */
  attrs: string;
  updated_at: string;
}

export interface GwNonceTable {
  jti: string;
  expires_at: number | string;
}

export interface GwInboundOwnerTable {
  record_key: string;
  sender_id: string;
  filed_at: string;
}

export interface GwDicomInstanceTable {
  patient_id: string;
  study_uid: string;
  series_uid: string;
  sop_uid: string;
  sop_class_uid: string;
  modality: string;
  series_number: number | null;
  instance_number: number | null;
  frames: number;
  transfer_syntax: string;
  pixel_offset: number | string | null;
  pixel_length: number | string | null;
  file_path: string;
  size: number | string;
  mtime_ms: number;
  json: string;
  indexed_at: string;
  /** Where the instance is read: a file of `storage.dicom` (`file_path`), or the PACS (by WADO-RS). */
  source: DicomSourceKind;
}

export type DicomSourceKind = 'file' | 'pacs';

/** The PACS's studies as its last QIDO-RS listing gave them (pacs/sync.ts). */
export interface GwPacsStudyTable {
  study_uid: string;
  patient_id: string;
  issuer: string | null;
  instances: number;
  study_date: string | null;
  /** `indexed`, or the `dicom-…` code of its gw_error row. */
  status: string;
  seen_at: string;
}

export interface GatewaySchema {
  gw_dicom_instance: GwDicomInstanceTable;
  gw_pacs_study: GwPacsStudyTable;
  gw_inbound_owner: GwInboundOwnerTable;
  gw_file: GwFileTable;
  gw_resource: GwResourceTable;
  gw_patient: GwPatientTable;
  gw_error: GwErrorTable;
  gw_state: GwStateTable;
  gw_nonce: GwNonceTable;
  gw_directory_entry: GwDirectoryEntryTable;
}

/** Every table of a gateway's store: its own and the audit chain's. */
export interface Schema extends AuditSchema, GatewaySchema {}
