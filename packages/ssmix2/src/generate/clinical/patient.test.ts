import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../world/clock.js';
import { facilityPatients, makeFacility } from '../world/facility.js';
import { simulatePatient } from './patient.js';

describe('simulatePatient', () => {
  const window = { startDay: dayFromYmd('20211101'), endDay: dayFromYmd('20261031') };
  const facility = makeFacility(1, '3310210012');
  const patients = [...facilityPatients(1, '3310210012', 400, '20261024')];

  it('never files anything before a baby is born or after the last simulated day', () => {
    const babies = patients.filter((p) => p.person.birthDate > '20220101');
    expect(babies.length).toBeGreaterThan(0);
    for (const baby of babies) {
      const drafts = simulatePatient(1, facility, baby, window);
      expect(drafts.length).toBeGreaterThan(0);
      for (const d of drafts) {
        expect(d.timestamp.slice(0, 8) >= baby.person.birthDate).toBe(true);
        if (d.careDate !== '-') expect(d.careDate >= baby.person.birthDate).toBe(true);
        expect(d.timestamp.slice(0, 8) <= '20261031').toBe(true);
      }
    }
  });

  it('files the versions of each key in time order, starting with demographics', () => {
    for (const p of patients.slice(0, 40)) {
      const drafts = simulatePatient(1, facility, p, window);
      expect(drafts[0]?.dataType).toBe('ADT-00');
      const stamps = drafts.map((d) => d.timestamp);
      expect(stamps).toEqual([...stamps].sort());
      const seen = new Set<string>();
      for (const d of drafts) {
        const key = `${d.dataType}|${d.careDate}|${d.orderNo}|${d.timestamp}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  });
});
