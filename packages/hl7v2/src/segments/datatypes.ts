// Decoders of the HL7 composite data types SS-MIX2 uses, as plain objects. Each reads one element
// (a field repetition, or a component holding sub-components) through `at(component, subComponent?)`.
// Empty parts are undefined, so `a?.b ?? fallback` works; the HL7 null `""` is kept as written.

/** Reads part i (and optionally its sub-part j) of one element; i = 0 reads the whole element. */
export type Parts = (i: number, j?: number) => string | undefined;

const v = (s: string | undefined): string | undefined => (s === undefined || s === '' ? undefined : s);
/** Drops undefined members; undefined when nothing is left. */
function compact<T extends object>(o: T): T | undefined {
  // Copies the defined members (same key order) rather than `delete`-ing the others: a deleted
  // property drops the object into V8's slow dictionary mode, and these objects are read (and their
  // values copied into FHIR resources) for every coded field of every message.
  let out: Partial<T> | undefined;
  for (const k in o) {
    const value = o[k];
    if (value === undefined) continue;
    out ??= {};
    out[k] = value;
  }
  return out as T | undefined;
}

/** CWE / CE / CNE: a code with its text and system, and an alternate (often the local) coding. */
export interface Coded {
  code?: string;
  text?: string;
  system?: string;
  alternateCode?: string;
  alternateText?: string;
  alternateSystem?: string;
}
export function coded(at: Parts): Coded | undefined {
  return compact({
    code: v(at(1)),
    text: v(at(2)),
    system: v(at(3)),
    alternateCode: v(at(4)),
    alternateText: v(at(5)),
    alternateSystem: v(at(6)),
  });
}

/** RPT (TQ1-3): the usage code sits in sub-components of component 1 (`code&text&JAMISDP01`). */
export function repeatPattern(at: Parts): Coded | undefined {
  return coded((j) => at(1, j)) ?? coded(at);
}

/** XPN: JAHIS writes kanji (representation 'I') and kana ('P') as repetitions. */
export interface PersonName {
  family?: string;
  given?: string;
  middle?: string;
  suffix?: string;
  prefix?: string;
  /** XPN.7, table 0200: 'L' legal. */
  nameType?: string;
  /** XPN.8, table 0465: 'I' ideographic (kanji), 'P' phonetic (kana), 'A' alphabetic. */
  representation?: string;
}
const REPRESENTATIONS = new Set(['I', 'P', 'A']);
export function personName(at: Parts, offset = 0): PersonName | undefined {
  let nameType = v(at(7 + offset));
  let representation = v(at(8 + offset));
  // Files written one caret short (e.g. the ssmixtwins generator) carry the representation in XPN.7.
  if (representation === undefined && nameType !== undefined && REPRESENTATIONS.has(nameType)) {
    representation = nameType;
    nameType = v(at(6 + offset));
  }
  return compact({
    family: v(at(1 + offset, 1)),
    given: v(at(2 + offset)),
    middle: v(at(3 + offset)),
    suffix: v(at(4 + offset)),
    prefix: v(at(5 + offset)),
    nameType,
    representation,
  });
}

/** XCN: a clinician: ID, name (split, or whole in XCN.2), name type XCN.10, representation XCN.15. */
export interface Clinician extends PersonName {
  id?: string;
}
export function clinician(at: Parts): Clinician | undefined {
  return compact({
    id: v(at(1)),
    family: v(at(2, 1)),
    given: v(at(3)),
    middle: v(at(4)),
    suffix: v(at(5)),
    prefix: v(at(6)),
    nameType: v(at(10)),
    representation: v(at(15)),
  });
}

/** XAD: JAHIS puts the whole address text in XAD.8 (other geographic designation). */
export interface Address {
  street?: string;
  otherDesignation?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  /** XAD.7, table 0190: 'H' home, 'B' business… */
  addressType?: string;
  /** XAD.8 when given, else state + city + street. */
  text?: string;
}
export function address(at: Parts): Address | undefined {
  const a: Address = {
    street: v(at(1, 1)),
    otherDesignation: v(at(2)),
    city: v(at(3)),
    state: v(at(4)),
    postalCode: v(at(5)),
    country: v(at(6)),
    addressType: v(at(7)),
  };
  a.text = v(at(8)) ?? v([a.state, a.city, a.street, a.otherDesignation].filter(Boolean).join(''));
  return compact(a);
}

/** XTN: JAHIS writes the number in XTN.12 (unformatted); older senders in XTN.1. */
export interface Telecom {
  /** XTN.2, table 0201: PRN, WPN, EMR… */
  use?: string;
  /** XTN.3, table 0202: PH, FX, CP, Internet… */
  equipment?: string;
  email?: string;
  number?: string;
}
export function telecom(at: Parts): Telecom | undefined {
  const local = [v(at(6)), v(at(7))].filter(Boolean).join('-');
  return compact({
    use: v(at(2)),
    equipment: v(at(3)),
    email: v(at(4)),
    number: v(at(12)) ?? v(at(1)) ?? v(local),
  });
}

/** CX: patient identifiers (`9999013^^^^PI`). */
export interface Identifier {
  id?: string;
  assigningAuthority?: string;
  /** CX.5, table 0203: PI patient internal, … */
  typeCode?: string;
}
export function identifier(at: Parts): Identifier | undefined {
  return compact({ id: v(at(1)), assigningAuthority: v(at(4, 1)), typeCode: v(at(5)) });
}

/** EI / EIP: entity identifiers (order numbers). EIP takes the placer part. */
export interface EntityId {
  id?: string;
  namespace?: string;
  universalId?: string;
  universalIdType?: string;
}
export function entityId(at: Parts): EntityId | undefined {
  return compact({ id: v(at(1, 1)), namespace: v(at(2)), universalId: v(at(3)), universalIdType: v(at(4)) });
}

/** HD: sending/receiving application and facility. */
export interface HierarchicDesignator {
  namespace?: string;
  universalId?: string;
  universalIdType?: string;
}
export function hierarchicDesignator(at: Parts): HierarchicDesignator | undefined {
  return compact({ namespace: v(at(1)), universalId: v(at(2)), universalIdType: v(at(3)) });
}

/** CQ: a quantity with a unit that is itself coded in sub-components (`3^TAB&錠&MR9P`). */
export interface Quantity {
  quantity?: string;
  unit?: Coded;
}
export function quantity(at: Parts): Quantity | undefined {
  return compact({ quantity: v(at(1)), unit: coded((j) => at(2, j)) });
}

/** PL: ward^room^bed^^^N for inpatients, dept^^^^^C for outpatients. */
export interface Location {
  pointOfCare?: string;
  room?: string;
  bed?: string;
  facility?: string;
  status?: string;
  /** PL.6: 'N' nursing unit, 'C' clinic… */
  type?: string;
}
export function location(at: Parts): Location | undefined {
  return compact({
    pointOfCare: v(at(1)),
    room: v(at(2)),
    bed: v(at(3)),
    facility: v(at(4, 1)),
    status: v(at(5)),
    type: v(at(6)),
  });
}

/** MSG: MSH-9. */
export interface MessageTypeValue {
  code?: string;
  event?: string;
  structure?: string;
}
export function messageTypeValue(at: Parts): MessageTypeValue | undefined {
  return compact({ code: v(at(1)), event: v(at(2)), structure: v(at(3)) });
}

/** Primitive types (ST, ID, IS, TS, NM, …): the first component, decoded. */
export function primitive(at: Parts): string | undefined {
  return v(at(1));
}

/** Whole element as written, escapes decoded only where it is a leaf (OBX-5 of any type, TX, FT). */
export function whole(at: Parts): string | undefined {
  return v(at(0));
}

/** Decoder per HL7 type code. Types not listed read as primitive text. */
export const TYPE_DECODERS = {
  ST: primitive,
  TX: whole,
  FT: whole,
  VARIES: whole,
  CWE: coded,
  CE: coded,
  CNE: coded,
  RPT: repeatPattern,
  XPN: personName,
  XCN: clinician,
  XAD: address,
  XTN: telecom,
  CX: identifier,
  EI: entityId,
  EIP: entityId,
  HD: hierarchicDesignator,
  CQ: quantity,
  PL: location,
  MSG: messageTypeValue,
} as const;
export type TypeCode = keyof typeof TYPE_DECODERS;
