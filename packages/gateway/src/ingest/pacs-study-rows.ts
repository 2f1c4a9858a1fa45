// The PACS's studies in the store: each one indexed, refused or dropped in one transaction with its
// ImagingStudy projection, its gw_error row and its line in gw_pacs_study.
import type { DicomInstance } from '@hie/dicom';
import type { Store } from '@hie/platform';
import type { Db, GwPacsStudyTable, PacsStudy, Schema } from '@hie/record-source';
import {
  type DicomErrorRow,
  type DicomProblem,
  dicomInstanceRow,
  projectDicomStudies,
  upsertDicomErrors,
} from './dicom-index.js';
import { PACS_PATH_PREFIX, PACS_STATE } from './pacs-state.js';
import type { GatewayFacility } from './types.js';

const studyPath = (url: string, studyUid: string) => `${PACS_PATH_PREFIX}${url}/studies/${studyUid}`;

/** Patient|study keys of the study's PACS rows now (whoever they were filed under), then removes them. */
async function removeRows(trx: Db, studyUid: string): Promise<string[]> {
  const held = await trx
    .selectFrom('gw_dicom_instance')
    .select('patient_id')
    .distinct()
    .where('source', '=', 'pacs')
    .where('study_uid', '=', studyUid)
    .execute();
  await trx
    .deleteFrom('gw_dicom_instance')
    .where('source', '=', 'pacs')
    .where('study_uid', '=', studyUid)
    .execute();
  return held.map((r) => `${r.patient_id}|${studyUid}`);
}

async function putStudyRow(trx: Db, row: GwPacsStudyTable): Promise<void> {
  const { study_uid: _, ...rest } = row;
  await trx
    .insertInto('gw_pacs_study')
    .values(row)
    .onConflict((oc) => oc.column('study_uid').doUpdateSet(rest))
    .execute();
}

export async function indexStudy(
  store: Store<Schema>,
  facility: GatewayFacility,
  url: string,
  studyUid: string,
  instances: readonly DicomInstance[],
  listing: PacsStudy,
  at: string,
): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    const touched = new Set(await removeRows(trx, studyUid));
    for (const i of instances) {
      // An instance the folders already gave is served from its file.
      await trx
        .insertInto('gw_dicom_instance')
        .values(dicomInstanceRow(i, at))
        .onConflict((oc) => oc.columns(['patient_id', 'study_uid', 'series_uid', 'sop_uid']).doNothing())
        .execute();
      touched.add(`${i.patientId}|${studyUid}`);
    }
    await trx.deleteFrom('gw_error').where('path', '=', studyPath(url, studyUid)).execute();
    await putStudyRow(trx, {
      study_uid: studyUid,
      patient_id: listing.patientId,
      issuer: listing.issuer,
      instances: listing.instances,
      study_date: listing.studyDate,
      status: 'indexed',
      seen_at: at,
    });
    return projectDicomStudies(trx, store.engine, facility, touched, at);
  });
}

/** The study is not (or no longer) served: its rows go, its gw_error row says why. */
export async function refuseStudy(
  store: Store<Schema>,
  facility: GatewayFacility,
  url: string,
  studyUid: string,
  before: GwPacsStudyTable | undefined,
  problem: DicomProblem,
  at: string,
  listing?: PacsStudy,
): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    const touched = await removeRows(trx, studyUid);
    const error: DicomErrorRow = { path: studyPath(url, studyUid), size: 0, mtimeMs: 0, problem };
    await upsertDicomErrors(trx, [error], at);
    await putStudyRow(trx, {
      study_uid: studyUid,
      patient_id: listing?.patientId ?? before?.patient_id ?? '',
      issuer: listing ? listing.issuer : (before?.issuer ?? null),
      instances: listing?.instances ?? before?.instances ?? 0,
      study_date: listing?.studyDate ?? before?.study_date ?? null,
      status: problem.code,
      seen_at: at,
    });
    return projectDicomStudies(trx, store.engine, facility, touched, at);
  });
}

/** Studies the PACS no longer has: rows, error rows and their line in gw_pacs_study go. */
export async function dropStudies(
  store: Store<Schema>,
  facility: GatewayFacility,
  studyUids: readonly string[],
): Promise<number> {
  return store.db.transaction().execute(async (trx) => {
    const touched: string[] = [];
    for (const uid of studyUids) {
      touched.push(...(await removeRows(trx, uid)));
      await trx.deleteFrom('gw_pacs_study').where('study_uid', '=', uid).execute();
      await trx.deleteFrom('gw_error').where('path', 'like', `${PACS_PATH_PREFIX}%/studies/${uid}`).execute();
    }
    return projectDicomStudies(trx, store.engine, facility, touched, new Date().toISOString());
  });
}

/** Every PACS study and instance row, and the PACS's rows in gw_error and gw_state (PACS unconfigured). */
export async function forgetPacs(store: Store<Schema>, facility: GatewayFacility): Promise<number> {
  const uids = (await store.db.selectFrom('gw_pacs_study').select('study_uid').execute()).map(
    (r) => r.study_uid,
  );
  const changed = uids.length > 0 ? await dropStudies(store, facility, uids) : 0;
  await store.db.transaction().execute(async (trx) => {
    // Rows without a line in gw_pacs_study (a pass cut short): removed all the same.
    const orphans = await trx
      .selectFrom('gw_dicom_instance')
      .select('study_uid')
      .distinct()
      .where('source', '=', 'pacs')
      .execute();
    const touched: string[] = [];
    for (const o of orphans) touched.push(...(await removeRows(trx, o.study_uid)));
    await projectDicomStudies(trx, store.engine, facility, touched, new Date().toISOString());
    await trx.deleteFrom('gw_error').where('path', 'like', `${PACS_PATH_PREFIX}%`).execute();
    await trx.deleteFrom('gw_state').where('name', '=', PACS_STATE).execute();
  });
  return changed;
}
