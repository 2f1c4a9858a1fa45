// ORU^R01 → OUL^R22. fhir-jp maps ORU^R01 as a physiological test report (SS-MIX2 OMG-13), whatever
// the data type; lab results are OUL^R22 (OML-11). Both carry the same segments, grouped differently:
//   ORU_R01: MSH PID [PV1] { [ORC] OBR [NTE] [TQ1] { OBX [NTE] } { SPM [OBX] } }
//   OUL_R22: MSH PID [PV1] { SPM [OBX] { OBR [ORC] [NTE] [TQ1] { OBX [NTE] } } }
// so an ORU^R01 is rewritten in OUL^R22 order (specimen first, ORC after its OBR) with MSH-9 changed,
// and mapped by the lab mapper like any OUL^R22. The segments themselves are not changed.
import { type Hl7Message, type Hl7Segment, parseHl7 } from '@hie/hl7v2';

export interface RewrittenMessage {
  message: Hl7Message;
  /** The segment number in the original message of each rewritten segment (`[newIndex] → old`). */
  originalIndex: readonly number[];
}

interface OrderGroup {
  orc: Hl7Segment | undefined;
  obr: Hl7Segment | undefined;
  /** NTE, TQ1, OBX… after the OBR, before any SPM. */
  body: Hl7Segment[];
  /** SPM and the OBX that follow it (observations about the specimen). */
  specimen: Hl7Segment[];
}

/** The ORU^R01 in OUL^R22 order; undefined when the rewritten text does not parse (it always should). */
export function oruAsOul(message: Hl7Message): RewrittenMessage | undefined {
  const [msh, ...rest] = message.segments;
  if (!msh) return undefined;
  const head: Hl7Segment[] = [];
  const groups: OrderGroup[] = [];
  let group: OrderGroup | undefined;
  for (const s of rest) {
    if (s.name === 'ORC' || (s.name === 'OBR' && (!group || group.obr))) {
      group = { orc: undefined, obr: undefined, body: [], specimen: [] };
      groups.push(group);
    }
    if (!group) head.push(s);
    else if (s.name === 'ORC') group.orc = s;
    else if (s.name === 'OBR') group.obr = s;
    else if (s.name === 'SPM' || group.specimen.length > 0) group.specimen.push(s);
    else group.body.push(s);
  }
  const ordered: Hl7Segment[] = [...head];
  for (const g of groups) {
    ordered.push(...g.specimen);
    if (g.obr) ordered.push(g.obr);
    if (g.orc) ordered.push(g.orc);
    ordered.push(...g.body);
  }
  const text = [withOulType(msh, message), ...ordered.map((s) => s.toString())].join('\r');
  const parsed = parseHl7(`${text}\r`, { charset: message.charset });
  if (!parsed.ok) return undefined;
  return { message: parsed.message, originalIndex: [0, msh.index, ...ordered.map((s) => s.index)] };
}

/** The MSH with MSH-9 = OUL^R22^OUL_R22, every other field as written. */
function withOulType(msh: Hl7Segment, message: Hl7Message): string {
  const { field, component } = message.delimiters;
  const fields = msh.toString().split(field);
  // fields[0] is 'MSH' and fields[1] MSH-2 (MSH-1 is the separator itself), so MSH-9 is fields[8].
  while (fields.length < 9) fields.push('');
  fields[8] = ['OUL', 'R22', 'OUL_R22'].join(component);
  return fields.join(field);
}
