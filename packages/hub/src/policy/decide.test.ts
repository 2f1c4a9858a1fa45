import { DOCUMENT_CATEGORIES, PROFESSION_CODES } from '@hie/contract';
import { describe, expect, it } from 'vitest';
import { type Decision, decide, type PolicyFacts, tokyoDay } from './decide.js';
import { CATEGORY_CODES, DEFAULT_PROFESSION_POLICY } from './matrix.js';

const VIEWER = '1.2.392.200284.33.1311111111';
const SOURCE = '1.2.392.200284.33.0110000001';
const base = (): PolicyFacts => ({
  viewer: {
    userId: 'u1',
    userActive: true,
    profession: 'pharmacist',
    facilityOid: VIEWER,
    facilityActive: true,
    facilityViews: true,
  },
  source: {
    facilityOid: SOURCE,
    active: true,
    discloses: true,
    disclosed: ['diagnosis', 'lab-result', 'prescription', 'allergy'],
  },
  consents: [
    { scope: 'listed', viewers: [VIEWER], startDate: '2025-04-01', endDate: null, status: 'active' },
  ],
  professionCategories: [...DEFAULT_PROFESSION_POLICY.pharmacist],
  breakGlass: null,
  today: '2025-06-15',
});
const reason = (d: Decision) => (d.allow ? `allow:${d.basis}:${d.categories.join(',')}` : d.reason);

describe('decide', () => {
  it('allows the matrix ∩ the disclosure, on consent', () => {
    expect(reason(decide(base(), 'TREAT'))).toBe('allow:consent:allergy,diagnosis,prescription');
  });

  it('says why it denies, one cause at a time', () => {
    const cases: [string, (f: PolicyFacts) => void][] = [
      [
        'office-reads-no-records',
        (f) => {
          f.viewer.profession = 'office';
        },
      ],
      [
        'user-inactive',
        (f) => {
          f.viewer.userActive = false;
        },
      ],
      [
        'facility-inactive',
        (f) => {
          f.viewer.facilityActive = false;
        },
      ],
      [
        'not-a-viewing-facility',
        (f) => {
          f.viewer.facilityViews = false;
        },
      ],
      [
        'profession-sees-nothing',
        (f) => {
          f.professionCategories = [];
        },
      ],
      [
        'source-inactive',
        (f) => {
          f.source.active = false;
        },
      ],
      [
        'source-not-disclosing',
        (f) => {
          f.source.discloses = false;
        },
      ],
      [
        'nothing-disclosed',
        (f) => {
          f.source.disclosed = ['lab-result', 'radiology'];
        },
      ],
      [
        'no-consent',
        (f) => {
          f.consents = [];
        },
      ],
      [
        'consent-withdrawn',
        (f) => {
          f.consents = [{ ...(f.consents[0] as PolicyFacts['consents'][number]), status: 'withdrawn' }];
        },
      ],
      [
        'consent-expired',
        (f) => {
          f.consents = [{ ...(f.consents[0] as PolicyFacts['consents'][number]), endDate: '2025-06-14' }];
        },
      ],
      [
        'consent-not-started',
        (f) => {
          f.consents = [{ ...(f.consents[0] as PolicyFacts['consents'][number]), startDate: '2025-06-16' }];
        },
      ],
      [
        'facility-not-in-consent',
        (f) => {
          f.consents = [{ ...(f.consents[0] as PolicyFacts['consents'][number]), viewers: [SOURCE] }];
        },
      ],
    ];
    for (const [expected, change] of cases) {
      const facts = base();
      change(facts);
      const decision = decide(facts, 'TREAT');
      expect(reason(decision), expected).toBe(expected);
      expect(decision.allow ? '' : decision.message.length && decision.messageJa.length).toBeTruthy();
    }
    expect(decide(base(), 'ADMIN' as 'TREAT')).toMatchObject({ allow: false, reason: 'purpose-not-allowed' });
  });

  it('counts the dates inclusively and names the closest consent when none applies', () => {
    const facts = base();
    facts.consents = [
      { scope: 'all', viewers: [], startDate: '2025-06-15', endDate: '2025-06-15', status: 'active' },
    ];
    expect(decide(facts, 'TREAT').allow).toBe(true);
    facts.consents = [
      { scope: 'all', viewers: [], startDate: '2025-01-01', endDate: null, status: 'withdrawn' },
      { scope: 'all', viewers: [], startDate: '2025-01-01', endDate: '2025-03-31', status: 'active' },
    ];
    expect(reason(decide(facts, 'TREAT'))).toBe('consent-expired');
    facts.consents = [
      ...facts.consents,
      {
        scope: 'all',
        viewers: [],
        startDate: '2025-06-01',
        endDate: null,
        status: 'active',
      },
    ];
    expect(decide(facts, 'TREAT').allow).toBe(true);
  });

  it('withdrawal wins at once, even with dates in range', () => {
    const facts = base();
    facts.consents = [
      { scope: 'all', viewers: [], startDate: '2025-01-01', endDate: null, status: 'withdrawn' },
    ];
    expect(reason(decide(facts, 'TREAT'))).toBe('consent-withdrawn');
  });

  it('break-the-glass: doctors and dentists with an active grant, under ETREAT only', () => {
    const facts = base();
    facts.consents = [];
    facts.viewer.profession = 'doctor';
    facts.professionCategories = [...DEFAULT_PROFESSION_POLICY.doctor];
    expect(reason(decide(facts, 'ETREAT'))).toBe('no-break-glass');
    facts.breakGlass = { id: 'g1', expiresAt: '2025-06-15T12:00:00Z' };
    expect(decide(facts, 'ETREAT')).toMatchObject({ allow: true, basis: 'break-glass', breakGlassId: 'g1' });
    expect(reason(decide(facts, 'TREAT'))).toBe('no-consent');
    facts.viewer.profession = 'nurse';
    expect(reason(decide(facts, 'ETREAT'))).toBe('break-glass-not-allowed');
    // the grant does not bypass the source's settings nor the viewer's status
    facts.viewer.profession = 'dentist';
    facts.source.active = false;
    expect(reason(decide(facts, 'ETREAT'))).toBe('source-inactive');
    facts.source.active = true;
    facts.viewer.userActive = false;
    expect(reason(decide(facts, 'ETREAT'))).toBe('user-inactive');
  });

  it('takes the day in Japan', () => {
    expect(tokyoDay(new Date('2025-06-14T14:59:59Z'))).toBe('2025-06-14');
    expect(tokyoDay(new Date('2025-06-14T15:00:00Z'))).toBe('2025-06-15');
  });
});

describe('the default matrix', () => {
  it('covers every profession with known categories', () => {
    expect(Object.keys(DEFAULT_PROFESSION_POLICY).sort()).toEqual([...PROFESSION_CODES].sort());
    for (const categories of Object.values(DEFAULT_PROFESSION_POLICY)) {
      for (const c of categories) expect(CATEGORY_CODES).toContain(c);
    }
  });

  it('gives doctors everything, pharmacists what the issue says, clerks and the office nothing', () => {
    expect(DEFAULT_PROFESSION_POLICY.doctor).toEqual(CATEGORY_CODES);
    expect(DEFAULT_PROFESSION_POLICY.dentist).toEqual(CATEGORY_CODES);
    expect([...DEFAULT_PROFESSION_POLICY.pharmacist].sort()).toEqual(
      ['allergy', 'demographics', 'diagnosis', 'injection', 'prescription'].sort(),
    );
    expect(DEFAULT_PROFESSION_POLICY.clerk).toEqual([]);
    expect(DEFAULT_PROFESSION_POLICY.office).toEqual([]);
    expect(DEFAULT_PROFESSION_POLICY.nurse).toContain('lab-result');
    // MISSION M6: pharmacies see diagnoses and prescriptions, no document of any kind by default.
    for (const kind of DOCUMENT_CATEGORIES) expect(DEFAULT_PROFESSION_POLICY.pharmacist).not.toContain(kind);
    expect(DEFAULT_PROFESSION_POLICY.helper).not.toContain('lab-result');
  });

  it('gives each profession the document kinds of its work, and physician notes to physicians and nurses only', () => {
    for (const p of ['doctor', 'dentist', 'nurse', 'public-health-nurse', 'midwife'] as const) {
      for (const kind of DOCUMENT_CATEGORIES) expect(DEFAULT_PROFESSION_POLICY[p], p).toContain(kind);
    }
    expect(DEFAULT_PROFESSION_POLICY['radiology-technician']).toContain('document-radiology-report');
    expect(DEFAULT_PROFESSION_POLICY['lab-technician']).toContain('document-pathology-report');
    for (const p of ['care-manager', 'care-worker', 'helper'] as const) {
      expect(DEFAULT_PROFESSION_POLICY[p], p).toContain('document-nursing-summary');
    }
    for (const p of PROFESSION_CODES) {
      if (['doctor', 'dentist', 'nurse', 'public-health-nurse', 'midwife'].includes(p)) continue;
      for (const kind of [
        'document-physician-note',
        'document-nursing-note',
        'document-flowsheet',
      ] as const) {
        expect(DEFAULT_PROFESSION_POLICY[p], `${p} ${kind}`).not.toContain(kind);
      }
    }
  });

  it('shows height, weight and blood type to clinicians, not to pharmacists or care staff (issue 10)', () => {
    for (const p of ['doctor', 'dentist', 'nurse', 'midwife', 'dietitian', 'therapist'] as const) {
      expect(DEFAULT_PROFESSION_POLICY[p], p).toContain('body-measurement');
    }
    for (const p of [
      'pharmacist',
      'care-manager',
      'care-worker',
      'helper',
      'social-worker',
      'clerk',
    ] as const) {
      expect(DEFAULT_PROFESSION_POLICY[p], p).not.toContain('body-measurement');
      if (p !== 'clerk') expect(DEFAULT_PROFESSION_POLICY[p], p).toContain('demographics');
    }
  });
});
