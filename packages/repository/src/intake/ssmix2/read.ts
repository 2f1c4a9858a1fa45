// A clinic's SS-MIX2 standardized storage, uploaded as a zip → one IntakeBatch per record key, or every
// reason it is refused. Nothing is written here: the route applies the batches in one transaction.
import { type Facility, type MappingWarning, mapMessage } from '@hie/fhir-jp';
import { type Hl7Error, type Hl7Message, parseHl7 } from '@hie/hl7v2';
import { resolveKey } from '@hie/ssmix2';
import type { IntakeBatch, IntakeIssue } from '../batch.js';
import { type KeyDecision, keyBatch, recordKey } from './keys.js';
import { type StorageFile, storageLayout } from './layout.js';
import { listZip, readZipEntry, type ZipLimits } from './zip.js';

/**
 * What one upload may hold. A gateway refuses a file over 32 MiB (no SS-MIX2 message comes close);
 * 20,000 files and 256 MiB of messages are years of a small clinic, and bound what one request holds
 * in memory: a larger storage goes up in several zips (each replaces only the keys it carries).
 */
export const SSMIX2_ZIP_LIMITS: ZipLimits = {
  maxEntries: 20_000,
  maxEntryBytes: 32 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
};

/** Issues listed in one refusal, warnings kept with one intake: enough to act on, bounded to store. */
const MAX_ISSUES = 100;
const MAX_WARNINGS = 200;
/** Files read between yields to the event loop, so one large upload does not stall other requests. */
const FILES_PER_TURN = 200;

export interface Ssmix2Counts {
  /** Standardized files in the zip (history included). */
  files: number;
  /** Record keys applied: one batch each. */
  keys: number;
  /** Of those, keys whose newest file deletes (flag 0 or a cancel message). */
  deletedKeys: number;
  /** Entries passed over: folders, dot-files, `__MACOSX/`. */
  ignored: number;
}

export type Ssmix2Intake =
  | { ok: true; batches: IntakeBatch[]; warnings: IntakeIssue[]; counts: Ssmix2Counts }
  | { ok: false; issues: IntakeIssue[] };

/**
 * Reads the zip whole before anything is decided: the archive's entries are checked (zip.ts), placed
 * in the storage layout (layout.ts), then every file is inflated and parsed, and its MSH-4 must be the
 * tenant (empty, its 医療機関コード or its OID). Any problem in any file refuses the whole zip, with
 * every problem listed. Per record key only the newest file (timestamp, then flag) is mapped.
 */
export async function readSsmix2Zip(
  bytes: Buffer,
  zipName: string,
  facility: Required<Facility>,
): Promise<Ssmix2Intake> {
  const listing = listZip(bytes, SSMIX2_ZIP_LIMITS, zipName);
  if (!listing.ok) return refused(listing.issues);
  const layout = storageLayout(listing.entries);
  if (!layout.ok) return refused(layout.issues);
  const deciding = newestPerKey(layout.files);

  const issues: IntakeIssue[] = [];
  const warnings: IntakeIssue[] = [];
  const decisions: KeyDecision[] = [];
  for (const [i, file] of layout.files.entries()) {
    if (i > 0 && i % FILES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    // Past the cap the answer is already "refused": stop reading.
    if (issues.length > MAX_ISSUES) break;
    const read = readZipEntry(bytes, file.entry);
    if (!read.ok) {
      issues.push(read.issue);
      continue;
    }
    const parsed = parseHl7(read.data);
    if (!parsed.ok) {
      issues.push(unreadable(parsed.error, file.path));
      continue;
    }
    const other = otherFacility(parsed.message, facility, file.path);
    if (other) {
      issues.push(other);
      continue;
    }
    if (!deciding.has(file)) continue;
    let mapped: ReturnType<typeof mapMessage>;
    try {
      mapped = mapMessage(parsed.message, { fileName: file.name, facility });
    } catch (e) {
      // A mapper bug, not the clinic's data: still nothing of the zip is half-imported.
      issues.push({
        code: 'ssmix2-map-failed',
        message: `cannot map: ${(e as Error).message}`,
        file: file.path,
      });
      continue;
    }
    warnings.push(...mapped.warnings.map((w) => mappingWarning(w, file.path)));
    decisions.push({
      name: file.name,
      path: file.path,
      deleting: file.name.flag === '0' || mapped.delete,
      entries: mapped.entries,
      deleteIds: mapped.deleteIds,
    });
  }
  if (issues.length > 0) return refused(issues);
  return {
    ok: true,
    batches: decisions.map(keyBatch),
    warnings: capped(warnings, MAX_WARNINGS, 'ssmix2-more-warnings', 'more warnings not listed'),
    counts: {
      files: layout.files.length,
      keys: decisions.length,
      deletedKeys: decisions.filter((d) => d.deleting).length,
      ignored: layout.ignored,
    },
  };
}

/** The file that decides each record key: the greatest timestamp, a delete outranking on a tie. */
function newestPerKey(files: readonly StorageFile[]): Set<StorageFile> {
  const byKey = new Map<string, (StorageFile['name'] & { file: StorageFile })[]>();
  for (const file of files) {
    const key = recordKey(file.name);
    const group = byKey.get(key);
    if (group) group.push({ ...file.name, file });
    else byKey.set(key, [{ ...file.name, file }]);
  }
  const out = new Set<StorageFile>();
  for (const names of byKey.values()) {
    const newest = resolveKey(names)?.newest;
    if (newest) out.add(newest.file);
  }
  return out;
}

/** A sending facility (MSH-4.1 or .2) that is not the tenant: another facility's data, refused. */
function otherFacility(
  message: Hl7Message,
  facility: Required<Facility>,
  file: string,
): IntakeIssue | undefined {
  const msh = message.segments[0]!;
  const own = new Set([facility.institutionCode, facility.oid, `urn:oid:${facility.oid}`]);
  const named = [msh.get(4, 1, 1), msh.get(4, 1, 2)]
    .map((v) => v?.trim() ?? '')
    .filter((v) => v !== '' && v !== '""');
  const stranger = named.find((v) => !own.has(v));
  if (stranger === undefined) return undefined;
  return {
    code: 'ssmix2-other-facility',
    message: `MSH-4 '${stranger}' is not this facility (${facility.institutionCode} / ${facility.oid})`,
    messageJa: `送信施設（MSH-4）「${stranger}」がこの医療機関ではありません`,
    file,
    line: 1,
    field: 'MSH-4',
  };
}

function unreadable(e: Hl7Error, file: string): IntakeIssue {
  const line = e.line ?? e.segmentIndex;
  const field =
    e.segment === undefined ? undefined : e.field === undefined ? e.segment : `${e.segment}-${e.field}`;
  return {
    code: `ssmix2-hl7-${kebab(e.code)}`,
    message: `not a readable HL7 v2 message: ${e.message}`,
    file,
    ...(line !== undefined ? { line } : {}),
    ...(field !== undefined ? { field } : {}),
  };
}

/** `line` is the segment's number (MSH = 1): one segment per line in a standardized file. */
function mappingWarning(w: MappingWarning, file: string): IntakeIssue {
  return {
    code: `ssmix2-map-${kebab(w.code)}`,
    message: w.message,
    file,
    ...(w.segmentIndex !== undefined ? { line: w.segmentIndex } : {}),
    ...(w.segment !== undefined
      ? { field: w.field !== undefined ? `${w.segment}-${w.field}` : w.segment }
      : {}),
  };
}

function refused(issues: readonly IntakeIssue[]): Ssmix2Intake {
  const note = `more problems not listed (reading stops after ${MAX_ISSUES})`;
  return { ok: false, issues: capped(issues, MAX_ISSUES, 'ssmix2-more-issues', note) };
}

function capped(list: readonly IntakeIssue[], max: number, code: string, note: string): IntakeIssue[] {
  if (list.length <= max) return [...list];
  return [...list.slice(0, max), { code, message: note }];
}

/** `BAD_SEGMENT` → `bad-segment`. */
function kebab(code: string): string {
  return code.replaceAll('_', '-').toLowerCase();
}
