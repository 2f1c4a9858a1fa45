/**
 * 画像・生理検査: a study arrives as several resources (fhir-jp imaging.ts, orders.ts): the order
 * (ServiceRequest per ORC of OMG-01/02/03), an ImagingStudy (IPC: study instance UID, accession number,
 * modality), a DiagnosticReport per OBR of the performed message (the order, its parent and each child —
 * 胸部 正面, 側面 …) and an Observation per OBX (体重 of the order, 臨床病名, 実施医師, times; an ECG's
 * measurements). This module makes them one row per study:
 *
 * - **The same study**: resources of one facility tied by a reference (a report's `imagingStudy`, its
 *   `result` Observations) or by an identifier they share — the study instance UID, the accession
 *   number, the order number (an order's identifier and requisition, a report's identifier, a study's
 *   `basedOn`). An order nothing was done for yet is a row of its own (未実施). A result with nothing to tie
 *   it joins the one study of its facility, day and kind when there is exactly one; else it is a row.
 * - **Findings** are only what a result says (an ECG's 所見, the report's conclusion); the OBX of a
 *   performed radiology or endoscopy study are the order's information and what was done, listed as
 *   such, never as a finding.
 * - **Values keep the text and unit the source sent** (`observationValue`), units written as
 *   clinicians write them (`clinicalUnit`; `degree` → °).
 */
import { clinicalUnit } from '@hie/contract';
import type { SourcedResource } from '../api/types';
import { westernDateTime } from '../lib/dates';
import { type CodeableConcept, categoryOf, conceptText, observationValue, type Quantity } from './fhir';

export type StudyKind = 'radiology' | 'endoscopy' | 'physiology';

/** DICOM modality codes as Japanese departments name them. */
export const MODALITY_NAMES: Readonly<Record<string, { ja: string; en: string }>> = {
  CR: { ja: '単純X線', en: 'X-ray' },
  DX: { ja: '単純X線', en: 'X-ray' },
  RF: { ja: 'X線透視', en: 'Fluoroscopy' },
  XA: { ja: '血管造影', en: 'Angiography' },
  MG: { ja: 'マンモグラフィ', en: 'Mammography' },
  CT: { ja: 'CT', en: 'CT' },
  MR: { ja: 'MRI', en: 'MRI' },
  US: { ja: '超音波', en: 'Ultrasound' },
  NM: { ja: '核医学', en: 'Nuclear medicine' },
  PT: { ja: 'PET', en: 'PET' },
  ES: { ja: '内視鏡', en: 'Endoscopy' },
  ECG: { ja: '心電図', en: 'ECG' },
};

export interface Measurement {
  label: string;
  /** The value as the source sent it. */
  value: string;
  unit: string;
}

export interface Study {
  key: string;
  facilityOid: string;
  facilityName: string;
  kind: StudyKind;
  /** The study's date (started, else the report's). */
  date: string | null;
  /** What was done: 単純X線撮影, 上部通常内視鏡, 標準１２誘導心電図. */
  procedure: string;
  /** Body parts: 胸部, 上部・胃. */
  bodySites: string[];
  /** Views and procedures of the study: 立位正面(A→P), 生検採取. */
  details: string[];
  modality: string | null;
  accession: string | null;
  /** Study Instance UID (without `urn:oid:`). */
  studyUid: string | null;
  /** Series and images the hospital's image store holds for the study (its DICOM ImagingStudy), else null. */
  images: { series: number; instances: number } | null;
  orderNumbers: string[];
  preliminary: boolean;
  /** What a result says (an ECG's 所見). */
  findings: string[];
  /** A result's measurements (ECG intervals, heart rate) with their units. */
  measurements: Measurement[];
  /** The order's information and what was done (体重, 臨床病名, 実施医師, 開始時間), each once. */
  information: Measurement[];
  /** The order (ServiceRequest of OMG-01/02/03) when it is in view: when and by whom. */
  ordered: string | null;
  requester: string | null;
  /** False for an order with no study or result yet (未実施, or 予定 when its date is ahead). */
  performed: boolean;
  /** The resources merged into this row. */
  entries: SourcedResource[];
}

interface Reference {
  reference?: string;
}
interface Identifier {
  system?: string;
  value?: string;
  type?: CodeableConcept;
}

/** Union–find over string nodes. */
class Groups {
  private readonly parent = new Map<string, string>();
  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(x, root);
    return root;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

const UNITS: Readonly<Record<string, string>> = { degree: '°', deg: '°', degrees: '°' };
/** A unit as shown: customary spellings (μL, 万/μL …), and ° for an ECG axis. */
export const displayUnit = (unit: string | undefined): string => {
  const u = (unit ?? '').trim();
  return UNITS[u.toLowerCase()] ?? clinicalUnit(u);
};

const kindOf = (e: SourcedResource): StudyKind | null => {
  const c = categoryOf(e)?.replace(/-order$/, '');
  return c === 'radiology' || c === 'endoscopy' || c === 'physiology' ? c : null;
};
const STUDY_TYPES = ['ImagingStudy', 'DiagnosticReport', 'Observation', 'ServiceRequest'];

/**
 * A procedure name split as its code system writes it: JJ1017 `部位.手技.体位` (胸部.Ｘ線単純撮影.立位正面
 * (A→P)), LENDO `区分.部位.臓器.-.手技.処置` (検査.上部.胃.-.上部通常内視鏡.生検採取); '-' means none.
 */
function nameParts(c: CodeableConcept | undefined): { site: string[]; procedure?: string; detail: string[] } {
  const name = conceptText(c);
  const system = c?.coding?.[0]?.system ?? '';
  const parts = name.split('.').map((p) => p.trim());
  const some = (xs: (string | undefined)[]) => xs.filter((x): x is string => !!x && x !== '-');
  if (/LENDO/i.test(system) && parts.length >= 5) {
    return {
      site: some([parts[1], parts[2], parts[3]]),
      procedure: some([parts[4]])[0],
      detail: some(parts.slice(5)),
    };
  }
  if (/JJ1017/i.test(system) && parts.length >= 2) {
    return { site: some([parts[0]]), procedure: some([parts[1]])[0], detail: some(parts.slice(2)) };
  }
  return { site: [], procedure: name === '—' ? undefined : name, detail: [] };
}

const push = (list: string[], ...values: (string | undefined)[]) => {
  for (const v of values) if (v && !list.includes(v)) list.push(v);
};

function observationText(r: SourcedResource['resource']): { value: string; unit: string } {
  if (typeof r.valueDateTime === 'string') return { value: westernDateTime(r.valueDateTime), unit: '' };
  const q = r.valueQuantity as Quantity | undefined;
  return { value: observationValue(r).text, unit: q ? displayUnit(q.unit) : '' };
}

/** The studies in these entries (ImagingStudy, DiagnosticReport, Observation of 画像・内視鏡・生理), newest first. */
export function studiesOf(entries: readonly SourcedResource[]): Study[] {
  const groups = new Groups();
  const members: { node: string; entry: SourcedResource; kind: StudyKind }[] = [];
  for (const entry of entries) {
    const kind = kindOf(entry);
    const r = entry.resource;
    if (!kind || !STUDY_TYPES.includes(r.resourceType)) continue;
    const f = entry.facilityOid;
    const node = `${f}|${r.resourceType}/${r.id}`;
    groups.find(node);
    members.push({ node, entry, kind });
    const identifiers = (r.identifier as Identifier[] | undefined) ?? [];
    if (r.resourceType === 'ImagingStudy') {
      for (const id of identifiers) {
        if (!id.value) continue;
        const acsn = id.type?.coding?.some((c) => c.code === 'ACSN');
        groups.union(node, `${f}|${acsn ? 'acsn' : 'uid'}|${id.value}`);
      }
      for (const b of (r.basedOn as { identifier?: Identifier }[] | undefined) ?? [])
        if (b.identifier?.value) groups.union(node, `${f}|order|${b.identifier.value}`);
    }
    if (r.resourceType === 'ServiceRequest') {
      for (const id of identifiers) if (id.value) groups.union(node, `${f}|order|${id.value}`);
      const parent = (r.requisition as Identifier | undefined)?.value;
      if (parent) groups.union(node, `${f}|order|${parent}`);
    }
    if (r.resourceType === 'DiagnosticReport') {
      for (const id of identifiers) if (id.value) groups.union(node, `${f}|order|${id.value}`);
      for (const s of (r.imagingStudy as Reference[] | undefined) ?? [])
        if (s.reference) groups.union(node, `${f}|${s.reference}`);
      for (const o of (r.result as Reference[] | undefined) ?? [])
        if (o.reference) groups.union(node, `${f}|${o.reference}`);
    }
  }
  const byRoot = new Map<string, typeof members>();
  for (const m of members) {
    const root = groups.find(m.node);
    byRoot.set(root, [...(byRoot.get(root) ?? []), m]);
  }
  // A lone Observation (its report not in view) joins the one study of its facility, day and kind.
  const lone = [...byRoot.entries()].filter(([, ms]) =>
    ms.every((m) => m.entry.resource.resourceType === 'Observation'),
  );
  for (const [root, ms] of lone) {
    const first = ms[0]!;
    const day = (first.entry.date ?? '').slice(0, 10);
    const same = [...byRoot.entries()].filter(
      ([other, os]) =>
        other !== root &&
        os.some((o) => o.entry.resource.resourceType !== 'Observation') &&
        os[0]!.entry.facilityOid === first.entry.facilityOid &&
        os[0]!.kind === first.kind &&
        os.some((o) => (o.entry.date ?? '').slice(0, 10) === day),
    );
    if (same.length === 1) {
      same[0]![1].push(...ms);
      byRoot.delete(root);
    }
  }
  const studies = [...byRoot.entries()].map(([root, ms]) => studyOf(root, ms));
  return studies.sort((a, b) => (b.date ?? '').localeCompare(a.date ?? ''));
}

function studyOf(key: string, ms: { entry: SourcedResource; kind: StudyKind }[]): Study {
  const first = ms[0]!;
  const resources = ms.map((m) => m.entry.resource);
  const imaging = resources.find((r) => r.resourceType === 'ImagingStudy');
  // The images' ImagingStudy (from the DICOM files) lists its series; the order's has none.
  const stored = resources.find((r) => r.resourceType === 'ImagingStudy' && Array.isArray(r.series));
  // In order-number order: the parent order, then its children as the order listed them.
  const orderOf = (r: (typeof resources)[number]) =>
    (r.identifier as Identifier[] | undefined)?.[0]?.value ?? r.id;
  const reports = resources
    .filter((r) => r.resourceType === 'DiagnosticReport')
    .sort((a, b) => orderOf(a).localeCompare(orderOf(b)));
  const observations = resources.filter((r) => r.resourceType === 'Observation');
  const orders = resources
    .filter((r) => r.resourceType === 'ServiceRequest')
    .sort((a, b) => orderOf(a).localeCompare(orderOf(b)));
  const performed = imaging !== undefined || reports.length > 0 || observations.length > 0;
  const kind = ms.find((m) => m.entry.resource.resourceType !== 'Observation')?.kind ?? first.kind;
  const identifiers = (imaging?.identifier as Identifier[] | undefined) ?? [];
  const orderNumbers: string[] = [];
  for (const r of [...orders, ...reports])
    for (const id of (r.identifier as Identifier[] | undefined) ?? []) push(orderNumbers, id.value);

  // The study's own procedure first (the parent order), then each report's (its children).
  const codes: CodeableConcept[] = [
    ...((imaging?.procedureCode as CodeableConcept[] | undefined) ?? []),
    ...[...reports, ...orders]
      .map((r) => r.code as CodeableConcept | undefined)
      .filter((c): c is CodeableConcept => !!c),
  ];
  const bodySites: string[] = [];
  const details: string[] = [];
  const procedures: string[] = [];
  for (const c of codes) {
    const p = nameParts(c);
    push(bodySites, ...p.site);
    push(details, ...p.detail);
    push(procedures, p.procedure);
  }
  // The parent's name first; an endoscopy's parent names none (検査.上部.-.-.-.-): its child's does.
  const procedure =
    procedures[0] ??
    (typeof stored?.description === 'string' && stored.description ? stored.description : '—');

  const findings: string[] = [];
  for (const r of reports) {
    const conclusion = typeof r.conclusion === 'string' ? r.conclusion : undefined;
    if (conclusion) for (const line of conclusion.split('\n')) push(findings, line.trim());
  }
  const measurements: Measurement[] = [];
  const information: Measurement[] = [];
  const seen = new Set<string>();
  // In the order the reports list them, then any other.
  const order = reports.flatMap((r) => ((r.result as Reference[] | undefined) ?? []).map((x) => x.reference));
  const position = (id: string) => {
    const i = order.indexOf(`Observation/${id}`);
    return i < 0 ? order.length : i;
  };
  for (const o of [...observations].sort((a, b) => position(a.id) - position(b.id))) {
    const label = conceptText(o.code as CodeableConcept | undefined);
    const { value, unit } = observationText(o);
    if (value === '—' || value === '') continue;
    const measured = kind === 'physiology' && o.valueQuantity !== undefined;
    // A result's text value is its finding (already listed from the conclusion).
    if (kind === 'physiology' && !measured && findings.includes(value)) continue;
    const id = `${label}|${value}|${unit}`;
    if (seen.has(id)) continue;
    seen.add(id);
    (measured ? measurements : information).push({ label, value, unit });
  }
  // An order not (yet) carried out: what it said (体重: 64.9 kg) is all there is to show.
  if (!performed)
    for (const o of orders)
      for (const note of (o.note as { text?: string }[] | undefined) ?? []) {
        const [label, ...rest] = (note.text ?? '').split(/[:：]\s*/);
        if (!note.text || seen.has(note.text)) continue;
        seen.add(note.text);
        information.push(
          rest.length > 0
            ? { label: label ?? '', value: rest.join(': '), unit: '' }
            : { label: '', value: note.text, unit: '' },
        );
      }
  const firstOrder = orders.find((o) => typeof o.authoredOn === 'string');
  const modality =
    (imaging?.modality as { code?: string }[] | undefined)?.[0]?.code ??
    (kind === 'physiology' && /心電図/.test(procedure) ? 'ECG' : null);
  const dates = [
    imaging?.started as string | undefined,
    ...reports.map((r) => r.effectiveDateTime as string | undefined),
    ...orders.map((o) => o.occurrenceDateTime as string | undefined),
    ...ms.map((m) => m.entry.date ?? undefined),
  ].filter((d): d is string => !!d);
  return {
    key,
    facilityOid: first.entry.facilityOid,
    facilityName: first.entry.facilityName,
    kind,
    date: dates[0] ?? null,
    procedure,
    bodySites,
    details,
    modality,
    accession: identifiers.find((i) => i.type?.coding?.some((c) => c.code === 'ACSN'))?.value ?? null,
    studyUid: identifiers.find((i) => i.system === 'urn:dicom:uid')?.value?.replace(/^urn:oid:/, '') ?? null,
    images: stored
      ? { series: Number(stored.numberOfSeries ?? 0), instances: Number(stored.numberOfInstances ?? 0) }
      : null,
    orderNumbers,
    preliminary: reports.some((r) => r.status === 'preliminary'),
    findings,
    measurements,
    information,
    ordered: (firstOrder?.authoredOn as string | undefined) ?? null,
    requester: (firstOrder?.requester as { display?: string } | undefined)?.display ?? null,
    performed,
    entries: ms.map((m) => m.entry),
  };
}
