// Incremental pull of a clinic's ORCA. ORCA keeps change dates by day (患者番号一覧: 登録日・更新日 of
// the patient table, 開始日〜終了日 inclusive), so a checkpoint is a day: ORCA's own date when the last
// pull listed its changes. The next pull lists from that same day again (what changed later that day
// is caught; what is read twice maps to the same ids). Who changed:
//   - patientlst1v2 class 01 from the checkpoint day (patients registered or edited), halving the span
//     when more than the 1000 it can list changed;
//   - acceptlstv2 class 03 for every day since (patients who came: a visit does not touch the
//     patient table);
//   - the patients a previous pull could not read completely (`pending`, each from the day that pull
//     read from, so nothing between is skipped).
// Each patient is then read whole: patientgetv2, diseasegetv2, medicalgetv2 (visits of every month
// since the checkpoint, and each visit's content), the 処方せん or お薬手帳 of visits with drugs.
// One patient failing is recorded and carried to the next checkpoint; the others' data is returned.
import { addDays, daysBetween, monthsBetween } from '../answers/dates.js';
import { isPrescribedDrug } from '../answers/medical.js';
import type { DatedAcceptance, OrcaPatientData, PatientAnswer, Visit, VisitData } from '../answers/types.js';
import { OrcaError } from '../errors.js';
import type { OrcaClient } from './client.js';

export interface OrcaCheckpoint {
  /** ORCA's date (YYYY-MM-DD, JST) of the last pull: the next pull lists changes from this day on. */
  since: string;
  /**
   * Patients a pull could not read completely, each with the first day their data must be read from
   * again (no `since`: read in full, as on a first pull).
   */
  pending: PendingPatient[];
}

export interface PendingPatient {
  patientId: string;
  since?: string;
}

export interface PullOptions {
  /** First pull (no checkpoint): patients registered or changed from this day (default 1900-01-01). */
  fullSyncFrom?: string;
  /** ORCA's テスト患者 are left out unless asked for. */
  includeTestPatients?: boolean;
  /** Patients read at the same time (default 1: a clinic's ORCA is a small server). */
  concurrency?: number;
  /** Stops starting patients; those not read yet become `pending`. */
  signal?: AbortSignal;
  /**
   * Keep each answer's `raw` JSON in the patients' data (default false): a full sync holds thousands of
   * patients until it is stored, and ORCA's padded answers are most of their weight (bench/repository:
   * 266 of 305 MB for 600 patients).
   */
  keepRaw?: boolean;
}

export interface OrcaPullFailure {
  patientId: string;
  error: OrcaError;
}

export interface OrcaPull {
  /** The first day looked at (the checkpoint's, or `fullSyncFrom`). */
  since: string;
  /** ORCA's date at the time of the pull. */
  until: string;
  full: boolean;
  patients: OrcaPatientData[];
  failures: OrcaPullFailure[];
  /** Store it with the patients' data, in one transaction: the next pull starts from it. */
  checkpoint: OrcaCheckpoint;
}

export const FULL_SYNC_FROM = '1900-01-01';

/** Listing and reading; a failure to list throws (the caller keeps its old checkpoint). */
export async function pullChanges(
  client: OrcaClient,
  checkpoint?: OrcaCheckpoint,
  options: PullOptions = {},
): Promise<OrcaPull> {
  const full = checkpoint === undefined;
  const since = checkpoint?.since ?? options.fullSyncFrom ?? FULL_SYNC_FROM;
  const listing = await listChanged(client, since, undefined, options.includeTestPatients === true);
  const until = listing.until;
  // Per patient, the first day to read from (undefined: in full).
  const from = new Map<string, string | undefined>(listing.ids.map((id) => [id, full ? undefined : since]));
  const acceptances = new Map<string, DatedAcceptance[]>();
  const days: string[] = [];
  if (!full) {
    for (let day = since; day <= until; day = addDays(day, 1)) {
      days.push(day);
      const list = await client.acceptances(day, '03');
      for (const a of list.acceptances) {
        if (!from.has(a.patientId)) from.set(a.patientId, since);
        const mine = acceptances.get(a.patientId) ?? [];
        mine.push({ ...a, acceptanceDate: list.acceptanceDate });
        acceptances.set(a.patientId, mine);
      }
    }
  }
  for (const p of checkpoint?.pending ?? []) {
    // Listed again as well: the wider of the two (in full, or from the earlier day).
    if (!from.has(p.patientId)) from.set(p.patientId, p.since);
    else {
      const current = from.get(p.patientId);
      from.set(
        p.patientId,
        current === undefined || p.since === undefined ? undefined : minDay(current, p.since),
      );
    }
  }

  const patients: OrcaPatientData[] = [];
  const failures: OrcaPullFailure[] = [];
  const queue = [...from.keys()].sort();
  const skipped: string[] = [];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      if (options.signal?.aborted) {
        skipped.push(id);
        continue;
      }
      const start = from.get(id);
      const window = start === undefined ? undefined : monthsBetween(start, until);
      try {
        const data = await pullPatient(client, id, until, window, acceptances.get(id) ?? [], days);
        patients.push(options.keepRaw ? data : withoutRaw(data));
      } catch (e) {
        failures.push({ patientId: id, error: asOrcaError(e, id) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  patients.sort((a, b) => a.patientId.localeCompare(b.patientId));
  failures.sort((a, b) => a.patientId.localeCompare(b.patientId));
  const pending = [...failures.map((f) => f.patientId), ...skipped].sort().map((patientId) => {
    const start = from.get(patientId);
    return start === undefined ? { patientId } : { patientId, since: start };
  });
  return { since, until, full, patients, failures, checkpoint: { since: until, pending } };
}

const minDay = (a: string, b: string) => (a < b ? a : b);

/** Who changed from `from` (to `to`), halving the span while ORCA has more than it can list. */
async function listChanged(
  client: OrcaClient,
  from: string,
  to: string | undefined,
  includeTestPatients: boolean,
): Promise<{ until: string; ids: string[] }> {
  const answer = await client.patientList(from, to, { includeTestPatients });
  const until = to ?? answer.informationDate;
  if (answer.targetCount <= answer.patients.length) {
    const ids = answer.patients.filter((p) => includeTestPatients || !p.testPatient).map((p) => p.patientId);
    return { until, ids };
  }
  if (from >= until)
    throw new OrcaError('orca-too-many', {
      api: '/api01rv2/patientlst1v2',
      detail: `${answer.targetCount} patients changed on ${from}`,
    });
  const mid = addDays(from, Math.floor(daysBetween(from, until) / 2));
  const first = await listChanged(client, from, mid, includeTestPatients);
  const second = await listChanged(client, addDays(mid, 1), until, includeTestPatients);
  return { until, ids: [...new Set([...first.ids, ...second.ids])] };
}

/** The (Perform_Date, For_Months) requests that cover `months` (oldest first), 12 months at most each. */
export function visitRequests(months: readonly string[]): { performDate: string; months: number }[] {
  const out: { performDate: string; months: number }[] = [];
  for (let end = months.length; end > 0; end -= 12) {
    const start = Math.max(0, end - 12);
    out.push({ performDate: `${months[end - 1]}-01`, months: end - start });
  }
  return out;
}

async function pullPatient(
  client: OrcaClient,
  patientId: string,
  until: string,
  window: string[] | undefined,
  acceptances: DatedAcceptance[],
  acceptanceDays: string[],
): Promise<OrcaPatientData> {
  let patient: PatientAnswer;
  try {
    patient = await client.patient(patientId);
  } catch (e) {
    if (e instanceof OrcaError && e.code === 'orca-api-error' && e.context.apiResult === '10')
      return { patientId, status: 'gone', months: [], visits: [], acceptances: [], acceptanceDays: [] };
    throw e;
  }
  check(patientId, patient.patientId, '/api01rv2/patientgetv2');
  // ORCA's own form of the number (zero-padded) from here on.
  patientId = patient.patientId;
  const diseases = await client.diseases(patientId);
  check(patientId, diseases.patientId, '/api01rv2/diseasegetv2');
  // Every month since the checkpoint, or since the first visit on a full pull.
  const first =
    patient.firstVisitDate && patient.firstVisitDate <= until ? patient.firstVisitDate : undefined;
  const months = window ?? (first ? monthsBetween(first, until) : []);
  const visits: Visit[] = [];
  if (months.length) {
    for (const r of visitRequests(months))
      visits.push(...(await client.visits(patientId, r.performDate, r.months)).visits);
  } else if (!window) {
    // No 初診日 known: all history ORCA keeps for the patient (newest 150).
    visits.push(...(await client.visits(patientId, until, 99)).visits);
    months.push(...(visits.length ? monthsBetween(minDate(visits), until) : []));
  }
  const inWindow = visits.filter((v) => months.includes(v.performDate.slice(0, 7)));
  const read: VisitData[] = [];
  for (const visit of inWindow) {
    const v = await pullVisit(client, patientId, visit);
    check(patientId, v.detail.patientId, '/api01rv2/medicalgetv2');
    for (const form of [v.prescription, v.notebook])
      if (form)
        check(
          patientId,
          form.patientId,
          `/api01rv2/${form.formId === 'shohosen' ? 'prescriptionv2' : 'medicinenotebookv2'}`,
        );
    read.push(v);
  }
  return {
    patientId,
    status: 'present',
    patient,
    diseases,
    months,
    visits: read,
    acceptances,
    acceptanceDays,
  };
}

/** The first visit's date (ISO dates sort as text). */
const minDate = (visits: Visit[]) => visits.map((v) => v.performDate).sort()[0] ?? '9999-12-31';

async function pullVisit(client: OrcaClient, patientId: string, visit: Visit): Promise<VisitData> {
  const detail = await client.visitDetail(patientId, visit);
  const invoice = visit.invoiceNumber ?? detail.parts.find((p) => p.invoiceNumber)?.invoiceNumber;
  const hasDrugs = detail.parts.some((p) =>
    p.blocks.some((b) => b.items.some((i) => isPrescribedDrug(b.medicalClass, i.code))),
  );
  if (!hasDrugs || !invoice) return { visit, detail };
  const prescription = await client.prescription(patientId, invoice);
  if (prescription) return { visit, detail, prescription };
  const notebook = await client.medicineNotebook(patientId, invoice);
  return notebook ? { visit, detail, notebook } : { visit, detail };
}

/** An answer about another patient than the one asked for is not used (ORCA takes `1` for `00001`). */
function check(asked: string, answered: string, api: string): void {
  const same =
    asked === answered ||
    (/^\d+$/.test(asked) && /^\d+$/.test(answered) && Number(asked) === Number(answered));
  if (!same)
    throw new OrcaError('orca-bad-answer', {
      api,
      patientId: asked,
      detail: `asked for patient ${asked}, ORCA answered ${answered}`,
    });
}

function asOrcaError(e: unknown, patientId: string): OrcaError {
  if (e instanceof OrcaError)
    return e.context.patientId ? e : new OrcaError(e.code, { ...e.context, patientId });
  // A bug of ours must not lose the other patients either; it is reported as what it is.
  return new OrcaError('orca-bad-answer', {
    patientId,
    detail: `unexpected: ${e instanceof Error ? e.message : String(e)}`,
  });
}

/** Drops every answer's `raw` (in place): what the mapping reads is in the answers' own fields. */
function withoutRaw<T>(value: T, depth = 0): T {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (const item of value) withoutRaw(item, depth + 1);
    return value;
  }
  const record = value as Record<string, unknown>;
  if ('raw' in record) delete record.raw;
  for (const key of Object.keys(record)) withoutRaw(record[key], depth + 1);
  return value;
}
