import type { Hl7Message, Hl7Segment } from '../message.js';
import { type PersonName, TYPE_DECODERS, type TypeCode } from './datatypes.js';

interface FieldSpec {
  readonly field: number;
  readonly type: TypeCode;
  readonly many: boolean;
}
const one = <T extends TypeCode>(field: number, type: T) => ({ field, type, many: false as const });
const many = <T extends TypeCode>(field: number, type: T) => ({ field, type, many: true as const });

/**
 * The fields SS-MIX2 consumers read, per segment: name → field number and HL7 type (checked against
 * the SS-MIX2 reference table by a test). `many` fields return every repetition.
 */
export const SEGMENT_SPECS = {
  MSH: {
    sendingApplication: one(3, 'HD'),
    sendingFacility: one(4, 'HD'),
    receivingApplication: one(5, 'HD'),
    receivingFacility: one(6, 'HD'),
    dateTime: one(7, 'ST'),
    messageType: one(9, 'MSG'),
    controlId: one(10, 'ST'),
    processingId: one(11, 'ST'),
    versionId: one(12, 'ST'),
    characterSets: many(18, 'ST'),
    alternateCharacterSetScheme: one(20, 'ST'),
    messageProfile: one(21, 'EI'),
  },
  EVN: {
    recordedDateTime: one(2, 'ST'),
    plannedDateTime: one(3, 'ST'),
    reasonCode: one(4, 'ST'),
    operator: many(5, 'XCN'),
    occurredDateTime: one(6, 'ST'),
  },
  PID: {
    setId: one(1, 'ST'),
    patientIds: many(3, 'CX'),
    names: many(5, 'XPN'),
    birthDate: one(7, 'ST'),
    sex: one(8, 'ST'),
    addresses: many(11, 'XAD'),
    homePhones: many(13, 'XTN'),
    workPhones: many(14, 'XTN'),
    deathDate: one(29, 'ST'),
    deathIndicator: one(30, 'ST'),
    lastUpdated: one(33, 'ST'),
  },
  PV1: {
    setId: one(1, 'ST'),
    patientClass: one(2, 'ST'),
    location: one(3, 'PL'),
    admissionType: one(4, 'ST'),
    priorLocation: one(6, 'PL'),
    attendingDoctors: many(7, 'XCN'),
    referringDoctors: many(8, 'XCN'),
    consultingDoctors: many(9, 'XCN'),
    hospitalService: one(10, 'ST'),
    admittingDoctors: many(17, 'XCN'),
    visitNumber: one(19, 'CX'),
    dischargeDisposition: one(36, 'ST'),
    admitDateTime: one(44, 'ST'),
    dischargeDateTime: one(45, 'ST'),
  },
  PV2: {
    admitReason: one(3, 'CWE'),
    transferReason: one(4, 'CWE'),
    expectedAdmitDateTime: one(8, 'ST'),
    expectedDischargeDateTime: one(9, 'ST'),
    expectedLoaReturnDateTime: one(47, 'ST'),
  },
  NK1: {
    setId: one(1, 'ST'),
    names: many(2, 'XPN'),
    relationship: one(3, 'CWE'),
    addresses: many(4, 'XAD'),
    phones: many(5, 'XTN'),
    businessPhones: many(6, 'XTN'),
    contactRole: one(7, 'CWE'),
    organization: many(13, 'ST'),
  },
  AL1: {
    setId: one(1, 'ST'),
    allergenType: one(2, 'CWE'),
    allergen: one(3, 'CWE'),
    severity: one(4, 'CWE'),
    reactions: many(5, 'ST'),
    identificationDate: one(6, 'ST'),
  },
  IAM: {
    setId: one(1, 'ST'),
    allergenType: one(2, 'CWE'),
    allergen: one(3, 'CWE'),
    severity: one(4, 'CWE'),
    reactions: many(5, 'ST'),
    actionCode: one(6, 'CNE'),
    uniqueId: one(7, 'EI'),
    onsetDate: one(11, 'ST'),
    reportedDateTime: one(13, 'ST'),
    clinicalStatus: one(17, 'CWE'),
  },
  PRB: {
    actionCode: one(1, 'ST'),
    actionDateTime: one(2, 'ST'),
    problem: one(3, 'CWE'),
    instanceId: one(4, 'EI'),
    establishedDateTime: one(7, 'ST'),
    resolutionDateTime: one(9, 'ST'),
    classification: one(10, 'CWE'),
    lifeCycleStatus: one(14, 'CWE'),
    onsetDate: one(16, 'ST'),
    certainty: one(19, 'CWE'),
  },
  ZPR: {
    modifierPrefix: many(1, 'CWE'),
    disease: one(2, 'CWE'),
    modifierSuffix: many(3, 'CWE'),
    exchangePrefix: many(4, 'CWE'),
    exchangeDisease: one(5, 'CWE'),
    exchangeSuffix: many(6, 'CWE'),
    comment: one(7, 'ST'),
  },
  ZPD: { setId: one(1, 'ST'), dentalFormula: one(2, 'CWE') },
  ORC: {
    orderControl: one(1, 'ST'),
    placerOrderNumber: one(2, 'EI'),
    fillerOrderNumber: one(3, 'EI'),
    placerGroupNumber: one(4, 'EI'),
    orderStatus: one(5, 'ST'),
    parent: one(8, 'EIP'),
    transactionDateTime: one(9, 'ST'),
    enteredBy: many(10, 'XCN'),
    verifiedBy: many(11, 'XCN'),
    orderingProvider: many(12, 'XCN'),
    entererLocation: one(13, 'PL'),
    effectiveDateTime: one(15, 'ST'),
    enteringOrganization: one(17, 'CWE'),
    enteringDevice: one(18, 'CWE'),
    orderingFacilityName: many(21, 'ST'),
    orderingFacilityAddress: many(22, 'XAD'),
    orderingFacilityPhone: many(23, 'XTN'),
    orderType: one(29, 'CWE'),
  },
  RXE: {
    giveCode: one(2, 'CWE'),
    giveAmountMinimum: one(3, 'ST'),
    giveAmountMaximum: one(4, 'ST'),
    giveUnits: one(5, 'CWE'),
    dosageForm: one(6, 'CWE'),
    administrationInstructions: many(7, 'CWE'),
    dispenseAmount: one(10, 'ST'),
    dispenseUnits: one(11, 'CWE'),
    prescriptionNumber: one(15, 'ST'),
    totalDailyDose: one(19, 'CQ'),
    dispensingInstructions: many(21, 'CWE'),
    givePer: one(22, 'ST'),
    giveRateAmount: one(23, 'ST'),
    giveRateUnits: one(24, 'CWE'),
    pharmacyOrderType: one(44, 'ST'),
  },
  RXR: { route: one(1, 'CWE'), site: one(2, 'CWE'), device: one(3, 'CWE'), method: one(4, 'CWE') },
  RXC: {
    componentType: one(1, 'ST'),
    componentCode: one(2, 'CWE'),
    componentAmount: one(3, 'ST'),
    componentUnits: one(4, 'CWE'),
  },
  TQ1: {
    setId: one(1, 'ST'),
    quantity: one(2, 'CQ'),
    repeatPatterns: many(3, 'RPT'),
    explicitTimes: many(4, 'ST'),
    serviceDuration: one(6, 'CQ'),
    startDateTime: one(7, 'ST'),
    endDateTime: one(8, 'ST'),
    priority: many(9, 'CWE'),
    conditionText: one(10, 'TX'),
    textInstruction: one(11, 'TX'),
    totalOccurrences: one(14, 'ST'),
  },
  RXA: {
    giveSubIdCounter: one(1, 'ST'),
    administrationSubIdCounter: one(2, 'ST'),
    startDateTime: one(3, 'ST'),
    endDateTime: one(4, 'ST'),
    administeredCode: one(5, 'CWE'),
    administeredAmount: one(6, 'ST'),
    administeredUnits: one(7, 'CWE'),
    dosageForm: one(8, 'CWE'),
    administrationNotes: many(9, 'CWE'),
    administeringProvider: many(10, 'XCN'),
    completionStatus: one(20, 'ST'),
    actionCode: one(21, 'ST'),
    systemEntryDateTime: one(22, 'ST'),
  },
  OBR: {
    setId: one(1, 'ST'),
    placerOrderNumber: one(2, 'EI'),
    fillerOrderNumber: one(3, 'EI'),
    universalServiceId: one(4, 'CWE'),
    requestedDateTime: one(6, 'ST'),
    observationDateTime: one(7, 'ST'),
    observationEndDateTime: one(8, 'ST'),
    relevantClinicalInformation: one(13, 'ST'),
    orderingProvider: many(16, 'XCN'),
    resultsReportedDateTime: one(22, 'ST'),
    diagnosticServiceSection: one(24, 'ST'),
    resultStatus: one(25, 'ST'),
    parent: one(29, 'EIP'),
    reasonForStudy: many(31, 'CWE'),
    procedureCode: one(44, 'CWE'),
  },
  OBX: {
    setId: one(1, 'ST'),
    valueType: one(2, 'ST'),
    observationId: one(3, 'CWE'),
    subId: one(4, 'ST'),
    values: many(5, 'VARIES'),
    units: one(6, 'CWE'),
    referenceRange: one(7, 'ST'),
    abnormalFlags: many(8, 'ST'),
    resultStatus: one(11, 'ST'),
    observationDateTime: one(14, 'ST'),
    responsibleObserver: many(16, 'XCN'),
    method: many(17, 'CWE'),
    analysisDateTime: one(19, 'ST'),
  },
  SPM: {
    setId: one(1, 'ST'),
    specimenId: one(2, 'EIP'),
    specimenType: one(4, 'CWE'),
    collectionMethod: one(7, 'CWE'),
    sourceSite: one(8, 'CWE'),
    collectionAmount: one(12, 'CQ'),
    description: many(14, 'ST'),
    collectionDateTime: one(17, 'ST'),
    receivedDateTime: one(18, 'ST'),
    containerType: one(27, 'CWE'),
  },
  NTE: { setId: one(1, 'ST'), source: one(2, 'ST'), comments: many(3, 'FT'), commentType: one(4, 'CWE') },
  IPC: {
    accessionId: one(1, 'EI'),
    requestedProcedureId: one(2, 'EI'),
    studyInstanceUid: one(3, 'EI'),
    scheduledProcedureStepId: one(4, 'EI'),
    modality: one(5, 'CWE'),
    protocolCodes: many(6, 'CWE'),
    scheduledStationName: one(7, 'EI'),
    scheduledLocation: many(8, 'CWE'),
    scheduledAeTitle: one(9, 'ST'),
  },
  DG1: {
    setId: one(1, 'ST'),
    codingMethod: one(2, 'ST'),
    diagnosis: one(3, 'CWE'),
    description: one(4, 'ST'),
    dateTime: one(5, 'ST'),
    diagnosisType: one(6, 'ST'),
  },
  IN1: {
    setId: one(1, 'ST'),
    planId: one(2, 'CWE'),
    companyIds: many(3, 'CX'),
    companyName: many(4, 'ST'),
    groupNumber: one(8, 'ST'),
    planEffectiveDate: one(12, 'ST'),
    planExpirationDate: one(13, 'ST'),
    planType: one(15, 'ST'),
    insuredNames: many(16, 'XPN'),
    relationshipToPatient: one(17, 'CWE'),
    policyNumber: one(36, 'ST'),
    insuredIdNumbers: many(49, 'CX'),
  },
  ZE1: {
    setId: one(1, 'ST'),
    kind: one(2, 'ST'),
    code: one(3, 'CWE'),
    amount: one(4, 'ST'),
    unit: one(5, 'CWE'),
    performer: many(7, 'XCN'),
  },
  ZE2: {
    setId: one(1, 'ST'),
    tubeVoltage: one(2, 'CQ'),
    tubeCurrent: one(3, 'CQ'),
    distance: one(4, 'CQ'),
    time: one(5, 'CQ'),
    exposures: one(6, 'ST'),
    comment: one(7, 'ST'),
  },
  ODS: {
    type: one(1, 'ST'),
    servicePeriods: many(2, 'CWE'),
    dietCodes: many(3, 'CWE'),
    textInstructions: many(4, 'ST'),
  },
} as const satisfies Record<string, Record<string, FieldSpec>>;

export type SegmentName = keyof typeof SEGMENT_SPECS;
type Decoded<T extends TypeCode> = NonNullable<ReturnType<(typeof TYPE_DECODERS)[T]>>;
/** The plain object a segment reads as: `many` fields are arrays, others possibly undefined. */
export type SegmentRecord<N extends SegmentName> = {
  -readonly [K in keyof (typeof SEGMENT_SPECS)[N]]: (typeof SEGMENT_SPECS)[N][K] extends {
    many: true;
    type: infer T extends TypeCode;
  }
    ? Decoded<T>[]
    : (typeof SEGMENT_SPECS)[N][K] extends { type: infer T extends TypeCode }
      ? Decoded<T> | undefined
      : never;
};

/** Reads one segment into a plain object by its spec. */
export function readSegment<N extends SegmentName>(segment: Hl7Segment, name: N): SegmentRecord<N> {
  const spec = SEGMENT_SPECS[name] as Record<string, FieldSpec>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(spec)) {
    const { field, type, many: isMany } = spec[key]!;
    const decode = TYPE_DECODERS[type];
    const at = (r: number) => (i: number, j?: number) =>
      i === 0 ? segment.get(field, r) : segment.get(field, r, i, j);
    if (isMany) {
      const values: unknown[] = [];
      const count = segment.repetitionCount(field);
      for (let r = 1; r <= count; r++) {
        const value = decode(at(r));
        if (value !== undefined) values.push(value);
      }
      out[key] = values;
    } else {
      const value = segment.repetitionCount(field) ? decode(at(1)) : undefined;
      if (value !== undefined) out[key] = value;
    }
  }
  return out as SegmentRecord<N>;
}

/** Every segment of that name in the message, read by its spec, in message order. */
export function readSegments<N extends SegmentName>(message: Hl7Message, name: N): SegmentRecord<N>[] {
  return message.segmentsNamed(name).map((s) => readSegment(s, name));
}

/** MSH as a plain object. */
export function readMsh(message: Hl7Message): SegmentRecord<'MSH'> {
  return readSegment(message.segments[0]!, 'MSH');
}

/** PID with the conveniences every consumer wants: PID-3.1, and the kanji and kana names picked by XPN.8. */
export type PatientRecord = SegmentRecord<'PID'> & {
  patientId?: string;
  ideographicName?: PersonName;
  phoneticName?: PersonName;
};
export function readPid(message: Hl7Message): PatientRecord | undefined {
  const segment = message.segment('PID');
  if (!segment) return undefined;
  const pid: PatientRecord = readSegment(segment, 'PID');
  const patientId = pid.patientIds[0]?.id;
  if (patientId !== undefined) pid.patientId = patientId;
  const ideographic = pid.names.find((n) => n.representation === 'I');
  const phonetic = pid.names.find((n) => n.representation === 'P');
  if (ideographic) pid.ideographicName = ideographic;
  if (phonetic) pid.phoneticName = phonetic;
  return pid;
}
