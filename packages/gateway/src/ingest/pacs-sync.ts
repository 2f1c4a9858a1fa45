// The hospital's PACS → gw_dicom_instance rows (source 'pacs') and the same ImagingStudy projection as
// the folders'. Each pass lists the PACS's studies with QIDO-RS — those of the last `recentDays` days,
// and all of them every `fullScanHours` (and at reindex) — and fetches WADO-RS metadata only for studies
// that are new, changed (instance count, patient id, issuer) or waiting for their patient. A study is
// matched to a patient by PatientID (and IssuerOfPatientID) only, never by name; one that matches no
// patient of this gateway, names another issuer, or mixes patients is a gw_error row with a `dicom-`
// code and is never projected. A PACS that fails or times out ends the PACS part of the pass with a
// `pacs-…` gw_error row — never the pass itself; the studies already indexed stay served.
import { type DicomInstance, readDicomJson } from '@hie/dicom';
import type { Store } from '@hie/platform';
import {
  type GwPacsStudyTable,
  type PacsClient,
  PacsError,
  type PacsStudy,
  type Schema,
} from '@hie/record-source';
import { type DicomProblem, type PatientMatch, patientRefusal } from './dicom-index.js';
import { type PacsState, readPacsState, recordPacsFailure, recordPacsPass } from './pacs-state.js';
import { dropStudies, indexStudy, refuseStudy } from './pacs-study-rows.js';
import type { GatewayFacility } from './types.js';

/** The PACS source of a gateway (config `storage.pacs`). */
export interface PacsSource {
  client: PacsClient;
  /** The Issuer of Patient ID this PACS gives the hospital's patient ids: then every instance must name it. */
  issuer?: string | undefined;
  /** A regular pass lists the studies of the last this many days (StudyDate). */
  recentDays: number;
  /** A full listing (every study; those gone are dropped) at most this many hours apart; 0 = every pass. */
  fullScanHours: number;
}

export interface PacsSyncOptions {
  /** List every study now (reindex, `hie gateway reindex`). */
  full?: boolean;
  /** Where writes go: the ingest's write queue, so a slow PACS never holds other writers. */
  write?: <T>(work: () => Promise<T>) => Promise<T>;
  now?: Date;
}

export interface PacsSyncReport {
  url: string;
  full: boolean;
  /** Studies the listing returned. */
  listed: number;
  /** Studies whose metadata was fetched. */
  fetched: number;
  /** Studies (per patient) whose ImagingStudy was written or removed. */
  studiesChanged: number;
  /** Studies not indexed, by code. */
  problems: Record<string, number>;
  /** The PACS failed or timed out: the pass stopped there (what was done is kept). */
  error?: { code: string; message: string };
  ms: number;
  /** Slowest single answer of the PACS. */
  slowestMs: number;
}

const PAGE = 500;
const MAX_PAGES = 10_000;

/** Who a PACS study may belong to: a patient of this gateway, under the configured issuer if any. */
export function pacsMatch(
  source: Pick<PacsSource, 'issuer'>,
  facility: GatewayFacility,
  known: (id: string) => boolean,
): PatientMatch {
  return source.issuer
    ? { known, issuers: [source.issuer], issuerRequired: true }
    : { known, issuers: [facility.oid, facility.institutionCode], issuerRequired: false };
}

export async function syncPacs(
  store: Store<Schema>,
  source: PacsSource,
  facility: GatewayFacility,
  options: PacsSyncOptions = {},
): Promise<PacsSyncReport> {
  const started = Date.now();
  const now = options.now ?? new Date();
  const write = options.write ?? (<T>(work: () => Promise<T>) => work());
  const client = source.client;
  const url = client.url;
  const state = await readPacsState(store);
  const issuer = source.issuer ?? null;
  // Another PACS, or another issuer rule: every study is looked at again.
  const rematch = !state || state.url !== url || state.issuer !== issuer;
  const lastFull = state?.lastFullAt ? Date.parse(state.lastFullAt) : Number.NaN;
  const full =
    options.full === true ||
    rematch ||
    source.fullScanHours === 0 ||
    !(now.getTime() - lastFull < source.fullScanHours * 3_600_000);
  client.resetTiming();
  const report: PacsSyncReport = {
    url,
    full,
    listed: 0,
    fetched: 0,
    studiesChanged: 0,
    problems: {},
    ms: 0,
    slowestMs: 0,
  };
  const problem = (code: string) => {
    report.problems[code] = (report.problems[code] ?? 0) + 1;
  };
  try {
    const listed = await listStudies(client, full ? undefined : since(now, source.recentDays));
    report.listed = listed.size;
    const held = new Map(
      (await store.db.selectFrom('gw_pacs_study').selectAll().execute()).map((r) => [r.study_uid, r]),
    );
    const patients = new Set(
      (await store.db.selectFrom('gw_patient').select('patient_id').execute()).map((p) => p.patient_id),
    );
    const match = pacsMatch(source, facility, (id) => patients.has(id));
    const at = now.toISOString();

    for (const [studyUid, listing] of listed) {
      const before = held.get(studyUid);
      if (listing === 'conflict') {
        if (!rematch && before?.status === 'dicom-inconsistent-patient') continue;
        problem('dicom-inconsistent-patient');
        report.studiesChanged += await write(() =>
          refuseStudy(store, facility, url, studyUid, before, inconsistent(studyUid), at),
        );
        continue;
      }
      if (!rematch && before && unchanged(before, listing, patients)) continue;
      // Not ours by the listing alone: no need to fetch its metadata. (A listing without the issuer
      // proves nothing: not every PACS returns it in QIDO-RS; the instances are checked below.)
      const early = patientRefusal(
        { patientId: listing.patientId, issuerOfPatientId: listing.issuer },
        { ...match, issuerRequired: false },
      );
      if (early) {
        problem(early.code);
        report.studiesChanged += await write(() =>
          refuseStudy(store, facility, url, studyUid, before, early, at, listing),
        );
        continue;
      }
      report.fetched++;
      let metadata: unknown[];
      try {
        metadata = await client.studyMetadata(studyUid);
      } catch (e) {
        // Gone between the listing and now: dropped like a study the full listing no longer has.
        if (e instanceof PacsError && e.code === 'pacs-not-found') {
          report.studiesChanged += await write(() => dropStudies(store, facility, [studyUid]));
          continue;
        }
        throw e;
      }
      const study = studyOf(studyUid, metadata, match);
      if ('problem' in study) {
        problem(study.problem.code);
        report.studiesChanged += await write(() =>
          refuseStudy(store, facility, url, studyUid, before, study.problem, at, listing),
        );
        continue;
      }
      for (const skipped of study.skipped) problem(skipped);
      report.studiesChanged += await write(() =>
        indexStudy(store, facility, url, studyUid, study.instances, listing, at),
      );
    }
    // Only a complete listing of every study can say which ones the PACS no longer has.
    if (full) {
      const gone = [...held.keys()].filter((uid) => !listed.has(uid));
      if (gone.length > 0) report.studiesChanged += await write(() => dropStudies(store, facility, gone));
    }
    const pass: PacsState = {
      url,
      issuer,
      lastFullAt: full ? at : (state?.lastFullAt ?? null),
      lastSyncAt: at,
      lastError: null,
      lastMs: Date.now() - started,
      slowestMs: client.slowestMs,
    };
    await write(() => recordPacsPass(store, pass, state?.url));
  } catch (e) {
    if (!(e instanceof PacsError)) throw e;
    report.error = { code: e.code, message: e.message };
    const at = new Date().toISOString();
    // The checkpoint stays that of the last pass that went through.
    const failed = {
      url: state?.url ?? url,
      issuer: state?.issuer ?? issuer,
      lastFullAt: state?.lastFullAt ?? null,
      lastSyncAt: at,
      lastError: { ...report.error, at },
      lastMs: Date.now() - started,
      slowestMs: client.slowestMs,
    };
    await write(() => recordPacsFailure(store, url, failed));
  }
  report.slowestMs = client.slowestMs;
  report.ms = Date.now() - started;
  return report;
}

/** The studies of the listing by UID; one UID the PACS lists under two patient ids is a conflict. */
async function listStudies(
  client: PacsClient,
  studyDate: string | undefined,
): Promise<Map<string, PacsStudy | 'conflict'>> {
  const out = new Map<string, PacsStudy | 'conflict'>();
  for (let offset = 0, pages = 0; pages < MAX_PAGES; pages++) {
    const page = await client.studies({ offset, limit: PAGE, ...(studyDate ? { studyDate } : {}) });
    let fresh = 0;
    for (const s of page) {
      const seen = out.get(s.studyUid);
      if (seen === undefined) fresh++;
      out.set(
        s.studyUid,
        seen === undefined ||
          (seen !== 'conflict' && seen.patientId === s.patientId && seen.issuer === s.issuer)
          ? s
          : 'conflict',
      );
    }
    // The end: an empty or short page, or a server that ignores `offset` (nothing new).
    if (page.length < PAGE || fresh === 0) break;
    offset += page.length;
  }
  return out;
}

function unchanged(before: GwPacsStudyTable, now: PacsStudy, patients: ReadonlySet<string>): boolean {
  if (before.instances !== now.instances || before.patient_id !== now.patientId) return false;
  if ((before.issuer ?? null) !== now.issuer) return false;
  // Waiting for its patient: looked at again once the patient arrives.
  return !(before.status === 'dicom-unknown-patient' && patients.has(now.patientId));
}

const inconsistent = (studyUid: string): DicomProblem => ({
  code: 'dicom-inconsistent-patient',
  message: `study ${studyUid} is held under more than one Patient ID / issuer: served to none until the PACS is corrected`,
});

/** The study's instances when they are all one patient's and that patient is ours, else why not. */
function studyOf(
  studyUid: string,
  metadata: readonly unknown[],
  match: PatientMatch,
): { instances: DicomInstance[]; skipped: string[] } | { problem: DicomProblem } {
  const instances: DicomInstance[] = [];
  const skipped: string[] = [];
  for (const entry of metadata) {
    const read = readDicomJson(entry);
    if (!read.ok) skipped.push(`dicom-${read.code}`);
    else if (read.instance.studyInstanceUid !== studyUid) skipped.push('dicom-inconsistent-study');
    else instances.push(read.instance);
  }
  const first = instances[0];
  if (!first)
    return { problem: { code: 'dicom-empty-study', message: `study ${studyUid}: no readable instance` } };
  const who = (i: DicomInstance) => `${i.patientId}\n${i.issuerOfPatientId?.trim() ?? ''}`;
  if (instances.some((i) => who(i) !== who(first))) return { problem: inconsistent(studyUid) };
  const refused = patientRefusal(first, match);
  return refused ? { problem: refused } : { instances, skipped };
}

/** The DICOM date range of the last `days` days (`20261001-`). */
function since(now: Date, days: number): string {
  const from = new Date(now.getTime() - days * 86_400_000);
  return `${from.toISOString().slice(0, 10).replace(/-/g, '')}-`;
}
