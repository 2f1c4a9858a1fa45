/**
 * Segment order per message type (SSMIX2.md §5): the NHO checker's regular expressions
 * (`samples/ssmix2/reference/HL7_SEGMENTORDER.json`, SS-MIX2 Ver.1.2c), applied to the segment
 * names of a message with runs of one name collapsed, matched from the start only. In OUL^R22 the
 * `(NTE)` after OBX is read as `(NTE)*` (a lab result may carry no comment). The test checks these
 * against the JSON.
 */
export const SEGMENT_ORDER: Readonly<Record<string, RegExp>> = {
  'ADT^A01':
    /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(NK1)*(PV1)(PV2)?(ROL)*(DB1)*(OBX)*(AL1)*(DG1)*(DRG)?((PR1)(ROL)*)*(GT1)*((IN1)(IN2)?(IN3)*(ROL)*)*(ACC)?(UB1)?(UB2)?(PDA)?/,
  'ADT^A02': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(PV1)(PV2)?(ROL)*(DB1)*(OBX)*(PDA)?/,
  'ADT^A03':
    /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(NK1)*(PV1)(PV2)?(ROL)*(DB1)*(AL1)*(DG1)*(DRG)?((PR1)(ROL)*)*(OBX)*(GT1)*((IN1)(IN2)?(IN3)*(ROL)*)*(ACC)?(PDA)?/,
  'ADT^A04':
    /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(NK1)*(PV1)(PV2)?(ROL)*(DB1)*(OBX)*(AL1)*(DRG)?((PR1)(ROL)*)*(GT1)*((IN1)(IN2)?(IN3)*(ROL)*)*(ACC)?(UB1)?(UB2)?(PDA)?/,
  'ADT^A08':
    /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(NK1)*(PV1)(PV2)?(ROL)*(DB1)*(OBX)*(AL1)*(DG1)*(DRG)?((PR1)(ROL)*)*(GT1)*((IN1)(IN2)?(IN3)*(ROL)*)*(ACC)?(UB1)?(UB2)?(PDA)?/,
  'ADT^A11': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?(DB1)*(OBX)*(DG1)*/,
  'ADT^A12': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?(DB1)*(OBX)*(DG1)*/,
  'ADT^A13':
    /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(NK1)*(PV1)(PV2)?(ROL)*(DB1)*(OBX)*(AL1)*(DG1)*(DRG)?((PR1)(ROL)*)*(GT1)*((IN1)(IN2)?(IN3)*(ROL)*)*(ACC)?(UB1)?(UB2)?(PDA)?/,
  'ADT^A14':
    /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(NK1)*(PV1)(PV2)?(ROL)*(DB1)*(OBX)*(AL1)*(DG1)*(DRG)?((PR1)(ROL)*)*(GT1)*((IN1)(IN2)?(IN3)*(ROL)*)*(ACC)?(UB1)?(UB2)?/,
  'ADT^A15': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(PV1)(PV2)?(ROL)*(DB1)*(OBX)*(DG1)*/,
  'ADT^A16':
    /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(NK1)*(PV1)(PV2)?(ROL)*(DB1)*(OBX)*(AL1)*(DG1)*(DRG)?((PR1)(ROL)*)*(GT1)*((IN1)(IN2)?(IN3)*(ROL)*)*(ACC)?/,
  'ADT^A21': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?(DB1)*(OBX)*/,
  'ADT^A22': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?(DB1)*(OBX)*/,
  'ADT^A23': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?(DB1)*(OBX)*/,
  'ADT^A25': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?(DB1)*(OBX)*/,
  'ADT^A26': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?(DB1)*(OBX)*/,
  'ADT^A27': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?(DB1)*(OBX)*/,
  'ADT^A52': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?/,
  'ADT^A53': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?/,
  'ADT^A54': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(ROL)*(PV1)(PV2)?(ROL)*/,
  'ADT^A55': /^(MSH)(SFT)*(EVN)(PID)(PD1)?(PV1)(PV2)?/,
  'ADT^A60': /^(MSH)(SFT)*(EVN)(PID)(PV1)?(PV2)?(IAM)*/,
  'OMD^O03':
    /^(MSH)(SFT)*(NTE)*((PID)(PD1)?(NTE)*((PV1)(PV2)*)?((IN1)(IN2)?(IN3)?)*(GT1)?(AL1)*)?((ORC)((TQ1)(TQ2)*)*((ODS)+(NTE)*((OBX)(NTE)*)*)?)+((ORC)((TQ1)(TQ2)*)*(ODT)+(NTE)*)*/,
  'OMG^O19':
    /^(MSH)(SFT)*(NTE)*((PID)(PD1)?(NTE)*(NK1)*((PV1)(PV2)?)?((IN1)(IN2)?(IN3)?)*(GT1)?(AL1)*)?((ORC)((TQ1)(TQ2)*)+(OBR)(NTE)*(CTD)?(DG1)*((OBX)(NTE)*)*((SPM)(OBX)*((SAC)(OBX)*)*)*(((PID)(PD1)?)?((PV1)(PV2)?)?(AL1)*((ORC)?(OBR)((TQ1)(TQ2)*)*(NTE)*(CTD)?((OBX)(NTE)*)+)+)*(FT1)*(CT1)*(BLG)?)+/,
  'OMI^Z23':
    /^(MSH)(SFT)*(NTE)*((PID)(PD1)?(NTE)*((PV1)(PV2)?)?((IN1)(IN2)?(IN3)?)*(GT1)?(AL1)*)?((ORC)((TQ1)(TQ2)*)+(OBR)(NTE)*(CTD)?(DG1)*((OBX)(NTE)*)*((ZE1)(OBX)*(ZE2)*)*(IPC)+)+/,
  'OML^O33':
    /^(MSH)(SFT)*(NTE)*((PID)(PD1)?(NTE)*(NK1)*((PV1)(PV2)?)?((IN1)(IN2)?(IN3)?)*(GT1)?(AL1)*)?((SPM)(OBX)*(SAC)*((ORC)((TQ1)(TQ2)*)*((OBR)(TCD)?(NTE)*(DG1)*((OBX)(TCD)?(NTE)*)*(((PID)(PD1)?)?((PV1)(PV2)?)?(AL1)*((ORC)?(OBR)(NTE)*((TQ1)(TQ2)*)*((OBX)(NTE)*)+)+)*)?(FT1)*(CTI)*(BLG)?)+)+/,
  'ORU^R01':
    /^(MSH)(SFT)*(((PID)(PD1)?(NTE)*(NK1)*((PV1)(PV2)?)?)?((ORC)?(OBR)(NTE)*((TQ1)(TQ2)*)*(CTD)?((OBX)(NTE)*)*(FT1)*(CT1)*((SPM)(OBX)*)*)+)+(DSC)?/,
  'ORU^R30': /^(MSH)(SFT)*(PID)(PD1)?((PV1)(PV2)?)?(ORC)(OBR)(NTE)*((TQ1)(TQ2)*)*((OBX)(NTE)*)+/,
  'OUL^R22':
    /^(MSH)(SFT)*(NTE)?((PID)(PD1)?(NTE)*)?((PV1)(PV2)?)?((SPM)(OBX)*((SAC)(INV)?)*((OBR)(ORC)?(NTE)*((TQ1)(TQ2)*)*((OBX)(TCD)?(SID)*(NTE)*)*(CTI)*)+)+(DSC)?/,
  'PPR^ZD1':
    /^(MSH)(SFT)*(PID)((PV1)(PV2)?)?((PRB)(ZPR)?(ZPD)*(NTE)*(VAR)*((ROL)(VAR)*)*((PTH)(VAR)*)*(ZI1)*((OBX)(NTE)*)*((GOL)(NTE)*(VAR)*((ROL)(VAR)*)*((OBX)(NTE)*)*)*((ORC)(.*(NTE)*(VAR)*((OBX)(NTE)*(VAR)*)*)?)*)+/,
  'RAS^O17':
    /^(MSH)(SFT)*(NTE)*((PID)(PD1)?(NTE)*(AL1)*((PV1)(PV2)?)?)?((ORC)((TQ1)(TQ2)*)*((RXO)(NTE)+(RXR)+((RXC)(NTE)*)*)?((RXE)((TQ1)(TQ2)*)*(RXR)+(RXC)*)?((RXA)+(RXR)((OBX)(NTE)*)*)+(CTI)*)+/,
  'RDE^O11':
    /^(MSH)(SFT)*(NTE)*((PID)(PD1)?(NTE)*((PV1)(PV2)?)?((IN1)(IN2)?(IN3)?)*(GT1)?(AL1)*)?((ORC)((TQ1)(TQ2)*)*((RXO)(NTE)*(RXR)+((RXC)(NTE)*)*)?(RXE)(NTE)*((TQ1)(TQ2)*)+(RXR)+(RXC)*((OBX)(NTE)*)*(FT1)*(BLG)?(CTI)*)+/,
};

// Far longer than any real message; bounds the regex work on junk input.
const MAX_COLLAPSED_NAMES = 2000;

/** Segment names with consecutive repeats collapsed to one, concatenated (`MSHEVNPIDNK1PV1…`). */
export function collapsedSegmentNames(names: readonly string[]): string {
  let out = '';
  let previous = '';
  let count = 0;
  for (const name of names) {
    if (name === previous) continue;
    out += name;
    previous = name;
    if (++count > MAX_COLLAPSED_NAMES) break;
  }
  return out;
}

export type SegmentOrderResult = 'ok' | 'mismatch' | 'unknown-type';

/** Checks the segment names of one message against the order of its MSH-9 (`code^event`). */
export function checkSegmentOrder(messageType: string, names: readonly string[]): SegmentOrderResult {
  const pattern = SEGMENT_ORDER[messageType];
  if (!pattern) return 'unknown-type';
  return pattern.test(collapsedSegmentNames(names)) ? 'ok' : 'mismatch';
}
