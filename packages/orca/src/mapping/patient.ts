// 患者基本情報 (patientgetv2) → JP_Patient; its 保険組合せ → JP_Coverage when asked for.
// Names: ORCA writes `漢字姓　漢字名` and `カナ姓　カナ名` with a full-width space between family and given
// name; kanji get the ISO 21090 representation IDE, kana SYL (as fhir-jp does for XPN.8 I and P).
import { patientIdSystem } from '@hie/fhir-jp';
import type { Address, ContactPoint, Coverage, Extension, HumanName, Patient } from '@medplum/fhirtypes';
import type { InsuranceCombination, PatientAnswer } from '../answers/types.js';
import { clinicTable, coded, fhirText, GENDERS, halfWidth, ORCA_SYSTEMS, orcaTable } from './codes.js';
import type { OrcaMappingContext } from './context.js';
import { ids } from './ids.js';

function humanName(whole: string | undefined, representation: 'IDE' | 'SYL'): HumanName | undefined {
  if (!whole) return undefined;
  const [family, ...given] = whole.split(/[\s\u3000]+/).filter(Boolean);
  if (!family) return undefined;
  return {
    extension: [{ url: ORCA_SYSTEMS.isoRepresentation, valueCode: representation }],
    use: 'official',
    text: [family, ...given].join(' '),
    family,
    ...(given.length ? { given } : {}),
  };
}

function homeAddress(p: PatientAnswer): Address | undefined {
  const h = p.home;
  if (!h?.line1 && !h?.zipCode) return undefined;
  const lines = [h.line1, h.line2].filter((l): l is string => l !== undefined).map(fhirText);
  const zip = h.zipCode?.replace(/^(\d{3})-?(\d{4})$/, '$1-$2');
  return {
    use: 'home',
    ...(lines.length ? { text: lines.join(''), line: lines } : {}),
    ...(zip ? { postalCode: zip } : {}),
    country: 'JP',
  };
}

function phones(p: PatientAnswer): ContactPoint[] {
  return [p.home?.phone1, p.home?.phone2]
    .filter((n): n is string => n !== undefined)
    .map((value) => ({ system: 'phone', value: halfWidth(value), use: 'home' }));
}

export function mapPatient(ctx: OrcaMappingContext, p: PatientAnswer): void {
  const names = [humanName(p.name, 'IDE'), humanName(p.kanaName, 'SYL')].filter((n): n is HumanName => !!n);
  const address = homeAddress(p);
  const telecom = phones(p);
  const gender = p.sex ? GENDERS[p.sex] : undefined;
  const facility = ctx.facility;
  const patient: Patient & { id: string } = {
    resourceType: 'Patient',
    id: ids.patient(p.patientId),
    ...ctx.meta('JP_Patient', 'patientgetv2'),
    identifier: [{ system: patientIdSystem(ctx.institutionCode), value: p.patientId }],
    active: true,
    ...(names.length ? { name: names } : {}),
    ...(telecom.length ? { telecom } : {}),
    ...(gender ? { gender } : {}),
    ...(p.birthDate ? { birthDate: p.birthDate } : {}),
    ...(address ? { address: [address] } : {}),
    ...(facility.name || facility.oid
      ? {
          managingOrganization: {
            ...(facility.oid
              ? { identifier: { system: 'urn:ietf:rfc:3986', value: `urn:oid:${facility.oid}` } }
              : {}),
            ...(facility.name ? { display: facility.name } : {}),
          },
        }
      : {}),
  };
  ctx.add(patient, 'demographics');
}

const EXT = 'http://jpfhir.jp/fhir/core/Extension/StructureDefinition/';

/** `{ period }` when there is a start or an end. */
const periodOf = (start: string | undefined, end: string | undefined) =>
  start || end ? { period: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : {};

/**
 * One Coverage per 保険組合せ (the unit ORCA bills by), one more per 公費 in it. 記号・番号 are the
 * insured person's identifiers (JP Core extensions), so Coverage is only made when the caller asks:
 * the Health Insurance Act forbids asking for them without need (告知要求制限, 2020).
 */
export function mapCoverages(ctx: OrcaMappingContext, p: PatientAnswer): void {
  for (const c of p.insurances) {
    if (c.hidden) continue;
    ctx.add(coverage(ctx, c), 'demographics', { date: c.startDate });
    c.publicInsurances.forEach((pub, i) => {
      const resource: Coverage & { id: string } = {
        resourceType: 'Coverage',
        id: ids.coverage(ctx.patientId, c.combinationNumber, i + 1),
        ...ctx.meta('JP_Coverage', 'patientgetv2'),
        status: 'active',
        ...(pub.publicClass
          ? {
              type: coded(
                orcaTable('PublicInsurance_Class'),
                pub.publicClass,
                pub.name && fhirText(pub.name),
              ),
            }
          : {}),
        ...(pub.recipientNumber ? { subscriberId: halfWidth(pub.recipientNumber) } : {}),
        beneficiary: ctx.patientRef,
        ...periodOf(pub.startDate, pub.endDate),
        payor: [
          pub.payerNumber
            ? {
                identifier: {
                  system: clinicTable(ctx.institutionCode, 'public-payer'),
                  value: pub.payerNumber,
                },
                display: pub.name ?? pub.payerNumber,
              }
            : { display: pub.name ?? '公費' },
        ],
        order: i + 2,
      };
      ctx.add(resource, 'demographics', { date: pub.startDate });
    });
  }
}

function coverage(ctx: OrcaMappingContext, c: InsuranceCombination): Coverage & { id: string } {
  const extension: Extension[] = [];
  if (c.symbol)
    extension.push({ url: `${EXT}JP_Coverage_InsuredPersonSymbol`, valueString: halfWidth(c.symbol) });
  if (c.number)
    extension.push({ url: `${EXT}JP_Coverage_InsuredPersonNumber`, valueString: halfWidth(c.number) });
  if (c.branchNumber)
    extension.push({
      url: `${EXT}JP_Coverage_InsuredPersonSubNumber`,
      valueString: halfWidth(c.branchNumber),
    });
  const name = c.providerName ? fhirText(c.providerName) : undefined;
  return {
    resourceType: 'Coverage',
    id: ids.coverage(ctx.patientId, c.combinationNumber),
    ...ctx.meta('JP_Coverage', 'patientgetv2'),
    ...(extension.length ? { extension } : {}),
    identifier: [
      { system: clinicTable(ctx.institutionCode, 'insurance-combination'), value: c.combinationNumber },
    ],
    status: 'active',
    ...(c.providerClass ? { type: coded(orcaTable('InsuranceProvider_Class'), c.providerClass, name) } : {}),
    beneficiary: ctx.patientRef,
    ...(c.relation
      ? {
          relationship: {
            coding: [
              {
                system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship',
                code: c.relation === '1' ? 'self' : 'other',
              },
            ],
            text: c.relation === '1' ? '本人' : '家族',
          },
        }
      : {}),
    ...periodOf(c.startDate, c.endDate),
    payor: [
      c.providerNumber
        ? {
            identifier: { system: ORCA_SYSTEMS.insurer, value: halfWidth(c.providerNumber) },
            ...(name ? { display: name } : {}),
          }
        : { display: name ?? '自費' },
    ],
    order: 1,
    ...(c.rateOutpatient !== undefined
      ? {
          costToBeneficiary: [
            {
              type: { text: '外来負担割合' },
              valueQuantity: {
                value: Math.round(c.rateOutpatient * 100),
                unit: '%',
                system: ORCA_SYSTEMS.ucum,
                code: '%',
              },
            },
          ],
        }
      : {}),
  };
}
