/**
 * Prescriptions and injections: OMP-01 / OMP-02 orders (RDE^O11: one ORC + RXE + TQ1 + RXR block
 * per drug, ORC-4 grouping the drugs of one Rp) and their administration notices OMP-11 / OMP-12
 * (RAS^O17: ORC + RXA… + RXR).
 */

import { type InjectionDrug, type OralDrug, USAGES } from '../data/drugs.js';
import { type Bed, bedText, type OrcInput, orc, type PatientContext, pid, pv1 } from './common.js';
import { cwe, type StaffMember, seg, xcn } from './hl7.js';

export interface PrescribedDrug {
  readonly drug: OralDrug;
  /** Rp number: drugs taken with the same usage share one. */
  readonly rp: number;
  readonly dose: number;
  readonly days: number;
}

export interface OrderInput extends Omit<OrcInput, 'group' | 'withFacility'> {
  readonly bed?: Bed;
  /** Outpatient orders: 院外処方 (a community pharmacy dispenses) rather than 院内. */
  readonly outOfHouse?: boolean;
}

const unitCwe = (u: readonly [string, string]) => cwe(u[0], u[1], 'MR9P');

/**
 * RXE-21 (MERIT-9 処方オーダ表7): the setting, and for outpatients who dispenses — 院外処方 `OHO`
 * (most hospital prescriptions, filled at a community pharmacy) or 院内処方 `OHI`.
 */
function dispensing(o: OrderInput): string {
  if (o.patientClass === 'I') return 'IHP^入院処方^MR9P';
  return o.outOfHouse ? 'OHP^外来処方^MR9P~OHO^院外処方^MR9P' : 'OHP^外来処方^MR9P~OHI^院内処方^MR9P';
}

/** OMP-01: an outpatient (OHP with OHO/OHI) or inpatient (IHP) prescription. */
export function prescription(
  ctx: PatientContext,
  o: OrderInput,
  drugs: readonly PrescribedDrug[],
  start: string,
): string[] {
  const out = [
    pid(ctx, true),
    pv1({ patientClass: o.patientClass, dept: o.dept, doctor: o.doctor, bed: o.bed }),
  ];
  const rxe21 = dispensing(o);
  drugs.forEach((p, i) => {
    const usage = USAGES[p.drug.usage];
    const daily = p.dose * usage.timesPerDay;
    out.push(orc(ctx, { ...o, group: String(p.rp), withFacility: true }));
    out.push(
      seg('RXE', {
        2: cwe(p.drug.hot9, p.drug.name, 'HOT9'),
        3: String(p.dose),
        5: unitCwe(p.drug.unit),
        6: p.drug.form ? unitCwe(p.drug.form) : undefined,
        10: String(daily * p.days),
        11: unitCwe(p.drug.unit),
        15: `${o.orderNo.slice(-8)}${String(i + 1).padStart(2, '0')}`,
        19: `${daily}^${p.drug.unit[0]}&${p.drug.unit[1]}&MR9P`,
        21: rxe21,
      }),
    );
    out.push(seg('TQ1', { 1: '1', 3: `${usage.code}&${usage.text}&JAMISDP01`, 6: `${p.days}^d`, 7: start }));
    out.push('RXR|PO^口^HL70162');
  });
  return out;
}

export interface InfusionBag {
  readonly base: InjectionDrug;
  readonly additives: readonly InjectionDrug[];
  readonly start: string;
  readonly end: string;
  readonly rateMlPerHour: number;
}

const bagVolume = (b: InfusionBag) => b.base.volumeMl + b.additives.reduce((s, a) => s + a.volumeMl, 0);

/** OMP-02: an injection order, one block per bag, drugs as RXC base (B) and additives (A). */
export function injectionOrder(
  ctx: PatientContext,
  o: OrderInput,
  bags: readonly InfusionBag[],
  ymd: string,
): string[] {
  const out = [pid(ctx, true), pv1({ patientClass: 'I', dept: o.dept, doctor: o.doctor, bed: o.bed })];
  bags.forEach((b, i) => {
    out.push(
      orc(ctx, { ...o, group: `${o.orderNo}_01_${String(i + 1).padStart(3, '0')}`, withFacility: true }),
    );
    out.push(
      seg('RXE', {
        2: '00^一般^99I02',
        3: String(bagVolume(b)),
        5: 'ML^ミリリットル^MR9P',
        6: 'INJ^注射剤^MR9P',
        15: `${ymd}-${String(i + 1).padStart(3, '0')}`,
        21: 'IHP^入院処方^MR9P',
        22: 'H1',
        23: String(b.rateMlPerHour),
        24: 'ml/hr^ミリリッター／時間^ISO+',
      }),
    );
    out.push(seg('TQ1', { 1: '1', 7: b.start, 8: b.end }));
    out.push('RXR|IV^静脈内^HL70162||IVP^点滴ポンプ^HL70164');
    out.push(
      seg('RXC', { 1: 'B', 2: cwe(b.base.hot9, b.base.name, 'HOT9'), 3: '1', 4: unitCwe(b.base.unit) }),
    );
    for (const a of b.additives) {
      out.push(seg('RXC', { 1: 'A', 2: cwe(a.hot9, a.name, 'HOT9'), 3: '1', 4: unitCwe(a.unit) }));
    }
  });
  return out;
}

export interface Administration {
  readonly hot9: string;
  readonly name: string;
  readonly amount: number;
  readonly unit: readonly [string, string];
  readonly start: string;
  readonly end: string;
}

export interface AdministrationGroup {
  /** The order's ORC, with ORC-4 the Rp number or the injection bag (`order_01_001`). */
  readonly orc: OrderInput & { readonly group: string };
  readonly given: readonly Administration[];
  readonly route: 'PO' | 'IV';
}

/**
 * OMP-11 / OMP-12: what nurses gave on one day for one order (RXA-3, the start, is the care date).
 * One ORC group per Rp or bag, each with its RXA segments and one RXR.
 */
export function administration(
  ctx: PatientContext,
  groups: readonly AdministrationGroup[],
  nurse: StaffMember,
  bed: Bed,
  entered: string,
): string[] {
  const first = groups[0];
  if (!first) return [];
  const out = [
    pid(ctx, false),
    pv1({ patientClass: 'I', dept: first.orc.dept, doctor: first.orc.doctor, bed }),
  ];
  for (const g of groups) {
    out.push(orc(ctx, { ...g.orc, withFacility: true }));
    for (const a of g.given) {
      out.push(
        seg('RXA', {
          1: '0',
          2: '1',
          3: a.start,
          4: a.end,
          5: cwe(a.hot9, a.name, 'HOT9'),
          6: String(a.amount),
          7: unitCwe(a.unit),
          10: xcn(nurse),
          11: bedText(bed),
          20: 'CP',
          22: entered,
        }),
      );
    }
    out.push(g.route === 'PO' ? 'RXR|PO^口^HL70162' : 'RXR|IV^静脈内^HL70162||IVP^点滴ポンプ^HL70164');
  }
  return out;
}
