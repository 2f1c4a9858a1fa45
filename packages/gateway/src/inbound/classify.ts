import type { Hl7Message } from '@hie/hl7v2';
import { DATA_TYPES, type DataTypeMessage } from '@hie/ssmix2';

/** The SS-MIX2 data type a received message is filed under, and how (§3, §5). */
export interface Classification {
  dataType: string;
  /** The rule of that data type for this MSH-9 (care-date field, cancel event). */
  rule: DataTypeMessage;
}

/** Every data type that accepts a given `code^event`; RDE^O11, RAS^O17, OMG^O19, OMI^Z23 have several. */
const CANDIDATES = new Map<string, { dataType: string; rule: DataTypeMessage }[]>();
for (const info of DATA_TYPES) {
  for (const rule of info.messages) {
    const list = CANDIDATES.get(rule.type) ?? [];
    list.push({ dataType: info.code, rule });
    CANDIDATES.set(rule.type, list);
  }
}

/** `code^event` of MSH-9, the key of the data-type table. */
export function messageTypeKey(message: Hl7Message): string {
  const { code, event } = message.messageType;
  return `${code}^${event}`;
}

/** Routes given in RXR-1 (HL7 table 0162) that mean an injection rather than a prescription. */
const INJECTION_ROUTES = new Set(['IV', 'IM', 'SC', 'ID', 'IA', 'IO', 'IP', 'IT', 'IVP', 'EP', 'IS']);

/**
 * The data type of a message. Several data types share one MSH-9; the guideline tells them apart by
 * content only, so the same content rules as the SS-MIX2 samples and generator are used:
 * injections carry RXC components, an INJ dosage form, an injection route or a bag-style ORC-4
 * (`order_Rp_seq`); endoscopy exams are coded in LENDO, radiology in JJ1017, anything else ordered
 * with OMG^O19 is a physiological test. A site whose system says it differently passes `hint`.
 */
export function classifyMessage(message: Hl7Message, hint?: string): Classification | undefined {
  const candidates = CANDIDATES.get(messageTypeKey(message));
  if (!candidates || candidates.length === 0) return undefined;
  if (hint !== undefined) return candidates.find((c) => c.dataType === hint);
  if (candidates.length === 1) return candidates[0];
  const pick = (code: string) => candidates.find((c) => c.dataType === code);
  switch (messageTypeKey(message)) {
    case 'RDE^O11':
      return pick(isInjection(message) ? 'OMP-02' : 'OMP-01');
    case 'RAS^O17':
      return pick(isInjection(message) ? 'OMP-12' : 'OMP-11');
    case 'OMG^O19': {
      const system = examCodeSystem(message);
      return pick(system === 'LENDO' ? 'OMG-02' : system === 'JJ1017' ? 'OMG-01' : 'OMG-03');
    }
    case 'OMI^Z23':
      return pick(examCodeSystem(message) === 'LENDO' ? 'OMG-12' : 'OMG-11');
    default:
      return candidates[0];
  }
}

function isInjection(message: Hl7Message): boolean {
  if (message.segmentsNamed('RXC').length > 0) return true;
  if (message.segmentsNamed('RXE').some((rxe) => rxe.get(6, 1, 1) === 'INJ')) return true;
  if (message.segmentsNamed('RXR').some((rxr) => INJECTION_ROUTES.has(rxr.get(1, 1, 1) ?? ''))) return true;
  return message.segmentsNamed('ORC').some((orc) => (orc.get(4, 1, 1) ?? '').includes('_'));
}

/** The coding system (CWE.3) of the first OBR-4 that names one. */
function examCodeSystem(message: Hl7Message): string | undefined {
  for (const obr of message.segmentsNamed('OBR')) {
    const system = obr.get(4, 1, 3);
    if (system) return system;
  }
  return undefined;
}
