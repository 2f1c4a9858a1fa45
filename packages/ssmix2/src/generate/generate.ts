/**
 * `generateStorage`: a realistic synthetic SS-MIX2 standardized storage for one facility.
 * Patients are generated and written one at a time (a few in flight to overlap file I/O), so
 * memory stays flat; every byte depends only on the options (seed, facility, N, years, end date).
 */

import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { encodeHl7Text } from '@hie/hl7v2';
import { StorageWriter } from '../storage/writer.js';
import type { Draft } from './clinical/chart.js';
import { simulatePatient } from './clinical/patient.js';
import { ExtendedStorageGenerator, type ExtendedSummary } from './extended/extended.js';
import { TruthWriter, truthLine } from './truth.js';
import { dayFromYmd, isValidYmd, ymdFromDay } from './world/clock.js';
import { type FacilityPatient, facilityPatients, makeFacility } from './world/facility.js';

export interface GenerateOptions {
  /** Patients of this facility. */
  patients: number;
  /** 10-digit 医療機関コード (prefecture 2 + point-number table 1 + code 7). */
  facilityCode: string;
  years: number;
  seed: number;
  /** Storage root. */
  out: string;
  /** Ground-truth CSV; default `<out>/.hie/ground-truth.csv`. */
  truthFile?: string;
  /** Last simulated day, YYYYMMDD; default 20261031 (fixed so output is deterministic). */
  endDate?: string;
  /** Called with the path of every file written. */
  onFile?: (path: string) => void;
  /** Called after each patient (for progress bars). */
  onPatient?: (done: number) => void;
  /**
   * Extended storage root (拡張ストレージ): discharge summaries, referral letters and imaging reports
   * as CDA + PDF content folders. Default: none written (the standardized storage is the same either way).
   */
  extendedOut?: string;
}

export interface GenerateSummary {
  files: number;
  patients: number;
  byDataType: Record<string, number>;
  truthFile: string;
  /** Present when `extendedOut` was given. */
  extended?: ExtendedSummary & { root: string };
}

export const DEFAULT_END_DATE = '20261031';

/** A bad option, with the option's name (the CLI turns it into a usage error). */
export class GenerateOptionsError extends Error {
  constructor(
    readonly option: keyof GenerateOptions,
    message: string,
  ) {
    super(message);
    this.name = 'GenerateOptionsError';
  }
}

export function checkGenerateOptions(o: GenerateOptions): void {
  if (!Number.isInteger(o.patients) || o.patients < 0) {
    throw new GenerateOptionsError('patients', `patients must be a whole number ≥ 0, got ${o.patients}`);
  }
  if (!/^\d{10}$/.test(o.facilityCode)) {
    throw new GenerateOptionsError(
      'facilityCode',
      `facility code must be 10 digits, got '${o.facilityCode}'`,
    );
  }
  if (!Number.isFinite(o.years) || o.years <= 0 || o.years > 30) {
    throw new GenerateOptionsError('years', `years must be > 0 and ≤ 30, got ${o.years}`);
  }
  if (!Number.isSafeInteger(o.seed))
    throw new GenerateOptionsError('seed', `seed must be an integer, got ${o.seed}`);
  if (o.endDate !== undefined && !isValidYmd(o.endDate)) {
    throw new GenerateOptionsError(
      'endDate',
      `end date must be a calendar date YYYYMMDD, got '${o.endDate}'`,
    );
  }
}

/** How many patients are simulated and written at the same time (overlaps file-system waits). */
const IN_FLIGHT = 12;

/**
 * The storage root must be new or empty (dot-entries such as `.hie/` aside): writing the same keys
 * again would turn the first run's files into `_2` history, and two facilities' local IDs could
 * meet in one tree. One storage root per facility, as in a real network.
 */
async function checkOutIsEmpty(out: string, option: 'out' | 'extendedOut' = 'out'): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(out);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const used = entries.filter((name) => !name.startsWith('.'));
  if (used.length > 0) {
    throw new GenerateOptionsError(
      option,
      `${out} is not empty (${used[0]} …): generate into a new folder, one per facility`,
    );
  }
}

export async function generateStorage(options: GenerateOptions): Promise<GenerateSummary> {
  checkGenerateOptions(options);
  await checkOutIsEmpty(options.out);
  if (options.extendedOut !== undefined) {
    if (resolve(options.extendedOut) === resolve(options.out))
      throw new GenerateOptionsError(
        'extendedOut',
        'extended storage needs a root of its own, not the standardized one',
      );
    await checkOutIsEmpty(options.extendedOut, 'extendedOut');
  }
  const endDay = dayFromYmd(options.endDate ?? DEFAULT_END_DATE);
  const window = { startDay: endDay - Math.round(options.years * 365.25) + 1, endDay };
  const facility = makeFacility(options.seed, options.facilityCode);
  const writer = new StorageWriter(options.out);
  const truthFile = options.truthFile ?? join(options.out, '.hie', 'ground-truth.csv');
  const truth = await TruthWriter.open(truthFile, options.facilityCode);
  const extended =
    options.extendedOut === undefined
      ? undefined
      : new ExtendedStorageGenerator(options.extendedOut, options.seed, facility, ymdFromDay(endDay));
  const byDataType: Record<string, number> = {};
  let files = 0;
  let patients = 0;

  const writeAll = async (drafts: readonly Draft[], fp: FacilityPatient) => {
    const patientId = fp.localId;
    for (const d of drafts) {
      const entry = {
        patientId,
        careDate: d.careDate,
        dataType: d.dataType,
        orderNo: d.orderNo,
        timestamp: d.timestamp,
        department: d.department,
        bytes: encodeHl7Text(d.text, 'ISO-2022-JP'),
      };
      const path = d.op === 'write' ? await writer.write(entry) : await writer.delete(entry);
      files++;
      byDataType[d.dataType] = (byDataType[d.dataType] ?? 0) + 1;
      options.onFile?.(path);
    }
    await extended?.writePatient(fp, drafts);
    patients++;
    options.onPatient?.(patients);
  };

  const inFlight = new Set<Promise<void>>();
  try {
    for (const fp of facilityPatients(
      options.seed,
      options.facilityCode,
      options.patients,
      ymdFromDay(endDay - 7),
    )) {
      await truth.add(truthLine(options.facilityCode, fp));
      const drafts = simulatePatient(options.seed, facility, fp, window);
      const job: Promise<void> = writeAll(drafts, fp).finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    await truth.close();
  }
  const sorted = Object.fromEntries(Object.entries(byDataType).sort(([a], [b]) => a.localeCompare(b)));
  return {
    files,
    patients,
    byDataType: sorted,
    truthFile,
    ...(extended && options.extendedOut !== undefined
      ? { extended: { root: options.extendedOut, ...extended.summary } }
      : {}),
  };
}
