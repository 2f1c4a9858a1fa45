// The notebook's structure (3.2.5 情報グループ, 3.2.6 レコード出力順, 3.2.9(1) RP番号): a 調剤等年月日
// record opens a dispensing; its pharmacy (11), pharmacist (15), prescribing clinic (51, one each) and
// doctors (55: the Rps after one are that doctor's); drugs (201) gather into Rps by RP番号 — numbered
// anew in each dispensing —, each with one usage (301), its supplements (311) and cautions (391); a
// drug's own supplements (281) and cautions (291) follow it. Notes for the whole dispensing: 401, 411,
// 421, 501, 601. Anything out of this order is refused rather than guessed at.
import { notebookDate } from '../format/dates.js';
import type { RecordSpec } from '../format/records.js';
import type { RawRecord } from '../format/text.js';
import type { Findings } from './findings.js';
import type {
  Dispensing,
  Drug,
  Institution,
  KeptRecord,
  NotebookPatient,
  NoteRecord,
  Person,
  Rp,
} from './model.js';

type Values = readonly (string | undefined)[];

/** Patient-level records parsed and kept as written, not mapped. */
const KEPT = new Set(['2', '3', '31', '4', '701']);

export class NotebookBuilder {
  patient: NotebookPatient | undefined;
  readonly dispensings: Dispensing[] = [];
  readonly patientRecords: KeptRecord[] = [];
  private dispensing: Dispensing | undefined;
  private doctor: Person | undefined;
  private rps = new Map<number, Rp>();
  private lastDrug: Drug | undefined;

  constructor(
    private readonly found: Findings,
    private readonly outputCategory: string,
  ) {}

  add(rec: RawRecord, spec: RecordSpec, v: Values): void {
    const at = { line: rec.line, recordNo: spec.recordNo, recordName: spec.name };
    const misplaced = (ja: string, en: string) => this.found.error('otc-bad-structure', ja, en, at);
    const no = spec.recordNo;
    if (KEPT.has(no)) {
      this.patientRecords.push({ line: rec.line, recordNo: no, fields: rec.fields.slice(1) });
      return;
    }
    if (no === '1') {
      if (this.patient) misplaced('患者情報レコードが2つあります', 'a second 患者情報レコード');
      else this.patient = patientOf(rec.line, v);
      return;
    }
    if (no === '911') {
      const total = Number(v[2]);
      if (total > 1)
        this.found.error(
          'otc-qr-incomplete',
          `分割された${total}枚のQRコードのうち${v[3] ?? '?'}枚目だけです。全部を読み取ってください`,
          `part ${v[3] ?? '?'} of a set of ${total} QR codes: scan them all`,
          at,
        );
      return;
    }
    if (no === '5') {
      this.openDispensing(rec.line, v);
      return;
    }
    const d = this.dispensing;
    if (!d) {
      misplaced(
        `${spec.name}が調剤等年月日レコードより前にあります`,
        `${spec.name} before any 調剤等年月日レコード`,
      );
      return;
    }
    switch (no) {
      case '11':
      case '51': {
        const key = no === '11' ? 'pharmacy' : 'prescriber';
        if (d[key]) {
          misplaced(`1つの調剤に${spec.name}が2つあります`, `a second ${spec.name} in one dispensing`);
          return;
        }
        d[key] = institutionOf(rec.line, v, no);
        return;
      }
      case '15':
        if (d.pharmacist) {
          misplaced(
            '1つの調剤に医師・薬剤師レコードが2つあります',
            `a second ${spec.name} in one dispensing`,
          );
          return;
        }
        d.pharmacist = { line: rec.line, name: v[1] ?? '', ...opt('contact', v[2]), ...opt('creator', v[3]) };
        return;
      case '55':
        this.doctor = {
          line: rec.line,
          name: v[1] ?? '',
          ...opt('department', v[2]),
          ...opt('creator', v[3]),
        };
        d.doctors.push(this.doctor);
        return;
      case '201':
        this.addDrug(rec, spec, v, d);
        return;
      case '281':
      case '291': {
        const drug = this.lastDrug;
        if (!drug || drug.rp !== Number(v[1])) {
          misplaced(
            `${spec.name}の直前にRP${v[1]}の薬品レコードがありません`,
            `${spec.name} without a preceding drug of RP ${v[1]}`,
          );
          return;
        }
        (no === '281' ? drug.supplements : drug.cautions).push(note(rec.line, v[2], v[3]));
        return;
      }
      case '301':
      case '311':
      case '391':
        this.addToRp(rec, spec, v);
        return;
      case '401':
        d.cautions.push(note(rec.line, v[1], v[2]));
        return;
      case '411':
        d.providedInfo.push({ ...note(rec.line, v[1], v[3]), ...opt('infoType', v[2]) });
        return;
      case '421':
        d.remainingChecks.push(note(rec.line, v[1], v[2]));
        return;
      case '501':
        d.remarks.push(note(rec.line, v[1], v[2]));
        return;
      case '601': {
        const date = v[2] ? notebookDate(v[2]) : undefined;
        d.patientEntries.push({ line: rec.line, text: v[1] ?? '', ...opt('date', date) });
        return;
      }
    }
  }

  private openDispensing(line: number, v: Values): void {
    this.closeDispensing();
    this.dispensing = {
      line,
      dateRaw: v[1] ?? '',
      date: (v[1] && notebookDate(v[1])) || '',
      ...opt('creator', v[2]),
      doctors: [],
      rps: [],
      cautions: [],
      providedInfo: [],
      remainingChecks: [],
      remarks: [],
      patientEntries: [],
    };
    this.dispensings.push(this.dispensing);
  }

  private addDrug(rec: RawRecord, spec: RecordSpec, v: Values, d: Dispensing): void {
    const at = { line: rec.line, recordNo: spec.recordNo, recordName: spec.name };
    const n = Number(v[1]);
    let rp = this.rps.get(n);
    if (rp && rp.doctor !== this.doctor) {
      this.found.error(
        'otc-bad-structure',
        `RP番号${n}が別の処方医のもとで再び使われています`,
        `RP ${n} reused under another doctor`,
        at,
      );
      return;
    }
    if (!rp) {
      rp = {
        number: n,
        line: rec.line,
        ...opt('doctor', this.doctor),
        drugs: [],
        usageSupplements: [],
        cautions: [],
      };
      this.rps.set(n, rp);
      d.rps.push(rp);
    }
    const [codeKind, code, genericKind, genericCode] = [v[5], v[6], v[9], v[10]];
    const field = (n: number, name: string) => ({ ...at, field: n, fieldName: name });
    if (codeKind && codeKind !== '1' && !code)
      this.found.error(
        'otc-bad-field',
        '薬品コードがありません',
        `薬品コード is required for code kind ${codeKind}`,
        field(6, '薬品コード'),
      );
    if (codeKind === '1' && code)
      this.found.warn(
        'otc-bad-field',
        '薬品コード種別が「コードなし」なのに薬品コードがあります',
        'a 薬品コード with code kind 1 (none)',
        field(6, '薬品コード'),
      );
    if (genericKind === '2' && !genericCode)
      this.found.error(
        'otc-bad-field',
        '一般名コードがありません',
        '一般名コード is required for kind 2',
        field(10, '一般名コード'),
      );
    const drug: Drug = {
      line: rec.line,
      rp: n,
      orderInRp: rp.drugs.length + 1,
      name: v[2] ?? '',
      ...opt('dose', v[3]),
      ...opt('unit', v[4]),
      ...opt('codeKind', codeKind),
      ...opt('code', code),
      ...opt('creator', v[7]),
      ...opt('genericName', v[8]),
      ...opt('genericCodeKind', genericKind),
      ...opt('genericCode', genericCode),
      supplements: [],
      cautions: [],
    };
    rp.drugs.push(drug);
    this.lastDrug = drug;
  }

  private addToRp(rec: RawRecord, spec: RecordSpec, v: Values): void {
    const at = { line: rec.line, recordNo: spec.recordNo, recordName: spec.name };
    const n = Number(v[1]);
    const rp = this.rps.get(n);
    if (!rp) {
      this.found.error(
        'otc-bad-structure',
        `${spec.name}のRP${n}に薬品レコードがありません`,
        `${spec.name} for RP ${n}, which has no drug`,
        at,
      );
      return;
    }
    if (spec.recordNo === '311') rp.usageSupplements.push(note(rec.line, v[2], v[3]));
    else if (spec.recordNo === '391') rp.cautions.push(note(rec.line, v[2], v[3]));
    else if (rp.usage)
      this.found.error(
        'otc-bad-structure',
        `RP${n}に用法レコードが2つあります`,
        `a second 用法レコード for RP ${n}`,
        at,
      );
    else {
      const [form, codeKind, code] = [v[5], v[6], v[7]];
      const field = (i: number, name: string) => ({ ...at, field: i, fieldName: name });
      // 用法名称: required when a pharmacy writes the notebook (it has a 処方－医療機関), except 材料・その他.
      if (
        !v[2] &&
        this.outputCategory === '1' &&
        this.dispensing?.prescriber &&
        form !== '9' &&
        form !== '10'
      )
        this.found.error(
          'otc-bad-field',
          '用法名称がありません',
          '用法名称 is required (薬局出力)',
          field(2, '用法名称'),
        );
      if (codeKind === '2' && !code)
        this.found.error(
          'otc-bad-field',
          '用法コードがありません',
          '用法コード is required for code kind 2',
          field(7, '用法コード'),
        );
      rp.usage = {
        line: rec.line,
        ...opt('name', v[2]),
        ...(v[3] ? { quantity: Number(v[3]) } : {}),
        ...opt('unit', v[4]),
        ...opt('dosageForm', form),
        ...opt('codeKind', codeKind),
        ...opt('code', code),
        ...opt('creator', v[8]),
      };
    }
  }

  /** Ends the current dispensing: an Rp without usage, a dispensing without drugs are worth a warning. */
  closeDispensing(): void {
    const d = this.dispensing;
    if (d) {
      for (const rp of d.rps)
        if (!rp.usage)
          this.found.warn(
            'otc-missing-usage',
            `RP${rp.number}に用法レコードがありません`,
            `RP ${rp.number} has no 用法レコード`,
            {
              line: rp.line,
              recordNo: '201',
            },
          );
      if (d.rps.length === 0)
        this.found.warn('otc-empty-dispensing', '薬品のない調剤です', 'a dispensing without drugs', {
          line: d.line,
          recordNo: '5',
        });
    }
    this.dispensing = undefined;
    this.doctor = undefined;
    this.rps = new Map();
    this.lastDrug = undefined;
  }
}

/** `{ key: value }` when the value is defined, else `{}` (no `undefined` properties in the model). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const note = (line: number, text: string | undefined, creator: string | undefined): NoteRecord => ({
  line,
  text: text ?? '',
  ...opt('creator', creator),
});

function patientOf(line: number, v: Values): NotebookPatient {
  return {
    line,
    name: v[1] ?? '',
    sex: v[2] ?? '',
    birthDateRaw: v[3] ?? '',
    birthDate: (v[3] && notebookDate(v[3])) || '',
    ...opt('postalCode', v[4]),
    ...opt('address', v[5]),
    ...opt('phone', v[6]),
    ...opt('emergencyContact', v[7]),
    ...opt('bloodType', v[8]),
    ...opt('weight', v[9]),
    ...opt('kana', v[10]),
  };
}

function institutionOf(line: number, v: Values, recordNo: '11' | '51'): Institution {
  const [prefecture, scoreTable, code7] = [v[2], v[3], v[4]];
  const full = prefecture && scoreTable && code7 ? `${prefecture}${scoreTable}${code7}` : undefined;
  return {
    line,
    name: v[1] ?? '',
    ...opt('institutionCode', full && /^\d{10}$/.test(full) ? full : undefined),
    ...opt('prefecture', prefecture),
    ...opt('scoreTable', scoreTable),
    ...opt('code7', code7),
    ...(recordNo === '11'
      ? {
          ...opt('postalCode', v[5]),
          ...opt('address', v[6]),
          ...opt('phone', v[7]),
          ...opt('creator', v[8]),
        }
      : opt('creator', v[5])),
  };
}
