import { type FeedIdentity, feedIdentitySchema } from '@hie/contract';
import { type Hl7Message, type Hl7Segment, type PersonName, readPid } from '@hie/hl7v2';
import { isKanaName } from '../identities.js';

/** The sending facility as PID-3 / MRG-1 / QPD-3 name it: its OID, or its 10-digit 医療機関コード. */
export interface OwnDomain {
  facilityOid: string;
  code: string | null;
}

/** CX.4 (assigning authority, HD): namespace id `&` universal id `&` ISO. */
export function authorityOf(segment: Hl7Segment, field: number, repetition: number) {
  return {
    namespace: segment.get(field, repetition, 4, 1) ?? '',
    universalId: segment.get(field, repetition, 4, 2) ?? '',
  };
}

/** Whether an assigning authority is the sending facility (its OID, or its code as namespace). */
export const isOwnAuthority = (a: { namespace: string; universalId: string }, own: OwnDomain) =>
  a.universalId
    ? a.universalId === own.facilityOid
    : a.namespace === own.facilityOid || (own.code !== null && a.namespace === own.code);

/**
 * The sender's own patient id in a CX field (PID-3, MRG-1): the first repetition whose CX.4 names the
 * sending facility; failing that the first without any CX.4 (JAHIS writes the hospital's own id as
 * `9999013^^^^PI`, its domain being MSH-4, already checked). Ids of other authorities (another
 * facility's, insurance numbers…) are ignored; none of the sender's own → undefined.
 */
export function ownIdOf(segment: Hl7Segment | undefined, field: number, own: OwnDomain): string | undefined {
  if (!segment) return undefined;
  let unqualified: string | undefined;
  for (let r = 1; r <= segment.repetitionCount(field); r++) {
    const id = segment.get(field, r, 1, 1) ?? '';
    if (!id) continue;
    const authority = authorityOf(segment, field, r);
    if (isOwnAuthority(authority, own)) return id;
    if (!authority.namespace && !authority.universalId) unqualified ??= id;
  }
  return unqualified;
}

/** The field of PID an identity's member is read from: where ERR points when it is invalid. */
const FIELD_OF: Record<string, number> = {
  localId: 3,
  nameKanji: 5,
  nameKana: 5,
  birthDate: 7,
  sex: 8,
  postcode: 11,
  address: 11,
  phone: 13,
};

/** A problem with the PID: the HL7 table 0357 code, the PID field (0: the segment) and the words. */
export interface PidProblem {
  code: '101' | '102' | '204';
  field: number;
  text: string;
}

const whole = (n: PersonName) => [n.family, n.given, n.middle].filter(Boolean).join(' ');

/**
 * A JAHIS PID as the patient index's identity (the one the gateways' feed, ITI-44 and ITI-104 give):
 * PID-3 the sender's own id, PID-5 repetitions by XPN.8 (`I` kanji, `P` kana; an unmarked name in kana
 * only is the reading), family and given joined by a space as SS-MIX2 does; PID-7 birth (a partial date
 * is left out), PID-8 sex, PID-11 the home address (XAD.8 text, XAD.5 postcode), PID-13 the first phone.
 * Validated by the contract's schema.
 */
export function identityOfPid(message: Hl7Message, own: OwnDomain): FeedIdentity | PidProblem {
  const pid = readPid(message);
  if (!pid) return { code: '101', field: 0, text: 'no PID segment' };
  const localId = ownIdOf(message.segment('PID'), 3, own);
  if (!localId) {
    return {
      code: '204',
      field: 3,
      text: `PID-3 holds no patient id of the sending facility (${own.facilityOid}): a system feeds its own facility's patients only`,
    };
  }
  const identity: Record<string, string> = { facilityOid: own.facilityOid, localId };
  for (const name of pid.names) {
    const text = whole(name);
    if (!text) continue;
    const use = name.representation === 'I' ? ['IDE'] : name.representation === 'P' ? ['SYL'] : [];
    if (isKanaName(text, use)) identity.nameKana ??= text;
    else identity.nameKanji ??= text;
  }
  const birth = pid.birthDate ?? '';
  if (/^\d{8}/.test(birth))
    identity.birthDate = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`;
  if (pid.sex) identity.sex = pid.sex;
  const home = pid.addresses.find((a) => a.addressType === 'H') ?? pid.addresses[0];
  if (home?.postalCode) identity.postcode = home.postalCode;
  if (home?.text) identity.address = home.text;
  const phone = pid.homePhones.find((t) => t.number)?.number;
  if (phone) identity.phone = phone;
  const checked = feedIdentitySchema.safeParse(identity);
  if (checked.success) return checked.data;
  const issue = checked.error.issues[0];
  const member = String(issue?.path[0] ?? '');
  return {
    code: '102',
    field: FIELD_OF[member] ?? 3,
    text: `${member || 'identity'}: ${issue?.message ?? 'invalid'}`,
  };
}

export const isPidProblem = (v: FeedIdentity | PidProblem): v is PidProblem => 'code' in v;
