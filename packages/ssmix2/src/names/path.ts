import { join } from 'node:path';
import { formatFileName, type Ssmix2FileName } from './file-name.js';

/**
 * The two patient-level folders: characters [0,3) and [3,6) of the patient ID. For IDs shorter than
 * 6 characters the layout is not public; like the NHO checker (`os.path.join` of the slices) we drop
 * empty levels, so `12` lives in `12/12/…` (unverified).
 */
export function patientFolders(patientId: string): string[] {
  return [patientId.slice(0, 3), patientId.slice(3, 6), patientId].filter((s) => s !== '');
}

/** Folders from the root to the data-type folder of a key: levels, patient, care date, data type. */
export function keyFolders(n: Pick<Ssmix2FileName, 'patientId' | 'careDate' | 'dataType'>): string[] {
  return [...patientFolders(n.patientId), n.careDate, n.dataType];
}

/** `<root>/<pid[0..3)>/<pid[3..6)>/<pid>/<date>/<type>/<file>` */
export function standardizedPath(root: string, n: Ssmix2FileName): string {
  return join(root, ...keyFolders(n), formatFileName(n));
}

/** The path of a file relative to its storage root, always with `/`. */
export function standardizedRelPath(n: Ssmix2FileName): string {
  return [...keyFolders(n), formatFileName(n)].join('/');
}

export type PathMismatchCode = 'PATH_DEPTH' | 'PATH_PATIENT' | 'PATH_CARE_DATE' | 'PATH_DATA_TYPE';

export interface PathMismatch {
  code: PathMismatchCode;
  message: string;
  /** Folder names the file name implies, and those the file is in. */
  expected: string;
  actual: string;
}

/**
 * Checks that the folders a file sits in (relative to the storage root, root excluded) are those
 * its name implies. Returns every disagreement, most specific first; empty when consistent.
 */
export function checkPathConsistency(folders: readonly string[], n: Ssmix2FileName): PathMismatch[] {
  const expected = keyFolders(n);
  if (folders.length !== expected.length) {
    return [
      {
        code: 'PATH_DEPTH',
        message: `file is ${folders.length} folders below the root; its name implies ${expected.length} (${expected.join('/')})`,
        expected: expected.join('/'),
        actual: folders.join('/'),
      },
    ];
  }
  const out: PathMismatch[] = [];
  const typeAt = expected.length - 1;
  const dateAt = expected.length - 2;
  const patientLevels = expected.slice(0, dateAt).join('/');
  const actualLevels = folders.slice(0, dateAt).join('/');
  if (patientLevels !== actualLevels) {
    out.push({
      code: 'PATH_PATIENT',
      message: `patient folders '${actualLevels}' do not match patient ID '${n.patientId}' of the name`,
      expected: patientLevels,
      actual: actualLevels,
    });
  }
  if (folders[dateAt] !== expected[dateAt]) {
    out.push({
      code: 'PATH_CARE_DATE',
      message: `care-date folder '${folders[dateAt]}' differs from the name's care date '${n.careDate}'`,
      expected: expected[dateAt]!,
      actual: folders[dateAt]!,
    });
  }
  if (folders[typeAt] !== expected[typeAt]) {
    out.push({
      code: 'PATH_DATA_TYPE',
      message: `data-type folder '${folders[typeAt]}' differs from the name's data type '${n.dataType}'`,
      expected: expected[typeAt]!,
      actual: folders[typeAt]!,
    });
  }
  return out;
}
