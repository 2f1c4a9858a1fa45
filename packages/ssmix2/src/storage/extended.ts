import { join } from 'node:path';
import {
  type ConditionFlag,
  type FileNameResult,
  formatFileName,
  parseFileName,
} from '../names/file-name.js';
import { patientFolders } from '../names/path.js';
import { walkStorage } from './walk.js';

/**
 * Extended storage (拡張ストレージ, SSMIX2.md §1): the patient levels and care-date folder of
 * standardized storage, then a data-type folder in CWE-like form
 * (`[local code]^local name^[local system]^standard code^standard name^standard system`), then one
 * content folder per document, named like a standardized file with a "specific key" in place of the
 * order number, holding the main document (CDA R2 XML, PDF, or `main_document.hl7`) and attachments.
 */
export interface ExtendedDataType {
  /** The folder name as written. */
  folder: string;
  localCode: string;
  localName: string;
  localSystem: string;
  standardCode: string;
  standardName: string;
  standardSystem: string;
}

export function parseExtendedDataType(folder: string): ExtendedDataType {
  const [
    localCode = '',
    localName = '',
    localSystem = '',
    standardCode = '',
    standardName = '',
    standardSystem = '',
  ] = folder.split('^');
  return { folder, localCode, localName, localSystem, standardCode, standardName, standardSystem };
}

export function formatExtendedDataType(t: Omit<ExtendedDataType, 'folder'>): string {
  const parts = [t.localCode, t.localName, t.localSystem, t.standardCode, t.standardName, t.standardSystem];
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join('^');
}

export interface ExtendedContentKey {
  patientId: string;
  careDate: string;
  /** The data-type folder (CWE-like string). */
  dataType: string;
  /** Specific key (固有キー) in place of the order number. */
  specificKey: string;
  timestamp: string;
  department: string;
  flag: ConditionFlag;
}

/** Folder of one document: `<root>/<pid levels>/<pid>/<date>/<type folder>/<content folder>`. */
export function extendedContentPath(root: string, k: ExtendedContentKey): string {
  const folderName = formatFileName({ ...k, orderNo: k.specificKey });
  return join(root, ...patientFolders(k.patientId), k.careDate, k.dataType, folderName);
}

export type MainDocumentKind = 'cda' | 'pdf' | 'hl7' | 'other';

export interface ExtendedContent {
  kind: 'content';
  root: string;
  /** The content folder. */
  path: string;
  relPath: string;
  patientId: string;
  careDate: string;
  dataType: ExtendedDataType;
  /** The content folder's name parsed as an extended file name. */
  name: FileNameResult;
  mainDocument: { file: string; kind: MainDocumentKind } | undefined;
  attachments: string[];
}

export interface ExtendedProblem {
  kind: 'problem';
  root: string;
  path: string;
  message: string;
}

/**
 * Lists the documents of extended storage roots, one item per content folder, in walk order and
 * constant memory. Files that are not at content-folder depth are reported as problems.
 */
export async function* listExtendedStorage(
  roots: string | readonly string[],
): AsyncGenerator<ExtendedContent | ExtendedProblem> {
  const rootList = typeof roots === 'string' ? [roots] : roots;
  let folder: readonly string[] | undefined;
  let root = '';
  let files: string[] = [];
  const close = (): ExtendedContent | ExtendedProblem | undefined => {
    if (!folder || files.length === 0) return undefined;
    const out = describeContent(root, folder, files);
    files = [];
    return out;
  };
  for (const item of walkStorage(rootList)) {
    if (item.kind === 'problem') {
      yield {
        kind: 'problem',
        root: item.problem.root,
        path: item.problem.path,
        message: item.problem.message,
      };
      continue;
    }
    if (item.kind !== 'file') continue;
    const f = item.file;
    if (f.folders !== folder || f.root !== root) {
      const done = close();
      if (done) yield done;
      folder = f.folders;
      root = f.root;
    }
    files.push(f.fileName);
  }
  const done = close();
  if (done) yield done;
}

function describeContent(
  root: string,
  folders: readonly string[],
  files: string[],
): ExtendedContent | ExtendedProblem {
  const path = join(root, ...folders);
  const contentFolder = folders[folders.length - 1] ?? '';
  const name = parseFileName(contentFolder, { extended: true });
  const patientId = name.ok ? name.value.patientId : (folders[folders.length - 4] ?? '');
  const expectedDepth = patientFolders(patientId).length + 3;
  if (folders.length !== expectedDepth) {
    return {
      kind: 'problem',
      root,
      path,
      message: `${files.length} file(s) ${folders.length} folders below the root; extended storage keeps documents ${expectedDepth} deep`,
    };
  }
  const main = mainDocument(files);
  return {
    kind: 'content',
    root,
    path,
    relPath: folders.join('/'),
    patientId,
    careDate: folders[folders.length - 3]!,
    dataType: parseExtendedDataType(folders[folders.length - 2]!),
    name,
    mainDocument: main,
    attachments: files.filter((f) => f !== main?.file),
  };
}

/**
 * The main document: `main_document.*` first, else the only CDA XML, else the only PDF, else the
 * only file. Other files are attachments.
 */
export function mainDocument(files: readonly string[]): { file: string; kind: MainDocumentKind } | undefined {
  const kindOf = (f: string): MainDocumentKind => {
    const lower = f.toLowerCase();
    if (lower.endsWith('.xml')) return 'cda';
    if (lower.endsWith('.pdf')) return 'pdf';
    if (lower.endsWith('.hl7')) return 'hl7';
    return 'other';
  };
  const named = files.find((f) => f.toLowerCase().startsWith('main_document.'));
  if (named) return { file: named, kind: kindOf(named) };
  for (const kind of ['cda', 'pdf'] as const) {
    const of = files.filter((f) => kindOf(f) === kind);
    if (of.length === 1) return { file: of[0]!, kind };
  }
  if (files.length === 1) return { file: files[0]!, kind: kindOf(files[0]!) };
  return undefined;
}
