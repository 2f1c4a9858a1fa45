// DICOM files a hospital exports (or a folder its PACS writes) → gw_dicom_instance rows and one
// ImagingStudy per (patient, study) in the projection. Only headers are read (@hie/dicom stops before
// Pixel Data). A file is matched to a patient by its PatientID — the facility's own patient id, which
// must already be a patient of this gateway — and, when the file names one, its Issuer of Patient ID
// must be this facility; never by name. What cannot be indexed is a gw_error row with a `dicom-` code
// (hie gateway status lists it) and is never served; one bad file never stops the others.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { withCategoryTag } from '@hie/contract';
import { type DicomInstance, readDicomFile } from '@hie/dicom';
import { type DicomStudySource, mapDicomStudy } from '@hie/fhir-jp';
import type { Engine, Store } from '@hie/platform';
import {
  type Db,
  deleteResourcesOfKeys,
  type GwDicomInstanceTable,
  type GwResourceTable,
  type Schema,
  upsertResources,
} from '@hie/record-source';
import type { GatewayFacility } from './types.js';

export interface DicomIndexReport {
  /** Files seen in the roots. */
  files: number;
  /** Files read this pass (new or changed, or waiting for their patient). */
  read: number;
  /** Instances indexed in all. */
  instances: number;
  /** Studies (per patient) whose ImagingStudy was written or removed this pass. */
  studiesChanged: number;
  /** Files that could not be indexed, by code. */
  problems: Record<string, number>;
}

/** Record keys of DICOM studies: never met by a standardized or extended key. */
export const DICOM_KEY_PREFIX = 'dicom|';
const studyKey = (patientId: string, studyUid: string) => `${DICOM_KEY_PREFIX}${patientId}|${studyUid}`;

/** Every regular file below the roots (dot files and folders skipped), with size and mtime. */
async function* walk(root: string): AsyncGenerator<{ path: string; size: number; mtimeMs: number }> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(root, e.name);
    if (e.isDirectory()) yield* walk(path);
    else if (e.isFile()) {
      const s = await stat(path).catch(() => null);
      if (s) yield { path, size: s.size, mtimeMs: s.mtimeMs };
    }
  }
}

export type DicomProblem = { code: string; message: string };

/** Who an image may belong to: a patient this gateway has, named by an issuer it accepts. */
export interface PatientMatch {
  known: (patientId: string) => boolean;
  /** Issuer of Patient ID values that mean this hospital's patient ids. */
  issuers: readonly string[];
  /** An instance that names no issuer is refused (a PACS configured with its issuer). */
  issuerRequired: boolean;
}

/** A folder's files: no issuer, or this facility's OID or 医療機関コード. */
export const facilityMatch = (facility: GatewayFacility, known: (id: string) => boolean): PatientMatch => ({
  known,
  issuers: [facility.oid, facility.institutionCode],
  issuerRequired: false,
});

/** Why this instance may not be indexed for this facility, or null. Never by name: id and issuer only. */
export function patientRefusal(
  instance: Pick<DicomInstance, 'patientId' | 'issuerOfPatientId'>,
  match: PatientMatch,
): DicomProblem | null {
  const issuer = instance.issuerOfPatientId?.trim();
  if (issuer ? !match.issuers.includes(issuer) : match.issuerRequired)
    return {
      code: 'dicom-wrong-issuer',
      message: issuer
        ? `Issuer of Patient ID ${issuer} is not this facility's (${match.issuers.join(' / ')})`
        : `no Issuer of Patient ID: only ${match.issuers.join(' / ')} is accepted from this source`,
    };
  if (!match.known(instance.patientId))
    return {
      code: 'dicom-unknown-patient',
      message: `PatientID ${instance.patientId} is no patient of this facility (yet): not indexed, retried every pass`,
    };
  return null;
}

/**
 * Brings gw_dicom_instance and the DICOM ImagingStudy rows in line with the roots: new and changed
 * files are read, files gone are dropped, and every study that gained or lost an instance is mapped
 * again. `read` is the header reader (tests give a failing one).
 */
export async function syncDicomStorage(
  store: Store<Schema>,
  roots: readonly string[],
  facility: GatewayFacility,
  read: (path: string) => ReturnType<typeof readDicomFile> = readDicomFile,
): Promise<DicomIndexReport> {
  const report: DicomIndexReport = { files: 0, read: 0, instances: 0, studiesChanged: 0, problems: {} };
  const held = new Map<string, { size: number; mtimeMs: number; patient: string; study: string }>();
  for (const r of await store.db
    .selectFrom('gw_dicom_instance')
    .select(['file_path', 'size', 'mtime_ms', 'patient_id', 'study_uid'])
    .where('source', '=', 'file')
    .execute())
    held.set(r.file_path, {
      size: Number(r.size),
      mtimeMs: r.mtime_ms,
      patient: r.patient_id,
      study: r.study_uid,
    });
  const failed = new Map<string, { size: number; mtimeMs: number; code: string }>();
  for (const r of await store.db
    .selectFrom('gw_error')
    .select(['path', 'size', 'mtime_ms', 'code'])
    .where('code', 'like', 'dicom-%')
    .execute())
    failed.set(r.path, { size: Number(r.size), mtimeMs: r.mtime_ms, code: r.code });
  const patients = new Set(
    (await store.db.selectFrom('gw_patient').select('patient_id').execute()).map((p) => p.patient_id),
  );

  const seen = new Set<string>();
  const touched = new Set<string>(); // patient|study
  const put: GwDicomInstanceTable[] = [];
  const errors: DicomErrorRow[] = [];
  const now = new Date().toISOString();
  for (const root of roots) {
    for await (const f of walk(root)) {
      seen.add(f.path);
      report.files++;
      const h = held.get(f.path);
      if (h && h.size === f.size && h.mtimeMs === f.mtimeMs) continue;
      const bad = failed.get(f.path);
      // A file that failed stays failed until it changes — except one waiting for its patient.
      if (bad && bad.size === f.size && bad.mtimeMs === f.mtimeMs && bad.code !== 'dicom-unknown-patient')
        continue;
      report.read++;
      const result = await read(f.path);
      const problem: DicomProblem | null = result.ok
        ? patientRefusal(
            result.instance,
            facilityMatch(facility, (id) => patients.has(id)),
          )
        : { code: `dicom-${result.code}`, message: result.message };
      if (h) touched.add(`${h.patient}|${h.study}`);
      if (problem || !result.ok) {
        errors.push({ path: f.path, size: f.size, mtimeMs: f.mtimeMs, problem: problem! });
        continue;
      }
      const i = result.instance;
      touched.add(`${i.patientId}|${i.studyInstanceUid}`);
      put.push(dicomInstanceRow(i, now, f));
    }
  }
  const gone = [...held.entries()].filter(([path]) => !seen.has(path));
  for (const [, h] of gone) touched.add(`${h.patient}|${h.study}`);

  await store.db.transaction().execute(async (trx) => {
    // A file's old instance row goes before its new one is written (its UIDs may have changed).
    const rewritten = [...put.map((p) => p.file_path), ...errors.map((e) => e.path), ...gone.map(([p]) => p)];
    for (const part of chunks(rewritten))
      await trx
        .deleteFrom('gw_dicom_instance')
        .where('source', '=', 'file')
        .where('file_path', 'in', part)
        .execute();
    for (const part of chunks([...put.map((p) => p.file_path), ...gone.map(([p]) => p)]))
      await trx.deleteFrom('gw_error').where('path', 'in', part).execute();
    for (const row of put)
      await trx
        .insertInto('gw_dicom_instance')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['patient_id', 'study_uid', 'series_uid', 'sop_uid']).doUpdateSet({
            file_path: row.file_path,
            size: row.size,
            mtime_ms: row.mtime_ms,
            json: row.json,
            frames: row.frames,
            pixel_offset: row.pixel_offset,
            pixel_length: row.pixel_length,
            transfer_syntax: row.transfer_syntax,
            indexed_at: row.indexed_at,
            source: 'file',
          }),
        )
        .execute();
    await upsertDicomErrors(trx, errors, now);
    report.studiesChanged = await projectDicomStudies(trx, store.engine, facility, touched, now);
  });
  for (const e of errors) report.problems[e.problem.code] = (report.problems[e.problem.code] ?? 0) + 1;
  const count = await store.db
    .selectFrom('gw_dicom_instance')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  report.instances = Number(count?.n ?? 0);
  return report;
}

/** The index row of an instance: read from a file of the folders, or (no file) told by the PACS. */
export function dicomInstanceRow(
  i: DicomInstance,
  indexedAt: string,
  file?: { path: string; size: number; mtimeMs: number },
): GwDicomInstanceTable {
  return {
    patient_id: i.patientId,
    study_uid: i.studyInstanceUid,
    series_uid: i.seriesInstanceUid,
    sop_uid: i.sopInstanceUid,
    sop_class_uid: i.sopClassUid,
    modality: i.modality,
    series_number: i.seriesNumber,
    instance_number: i.instanceNumber,
    frames: i.numberOfFrames,
    transfer_syntax: i.transferSyntaxUid,
    pixel_offset: i.pixelData?.offset ?? null,
    pixel_length: i.pixelData?.length ?? null,
    file_path: file?.path ?? '',
    size: file?.size ?? 0,
    mtime_ms: file?.mtimeMs ?? 0,
    json: JSON.stringify(i.json),
    indexed_at: indexedAt,
    source: file ? 'file' : 'pacs',
  };
}

/** A source item (file path, or PACS study URL) that could not be indexed, with why. */
export interface DicomErrorRow {
  path: string;
  size: number;
  mtimeMs: number;
  problem: DicomProblem;
}

/** gw_error rows for items that could not be indexed (attempts counted, first seen kept). */
export async function upsertDicomErrors(
  trx: Db,
  errors: readonly DicomErrorRow[],
  now: string,
): Promise<void> {
  for (const e of errors) {
    const values = {
      path: e.path,
      code: e.problem.code,
      message: e.problem.message,
      position: null,
      size: e.size,
      mtime_ms: e.mtimeMs,
      first_seen: now,
      last_tried: now,
      attempts: 1,
    };
    await trx
      .insertInto('gw_error')
      .values(values)
      .onConflict((oc) =>
        oc.column('path').doUpdateSet((eb) => ({
          code: values.code,
          message: values.message,
          size: values.size,
          mtime_ms: values.mtime_ms,
          last_tried: now,
          attempts: eb('gw_error.attempts', '+', 1),
        })),
      )
      .execute();
  }
}

/**
 * Maps each `patient|study` again from all its instance rows, whatever their source (or removes its
 * ImagingStudy with its last row). Returns how many studies were written or removed.
 */
export async function projectDicomStudies(
  trx: Db,
  engine: Engine,
  facility: GatewayFacility,
  touched: Iterable<string>,
  now: string,
): Promise<number> {
  const rows: GwResourceTable[] = [];
  const emptied: string[] = [];
  for (const t of touched) {
    const [patientId = '', studyUid = ''] = t.split('|');
    const instances = await trx
      .selectFrom('gw_dicom_instance')
      .selectAll()
      .where('patient_id', '=', patientId)
      .where('study_uid', '=', studyUid)
      .orderBy('series_number')
      .orderBy('instance_number')
      .orderBy('sop_uid')
      .execute();
    if (instances.length === 0) {
      emptied.push(studyKey(patientId, studyUid));
      continue;
    }
    const mapped = mapDicomStudy(studySource(patientId, studyUid, instances), `urn:oid:${facility.oid}`);
    rows.push({
      resource_type: 'ImagingStudy',
      id: mapped.index.id,
      patient_id: patientId,
      category: mapped.index.category,
      date: mapped.index.date ?? null,
      code: mapped.index.code ?? null,
      record_key: studyKey(patientId, studyUid),
      file_path: '',
      version_id: 1,
      last_updated: now,
      json: JSON.stringify(withCategoryTag(mapped.resource, mapped.index.category)),
    });
  }
  if (emptied.length > 0) await deleteResourcesOfKeys(trx, emptied);
  if (rows.length > 0) await upsertResources(trx, engine, rows);
  return rows.length + emptied.length;
}

/** The study as fhir-jp maps it, from its instance rows (the first instance's header speaks for the study). */
function studySource(
  patientId: string,
  studyUid: string,
  rows: readonly GwDicomInstanceTable[],
): DicomStudySource {
  const header = JSON.parse(rows[0]!.json) as Record<string, { Value?: unknown[] }>;
  const value = (tag: string) => {
    const v = header[tag]?.Value?.[0];
    return typeof v === 'string' && v !== '' ? v : null;
  };
  const bySeries = new Map<string, GwDicomInstanceTable[]>();
  for (const r of rows) bySeries.set(r.series_uid, [...(bySeries.get(r.series_uid) ?? []), r]);
  return {
    patientId,
    studyInstanceUid: studyUid,
    accessionNumber: value('00080050'),
    studyDate: value('00080020'),
    studyTime: value('00080030'),
    studyDescription: value('00081030'),
    series: [...bySeries].map(([seriesUid, list]) => {
      const first = JSON.parse(list[0]!.json) as Record<string, { Value?: unknown[] }>;
      const text = (tag: string) => {
        const v = first[tag]?.Value?.[0];
        return typeof v === 'string' && v !== '' ? v : null;
      };
      return {
        seriesInstanceUid: seriesUid,
        seriesNumber: list[0]!.series_number,
        modality: list[0]!.modality,
        seriesDescription: text('0008103E'),
        bodyPartExamined: text('00180015'),
        instances: list.map((r) => ({
          sopInstanceUid: r.sop_uid,
          sopClassUid: r.sop_class_uid,
          instanceNumber: r.instance_number,
        })),
      };
    }),
  };
}

function chunks<T>(list: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}
