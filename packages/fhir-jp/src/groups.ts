// Segment groups: HL7 v2 order messages repeat a block that starts with a given segment.
import type { Hl7Message, Hl7Segment } from '@hie/hl7v2';

export interface SegmentGroup {
  head: Hl7Segment;
  /** Segments after the head, up to the next head (or a segment in `stopAt`). */
  body: Hl7Segment[];
}

/** Splits the message into blocks starting at each `head` segment. */
export function groupsFrom(message: Hl7Message, head: string): SegmentGroup[] {
  const out: SegmentGroup[] = [];
  let current: SegmentGroup | undefined;
  for (const s of message.segments) {
    if (s.name === head) {
      current = { head: s, body: [] };
      out.push(current);
    } else if (current) current.body.push(s);
  }
  return out;
}

export const first = (g: SegmentGroup, name: string): Hl7Segment | undefined =>
  g.body.find((s) => s.name === name);
export const all = (g: SegmentGroup, name: string): Hl7Segment[] => g.body.filter((s) => s.name === name);
