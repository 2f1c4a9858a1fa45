import { describe, expect, it } from 'vitest';
import { KNOWN_FACILITIES } from '../data/clinic.js';
import { DISEASE_BY_KEY } from '../data/diseases.js';
import { seesPerson } from '../world/facility.js';
import { makePerson } from '../world/population.js';
import { hashUnit } from '../world/random.js';
import { careRole, homeFacility } from './care.js';

const SEED = 3;
const KNOWN = Object.keys(KNOWN_FACILITIES);
const people = Array.from({ length: 4000 }, (_, i) => makePerson(SEED, i));

describe('careRole: chronic care at one home facility', () => {
  const cases = people.flatMap((person) =>
    person.conditions.map((c) => ({
      person,
      disease: c.disease,
      dept: DISEASE_BY_KEY.get(c.disease)?.dept ?? '01',
      seenBy: KNOWN.filter((code) => seesPerson(SEED, code, person)),
    })),
  );

  it('gives each condition of a person seen by a known facility one home among the facilities that see them', () => {
    let checked = 0;
    for (const { person, disease, dept, seenBy } of cases) {
      const home = homeFacility(SEED, person, dept);
      if (seenBy.length === 0) {
        expect(home).toBeUndefined();
        continue;
      }
      expect(seenBy).toContain(home);
      expect(careRole(SEED, home!, person, disease)).toBe('manages');
      checked++;
    }
    expect(checked).toBeGreaterThan(500);
    // Conditions of one department share the home (one 内科 follows diabetes and hypertension):
    // where diabetes is managed, hypertension nearly always is too (co-management aside).
    const both = people.filter((p) => ['dm2', 'htn'].every((k) => p.conditions.some((c) => c.disease === k)));
    const pairs = both.flatMap((p) =>
      KNOWN.filter((code) => seesPerson(SEED, code, p) && careRole(SEED, code, p, 'dm2') === 'manages').map(
        (code) => careRole(SEED, code, p, 'htn'),
      ),
    );
    expect(pairs.length).toBeGreaterThan(20);
    expect(pairs.filter((r) => r === 'manages').length / pairs.length).toBeGreaterThan(0.85);
  });

  it('lets another facility co-manage about 8 % and list about half of the rest as comorbidities', () => {
    const others = cases.flatMap(({ person, disease, dept, seenBy }) =>
      seenBy
        .filter((code) => code !== homeFacility(SEED, person, dept))
        .map((code) => careRole(SEED, code, person, disease)),
    );
    expect(others.length).toBeGreaterThan(500);
    const share = (role: string, of: readonly string[]) => of.filter((r) => r === role).length / of.length;
    expect(share('manages', others)).toBeGreaterThan(0.05);
    expect(share('manages', others)).toBeLessThan(0.11);
    const rest = others.filter((r) => r !== 'manages');
    expect(share('knows', rest)).toBeGreaterThan(0.44);
    expect(share('knows', rest)).toBeLessThan(0.56);
  });

  it('keeps the old independent rule (75 % each) for a facility code the tables do not know', () => {
    const unknown = '3312345678';
    expect(KNOWN_FACILITIES[unknown]).toBeUndefined();
    const roles = cases.map(({ person, disease }) => {
      const role = careRole(SEED, unknown, person, disease);
      const before = hashUnit(SEED, 'manages', unknown, person.index, disease) < 0.75;
      expect(role).toBe(before ? 'manages' : 'none');
      return role;
    });
    const managed = roles.filter((r) => r === 'manages').length / roles.length;
    expect(managed).toBeGreaterThan(0.7);
    expect(managed).toBeLessThan(0.8);
  });
});
