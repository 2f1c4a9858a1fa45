/**
 * The disease model shared by the chronic and acute tables (the codes are explained in
 * diseases.ts). Prevalences and rates are rough figures for a hospital's patients, chosen so the
 * data look plausible, not epidemiology.
 */

import type { DrugKey } from './drugs.js';
import type { PanelKey } from './labs.js';
import type { Sex } from './names.js';

/** CT studies (data/clinic.ts IMAGING); `chestHRCT` is the thin-section chest CT a pulmonary nodule gets. */
export type CtProcedure = 'chestCT' | 'chestHRCT' | 'headCT' | 'abdCT';
export type Procedure = 'chestXray' | 'abdXray' | 'ecg' | 'endoscopy' | 'abdUS' | CtProcedure;

export const isCt = (p: Procedure): p is CtProcedure => p.endsWith('CT');

export interface Disease {
  readonly key: string;
  readonly name: string;
  readonly icd10: string;
  readonly medisKey: string;
  readonly medisExchange?: string;
  readonly verified: boolean;
  /** SS-MIX2 department code (table 0069) of the clinic that treats it. */
  readonly dept: string;
  readonly chronic: boolean;
  /** Chronic: probability a patient of this age and sex has it. Acute: episodes per person-year. */
  readonly rate: (age: number, sex: Sex) => number;
  /** Alternative drug regimens (one is chosen per patient). */
  readonly regimens: readonly (readonly DrugKey[])[];
  /** Lab panels and how often (in visits) each is drawn. */
  readonly panels: readonly { readonly panel: PanelKey; readonly everyVisits: number }[];
  /** Days between routine visits for a chronic disease; prescription length of an acute one. */
  readonly intervalDays: readonly [number, number];
  /**
   * Chronic: how many times a year, drawn at each regular visit. Acute: per episode, 1 = always, below
   * 1 the chance (a CT not done at the visit when the patient is admitted: the stay's work-up decides).
   */
  readonly procedures: readonly { readonly procedure: Procedure; readonly perYear: number }[];
  /** Admissions per person-year caused by the disease. */
  readonly admissionRate: number;
  /** A CT in the admission work-up, for this share of stays. */
  readonly admissionCt?: { readonly procedure: CtProcedure; readonly share: number };
  /**
   * Episodes drawn from a stream of their own, not the chart's: problems added to the table after the
   * first patients were generated, so that everyone without them keeps the same record.
   */
  readonly ownStream?: true;
  readonly admissionDays?: readonly [number, number];
  /** Hospital diet code (data/diet.ts) while admitted. */
  readonly diet?: string;
  /** Only in some months (influenza). */
  readonly months?: readonly number[];
}

export const band = (under40: number, under65: number, under75: number, older: number) => (age: number) =>
  age < 40 ? under40 : age < 65 ? under65 : age < 75 ? under75 : older;
export const male =
  (f: (age: number) => number, other = 0.3) =>
  (age: number, sex: Sex) =>
    f(age) * (sex === 'M' ? 1 : other);
export const female =
  (f: (age: number) => number, other = 0.3) =>
  (age: number, sex: Sex) =>
    f(age) * (sex === 'F' ? 1 : other);

/** A table entry; `medisKey` is given only where it was verified (see diseases.ts). */
export type DiseaseEntry = Omit<Disease, 'medisKey' | 'verified'> & { medisKey?: string };

export const d = (entry: DiseaseEntry): DiseaseEntry => entry;
