// ADT-00 (ADT^A08) → JP_Patient; its AL1 → AllergyIntolerance, OBX (height, weight, blood type) →
// Observation of category body-measurement (not demographics: they are clinical, not identification).
// Names: XPN.8 'I' kanji → IDE, 'P' kana → SYL (iso21090-EN-representation).
import { type Address as Hl7Address, type PersonName, readPid, type Telecom } from '@hie/hl7v2';
import type { Address, ContactPoint, HumanName, Patient } from '@medplum/fhirtypes';
import { allergyFromAl1 } from './allergy.js';
import { SYSTEMS } from './codes.js';
import { type MappingContext, patientIdSystem } from './context.js';
import { toFhirDate, toFhirInstant } from './datetime.js';
import { patientResourceId } from './ids.js';
import { observationFromObx } from './observation.js';

const GENDER: Readonly<Record<string, Patient['gender']>> = {
  M: 'male',
  F: 'female',
  U: 'unknown',
  O: 'other',
};
const REPRESENTATION: Readonly<Record<string, string>> = { I: 'IDE', P: 'SYL', A: 'ABC' };

function humanName(n: PersonName): HumanName | undefined {
  if (n.family === undefined && n.given === undefined) return undefined;
  const rep = n.representation ? REPRESENTATION[n.representation] : undefined;
  const given = [n.given, n.middle].filter((x): x is string => x !== undefined);
  const name: HumanName = {
    ...(rep ? { extension: [{ url: SYSTEMS.isoRepresentation, valueCode: rep }] } : {}),
    use: 'official',
    // Japanese order: family name first, a space between (JP Core examples).
    text: [n.family, ...given].filter(Boolean).join(' '),
    ...(n.family ? { family: n.family } : {}),
    ...(given.length ? { given } : {}),
    ...(n.prefix ? { prefix: [n.prefix] } : {}),
    ...(n.suffix ? { suffix: [n.suffix] } : {}),
  };
  return name;
}

const ADDRESS_USE: Readonly<Record<string, Address['use']>> = { H: 'home', B: 'work', C: 'temp', O: 'work' };

function address(a: Hl7Address): Address | undefined {
  if (a.text === undefined && a.postalCode === undefined) return undefined;
  const use = a.addressType ? ADDRESS_USE[a.addressType] : undefined;
  return {
    ...(use ? { use } : {}),
    ...(a.text ? { text: a.text } : {}),
    ...(a.street ? { line: [a.street] } : {}),
    ...(a.city ? { city: a.city } : {}),
    ...(a.state ? { state: a.state } : {}),
    ...(a.postalCode ? { postalCode: a.postalCode } : {}),
    ...(a.country ? { country: a.country } : {}),
  };
}

const PHONE_USE: Readonly<Record<string, ContactPoint['use']>> = {
  PRN: 'home',
  WPN: 'work',
  EMR: 'temp',
  ORN: 'home',
};

function telecom(t: Telecom, fallbackUse: ContactPoint['use']): ContactPoint | undefined {
  if (t.email) return { system: 'email', value: t.email };
  if (!t.number) return undefined;
  const use = (t.use ? PHONE_USE[t.use] : undefined) ?? fallbackUse;
  const system: ContactPoint['system'] = t.equipment === 'FX' ? 'fax' : 'phone';
  return { system, value: t.number, ...(use ? { use } : {}) };
}

export function mapDemographics(ctx: MappingContext): void {
  const pid = readPid(ctx.message);
  const pidSegment = ctx.message.segment('PID');
  if (!pid || !pidSegment) return;
  const names = pid.names.map(humanName).filter((n): n is HumanName => n !== undefined);
  const addresses = pid.addresses.map(address).filter((a): a is Address => a !== undefined);
  const phones = [
    ...pid.homePhones.map((t) => telecom(t, 'home')),
    ...pid.workPhones.map((t) => telecom(t, 'work')),
  ].filter((t): t is ContactPoint => t !== undefined);
  const gender = pid.sex ? GENDER[pid.sex] : undefined;
  const birthDate = toFhirDate(pid.birthDate);
  if (pid.birthDate && !birthDate)
    ctx.warn('BAD_DATE', `birth date '${pid.birthDate}' is not a date`, pidSegment, 7);
  const lastUpdated = toFhirInstant(pid.lastUpdated);
  const patient: Patient & { id: string } = {
    resourceType: 'Patient',
    id: patientResourceId(ctx.patientId),
    meta: { ...ctx.meta('JP_Patient').meta, ...(lastUpdated ? { lastUpdated } : {}) },
    identifier: [{ system: patientIdSystem(ctx.facilityCode), value: ctx.patientId }],
    active: true,
    ...(names.length ? { name: names } : {}),
    ...(phones.length ? { telecom: phones } : {}),
    ...(gender ? { gender } : {}),
    ...(birthDate ? { birthDate } : {}),
    ...(pid.deathIndicator === 'Y' ? { deceasedBoolean: true } : {}),
    ...(addresses.length ? { address: addresses } : {}),
    ...(ctx.src.facility.name || ctx.src.facility.oid
      ? {
          managingOrganization: {
            ...(ctx.src.facility.oid
              ? { identifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:${ctx.src.facility.oid}` } }
              : {}),
            ...(ctx.src.facility.name ? { display: ctx.src.facility.name } : {}),
          },
        }
      : {}),
  };
  ctx.add(patient, 'demographics', { date: lastUpdated });

  for (const al1 of ctx.message.segmentsNamed('AL1')) allergyFromAl1(ctx, al1);
  for (const obx of ctx.message.segmentsNamed('OBX')) {
    observationFromObx(ctx, obx, {
      category: 'body-measurement',
      profile: 'JP_Observation_Common',
      observationCategory: 'exam',
    });
  }
}
