import { describe, expect, it } from 'vitest';
import { facilityPatients } from './facility.js';
import { ageAtReference, makePerson } from './population.js';

describe('population', () => {
  it('gives the same person for the same seed and index, whoever asks', () => {
    expect(makePerson(3, 17)).toEqual(makePerson(3, 17));
    expect(makePerson(3, 17)).not.toEqual(makePerson(4, 17));
  });

  it('looks like a hospital population: common surnames first, mostly older people, Okayama and Hiroshima', () => {
    const people = Array.from({ length: 3000 }, (_, i) => makePerson(1, i));
    const count = (name: string) => people.filter((p) => p.family.kanji === name).length;
    expect(count('佐藤')).toBeGreaterThan(count('菊地'));
    expect(count('鈴木')).toBeGreaterThan(count('檀上'));
    const elderly = people.filter((p) => ageAtReference(p.birthDate) >= 65).length / people.length;
    expect(elderly).toBeGreaterThan(0.35);
    expect(elderly).toBeLessThan(0.65);
    expect(new Set(people.map((p) => p.address.town.prefecture))).toEqual(new Set(['岡山県', '広島県']));
    for (const p of people.slice(0, 200)) expect(p.homePhone).toMatch(/^0\d{1,3}-\d{2,4}-\d{4}$/);
  });

  it('lets each facility see its own subset with its own IDs, mostly from its prefecture', () => {
    const okayama = [...facilityPatients(1, '3310210012', 200)];
    const hiroshima = [...facilityPatients(1, '3410124378', 200)];
    expect(new Set(okayama.map((p) => p.localId)).size).toBe(200);
    const local = okayama.filter((p) => p.person.address.town.prefectureCode === '33').length;
    expect(local / okayama.length).toBeGreaterThan(0.85);
    const shared = okayama.filter((p) => hiroshima.some((q) => q.person.id === p.person.id));
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.length).toBeLessThan(60);
  });
});
