import type { Hl7Segment } from '@hie/hl7v2';
import type { IntakeIssue } from '../batch.js';

/**
 * An issue about one field of an HL7 message. `line` is the segment's number in the message (MSH = 1),
 * which is what a lab centre's interface log shows; `field` is written `PID-3`, `MSH-6`.
 */
export function hl7Issue(
  code: string,
  message: string,
  file: string,
  segment: Pick<Hl7Segment, 'index'> | undefined,
  field: string,
): IntakeIssue {
  return { code, message, file, ...(segment ? { line: segment.index } : {}), field };
}
