// A hand-made entry → the JP Core resource the hub and the viewer read, with its index entry. The
// resource names the facility's staff member who entered it (recorder / author, by user id and
// profession) and says it was entered by hand (meta.source), so a reader can weigh it.
import { type Category, type EntryBody, type EntryKind, type PatientEntry, PROFESSIONS } from '@hie/contract';
import { type MappedResource, patientIdSystem, patientResourceId } from '@hie/fhir-jp';
import type { Resource } from '@medplum/fhirtypes';

const JP = 'http://jpfhir.jp/fhir/core/StructureDefinition/';
const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const ICD10 = 'http://jpfhir.jp/fhir/core/CodeSystem/icd-10';
const YJ = 'urn:oid:1.2.392.100495.20.2.74';

export interface EntryAuthor {
  userId: string;
  profession: string;
}

export interface EntryFacility {
  institutionCode: string;
  oid: string;
  name: string;
}

/** Every id of a hand-made entry starts with this: never the prefix of another source's ids. */
export const ENTRY_PREFIX = 'man.';

const CATEGORY: Readonly<Record<EntryKind, Category>> = {
  allergy: 'allergy',
  diagnosis: 'diagnosis',
  medication: 'prescription',
  guidance: 'document-medication-guidance',
  note: 'document-physician-note',
};

export function patientResource(localId: string, p: PatientEntry, facility: EntryFacility): MappedResource {
  const id = patientResourceId(localId);
  const resource = {
    resourceType: 'Patient',
    id,
    meta: { profile: [`${JP}JP_Patient`], source: `urn:hie:entry:${facility.institutionCode}` },
    identifier: [{ system: patientIdSystem(facility.institutionCode), value: localId }],
    name: [
      {
        extension: [{ url: REPRESENTATION, valueCode: 'IDE' }],
        use: 'official',
        text: `${p.familyName} ${p.givenName}`,
        family: p.familyName,
        given: [p.givenName],
      },
      {
        extension: [{ url: REPRESENTATION, valueCode: 'SYL' }],
        use: 'official',
        text: `${p.familyKana} ${p.givenKana}`,
        family: p.familyKana,
        given: [p.givenKana],
      },
    ],
    gender: p.sex,
    birthDate: p.birthDate,
    ...(p.postcode || p.address
      ? {
          address: [
            {
              use: 'home',
              ...(p.address ? { text: p.address } : {}),
              ...(p.postcode ? { postalCode: p.postcode.replace(/^(\d{3})(\d{4})$/, '$1-$2') } : {}),
            },
          ],
        }
      : {}),
    ...(p.phone ? { telecom: [{ system: 'phone', value: p.phone, use: 'home' }] } : {}),
  } as Resource;
  return { resource, index: { resourceType: 'Patient', id, patientId: localId, category: 'demographics' } };
}

/** The resource of one clinical entry (`id` is the entry's, kept across its versions). */
export function entryResource<K extends EntryKind>(
  kind: K,
  id: string,
  localId: string,
  body: EntryBody<K>,
  author: EntryAuthor,
  facility: EntryFacility,
  at: string,
): MappedResource {
  const subject = { reference: `Patient/${patientResourceId(localId)}` };
  const who = {
    reference: `Practitioner/${facility.oid}.${author.userId}`,
    display: `${facility.name} ${PROFESSIONS[author.profession as keyof typeof PROFESSIONS]?.ja ?? author.profession}`,
  };
  const meta = (profile: string) => ({
    profile: [`${JP}${profile}`],
    source: `urn:hie:entry:${facility.institutionCode}`,
  });
  let resource: Resource;
  let date: string | undefined;
  let code: string | undefined;
  switch (kind) {
    case 'allergy': {
      const a = body as EntryBody<'allergy'>;
      date = a.onset ?? at.slice(0, 10);
      resource = {
        resourceType: 'AllergyIntolerance',
        id,
        meta: meta('JP_AllergyIntolerance'),
        clinicalStatus: coded('http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', 'active'),
        verificationStatus: coded(
          'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
          a.verification,
        ),
        category: [a.category],
        criticality: a.criticality,
        code: { text: a.substance },
        patient: subject,
        ...(a.onset ? { onsetDateTime: a.onset } : {}),
        recordedDate: at,
        recorder: who,
        ...(a.reaction ? { reaction: [{ manifestation: [{ text: a.reaction }] }] } : {}),
      };
      break;
    }
    case 'diagnosis': {
      const d = body as EntryBody<'diagnosis'>;
      date = d.onset ?? at.slice(0, 10);
      code = d.icd10;
      resource = {
        resourceType: 'Condition',
        id,
        meta: meta('JP_Condition'),
        clinicalStatus: coded('http://terminology.hl7.org/CodeSystem/condition-clinical', d.status),
        verificationStatus: coded(
          'http://terminology.hl7.org/CodeSystem/condition-ver-status',
          d.suspected ? 'provisional' : 'confirmed',
        ),
        category: [coded('http://terminology.hl7.org/CodeSystem/condition-category', 'problem-list-item')],
        code: {
          text: d.suspected ? `${d.name}の疑い` : d.name,
          ...(d.icd10 ? { coding: [{ system: ICD10, code: d.icd10.replace('.', '') }] } : {}),
        },
        subject,
        ...(d.onset ? { onsetDateTime: d.onset } : {}),
        ...(d.abatement ? { abatementDateTime: d.abatement } : {}),
        recordedDate: at,
        recorder: who,
      };
      break;
    }
    case 'medication': {
      const m = body as EntryBody<'medication'>;
      date = m.start ?? at.slice(0, 10);
      code = m.yj;
      const ended = m.end !== undefined && m.end < at.slice(0, 10);
      resource = {
        resourceType: 'MedicationStatement',
        id,
        meta: meta('JP_MedicationStatement'),
        status: ended ? 'completed' : 'active',
        medicationCodeableConcept: {
          text: m.name,
          ...(m.yj ? { coding: [{ system: YJ, code: m.yj, display: m.name }] } : {}),
        },
        subject,
        ...(m.start || m.end
          ? { effectivePeriod: { ...(m.start ? { start: m.start } : {}), ...(m.end ? { end: m.end } : {}) } }
          : {}),
        dateAsserted: at,
        informationSource: who,
        ...(m.dosage ? { dosage: [{ text: m.dosage }] } : {}),
        note: [{ text: MEDICATION_SOURCE[m.source] }],
      };
      break;
    }
    case 'guidance':
    case 'note': {
      const n = body as EntryBody<'guidance'> & { title?: string };
      date = n.date;
      const title = kind === 'guidance' ? '服薬指導' : (n.title ?? '診療メモ');
      resource = {
        resourceType: 'DocumentReference',
        id,
        meta: meta('JP_DocumentReference'),
        status: 'current',
        type: { text: title },
        subject,
        date: `${n.date}T00:00:00+09:00`,
        author: [who],
        description: title,
        content: [
          {
            attachment: {
              contentType: 'text/plain; charset=utf-8',
              title,
              creation: `${n.date}T00:00:00+09:00`,
              data: Buffer.from(n.text, 'utf8').toString('base64'),
            },
          },
        ],
      } as Resource;
      break;
    }
    default:
      throw new Error(`unknown entry kind ${kind as string}`);
  }
  return {
    resource,
    index: {
      resourceType: resource.resourceType,
      id,
      patientId: localId,
      category: CATEGORY[kind],
      ...(date ? { date } : {}),
      ...(code ? { code } : {}),
    },
  };
}

const MEDICATION_SOURCE = {
  'other-clinic': '他院処方（聞き取り）',
  otc: '市販薬（聞き取り）',
  supplement: 'サプリメント（聞き取り）',
  own: '自院',
} as const;

function coded(system: string, code: string) {
  return { coding: [{ system, code }] };
}
