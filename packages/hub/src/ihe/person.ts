import type { FeedIdentity } from '@hie/contract';
import type { Element as XmlElement } from '@xmldom/xmldom';
import { isKanaName } from './identities.js';
import { type Ii, iiXml, V3, v3Children, v3Path } from './v3.js';
import { attr, childElements, el, t, text } from './xml.js';

/**
 * A V3 `patientPerson` as the patient index's identity (the same one the gateways' feed gives):
 * Japanese names as two `name` elements, kanji `use="IDE"`, kana `use="SYL"` (a name without a use is
 * read as kana when it is kana only, else kanji); family and given joined by a space as SS-MIX2 does.
 */
export function identityOf(person: XmlElement | null): Omit<FeedIdentity, 'facilityOid' | 'localId'> {
  const out: Omit<FeedIdentity, 'facilityOid' | 'localId'> = {};
  for (const name of v3Children(person, 'name')) {
    const parts = childElements(name)
      .filter((p) => p.namespaceURI === V3 && (p.localName === 'family' || p.localName === 'given'))
      .map((p) => text(p) ?? '')
      .filter((p) => p !== '');
    const whole = parts.length > 0 ? parts.join(' ') : (text(name) ?? '');
    if (!whole) continue;
    const use = (attr(name, 'use') ?? '').split(/\s+/);
    if (isKanaName(whole, use)) out.nameKana ??= whole;
    else out.nameKanji ??= whole;
  }
  const gender = attr(v3Path(person, 'administrativeGenderCode'), 'code');
  if (gender === 'M' || gender === 'F') out.sex = gender;
  else if (gender === 'UN' || gender === 'U') out.sex = 'U';
  else if (gender === 'O') out.sex = 'O';
  const birth = attr(v3Path(person, 'birthTime'), 'value') ?? '';
  if (/^\d{8}/.test(birth)) out.birthDate = `${birth.slice(0, 4)}-${birth.slice(4, 6)}-${birth.slice(6, 8)}`;
  const addr = v3Children(person, 'addr')[0];
  if (addr) {
    const postcode = text(v3Path(addr, 'postalCode'));
    if (postcode) out.postcode = postcode;
    const line = ['state', 'city', 'streetAddressLine']
      .flatMap((part) => v3Children(addr, part).map((e) => text(e) ?? ''))
      .filter((p) => p !== '')
      .join('');
    if (line) out.address = line;
  }
  const phone = v3Children(person, 'telecom')
    .map((e) => attr(e, 'value') ?? '')
    .find((v) => v.startsWith('tel:'));
  if (phone) out.phone = phone.slice(4);
  return out;
}

export interface ShownPerson {
  nameKanji: string | null;
  nameKana: string | null;
  birthDate: string | null;
  sex: string | null;
}

const nameXml = (use: 'IDE' | 'SYL', whole: string) => {
  const [family, ...given] = whole.split(/[\s\u3000]+/);
  return el(
    'name',
    { use },
    family ? el('family', {}, t(family)) : '',
    given.length > 0 ? el('given', {}, t(given.join(' '))) : '',
  );
};

/** `subject/registrationEvent/subject1/patient` of a query answer: the ids, and who (or `name` NA). */
export function registrationSubject(
  ids: readonly Ii[],
  person: ShownPerson | null,
  score?: number,
  /** XCPD: the responding community as the custodian (its homeCommunityId, and the HDL code). */
  custodian?: { homeCommunityId: string; code: string; codeSystem: string },
): string {
  const names = person
    ? [
        person.nameKanji ? nameXml('IDE', person.nameKanji) : '',
        person.nameKana ? nameXml('SYL', person.nameKana) : '',
      ]
    : [];
  const sex = person?.sex === 'M' || person?.sex === 'F' ? person.sex : person?.sex ? 'UN' : null;
  return el(
    'subject',
    { typeCode: 'SUBJ' },
    el(
      'registrationEvent',
      { classCode: 'REG', moodCode: 'EVN' },
      el('id', { nullFlavor: 'NA' }),
      el('statusCode', { code: 'active' }),
      el(
        'subject1',
        { typeCode: 'SBJ' },
        el(
          'patient',
          { classCode: 'PAT' },
          ...ids.map((ii) => iiXml('id', ii)),
          el('statusCode', { code: 'active' }),
          el(
            'patientPerson',
            { classCode: 'PSN', determinerCode: 'INSTANCE' },
            ...(names.some((n) => n !== '') ? names : [el('name', { nullFlavor: 'NA' })]),
            sex ? el('administrativeGenderCode', { code: sex, codeSystem: '2.16.840.1.113883.5.1' }) : '',
            person?.birthDate ? el('birthTime', { value: person.birthDate.replaceAll('-', '') }) : '',
          ),
          score !== undefined
            ? el(
                'subjectOf1',
                {},
                el(
                  'queryMatchObservation',
                  { classCode: 'COND', moodCode: 'EVN' },
                  el('code', { code: 'IHE_PQ' }),
                  el('value', {
                    'xsi:type': 'INT',
                    'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
                    value: score,
                  }),
                ),
              )
            : '',
        ),
      ),
      custodian
        ? el(
            'custodian',
            { typeCode: 'CST' },
            el(
              'assignedEntity',
              { classCode: 'ASSIGNED' },
              el('id', { root: custodian.homeCommunityId }),
              el('code', { code: custodian.code, codeSystem: custodian.codeSystem }),
            ),
          )
        : '',
    ),
  );
}
