// Reading one source file into what the store needs: identity (size, mtime, sha256, MSH-10) and the
// rows of its FHIR projection, or a typed error with a position. Pure apart from the read; runs in
// worker threads, so everything it returns is plain data.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { withCategoryTag } from '@hie/contract';
import { mapMessage } from '@hie/fhir-jp';
import { type Hl7Error, parseHl7 } from '@hie/hl7v2';
import { type PatientFields, type PatientLike, patientRowOf } from '@hie/record-source/patient-row';
import { parseFileName, type Ssmix2FileName } from '@hie/ssmix2';

export interface ResourceRow {
  resource_type: string;
  id: string;
  patient_id: string;
  category: string;
  date: string | null;
  code: string | null;
  json: string;
}

export type IngestErrorCode = 'BAD_NAME' | 'READ_FAILED' | 'TOO_LARGE' | 'MAP_FAILED' | Hl7Error['code'];

export interface FileError {
  code: IngestErrorCode;
  message: string;
  /** `line 3, PID-5` style position when the parser knows one. */
  position: string | null;
}

export type DecodedFile =
  | {
      ok: true;
      path: string;
      size: number;
      mtimeMs: number;
      sha256: string;
      controlId: string;
      /** A cancel message: the key's projection goes. */
      cancel: boolean;
      rows: ResourceRow[];
      /** Demographics when the file maps to a Patient (ADT-00). */
      patient: PatientFields | null;
    }
  | { ok: false; path: string; size: number; mtimeMs: number; moved: boolean; error: FileError };

export interface MapFacility {
  institutionCode: string;
  oid?: string;
  name?: string;
}

/** No SS-MIX2 message comes close; a bigger file is a mistake, not a record. */
const MAX_BYTES = 32 * 1024 * 1024;

/** Reads, hashes, parses and maps one standardized file. Never throws. */
export function decodeFile(path: string, fileName: string, facility: MapFacility): DecodedFile {
  const read = readWhole(path);
  if (!read.ok) return read;
  const { bytes, size, mtimeMs } = read;
  const failed = (error: FileError): DecodedFile => ({ ok: false, path, size, mtimeMs, moved: false, error });
  const name = parseFileName(fileName);
  if (!name.ok) return failed({ code: 'BAD_NAME', message: name.message, position: null });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const parsed = parseHl7(bytes);
  if (!parsed.ok) {
    return failed({
      code: parsed.error.code,
      message: parsed.error.message,
      position: positionOf(parsed.error),
    });
  }
  try {
    const mapped = mapMessage(parsed.message, { fileName: name.value, facility });
    const rows: ResourceRow[] = [];
    let patient: PatientFields | null = null;
    for (const e of mapped.entries) {
      const ix = e.index;
      rows.push({
        resource_type: ix.resourceType,
        id: ix.id,
        patient_id: ix.patientId,
        category: ix.category,
        date: ix.date ?? null,
        code: ix.code ?? null,
        // Labelled with its category: the hub checks what it gets back against what it asked for.
        json: JSON.stringify(withCategoryTag(e.resource, ix.category)),
      });
      if (e.resource.resourceType === 'Patient') patient = patientRowOf(e.resource as PatientLike);
    }
    return {
      ok: true,
      path,
      size,
      mtimeMs,
      sha256,
      controlId: parsed.message.controlId,
      cancel: mapped.delete,
      rows: mapped.delete ? [] : rows,
      patient: mapped.delete ? null : patient,
    };
  } catch (e) {
    // A mapper bug must not stop ingest: the file is listed with the exception's text.
    return failed({
      code: 'MAP_FAILED',
      message: e instanceof Error ? e.message : String(e),
      position: null,
    });
  }
}

function positionOf(e: Hl7Error): string | null {
  const parts: string[] = [];
  if (e.line !== undefined) parts.push(`line ${e.line}`);
  if (e.segment !== undefined) {
    const seg = e.segmentIndex !== undefined ? `${e.segment}(#${e.segmentIndex})` : e.segment;
    parts.push(e.field !== undefined ? `${seg}-${e.field}` : seg);
  } else if (e.field !== undefined) parts.push(`field ${e.field}`);
  return parts.length > 0 ? parts.join(', ') : null;
}

type WholeRead =
  | { ok: true; bytes: Buffer; size: number; mtimeMs: number }
  | { ok: false; path: string; size: number; mtimeMs: number; moved: boolean; error: FileError };

function readWhole(path: string): WholeRead {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return readFailure(path, e);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.size > MAX_BYTES) {
      return {
        ok: false,
        path,
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        moved: false,
        error: { code: 'TOO_LARGE', message: `${stat.size} bytes, over ${MAX_BYTES}`, position: null },
      };
    }
    const bytes = Buffer.allocUnsafe(stat.size);
    let n = 0;
    while (n < bytes.length) {
      const r = readSync(fd, bytes, n, bytes.length - n, n);
      if (r === 0) break;
      n += r;
    }
    return {
      ok: true,
      bytes: n === bytes.length ? bytes : bytes.subarray(0, n),
      size: n,
      mtimeMs: stat.mtimeMs,
    };
  } catch (e) {
    return readFailure(path, e);
  } finally {
    closeSync(fd);
  }
}

function readFailure(path: string, e: unknown): WholeRead {
  const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
  return {
    ok: false,
    path,
    size: -1,
    mtimeMs: -1,
    // Renamed by an update or delete between listing and reading.
    moved: code === 'ENOENT',
    error: { code: 'READ_FAILED', message: `cannot read: ${code}`, position: null },
  };
}

export type { Ssmix2FileName };
