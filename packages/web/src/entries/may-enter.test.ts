import { ENTRY_PROFESSIONS } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import { ENTERING_PROFESSIONS } from './may-enter';

describe('the patient page’s 記録の入力 link', () => {
  it('is for exactly the professions the contract lets enter something', () => {
    const contract = new Set(Object.values(ENTRY_PROFESSIONS).flat());
    expect([...ENTERING_PROFESSIONS].sort()).toEqual([...contract].sort());
  });
});
