// 3.2.9(3) データを分割した場合の出力方法: when a notebook does not fit one QR code, the writer splits it
// at record boundaries; every part begins with the version record and ends with a 分割制御レコード
// `911,<データ固有ID>,<分割数>,<データ連番>`. Reading joins the parts by データ連番 — whatever order
// the camera saw them in —, keeps one version record and drops the 911s. A set with a part missing,
// a part twice, or parts of two sets is refused: a notebook with half its drugs must never look whole.
// (QR "Structured Append" — a decoder-level byte split — is another thing: the decoder joins those.)
import { CONTROL, DEFAULT_MAX_BYTES, splitRecords } from '../format/text.js';
import { issue, type LineOrigin, type OtcIssue } from '../issues.js';

/** The most characters one QR code can hold (version 40, numeric mode); bytes hold fewer. */
export const MAX_QR_PART_CHARS = 7089;
/** データ連番 has 3 digits. */
export const MAX_QR_PARTS = 999;

export interface AssembleOptions {
  /** Named in every issue (default `qr`). */
  source?: string;
  /** Bound on all parts together (default 1 MiB). */
  maxBytes?: number;
}

export type AssembleResult =
  | {
      ok: true;
      /** The notebook text, CR LF between records, for {@link parseOkusuriTecho}. */
      text: string;
      /** Parts in the set (1 for an unsplit code). */
      total: number;
      dataId?: string;
      /** Per line of `text`: its part and line there (pass to parseOkusuriTecho's `origins`). */
      origins: LineOrigin[];
    }
  | { ok: false; errors: OtcIssue[] };

interface Part {
  /** Position in the list given (1-based), for messages before the sequence number is known. */
  position: number;
  version: string;
  versionLine: number;
  body: { line: number; raw: string }[];
  split?: { dataId: string; total: number; sequence: number };
}

export function assembleQrParts(parts: readonly string[], options: AssembleOptions = {}): AssembleResult {
  const source = options.source ?? 'qr';
  const fail = (code: Parameters<typeof issue>[0], ja: string, en: string, part?: number) => ({
    ok: false as const,
    errors: [issue(code, source, ja, en, part === undefined ? {} : { part })],
  });
  if (parts.length === 0) return fail('otc-qr-bad-part', 'QRコードがありません', 'no QR code given');
  if (parts.length > MAX_QR_PARTS)
    return fail(
      'otc-qr-bad-part',
      `QRコードが多すぎます（${parts.length}）`,
      `${parts.length} parts: at most ${MAX_QR_PARTS}`,
    );
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const size = parts.reduce((n, p) => n + p.length, 0);
  if (size > max)
    return fail(
      'otc-too-large',
      `QRコードの内容が大きすぎます（${size} > ${max}）`,
      `parts of ${size} exceed the bound of ${max}`,
    );
  const read: Part[] = [];
  for (const [i, text] of parts.entries()) {
    const position = i + 1;
    if (text.length > MAX_QR_PART_CHARS)
      return fail(
        'otc-qr-bad-part',
        `${position}枚目はQRコード1つに収まる長さを超えています`,
        `part ${position} is longer than a QR code can hold`,
        position,
      );
    const part = readPart(text.replace(/^\uFEFF/, '').replace(/\u001a+$/, ''), position);
    if ('error' in part) return fail(part.error, part.ja, part.en, position);
    read.push(part);
  }
  if (read.length === 1 && !read[0]!.split) return whole(read[0]!);
  return joinSet(read, source);
}

type PartError = { error: 'otc-not-jahis' | 'otc-qr-bad-part'; ja: string; en: string };

function readPart(text: string, position: number): Part | PartError {
  const records = splitRecords(text);
  const head = records[0];
  if (!head || !/^JAHISTC\d{2}$/.test(head.fields[0] ?? ''))
    return {
      error: 'otc-not-jahis',
      ja: `${position}枚目はJAHIS電子版お薬手帳のQRコードではありません`,
      en: `part ${position} is not a JAHIS 電子版お薬手帳 code`,
    };
  const last = records.at(-1)!;
  const body = records.slice(1).map((r) => ({ line: r.line, raw: r.raw }));
  if (last === head || last.fields[0] !== '911')
    return { position, version: head.raw.trim(), versionLine: head.line, body };
  const [dataId = '', total = '', sequence = ''] = last.fields.slice(1);
  const count = /^\d{1,3}$/;
  if (!/^\d{1,14}$/.test(dataId) || !count.test(total) || !count.test(sequence) || CONTROL.test(last.raw))
    return {
      error: 'otc-qr-bad-part',
      ja: `${position}枚目の分割制御レコードが不正です: ${last.raw.slice(0, 40)}`,
      en: `part ${position} has a malformed 分割制御レコード`,
    };
  const split = { dataId, total: Number(total), sequence: Number(sequence) };
  if (split.total < 1 || split.sequence < 1 || split.sequence > split.total)
    return {
      error: 'otc-qr-bad-part',
      ja: `${position}枚目のデータ連番${split.sequence}が分割数${split.total}の範囲外です`,
      en: `part ${position}: sequence ${split.sequence} outside 1–${split.total}`,
    };
  return { position, version: head.raw.trim(), versionLine: head.line, body: body.slice(0, -1), split };
}

/** An unsplit code: its text as it is, lines numbered as read. */
function whole(part: Part): AssembleResult {
  const lines = [part.version, ...part.body.map((b) => b.raw)];
  const origins = [{ part: 1, line: part.versionLine }, ...part.body.map((b) => ({ part: 1, line: b.line }))];
  return { ok: true, text: lines.join('\r\n'), total: 1, origins };
}

function joinSet(read: Part[], source: string): AssembleResult {
  const errors: OtcIssue[] = [];
  const err = (code: Parameters<typeof issue>[0], ja: string, en: string, part?: number) =>
    errors.push(issue(code, source, ja, en, part === undefined ? {} : { part }));
  const lone = read.find((p) => !p.split);
  if (lone) {
    err(
      'otc-qr-mixed-sets',
      `${lone.position}枚目は分割されていない別のお薬手帳です`,
      `part ${lone.position} is a whole notebook, not part of a split set`,
      lone.position,
    );
    return { ok: false, errors };
  }
  const first = read[0]!;
  const { dataId, total } = first.split!;
  for (const p of read) {
    if (p.split!.dataId !== dataId || p.split!.total !== total || p.version !== first.version)
      err(
        'otc-qr-mixed-sets',
        `${p.position}枚目は別の分割データです（データ固有ID・分割数・バージョンが1枚目と異なります）`,
        `part ${p.position} belongs to another split set (data ID, count or version differ)`,
        p.position,
      );
  }
  if (errors.length) return { ok: false, errors };
  const bySequence = new Map<number, Part>();
  for (const p of read) {
    const seen = bySequence.get(p.split!.sequence);
    if (seen)
      err(
        'otc-qr-duplicate-part',
        `データ連番${p.split!.sequence}のQRコードが2回あります（${seen.position}枚目と${p.position}枚目）`,
        `sequence ${p.split!.sequence} given twice (parts ${seen.position} and ${p.position})`,
        p.split!.sequence,
      );
    else bySequence.set(p.split!.sequence, p);
  }
  const missing: number[] = [];
  for (let s = 1; s <= total; s++) if (!bySequence.has(s)) missing.push(s);
  if (missing.length)
    err(
      'otc-qr-missing-part',
      `${total}枚のうち${missing.join('・')}枚目のQRコードがありません`,
      `parts ${missing.join(', ')} of ${total} are missing`,
    );
  if (errors.length) return { ok: false, errors };
  const ordered = [...bySequence.entries()].sort(([a], [b]) => a - b).map(([, p]) => p);
  const lines = [first.version];
  const origins: LineOrigin[] = [{ part: 1, line: ordered[0]!.versionLine }];
  for (const p of ordered)
    for (const b of p.body) {
      lines.push(b.raw);
      origins.push({ part: p.split!.sequence, line: b.line });
    }
  return { ok: true, text: lines.join('\r\n'), total, dataId, origins };
}
