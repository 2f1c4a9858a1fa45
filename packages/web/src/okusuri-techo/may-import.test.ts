import { mayImportNotebook, NOTEBOOK_PROFESSIONS } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import { mayImportNotebooks, NOTEBOOK_IMPORTERS } from './may-import';

describe('the menu’s お薬手帳QR取込 item', () => {
  it('is for exactly the professions the contract lets import お薬手帳 codes', () => {
    expect([...NOTEBOOK_IMPORTERS].sort()).toEqual([...NOTEBOOK_PROFESSIONS].sort());
    for (const p of ['pharmacist', 'doctor', 'dentist', 'nurse', 'clerk'])
      expect(mayImportNotebooks(p)).toBe(mayImportNotebook(p));
  });
  it('is never offered to the network office', () => {
    expect(mayImportNotebooks('pharmacist', true)).toBe(false);
  });
});
