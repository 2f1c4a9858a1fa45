import { z } from 'zod';
import { PROFESSION_CODES, type Profession } from './professions.js';

/**
 * The Care Cabinet (ケアキャビネット, issue 14): the home-care team's shared record around one patient.
 * What the hub and the web app agree on: the timeline's columns, the vital signs a template may ask
 * for, the shape of templates and posts, and the limits every write is checked against.
 */

type Label = { ja: string; en: string };

/** A column of the 4-column timeline (4列タイムライン): the professions whose posts it shows. */
export interface TimelineColumn {
  id: string;
  label: Label;
  professions: readonly Profession[];
}

/**
 * The seed's four columns: 医師 / 看護 / リハ・薬剤 / 介護. A group may configure its own; a profession in
 * none of them lands in the last column, so that no post is ever left off the timeline.
 */
export const DEFAULT_TIMELINE_COLUMNS: readonly TimelineColumn[] = [
  { id: 'doctor', label: { ja: '医師', en: 'Doctors' }, professions: ['doctor', 'dentist'] },
  {
    id: 'nursing',
    label: { ja: '看護', en: 'Nursing' },
    professions: ['nurse', 'public-health-nurse', 'midwife'],
  },
  {
    id: 'rehab-pharmacy',
    label: { ja: 'リハ・薬剤', en: 'Rehab · Pharmacy' },
    professions: ['therapist', 'pharmacist', 'dietitian', 'lab-technician', 'radiology-technician'],
  },
  {
    id: 'care',
    label: { ja: '介護', en: 'Care' },
    professions: ['care-manager', 'care-worker', 'helper', 'social-worker', 'clerk'],
  },
];

/** The column a profession's posts go in: its own, else the last one. */
export function columnOf(
  profession: string,
  columns: readonly TimelineColumn[] = DEFAULT_TIMELINE_COLUMNS,
): string {
  const column = columns.find((c) => (c.professions as readonly string[]).includes(profession));
  return (column ?? columns[columns.length - 1])?.id ?? 'other';
}

export const timelineColumnsSchema = z
  .array(
    z.object({
      id: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/),
      label: z.object({ ja: z.string().trim().min(1).max(20), en: z.string().trim().min(1).max(30) }),
      professions: z.array(z.enum(PROFESSION_CODES as [Profession, ...Profession[]])),
    }),
  )
  .min(1)
  .max(6);

/**
 * Vital signs a template input may record, with the unit and precision a nurse writes them in and the
 * LOINC code they are exposed with as FHIR Observation. `decimals` is the most a value may carry; the
 * value is kept as typed (36.0 stays 36.0).
 */
export const VITAL_SIGNS = {
  'bp-systolic': {
    ja: '収縮期血圧',
    en: 'Systolic BP',
    unit: 'mmHg',
    loinc: '8480-6',
    min: 40,
    max: 300,
    decimals: 0,
  },
  'bp-diastolic': {
    ja: '拡張期血圧',
    en: 'Diastolic BP',
    unit: 'mmHg',
    loinc: '8462-4',
    min: 20,
    max: 200,
    decimals: 0,
  },
  pulse: { ja: '脈拍', en: 'Pulse', unit: '/min', loinc: '8867-4', min: 20, max: 250, decimals: 0 },
  'respiratory-rate': {
    ja: '呼吸数',
    en: 'Respiratory rate',
    unit: '/min',
    loinc: '9279-1',
    min: 4,
    max: 80,
    decimals: 0,
  },
  spo2: { ja: 'SpO2', en: 'SpO2', unit: '%', loinc: '59408-5', min: 50, max: 100, decimals: 0 },
  temperature: { ja: '体温', en: 'Temperature', unit: 'Cel', loinc: '8310-5', min: 30, max: 43, decimals: 1 },
  weight: { ja: '体重', en: 'Weight', unit: 'kg', loinc: '29463-7', min: 1, max: 300, decimals: 1 },
  pain: {
    ja: '痛み (NRS)',
    en: 'Pain (NRS)',
    unit: '{score}',
    loinc: '72514-3',
    min: 0,
    max: 10,
    decimals: 0,
  },
} as const satisfies Record<
  string,
  Label & { unit: string; loinc: string; min: number; max: number; decimals: number }
>;
export type VitalSign = keyof typeof VITAL_SIGNS;
export const VITAL_SIGN_CODES = Object.keys(VITAL_SIGNS) as VitalSign[];
export const isVitalSign = (value: string): value is VitalSign => Object.hasOwn(VITAL_SIGNS, value);

/** How a unit is shown (UCUM `Cel` is ℃ to a nurse). */
export const unitLabel = (unit: string): string => (unit === 'Cel' ? '℃' : unit === '{score}' ? '' : unit);

export const CABINET_POST_KINDS = ['soap', 'free'] as const;
export type CabinetPostKind = (typeof CABINET_POST_KINDS)[number];
export const SOAP_SECTIONS = ['s', 'o', 'a', 'p'] as const;
export type SoapSection = (typeof SOAP_SECTIONS)[number];

/** An input of a template: a check, a choice, a number with its unit (a vital sign or not), a short text. */
const fieldBase = {
  id: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/),
  label: z.object({ ja: z.string(), en: z.string() }),
};
export const templateFieldSchema = z.discriminatedUnion('type', [
  z.object({ ...fieldBase, type: z.literal('check') }),
  z.object({
    ...fieldBase,
    type: z.literal('radio'),
    options: z
      .array(z.object({ value: z.string(), label: z.object({ ja: z.string(), en: z.string() }) }))
      .min(2),
  }),
  z.object({
    ...fieldBase,
    type: z.literal('number'),
    /** A vital sign takes its unit, range and precision from VITAL_SIGNS. */
    vital: z.enum(VITAL_SIGN_CODES as [VitalSign, ...VitalSign[]]).optional(),
    unit: z.string().max(20).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
    decimals: z.number().int().min(0).max(3).optional(),
  }),
  z.object({ ...fieldBase, type: z.literal('text'), maxLength: z.number().int().min(1).max(200).optional() }),
]);
export type TemplateField = z.infer<typeof templateFieldSchema>;

/** A template (雛型): for whom, which kind of post, its inputs and its stock phrases (定型句) per section. */
export const cabinetTemplateSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/),
  name: z.object({ ja: z.string().trim().min(1).max(40), en: z.string().trim().min(1).max(60) }),
  /** The professions it is offered to; empty = everyone. */
  professions: z.array(z.enum(PROFESSION_CODES as [Profession, ...Profession[]])),
  kind: z.enum(CABINET_POST_KINDS),
  fields: z.array(templateFieldSchema).max(40),
  phrases: z
    .array(z.object({ section: z.enum([...SOAP_SECTIONS, 'text']), text: z.string().trim().min(1).max(200) }))
    .max(100),
});
export type CabinetTemplate = z.infer<typeof cabinetTemplateSchema>;

/** Limits every post is checked against (bytes of UTF-8 are not the point: characters a person typed). */
export const CABINET_LIMITS = {
  sectionChars: 4000,
  textChars: 8000,
  mentions: 20,
  inputs: 40,
  inputChars: 200,
  attachments: 20,
} as const;

export const CABINET_ATTACHMENT_TYPES = ['file', 'drawing'] as const;
export const cabinetAttachmentRefSchema = z.object({
  type: z.enum(CABINET_ATTACHMENT_TYPES),
  id: z.string().uuid(),
});
export type CabinetAttachmentRef = z.infer<typeof cabinetAttachmentRefSchema>;

/** An attachment as a post shows it. URLs are under /api/v1 and answer only readers of the cabinet. */
export interface CabinetAttachmentView {
  type: (typeof CABINET_ATTACHMENT_TYPES)[number];
  id: string;
  /** image | video | pdf | drawing */
  kind: string;
  name: string;
  mediaType: string;
  size: number;
  /** ready, or processing (a video being converted), or failed (with `problem`). */
  status: 'ready' | 'processing' | 'failed';
  problem?: string | null;
  url: string;
  thumbnailUrl: string | null;
  /** A drawing's body diagram and label (e.g. sacrum, 仙骨部褥瘡), to compare a series. */
  bodyPart?: string | null;
  label?: string | null;
}

const sectionText = z.string().max(CABINET_LIMITS.sectionChars).default('');
export const cabinetPostInputSchema = z
  .object({
    kind: z.enum(CABINET_POST_KINDS),
    templateId: z.string().max(61).nullish(),
    urgent: z.boolean().default(false),
    /** The post this one answers (a reply is a post of its own in the same thread). */
    replyTo: z.string().uuid().nullish(),
    soap: z.object({ s: sectionText, o: sectionText, a: sectionText, p: sectionText }).nullish(),
    text: z.string().max(CABINET_LIMITS.textChars).nullish(),
    /** Template inputs by field id: true for a check, the option value, a number as typed, a text. */
    inputs: z
      .record(z.string().max(41), z.union([z.boolean(), z.string().max(CABINET_LIMITS.inputChars)]))
      .default({}),
    /** Files and drawings uploaded to this cabinet by the author and not yet in a post. */
    attachments: z.array(cabinetAttachmentRefSchema).max(CABINET_LIMITS.attachments).default([]),
    /** User ids of members to notify (@mention). */
    mentions: z.array(z.string().min(1).max(64)).max(CABINET_LIMITS.mentions).default([]),
  })
  .strict();
export type CabinetPostInput = z.input<typeof cabinetPostInputSchema>;

export const CABINET_MEMBER_ROLES = ['owner', 'member'] as const;
export type CabinetMemberRole = (typeof CABINET_MEMBER_ROLES)[number];

/**
 * A member's state: `invited` (may not read yet), `active`, `left` or `removed` (reads nothing from then on).
 */
export const CABINET_MEMBER_STATUSES = ['invited', 'active', 'left', 'removed'] as const;
export type CabinetMemberStatus = (typeof CABINET_MEMBER_STATUSES)[number];

const kana = z
  .string()
  .trim()
  .regex(/^[ァ-ヶー　 ]+$/, 'full-width katakana');
export const cabinetOpenSchema = z
  .object({
    groupId: z.string().min(1).max(64),
    patient: z.object({
      name: z.string().trim().min(1).max(60),
      kana,
      birthDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      sex: z.enum(['male', 'female', 'other', 'unknown']),
      address: z.string().trim().max(200).nullish(),
    }),
    /** The patient's person in the network's index, when the opener can see them there. */
    personId: z.string().min(1).max(64).nullish(),
    /** The patient's consent to share within the team: from this day, until (or open-ended). */
    consent: z.object({
      startDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
      endDate: z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/)
        .nullish(),
      /** Facilities the consent covers, besides the opener's own. */
      facilities: z.array(z.string().min(1).max(64)).max(50).default([]),
      note: z.string().max(500).nullish(),
    }),
    /** Users to invite at once, each for a facility of the group they belong to. */
    invite: z
      .array(z.object({ userId: z.string().min(1).max(64), facilityOid: z.string().min(1).max(64) }))
      .max(50)
      .default([]),
  })
  .strict();
export type CabinetOpenInput = z.input<typeof cabinetOpenSchema>;
