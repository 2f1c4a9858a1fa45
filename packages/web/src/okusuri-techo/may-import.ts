/**
 * Who is offered 「お薬手帳QR取込」 in the menu: the contract's NOTEBOOK_PROFESSIONS (pharmacists), kept
 * here so the app's frame does not load the contract's schemas (zod) with it; may-import.test.ts holds
 * the two equal. The hub and the repository refuse everyone else whatever the menu shows.
 */
export const NOTEBOOK_IMPORTERS: ReadonlySet<string> = new Set(['pharmacist']);

export const mayImportNotebooks = (profession: string, office = false) =>
  !office && NOTEBOOK_IMPORTERS.has(profession);

/** The screen's path (routes.tsx and the menu). */
export const NOTEBOOK_PATH = '/okusuri-techo';
