/**
 * The professions that may enter at least one kind of record (the contract's ENTRY_PROFESSIONS, all
 * kinds together), for the patient page's 「記録の入力」 link. Kept here, not read from @hie/contract,
 * so the patient page does not load the entry schemas (zod) with it; may-enter.test.ts holds the two
 * equal.
 */
export const ENTERING_PROFESSIONS: ReadonlySet<string> = new Set([
  'doctor',
  'dentist',
  'pharmacist',
  'nurse',
]);

export const mayEnterSomething = (profession: string) => ENTERING_PROFESSIONS.has(profession);
