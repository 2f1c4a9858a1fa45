/** A location in a message as HL7 writes it: `PID-5[2].1`, `OBX[3]-5`, `TQ1-3.1.2`. All 1-based. */
export interface Hl7Path {
  segment: string;
  /** Which segment of that name (default 1). */
  occurrence: number;
  field: number;
  /** Which repetition of the field (default 1). */
  repetition: number;
  /** Omitted: the whole repetition. */
  component?: number;
  /** Omitted: the whole component. */
  subComponent?: number;
}

export type PathResult = { ok: true; path: Hl7Path } | { ok: false; reason: string };

const PATH =
  /^([A-Z][A-Z0-9]{2})(?:\[(\d{1,6})\])?-(\d{1,4})(?:\[(\d{1,6})\])?(?:\.(\d{1,4})(?:\.(\d{1,4}))?)?$/;

/** Parses `SEG[occurrence]-field[repetition].component.subComponent`; numbers start at 1. */
export function parseHl7Path(text: string): PathResult {
  const m = PATH.exec(text.trim());
  if (!m) {
    return {
      ok: false,
      reason: `'${text}' is not an HL7 path (expected SEG[n]-field[rep].component.subcomponent, e.g. PID-5[2].1)`,
    };
  }
  const num = (s: string | undefined) => (s === undefined ? undefined : Number(s));
  const path: Hl7Path = {
    segment: m[1]!,
    occurrence: num(m[2]) ?? 1,
    field: num(m[3])!,
    repetition: num(m[4]) ?? 1,
  };
  const component = num(m[5]);
  const subComponent = num(m[6]);
  if (component !== undefined) path.component = component;
  if (subComponent !== undefined) path.subComponent = subComponent;
  for (const n of [path.occurrence, path.field, path.repetition, component, subComponent]) {
    if (n === 0) return { ok: false, reason: `'${text}': positions start at 1` };
  }
  return { ok: true, path };
}

/** Writes a path back in its canonical form (defaults made explicit only where given). */
export function formatHl7Path(p: Hl7Path): string {
  let s = `${p.segment}${p.occurrence !== 1 ? `[${p.occurrence}]` : ''}-${p.field}`;
  if (p.repetition !== 1) s += `[${p.repetition}]`;
  if (p.component !== undefined) s += `.${p.component}`;
  if (p.subComponent !== undefined) s += `.${p.subComponent}`;
  return s;
}
