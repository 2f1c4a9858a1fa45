/**
 * One hospital stay as the chart tells it (ADT-21 … ADT-52): dates, department, attending doctor,
 * ward and room, planned or not, and the problem it was for. The documents of a stay (退院時サマリ,
 * 看護サマリ, 手術記録, 服薬指導記録) all read it from here, so they tell the same story.
 */

import type { Hl7Message } from '@hie/hl7v2';
import type { Draft } from '../clinical/chart.js';
import { PLANNED_ADMISSIONS } from '../clinical/schedule.js';
import { DISEASES } from '../data/diseases.js';
import { dayFromYmd } from '../world/clock.js';
import { activeOn } from './common.js';
import { type ChartFacts, type ProblemFact, type StaffName, staffOf } from './facts.js';

export interface StayFacts {
  readonly adt52: Draft;
  readonly message: Hl7Message;
  /** PV1-44, `YYYYMMDDHHMM`. */
  readonly admitTime: string;
  readonly admit: string;
  /** The discharge day (ADT-52's care date). */
  readonly discharge: string;
  /** PV1-45 as written, `YYYYMMDDHHMM`. */
  readonly dischargeTime: string;
  readonly dept: string;
  readonly doctor: StaffName;
  readonly ward: string;
  readonly room: string;
  readonly planned: boolean;
  /** Days in hospital, admission and discharge day included. */
  readonly days: number;
  /** The problems active on the admission day. */
  readonly problems: readonly ProblemFact[];
  /** The problem the stay was for. */
  readonly main: ProblemFact | undefined;
  /** Disease key of the stay (the main problem's, or what the department books stays for). */
  readonly diseaseKey: string;
}

/** What each department books planned stays for (`PLANNED_ADMISSIONS`). */
const plannedFor = (dept: string): string[] =>
  DISEASES.filter((d) => d.dept === dept && PLANNED_ADMISSIONS.has(d.key)).map((d) => d.key);

/**
 * The diagnosis a stay was for: an inpatient problem recorded during it (an emergency), the problem
 * a planned stay of the department is booked for, else one of the stay's department.
 */
function mainDiagnosis(
  problems: readonly ProblemFact[],
  admit: string,
  discharge: string,
  dept: string,
  planned: boolean,
): ProblemFact | undefined {
  const booked = planned ? plannedFor(dept) : [];
  return (
    problems.find((p) => p.inpatient && p.recorded >= admit && p.recorded <= discharge) ??
    problems.find((p) => p.disease !== undefined && booked.includes(p.disease.key)) ??
    problems.find((p) => p.disease?.dept === dept && p.disease.admissionRate > 0) ??
    problems.find((p) => p.disease?.dept === dept) ??
    problems.find((p) => p.main) ??
    problems[0]
  );
}

export function readStay(facts: ChartFacts, adt52: Draft): StayFacts | undefined {
  const m = facts.message(adt52);
  if (!m) return undefined;
  const admitTime = m.get('PV1-44') ?? '';
  const admit = admitTime.slice(0, 8);
  const discharge = adt52.careDate;
  if (!/^\d{8}$/.test(admit)) return undefined;
  const dept = adt52.department;
  const planned = facts.drafts('ADT-21').some((d) => d.careDate === admit);
  const problems = activeOn(facts.problemsAt(adt52.timestamp), admit);
  const main = mainDiagnosis(problems, admit, discharge, dept, planned);
  const booked = planned ? plannedFor(dept) : [];
  const diseaseKey =
    main?.disease && (!planned || booked.includes(main.disease.key)) ? main.disease.key : (booked[0] ?? '');
  return {
    adt52,
    message: m,
    admitTime,
    admit,
    discharge,
    dischargeTime: m.get('PV1-45') ?? discharge,
    dept,
    doctor: staffOf(m, 'PV1-7'),
    ward: m.get('PV1-3.1') ?? '',
    room: m.get('PV1-3.2') ?? '',
    planned,
    days: dayFromYmd(discharge) - dayFromYmd(admit) + 1,
    problems,
    main,
    diseaseKey,
  };
}
