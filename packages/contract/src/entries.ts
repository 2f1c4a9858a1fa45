import { z } from 'zod';
import type { Profession } from './professions.js';

/**
 * Records a small facility's staff enter by hand in the portal (issue 13: 手入力), written into the
 * facility's tenant of the repository through the hub. The kinds, who may enter each, and the shape of
 * each entry are here, so the web form, the hub and the repository check the same rules.
 */
export const ENTRY_KINDS = ['allergy', 'diagnosis', 'medication', 'guidance', 'note'] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

export const ENTRY_LABELS: Readonly<Record<EntryKind | 'patient', { ja: string; en: string }>> = {
  patient: { ja: '患者登録', en: 'Patient registration' },
  allergy: { ja: 'アレルギー', en: 'Allergy' },
  diagnosis: { ja: '病名', en: 'Diagnosis' },
  medication: { ja: '服薬中の薬', en: 'Medication' },
  guidance: { ja: '服薬指導', en: 'Medication guidance' },
  note: { ja: '診療メモ', en: 'Clinical note' },
};

/**
 * Who may enter what. Registering a patient is front-desk work (any member of the facility); clinical
 * items are entered by the professions that may state them: a diagnosis by a physician, 服薬指導 by a
 * pharmacist. Everyone else is refused at the hub and again at the repository.
 */
export const ENTRY_PROFESSIONS: Readonly<Record<EntryKind, readonly Profession[]>> = {
  allergy: ['doctor', 'dentist', 'pharmacist', 'nurse'],
  diagnosis: ['doctor', 'dentist'],
  medication: ['doctor', 'dentist', 'pharmacist'],
  guidance: ['pharmacist'],
  note: ['doctor', 'dentist', 'nurse', 'pharmacist'],
};

export const mayEnter = (profession: string, kind: EntryKind): boolean =>
  (ENTRY_PROFESSIONS[kind] as readonly string[]).includes(profession);

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const text = (max: number) => z.string().trim().min(1).max(max);

export const patientEntrySchema = z
  .object({
    /** The facility's own patient id (カルテ番号); the repository makes one when not given. */
    patientId: z
      .string()
      .trim()
      .regex(/^[0-9A-Za-z-]{1,20}$/, 'digits, letters and hyphens, at most 20')
      .optional(),
    familyName: text(40),
    givenName: text(40),
    familyKana: z
      .string()
      .trim()
      .regex(/^[ァ-ヶー]+$/, 'full-width katakana'),
    givenKana: z
      .string()
      .trim()
      .regex(/^[ァ-ヶー]+$/, 'full-width katakana'),
    birthDate: day,
    sex: z.enum(['male', 'female']),
    postcode: z
      .string()
      .regex(/^\d{3}-?\d{4}$/, '123-4567')
      .optional(),
    address: z.string().trim().max(200).optional(),
    phone: z
      .string()
      .regex(/^[0-9-]{6,15}$/, 'digits and hyphens')
      .optional(),
  })
  .strict();
export type PatientEntry = z.infer<typeof patientEntrySchema>;

export const allergyEntrySchema = z
  .object({
    substance: text(200),
    category: z.enum(['medication', 'food', 'environment', 'biologic']),
    reaction: z.string().trim().max(200).optional(),
    criticality: z.enum(['low', 'high', 'unable-to-assess']).default('unable-to-assess'),
    /** 確定 (confirmed) or 疑い (unconfirmed). */
    verification: z.enum(['confirmed', 'unconfirmed']).default('confirmed'),
    onset: day.optional(),
  })
  .strict();

export const diagnosisEntrySchema = z
  .object({
    name: text(200),
    /** ICD-10 (2013), when known. */
    icd10: z
      .string()
      .regex(/^[A-Z]\d{2}(\.?\d{1,2})?$/, 'an ICD-10 code (E11, E11.9)')
      .optional(),
    /** 疑い病名 (provisional) or 確定. */
    suspected: z.boolean().default(false),
    /** 継続 (active), 治癒 (resolved), 寛解 (remission). */
    status: z.enum(['active', 'resolved', 'remission']).default('active'),
    onset: day.optional(),
    abatement: day.optional(),
  })
  .strict()
  .refine((d) => d.status === 'active' || d.abatement !== undefined || d.status === 'remission', {
    message: 'a resolved diagnosis needs its end date',
    path: ['abatement'],
  });

export const medicationEntrySchema = z
  .object({
    name: text(200),
    /** YJ code (12 characters), when known. */
    yj: z
      .string()
      .regex(/^[0-9A-Z]{12}$/, 'a 12-character YJ code')
      .optional(),
    /** 用法・用量 as written (「1回1錠 1日1回 朝食後」). */
    dosage: z.string().trim().max(200).optional(),
    start: day.optional(),
    end: day.optional(),
    /** 他院処方 / 市販薬 / サプリメント … */
    source: z.enum(['other-clinic', 'otc', 'supplement', 'own']).default('own'),
  })
  .strict();

export const guidanceEntrySchema = z.object({ date: day, text: text(4000) }).strict();
export const noteEntrySchema = z
  .object({ date: day, title: z.string().trim().max(100).optional(), text: text(4000) })
  .strict();

export const ENTRY_SCHEMAS = {
  allergy: allergyEntrySchema,
  diagnosis: diagnosisEntrySchema,
  medication: medicationEntrySchema,
  guidance: guidanceEntrySchema,
  note: noteEntrySchema,
} as const;

export type EntryBody<K extends EntryKind> = z.infer<(typeof ENTRY_SCHEMAS)[K]>;

/** Deleting leaves a trace: who, when and why (the reason is required). */
export const entryDeleteSchema = z.object({ reason: text(200) }).strict();

/** One version of an entry, as the repository keeps its history. */
export interface EntryVersion {
  id: string;
  kind: EntryKind | 'patient';
  patientId: string;
  version: number;
  action: 'create' | 'update' | 'delete';
  userId: string;
  userName: string | null;
  profession: string;
  at: string;
  body: unknown;
  reason: string | null;
}

/**
 * お薬手帳 QR codes a pharmacy's staff scan in the portal (the codes the pharmacy system printed): the
 * pharmacy's own dispensings are published. Pharmacists only: it states what was dispensed.
 */
export const NOTEBOOK_PROFESSIONS: readonly Profession[] = ['pharmacist'];
export const mayImportNotebook = (profession: string): boolean =>
  (NOTEBOOK_PROFESSIONS as readonly string[]).includes(profession);
export const notebookScanSchema = z
  .object({
    /** Each QR code's text, in any order (a notebook may span several codes). */
    qr: z.array(z.string().min(1).max(4096)).min(1).max(64),
    /** The pharmacy's patient, when the pharmacist picked one; else matched by name, kana, birth date, sex. */
    patientId: z.string().min(1).max(64).optional(),
  })
  .strict();

/**
 * The patient an entry's assertion names when the write itself decides the patient (a registration
 * without a chart number, a notebook not matched yet): an assertion always names one.
 */
export const UNNAMED_PATIENT = '-';
