import type { Category } from '@hie/contract';
import type { GatewayFacility } from '@hie/record-source';
import type { PacsState } from './pacs-state.js';
import type { PacsSource, PacsSyncReport } from './pacs-sync.js';
import type { StorageWatcherOptions } from './watch.js';

/** The facility whose storage this gateway projects (the record source's facility). */
export type { GatewayFacility };

export interface IngestOptions {
  /** Standardized storage roots (read only: the gateway never writes into them). */
  roots: string[];
  /** Extended storage roots (documents: CDA, PDF, images); read only too. */
  extendedRoots?: string[];
  /** Folders of DICOM files (read only): indexed after each full pass (imaging/dicom-index.ts). */
  dicomRoots?: string[];
  /** The hospital's PACS over DICOMweb: its studies indexed after each full pass (pacs/sync.ts). */
  pacs?: PacsSource;
  facility: GatewayFacility;
  /** Full rescan period while started (the safety net under the watcher). Default 60 s; 0 = none. */
  rescanIntervalMs?: number;
  /** Follow the roots with fs.watch while started. Default true. */
  watch?: boolean;
  /** Which folders the watcher follows (recent care dates by default; see StorageWatcher). */
  watchOptions?: StorageWatcherOptions;
  /** Files per transaction. Default 2000 (bigger transactions amortise index page writes). */
  batchSize?: number;
  /** Worker threads that read, parse and map files (0 = this thread). Default: 1 when the compiled worker exists. */
  workers?: number;
  onEvent?: (e: IngestEvent) => void;
}

export type IngestEvent =
  | { kind: 'batch'; files: number; resources: number; errors: number }
  | { kind: 'scan-done'; report: IngestReport }
  | { kind: 'error'; message: string };

/** What one pass (full load, rescan, notify, reindex) did. */
export interface IngestReport {
  /** Files listed or named. */
  seen: number;
  /** Files unchanged since last time (path, size, mtime), not read. */
  unchanged: number;
  /** Files read and recorded (new or changed). */
  ingested: number;
  /** Resources written (PUT) and removed (DELETE). */
  resourcesPut: number;
  resourcesDeleted: number;
  /** Files that failed (now in gw_error). */
  errors: number;
  /** Files gone from storage since last time. */
  removed: number;
  /** Current extended-storage documents after the pass (full passes only). */
  documents?: number;
  /** DICOM instances indexed after the pass (full passes with DICOM roots only). */
  dicomInstances?: number;
  /** What the PACS part of the pass did (full passes with a PACS only); `error` when the PACS failed. */
  pacs?: PacsSyncReport;
  ms: number;
}

/** One row of the error list. */
export interface IngestErrorRow {
  path: string;
  code: string;
  reason: string;
  position: string | null;
  firstSeen: string;
  lastTried: string;
  attempts: number;
}

export interface GatewayStatus {
  files: { total: number; byStatus: Record<string, number>; byDataType: Record<string, number> };
  resources: { total: number; byCategory: Partial<Record<Category, number>>; byType: Record<string, number> };
  patients: number;
  /** DICOM indexed from `storage.dicom` and `storage.pacs` (studies per patient UID, instances). */
  dicom: { studies: number; instances: number };
  /**
   * The hospital's PACS when one is synced: where, the last pass and full listing, the failure that
   * ended the last pass (null when it went through), its slowest answer, and its studies by status
   * (`indexed`, or the `dicom-…` code each refused one has in `errors`).
   */
  pacs: (PacsState & { studies: Record<string, number> }) | null;
  /**
   * The network directory the hub pushed (ITI-59): its entries, when it last changed, and whether the
   * feed token in use is the one the hub handed over (else the config's).
   */
  directory: { entries: number; updatedAt: string | null; feedTokenFromHub: boolean };
  /** ISO time of the last committed ingest batch; null before the first. */
  lastIngestAt: string | null;
  /** Newest source file mtime (ISO); null when nothing was ingested. */
  newestFileAt: string | null;
  /** Newest file mtime vs last ingest, ms (0 when the last ingest came after the newest file). */
  lagMs: number | null;
  errors: IngestErrorRow[];
}
