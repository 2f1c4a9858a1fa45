// What a clinician sees when the three demo hospitals' records of one person are merged: chronic
// care at one place (with some real 重複投薬), each hospital's own 院外 share and lab cadence, the
// documents of a stay, an operation and a biopsy in extended storage, CT at a hospital's rate, and the
// imaging scenario's chest X-rays a year apart and its chest CT.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, sep } from 'node:path';
import { documentCategory } from '@hie/fhir-jp';
import { type Hl7Message, parseHl7 } from '@hie/hl7v2';
import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFileName } from '../names/file-name.js';
import { type ExtendedContent, listExtendedStorage } from '../storage/extended.js';
import { listFiles } from '../test-support/samples.js';
import { KNOWN_FACILITIES } from './data/clinic.js';
import { DISEASES } from './data/diseases.js';
import { ORAL_DRUGS } from './data/drugs.js';
import { EXTENDED_DATA_TYPES } from './extended/extended.js';
import { generateStorage } from './generate.js';
import { imagingScenario } from './scenario.js';
import { parseTruthLine } from './truth.js';
import { dayFromYmd } from './world/clock.js';

const temp = mkdtempSync(join(tmpdir(), 'hie-realism-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const SEED = 7;
const CODES = ['3310210012', '3318800061', '3319800011'] as const;
const HBA1C = '3D046000001906202';

/** Drugs only chronic regimens use (an acute course of the same drug would blur "one home"). */
const acuteDrugs = new Set(DISEASES.filter((d) => !d.chronic).flatMap((d) => d.regimens.flat()));
const CHRONIC_DRUGS = new Set(
  DISEASES.filter((d) => d.chronic)
    .flatMap((d) => d.regimens.flat())
    .filter((k) => !acuteDrugs.has(k))
    .map((k) => ORAL_DRUGS[k]?.name ?? ''),
);

interface Current {
  code: string;
  personId: string;
  dataType: string;
  careDate: string;
  message: Hl7Message;
}

const std = (code: string) => join(temp, code, 'standard');
const ext = (code: string) => join(temp, code, 'extended');

describe(`the three demo hospitals (seed ${SEED}, 60 patients each, 3 years) merged per person`, () => {
  const current: Current[] = [];
  const contents: (ExtendedContent & { code: string })[] = [];
  const of = (dataType: string) => current.filter((c) => c.dataType === dataType);

  beforeAll(async () => {
    const truthFile = join(temp, 'truth.csv');
    for (const code of CODES)
      await generateStorage({
        patients: 60,
        facilityCode: code,
        years: 3,
        seed: SEED,
        out: std(code),
        extendedOut: ext(code),
        truthFile,
      });
    const person = new Map<string, string>();
    for (const line of readFileSync(truthFile, 'utf8').trim().split('\n').slice(1)) {
      const r = parseTruthLine(line);
      if (r) person.set(`${r.facilityCode}|${r.localPatientId}`, r.personId);
    }
    const wanted = /[/\\](OMP-01|OML-11|PPR-01|ADT-22|ADT-52|OMG-11|OMG-12)[/\\]/;
    for (const code of CODES) {
      for (const rel of listFiles(std(code))) {
        if (!rel.endsWith('_1') || !wanted.test(`${sep}${rel}`)) continue;
        const name = parseFileName(basename(rel));
        const parsed = parseHl7(readFileSync(join(std(code), rel)));
        if (!name.ok || !parsed.ok) throw new Error(rel);
        const { patientId, dataType, careDate } = name.value;
        current.push({
          code,
          personId: person.get(`${code}|${patientId}`) ?? '?',
          dataType,
          careDate,
          message: parsed.message,
        });
      }
      for await (const item of listExtendedStorage(ext(code)))
        if (item.kind === 'content') contents.push({ ...item, code });
    }
  }, 120_000);

  /** (person, chronic drug) → facility → supply periods [first day, last day] of outpatient orders. */
  const chronicSupply = () => {
    const supply = new Map<string, Map<string, [number, number][]>>();
    for (const c of of('OMP-01')) {
      if (c.message.get('PV1-2') !== 'O') continue;
      const tq1 = c.message.segmentsNamed('TQ1');
      c.message.segmentsNamed('RXE').forEach((rxe, i) => {
        const drug = rxe.get(2, 1, 2) ?? '';
        if (!CHRONIC_DRUGS.has(drug)) return;
        const start = dayFromYmd(tq1[i]?.get(7) ?? c.careDate);
        const days = Number(tq1[i]?.get(6, 1, 1) ?? 0);
        const key = `${c.personId}|${drug}`;
        const byFacility = supply.get(key) ?? new Map<string, [number, number][]>();
        byFacility.set(c.code, [...(byFacility.get(c.code) ?? []), [start, start + days - 1]]);
        supply.set(key, byFacility);
      });
    }
    return supply;
  };

  it('prescribes a chronic drug of a person at one hospital (≥ 85 % of pairs), with some real 重複投薬', () => {
    const supply = chronicSupply();
    const pairs = [...supply.values()];
    const single = pairs.filter((f) => f.size === 1).length;
    expect(pairs.length).toBeGreaterThan(100);
    expect(single / pairs.length).toBeGreaterThanOrEqual(0.85);
    // Duplicates the 重複投薬 check exists for: the same drug from two hospitals, supplies overlapping.
    const overlapping = new Set<string>();
    for (const [key, byFacility] of supply) {
      const lists = [...byFacility.values()];
      for (let a = 0; a < lists.length; a++)
        for (let b = a + 1; b < lists.length; b++)
          if (lists[a]!.some(([s1, e1]) => lists[b]!.some(([s2, e2]) => s1 <= e2 && s2 <= e1)))
            overlapping.add(key.split('|')[0]!);
    }
    expect(overlapping.size).toBeGreaterThanOrEqual(3);
  });

  it('keeps a condition followed elsewhere on the problem lists of other hospitals', () => {
    const drugsAt = new Map<string, Set<string>>();
    for (const c of of('OMP-01'))
      for (const rxe of c.message.segmentsNamed('RXE')) {
        const key = `${c.personId}|${rxe.get(2, 1, 2) ?? ''}`;
        drugsAt.set(key, (drugsAt.get(key) ?? new Set()).add(c.code));
      }
    const listedAt = new Map<string, Set<string>>();
    for (const c of of('PPR-01'))
      for (const prb of c.message.segmentsNamed('PRB')) {
        const key = `${c.personId}|${prb.get(3, 1, 2) ?? ''}`;
        listedAt.set(key, (listedAt.get(key) ?? new Set()).add(c.code));
      }
    // A chronic disease with drugs, listed at two hospitals and treated (its drugs prescribed) at one.
    let knownElsewhere = 0;
    for (const d of DISEASES.filter((x) => x.chronic && x.regimens.length > 0)) {
      const names = d.regimens.flat().map((k) => ORAL_DRUGS[k]?.name ?? '');
      for (const [key, where] of listedAt) {
        const [personId, disease] = key.split('|');
        if (disease !== d.name || where.size < 2) continue;
        const treating = new Set(names.flatMap((n) => [...(drugsAt.get(`${personId}|${n}`) ?? [])]));
        if (treating.size === 1) knownElsewhere++;
      }
    }
    expect(knownElsewhere).toBeGreaterThanOrEqual(5);
  });

  it('issues 院外処方 (RXE-21 OHO) at each hospital within ±0.1 of its share; inpatient orders stay IHP', () => {
    for (const code of CODES) {
      let outside = 0;
      let inside = 0;
      for (const c of of('OMP-01').filter((x) => x.code === code)) {
        const rxe = c.message.segmentsNamed('RXE')[0];
        const codes = [1, 2].map((r) => rxe?.get(21, r, 1) ?? '');
        if (c.message.get('PV1-2') === 'I') {
          expect(codes).toEqual(['IHP', '']);
          continue;
        }
        expect(codes[0]).toBe('OHP');
        if (codes[1] === 'OHO') outside++;
        else if (codes[1] === 'OHI') inside++;
        else throw new Error(`RXE-21 ${codes.join('~')}`);
      }
      expect(outside + inside, code).toBeGreaterThan(200);
      const share = KNOWN_FACILITIES[code]!.outOfHouseShare;
      expect(Math.abs(outside / (outside + inside) - share), code).toBeLessThanOrEqual(0.1);
    }
  });

  it('draws HbA1c as densely as each hospital’s lab cadence: every visit at 倉敷中央, every 3rd at 岡山赤十字', () => {
    const median = (code: string) => {
      const byPerson = new Map<string, Set<string>>();
      for (const c of of('OML-11').filter((x) => x.code === code && x.message.get('PV1-2') === 'O'))
        if (c.message.segmentsNamed('OBX').some((o) => o.get(3, 1, 1) === HBA1C))
          byPerson.set(c.personId, (byPerson.get(c.personId) ?? new Set()).add(c.careDate));
      const gaps = [...byPerson.values()].flatMap((set) => {
        const days = [...set].map(dayFromYmd).sort((a, b) => a - b);
        return days.slice(1).map((d, i) => d - days[i]!);
      });
      expect(gaps.length, code).toBeGreaterThan(10);
      return [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    };
    expect(KNOWN_FACILITIES['3310210012']?.labEveryVisits).toBe(1);
    expect(KNOWN_FACILITIES['3318800061']?.labEveryVisits).toBe(3);
    const everyVisit = median('3310210012');
    const everyThird = median('3318800061');
    expect(everyVisit).toBeLessThanOrEqual(56);
    expect(everyThird).toBeGreaterThanOrEqual(2 * everyVisit);
  });

  it('still has a diabetic seen at several hospitals with a long HbA1c series at one of them', () => {
    const hospitals = new Map<string, Set<string>>();
    for (const c of current) hospitals.set(c.personId, (hospitals.get(c.personId) ?? new Set()).add(c.code));
    const results = new Map<string, number>();
    for (const c of of('OML-11'))
      if (c.message.segmentsNamed('OBX').some((o) => o.get(3, 1, 1) === HBA1C))
        results.set(`${c.personId}|${c.code}`, (results.get(`${c.personId}|${c.code}`) ?? 0) + 1);
    const best = Math.max(
      ...[...results].filter(([k]) => (hospitals.get(k.split('|')[0]!)?.size ?? 0) >= 2).map(([, n]) => n),
    );
    expect(best).toBeGreaterThanOrEqual(8);
  });

  it('writes 看護サマリ, 手術記録, 病理レポート and 服薬指導記録: valid CDA, classified by their folders, on the chart’s dates', () => {
    const intended = {
      NSUM: 'document-nursing-summary',
      OPRN: 'document-operative-note',
      PATR: 'document-pathology-report',
      MEDG: 'document-medication-guidance',
    } as const;
    const stays = current
      .filter((c) => c.dataType === 'ADT-52')
      .map((c) => ({
        code: c.code,
        patientId: c.message.get('PID-3.1') ?? '',
        admit: (c.message.get('PV1-44') ?? '').slice(0, 8),
        discharge: c.careDate,
        dept: c.message.get('PV1-10') ?? '',
      }));
    const endoscopies = new Set(
      of('OMG-12').map((c) => `${c.code}|${c.message.get('PID-3.1')}|${c.careDate}`),
    );
    for (const [kind, category] of Object.entries(intended)) {
      const folders = contents.filter(
        (c) => c.dataType.folder === EXTENDED_DATA_TYPES[kind as keyof typeof intended],
      );
      expect(folders.length, kind).toBeGreaterThanOrEqual(2);
      for (const c of folders) {
        expect(documentCategory(c.dataType), kind).toBe(category);
        const text = readFileSync(join(c.path, 'main_document.xml'), 'utf8');
        const doc = new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml');
        const root = doc.documentElement;
        expect(root?.localName, kind).toBe('ClinicalDocument');
        expect(root?.namespaceURI).toBe('urn:hl7-org:v3');
        // The document's own code is the folder's LOINC code where the folder has one.
        const code = root?.getElementsByTagName('code')[0]?.getAttribute('code');
        expect(code, kind).toBe(c.dataType.standardCode || kind);
        expect(root?.getElementsByTagName('section').length, kind).toBeGreaterThanOrEqual(4);
        // On the chart's dates: a stay's documents within that stay (the summary on its last day),
        // a pathology report on the day of an endoscopy of the same patient.
        if (kind === 'PATR') {
          expect(endoscopies.has(`${c.code}|${c.patientId}|${c.careDate}`), kind).toBe(true);
          continue;
        }
        const stay = stays.find(
          (s) =>
            s.code === c.code &&
            s.patientId === c.patientId &&
            s.admit <= c.careDate &&
            c.careDate <= s.discharge &&
            (!c.name.ok || s.dept === c.name.value.department),
        );
        expect(stay, `${kind} ${c.path}`).toBeDefined();
        if (kind === 'NSUM') expect(c.careDate).toBe(stay?.discharge);
        if (kind === 'OPRN') expect(c.careDate > (stay?.admit ?? '')).toBe(true);
      }
    }
    // The operations are the surgical stays': eyes, knees, coronary arteries, hips.
    const operated = contents
      .filter((c) => c.dataType.localCode === 'OPRN' && c.name.ok)
      .map((c) => (c.name.ok ? c.name.value.department : ''));
    expect(new Set(operated).size).toBeGreaterThanOrEqual(2);
    for (const dept of operated) expect(['08', '11', '26']).toContain(dept);
  });

  /** Performed CT studies (OMG-11, IPC-5 CT) and the study UIDs the 読影レポート name. */
  const cts = () => of('OMG-11').filter((c) => c.message.get('IPC-5.1') === 'CT');
  const reportedStudies = () =>
    new Set(
      contents
        .filter((c) => c.dataType.localCode === 'RADR')
        .flatMap((c) =>
          [...readFileSync(join(c.path, 'main_document.xml'), 'utf8').matchAll(/2\.25\.\d+/g)].map(
            (m) => m[0],
          ),
        ),
    );

  it('does CT for a few % of patients a year, more often in a stay; head, chest and abdomen, each with its 読影レポート', () => {
    const patientYears = 60 * CODES.length * 3;
    const all = cts();
    const inpatient = all.filter((c) => c.message.get('PV1-2') === 'I');
    const stays = of('ADT-22').length;
    const perPatientYear = (all.length - inpatient.length) / patientYears;
    // Outpatients: a few % a year (2 % for this seed). In hospital: a CT in a good share of stays (19 %),
    // far more than outside.
    expect(perPatientYear).toBeGreaterThan(0.01);
    expect(perPatientYear).toBeLessThan(0.08);
    expect(inpatient.length / stays).toBeGreaterThan(0.12);
    expect(inpatient.length / stays).toBeGreaterThan(3 * perPatientYear);
    // JJ1017: 種別 6 (Ｘ線CT) on the parent and the child; one region per order.
    const regions = new Set<string>();
    for (const c of all) {
      const [parent, child] = c.message.segmentsNamed('OBR').filter((o, i) => i === 0 || o.get(29));
      expect(parent?.get(4, 1, 1)).toBe('6000000000000000');
      expect(child?.get(4, 1, 1)).toMatch(/^6\d{6}(100|200|250)0/);
      regions.add((child?.get(4, 1, 2) ?? '').split('.')[0] ?? '');
    }
    expect([...regions].sort()).toEqual(['胸部', '腹部', '頭部'].sort());
    const reported = reportedStudies();
    for (const c of all) expect(reported, c.careDate).toContain(c.message.get('IPC-3.1'));
  });

  it('has the imaging scenario at 岡山大学病院: chest X-rays a year apart, then a thin-section chest CT the same day as the second', () => {
    const scenario = imagingScenario(SEED);
    const studies = of('OMG-11').filter(
      (c) => c.personId === scenario?.personId && c.code === scenario.facilityCode,
    );
    const chestXrays = studies.filter(
      (c) =>
        c.message.get('IPC-5.1') === 'CR' &&
        c.message.segmentsNamed('OBR').some((o) => (o.get(4, 1, 2) ?? '').startsWith('胸部')),
    );
    const last = chestXrays.at(-1);
    const previous = chestXrays.filter(
      (c) => dayFromYmd(c.careDate) <= dayFromYmd(last?.careDate ?? '') - 330,
    );
    expect(previous.length).toBeGreaterThanOrEqual(1);
    // Both within the demo's 14 months of images before the end date (20261031).
    expect((previous.at(-1)?.careDate ?? '') >= '20250831').toBe(true);
    const ct = studies.filter((c) => c.message.get('IPC-5.1') === 'CT');
    expect(ct.map((c) => c.careDate)).toContain(last?.careDate);
    expect(ct.some((c) => c.message.segmentsNamed('OBR').some((o) => o.get(4, 1, 2)?.includes('HRCT')))).toBe(
      true,
    );
    const reported = reportedStudies();
    for (const c of [...previous.slice(-1), last, ...ct])
      expect(reported).toContain(c?.message.get('IPC-3.1'));
  });
});
