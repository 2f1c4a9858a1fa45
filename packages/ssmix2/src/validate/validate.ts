import { checkFolderKeys } from '../check/check-keys.js';
import {
  type FileStatus,
  type Finding,
  type FindingCode,
  type Severity,
  statusOf,
} from '../check/findings.js';
import type { Ssmix2FileName } from '../names/file-name.js';
import { type ScanItem, type ScannedFile, scanStorage } from '../scan/scanner.js';

export interface ValidateOptions {
  /** Worker threads for reading and checking (see `ScanOptions.workers`). */
  workers?: number;
  /** Findings kept in the report; the summary counts them all. Default 10,000. */
  maxFindings?: number;
  /** Called for every finding, including those beyond `maxFindings`. */
  onFinding?: (finding: Finding) => void;
  /** Called once per file or problem (progress). */
  onItem?: (item: ScanItem) => void;
  signal?: AbortSignal;
}

export interface StatusCounts {
  files: number;
  ok: number;
  warning: number;
  error: number;
}

export interface ValidationSummary extends StatusCounts {
  /** Files that vanished between listing and reading (renamed by a concurrent update). */
  moved: number;
  /** Folders or files that could not be read. */
  unreadable: number;
  /** Per data-type folder. */
  byDataType: Record<string, StatusCounts>;
  /** Per finding code: how many findings and in how many files. */
  byCode: Partial<Record<FindingCode, { severity: Severity; findings: number; files: number }>>;
}

export interface ValidationReport {
  roots: string[];
  summary: ValidationSummary;
  findings: Finding[];
  /** True when more findings exist than `findings` holds. */
  truncated: boolean;
}

/**
 * Validates standardized storage: layout, names, encoding, MSH-9 against the folder, care date,
 * patient and order numbers, segment order, required fields, condition flags. Streams the tree in
 * constant memory (apart from the findings kept); never throws for anything in the data.
 */
export async function validateStorage(
  roots: string | readonly string[],
  options: ValidateOptions = {},
): Promise<ValidationReport> {
  const rootList = typeof roots === 'string' ? [roots] : [...roots];
  const maxFindings = options.maxFindings ?? 10_000;
  const summary: ValidationSummary = {
    files: 0,
    ok: 0,
    warning: 0,
    error: 0,
    moved: 0,
    unreadable: 0,
    byDataType: {},
    byCode: {},
  };
  const findings: Finding[] = [];
  let truncated = false;
  const report = (f: Finding, filesSeen: Set<string>) => {
    const c = summary.byCode[f.code] ?? { severity: f.severity, findings: 0, files: 0 };
    c.findings++;
    if (!filesSeen.has(f.code)) {
      filesSeen.add(f.code);
      c.files++;
    }
    summary.byCode[f.code] = c;
    options.onFinding?.(f);
    if (findings.length < maxFindings) findings.push(f);
    else truncated = true;
  };
  const account = (file: ScannedFile, extra: readonly Finding[]) => {
    const own = file.check?.findings ?? [];
    const all = extra.length > 0 ? [...own, ...extra] : own;
    const status: FileStatus = statusOf(all);
    const seen = new Set<string>();
    for (const f of all) report(f, seen);
    summary.files++;
    summary[status]++;
    const type = file.folders[file.folders.length - 1] ?? '';
    const t = summary.byDataType[type] ?? { files: 0, ok: 0, warning: 0, error: 0 };
    t.files++;
    t[status]++;
    summary.byDataType[type] = t;
  };

  // Files of one folder arrive together; hold them until the folder ends to check their keys.
  let folder: string | undefined;
  let folderRel = '';
  let group: ScannedFile[] = [];
  const closeFolder = () => {
    if (group.length === 0) return;
    const names: Ssmix2FileName[] = [];
    for (const f of group) if (f.name.ok) names.push(f.name.value);
    const byFile = new Map<string, Finding[]>();
    for (const f of checkFolderKeys(folderRel, names)) {
      const list = byFile.get(f.file) ?? [];
      list.push(f);
      byFile.set(f.file, list);
    }
    for (const f of group) account(f, byFile.get(f.relPath) ?? []);
    group = [];
  };

  for await (const item of scanStorage(rootList, {
    check: true,
    workers: options.workers,
    signal: options.signal,
  })) {
    options.onItem?.(item);
    if (item.kind === 'file') {
      const dir = `${item.root}\0${item.folders.join('/')}`;
      if (dir !== folder) {
        closeFolder();
        folder = dir;
        folderRel = item.folders.join('/');
      }
      group.push(item);
      continue;
    }
    const seen = new Set<string>();
    if (item.kind === 'moved') {
      summary.moved++;
      report({ severity: 'warning', code: 'FILE_MOVED', message: item.message, file: item.relPath }, seen);
    } else {
      summary.unreadable++;
      const code: FindingCode = item.code === 'READ_FAILED' ? 'READ_FAILED' : 'DIR_UNREADABLE';
      // A listed root or folder that is gone is an error: the caller asked for it, or data vanished.
      report({ severity: 'error', code, message: item.message, file: item.relPath || item.path }, seen);
    }
  }
  closeFolder();
  return { roots: rootList, summary, findings, truncated };
}
