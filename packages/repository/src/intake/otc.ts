import { createHash } from 'node:crypto';
import {
  assembleQrParts,
  mapOkusuriTecho,
  type NotebookDemographics,
  notebookDemographics,
  type OtcIssue,
  parseOkusuriTecho,
} from '@hie/okusuri-techo';
import { kanaKey } from '@hie/record-source';
import type { TenantStore } from '../tenants/scoped-store.js';
import type { IntakeBatch, IntakeIssue } from './batch.js';

/** What a pharmacy sends: the file its system wrote, or the texts of the QR codes scanned (in any order). */
export type OtcInput =
  | { kind: 'file'; bytes: Uint8Array; fileName: string }
  | { kind: 'qr'; parts: string[] };

export type OtcRead =
  | {
      ok: true;
      notebook: import('@hie/okusuri-techo').Notebook;
      demographics: NotebookDemographics;
      source: string;
      warnings: IntakeIssue[];
    }
  | { ok: false; issues: IntakeIssue[] };

export function readOtcInput(input: OtcInput): OtcRead {
  let read: ReturnType<typeof parseOkusuriTecho>;
  let source: string;
  if (input.kind === 'file') {
    source = input.fileName;
    read = parseOkusuriTecho(input.bytes, { source });
  } else {
    source = 'QR';
    const assembled = assembleQrParts(input.parts, { source });
    if (!assembled.ok) return { ok: false, issues: assembled.errors.map(otcIssue) };
    read = parseOkusuriTecho(assembled.text, { source, origins: assembled.origins });
  }
  if (!read.ok) return { ok: false, issues: read.errors.map(otcIssue) };
  return {
    ok: true,
    notebook: read.notebook,
    demographics: notebookDemographics(read.notebook),
    source,
    warnings: read.warnings.map(otcIssue),
  };
}

export type PatientMatch =
  | { kind: 'found'; patientId: string }
  | { kind: 'new'; patientId: string }
  | { kind: 'ambiguous'; candidates: string[] };

/**
 * The pharmacy's patient for a notebook: the one the pharmacist picked, else the one patient of the
 * tenant with the same birth date, sex and kana (or kanji) name, else a new patient id made from those
 * (stable: the same person scanned twice is one patient). Two matches are never guessed between.
 */
export async function matchNotebookPatient(
  store: TenantStore,
  d: NotebookDemographics,
  picked?: string,
): Promise<PatientMatch> {
  if (picked) return { kind: 'found', patientId: picked };
  const sex = d.gender === 'male' ? 'male' : 'female';
  const rows = await store.db
    .selectFrom('gw_patient')
    .select(['patient_id', 'name_kanji', 'kana_key', 'sex'])
    .where('birth_date', '=', d.birthDate)
    .execute();
  const kana = d.kana ? kanaKey(d.kana) : null;
  const plain = (s: string | null) => (s ?? '').replace(/[\s\u3000]/g, '');
  const same = rows.filter(
    (r) =>
      (r.sex === null || r.sex === sex || r.sex === d.gender) &&
      ((kana !== null && r.kana_key === kana) || plain(r.name_kanji) === plain(d.name)),
  );
  if (same.length === 1) return { kind: 'found', patientId: same[0]!.patient_id };
  if (same.length > 1) return { kind: 'ambiguous', candidates: same.map((r) => r.patient_id).sort() };
  const digest = createHash('sha256')
    .update([plain(d.name), d.kana ?? '', d.birthDate, d.gender].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
  return { kind: 'new', patientId: `OTC${digest}` };
}

export type OtcIntake =
  | { ok: true; batches: IntakeBatch[]; warnings: IntakeIssue[] }
  | { ok: false; issues: IntakeIssue[] };

/**
 * The pharmacy's own dispensings of a notebook → one batch per dispensing (each replaced whole when sent
 * again). A notebook holds every pharmacy's dispensings; only the tenant's own are published here (the
 * others are that pharmacy's to publish, so the source shown stays true): a notebook with none of its own
 * is refused (`otc-other-facility`).
 */
export function mapOtcIntake(
  read: Extract<OtcRead, { ok: true }>,
  patientId: string,
  facility: { institutionCode: string; name: string },
  options: { includePatient: boolean },
): OtcIntake {
  const mapped = mapOkusuriTecho(read.notebook, {
    patientId,
    facility,
    includePatient: options.includePatient,
  });
  const warnings = [...read.warnings, ...mapped.warnings.map(otcIssue)];
  const own = mapped.dispensings.filter(
    (d) => d.pharmacyInstitutionCode === undefined || d.pharmacyInstitutionCode === facility.institutionCode,
  );
  if (own.length === 0)
    return {
      ok: false,
      issues: [
        {
          code: 'otc-other-facility',
          message: `none of the notebook's dispensings is by ${facility.institutionCode}: another pharmacy's records are not imported here`,
          messageJa: `この手帳には${facility.name}（${facility.institutionCode}）の調剤がありません。他の薬局の記録はここでは取り込みません`,
          file: read.source,
        },
      ],
    };
  const ownIds = new Set(own.flatMap((d) => d.resourceIds));
  const byId = new Map(mapped.entries.map((e) => [e.index.id, e]));
  const batches: IntakeBatch[] = own.map((d) => ({
    recordKey: `otc:${d.keyPrefix}`,
    origin: `otc:${read.source}`,
    entries: d.resourceIds.map((id) => byId.get(id)).filter((e) => e !== undefined),
    replacePrefixes: [d.keyPrefix],
    deleteIds: [],
  }));
  const patient = mapped.entries.filter((e) => e.index.resourceType === 'Patient' && !ownIds.has(e.index.id));
  if (patient.length)
    batches.push({
      recordKey: `otc:patient:${patientId}`,
      origin: `otc:${read.source}`,
      entries: patient,
      replacePrefixes: [],
      deleteIds: [],
    });
  return { ok: true, batches, warnings };
}

function otcIssue(e: OtcIssue): IntakeIssue {
  return {
    code: e.code,
    message: e.message,
    messageJa: e.messageJa,
    file: e.source,
    ...(e.line !== undefined ? { line: e.line } : {}),
    ...(e.recordNo !== undefined
      ? { field: e.field !== undefined ? `${e.recordNo}-${e.field}` : e.recordNo }
      : {}),
  };
}
