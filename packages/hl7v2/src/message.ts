import { encodeHl7Text } from './charset.js';
import type { Charset } from './errors.js';
import { type Delimiters, decodeEscapes } from './escape.js';
import { type Hl7Path, parseHl7Path } from './path.js';

/** One segment. Fields are split on first access and cached; values are decoded on each read. */
export interface Hl7Segment {
  readonly name: string;
  /** 1-based position of the segment in the message. */
  readonly index: number;
  /** 1-based physical line where the segment starts. */
  readonly line: number;
  /** Number of fields written (MSH counts MSH-1, the field separator). */
  readonly fieldCount: number;
  /**
   * Decoded value, or undefined when the element is absent. Repetition defaults to 1. When component
   * (or sub-component) is omitted and the element has lower-level structure, its text is returned
   * as written (escapes untouched, so delimiters stay unambiguous); leaf values are escape-decoded.
   */
  get(field: number, repetition?: number, component?: number, subComponent?: number): string | undefined;
  /** Repetitions in the field: 0 when empty or absent. */
  repetitionCount(field: number): number;
  /** Undecoded text of the field ('' when absent). */
  raw(field: number): string;
  /** The segment as written, without its terminator. */
  toString(): string;
}

/** Shared by all segments of one message. */
interface Context {
  readonly delimiters: Delimiters;
  readonly charset: Charset;
}

/** The n-th (1-based) piece of s split by sep, without building the array. */
function piece(s: string, sep: string, n: number): string | undefined {
  let start = 0;
  for (let k = 1; k < n; k++) {
    const j = s.indexOf(sep, start);
    if (j < 0) return undefined;
    start = j + 1;
  }
  const end = s.indexOf(sep, start);
  if (end < 0) return start === 0 ? s : s.slice(start);
  return s.slice(start, end);
}

export class SegmentImpl implements Hl7Segment {
  private parts: string[] | undefined;
  /** MSH numbers its fields from the separator itself. */
  private readonly header: boolean;
  constructor(
    private readonly ctx: Context,
    private readonly text: string,
    readonly name: string,
    readonly index: number,
    readonly line: number,
  ) {
    this.header = name === 'MSH' && text.length > 3;
  }

  private fields(): string[] {
    if (this.parts === undefined) this.parts = this.text.split(this.ctx.delimiters.field);
    return this.parts;
  }

  get fieldCount(): number {
    return this.fields().length - (this.header ? 0 : 1);
  }

  /** Raw field text; MSH-1 is the separator itself and MSH-2 the encoding characters. */
  private field(n: number): string | undefined {
    if (n < 1) return undefined;
    if (this.header) return n === 1 ? this.ctx.delimiters.field : this.fields()[n - 1];
    return this.fields()[n];
  }

  raw(field: number): string {
    return this.field(field) ?? '';
  }

  repetitionCount(field: number): number {
    const f = this.field(field);
    if (!f) return 0;
    if (this.header && field <= 2) return 1;
    let count = 1;
    const sep = this.ctx.delimiters.repetition;
    for (let i = f.indexOf(sep); i >= 0; i = f.indexOf(sep, i + 1)) count++;
    return count;
  }

  get(field: number, repetition = 1, component?: number, subComponent?: number): string | undefined {
    const f = this.field(field);
    if (f === undefined) return undefined;
    if (this.header && field <= 2) {
      return repetition === 1 && (component ?? 1) === 1 && (subComponent ?? 1) === 1 ? f : undefined;
    }
    const d = this.ctx.delimiters;
    let v = repetition === 1 && f.indexOf(d.repetition) < 0 ? f : piece(f, d.repetition, repetition);
    if (v === undefined) return undefined;
    if (component === undefined && subComponent !== undefined) component = 1;
    if (component !== undefined) {
      v = piece(v, d.component, component);
      if (v === undefined) return undefined;
      if (subComponent !== undefined) {
        v = piece(v, d.subComponent, subComponent);
        if (v === undefined) return undefined;
      } else if (v.indexOf(d.subComponent) >= 0) return v;
    } else if (v.indexOf(d.component) >= 0 || v.indexOf(d.subComponent) >= 0) return v;
    return v.indexOf(d.escape) < 0 ? v : decodeEscapes(v, d, this.ctx.charset);
  }

  toString(): string {
    return this.text;
  }
}

/** Characters stripped around the message text: MLLP start/end bytes, BOM, blank lines. */
export interface Framing {
  leading: string;
  trailing: string;
}

export interface MessageInit {
  text: string;
  segments: Hl7Segment[];
  delimiters: Delimiters;
  charset: Charset;
  framing: Framing;
}

/** A parsed message. Immutable; build new ones with encodeHl7Message. */
export class Hl7Message {
  readonly segments: readonly Hl7Segment[];
  readonly delimiters: Delimiters;
  /** The charset the bytes were decoded from (for string input: the one MSH-18 declares, else UTF-8). */
  readonly charset: Charset;
  readonly framing: Framing;
  private readonly text: string;

  /** Internal: use parseHl7. */
  constructor(init: MessageInit) {
    this.text = init.text;
    this.segments = init.segments;
    this.delimiters = init.delimiters;
    this.charset = init.charset;
    this.framing = init.framing;
  }

  /** Decoded value at an HL7 path (`PID-5[2].1`, `OBX[3]-5`, `TQ1-3.1.2`); undefined when absent or the path is malformed. */
  get(path: string | Hl7Path): string | undefined {
    let p: Hl7Path;
    if (typeof path === 'string') {
      const r = parseHl7Path(path);
      if (!r.ok) return undefined;
      p = r.path;
    } else p = path;
    return this.segment(p.segment, p.occurrence)?.get(p.field, p.repetition, p.component, p.subComponent);
  }

  /** The occurrence-th (1-based) segment with this name. */
  segment(name: string, occurrence = 1): Hl7Segment | undefined {
    let seen = 0;
    for (const s of this.segments) if (s.name === name && ++seen === occurrence) return s;
    return undefined;
  }

  segmentsNamed(name: string): Hl7Segment[] {
    const out: Hl7Segment[] = [];
    for (const s of this.segments) if (s.name === name) out.push(s);
    return out;
  }

  /** MSH-9: message code, trigger event, message structure. */
  get messageType(): { code: string; event: string; structure: string } {
    const msh = this.segments[0]!;
    return { code: msh.get(9, 1, 1) ?? '', event: msh.get(9, 1, 2) ?? '', structure: msh.get(9, 1, 3) ?? '' };
  }

  /** MSH-10. */
  get controlId(): string {
    return this.segments[0]!.get(10) ?? '';
  }

  /** The message text exactly as read (segment separators included), without framing. */
  toString(): string {
    return this.text;
  }

  /** The original bytes: framing bytes as they were, then the text encoded in the message's charset. */
  toBytes(charset: Charset = this.charset): Uint8Array {
    const body = encodeHl7Text(this.text, charset);
    const { leading, trailing } = this.framing;
    if (!leading && !trailing) return body;
    const head = framingBytes(leading);
    const tail = framingBytes(trailing);
    const out = new Uint8Array(head.length + body.length + tail.length);
    out.set(head);
    out.set(body, head.length);
    out.set(tail, head.length + body.length);
    return out;
  }
}

/** Framing is ASCII control bytes (and a UTF-8 BOM): written as bytes, never through a charset encoder. */
function framingBytes(s: string): Uint8Array {
  const bom = [0xef, 0xbb, 0xbf];
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfeff) out.push(...bom);
    else out.push(c & 0xff);
  }
  return new Uint8Array(out);
}
