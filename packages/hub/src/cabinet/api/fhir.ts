import {
  type CabinetAttachmentView,
  ORIGINAL_TEXT_EXTENSION,
  PROFESSIONS,
  type Profession,
  SCHEDULE_KINDS,
  type ScheduleOccurrenceView,
  VITAL_SIGNS,
  type VitalSign,
} from '@hie/contract';
import type { Selectable } from 'kysely';
import type { HubCabinetPostTable, HubCabinetTable } from '../../store/cabinet-tables.js';
import type { PostBody, ResolvedInput } from '../inputs.js';

/**
 * The cabinet as FHIR R4 for other systems (介護業務支援 systems, a vendor viewer): the team as CareTeam,
 * posts as Communication, vital signs as Observation (vital-signs profile, LOINC, UCUM), the schedule's
 * occurrences as Appointment, posted files and drawings as DocumentReference. The patient is
 * the cabinet's own (contained): a home-care patient need not be in the network's index.
 */

const OID_SYSTEM = 'urn:ietf:rfc:3986';
const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
const HCROLE = 'urn:oid:1.2.392.100495.1.6.1.1';

type Cabinet = Selectable<HubCabinetTable>;
type Post = Selectable<HubCabinetPostTable>;

export function containedPatient(cabinet: Cabinet) {
  const [family, ...given] = cabinet.patient_name.split(/[\s　]+/);
  const [familyKana, ...givenKana] = cabinet.patient_kana.split(/[\s　]+/);
  return {
    resourceType: 'Patient',
    id: 'patient',
    name: [
      {
        extension: [{ url: REPRESENTATION, valueCode: 'IDE' }],
        use: 'official',
        text: cabinet.patient_name,
        family,
        given,
      },
      {
        extension: [{ url: REPRESENTATION, valueCode: 'SYL' }],
        use: 'official',
        text: cabinet.patient_kana,
        family: familyKana,
        given: givenKana,
      },
    ],
    gender: ['male', 'female', 'other', 'unknown'].includes(cabinet.sex) ? cabinet.sex : 'unknown',
    birthDate: cabinet.birth_date,
    ...(cabinet.address ? { address: [{ text: cabinet.address }] } : {}),
  };
}

const organization = (oid: string, name?: string | null) => ({
  identifier: { system: OID_SYSTEM, value: `urn:oid:${oid}` },
  ...(name ? { display: name } : {}),
});

const practitioner = (userId: string, name: string) => ({
  identifier: { system: 'urn:hie:user', value: userId },
  display: name,
});

const professionConcept = (profession: string) => {
  const spec = PROFESSIONS[profession as Profession];
  return {
    coding: [
      { system: 'urn:hie:profession', code: profession, display: spec?.ja ?? profession },
      ...(spec?.hcRole ? [{ system: HCROLE, code: spec.hcRole }] : []),
    ],
    text: spec?.ja ?? profession,
  };
};

export function careTeam(
  cabinet: Cabinet,
  members: readonly {
    userId: string;
    name: string;
    profession: string;
    facilityOid: string;
    facilityName: string | null;
    role: string;
    status: string;
  }[],
  groupName: string,
) {
  return {
    resourceType: 'CareTeam',
    id: cabinet.id,
    contained: [containedPatient(cabinet)],
    status: cabinet.status === 'open' ? 'active' : 'inactive',
    name: `${groupName}: ${cabinet.patient_name}`,
    subject: { reference: '#patient' },
    period: { start: cabinet.opened_at, ...(cabinet.closed_at ? { end: cabinet.closed_at } : {}) },
    managingOrganization: [organization(cabinet.owner_facility_oid)],
    participant: members
      .filter((m) => m.status === 'active')
      .map((m) => ({
        role: [professionConcept(m.profession)],
        member: practitioner(m.userId, m.name),
        onBehalfOf: organization(m.facilityOid, m.facilityName),
      })),
  };
}

const sectionLabel = { s: 'S', o: 'O', a: 'A', p: 'P' } as const;

export function communication(cabinet: Cabinet, post: Post, facilityName: string | null) {
  const body = JSON.parse(post.body_json) as PostBody;
  const texts = body.soap
    ? (['s', 'o', 'a', 'p'] as const)
        .filter((k) => body.soap?.[k].trim())
        .map((k) => `${sectionLabel[k]}: ${body.soap?.[k]}`)
    : body.text?.trim()
      ? [body.text]
      : [];
  const inputs = body.inputs.map((i) => `${i.label.ja}: ${i.display}`);
  return {
    resourceType: 'Communication',
    id: post.id,
    meta: { versionId: String(post.version), lastUpdated: post.updated_at },
    contained: [containedPatient(cabinet)],
    status: 'completed',
    category: [{ coding: [{ system: 'urn:hie:cabinet-post-kind', code: post.kind }] }],
    priority: post.urgent ? 'urgent' : 'routine',
    subject: { reference: '#patient' },
    ...(post.reply_to ? { inResponseTo: [{ reference: `Communication/${post.reply_to}` }] } : {}),
    sent: post.created_at,
    sender: { ...practitioner(post.author_user_id, post.author_name) },
    extension: [
      { url: 'urn:hie:cabinet', valueString: cabinet.id },
      { url: 'urn:hie:author-profession', valueCodeableConcept: professionConcept(post.author_profession) },
      {
        url: 'urn:hie:author-organization',
        valueReference: organization(post.author_facility_oid, facilityName),
      },
    ],
    payload: [...texts, ...inputs].map((contentString) => ({ contentString })),
  };
}

/** A number as FHIR wants it (a JSON number) and, when the JSON number loses what was typed, the text too. */
function quantity(input: ResolvedInput) {
  const raw = String(input.value);
  const value = Number(raw);
  const unit = input.unit ?? '';
  return {
    ...(String(value) === raw ? {} : { extension: [{ url: ORIGINAL_TEXT_EXTENSION, valueString: raw }] }),
    value,
    unit: unit === 'Cel' ? '℃' : unit,
    system: UCUM,
    code: unit,
  };
}

const vitalCode = (code: VitalSign) => ({
  coding: [{ system: LOINC, code: VITAL_SIGNS[code].loinc, display: VITAL_SIGNS[code].en }],
  text: VITAL_SIGNS[code].ja,
});

/** A post's vital signs as Observations; systolic and diastolic together as one blood-pressure panel. */
export function observations(cabinet: Cabinet, post: Post) {
  const body = JSON.parse(post.body_json) as PostBody;
  const vitals = body.inputs.filter((i) => i.vital);
  const base = (id: string) => ({
    resourceType: 'Observation',
    id: `${post.id}-${id}`,
    contained: [containedPatient(cabinet)],
    status: post.version > 1 ? 'amended' : 'final',
    category: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
        ],
      },
    ],
    subject: { reference: '#patient' },
    effectiveDateTime: post.created_at,
    performer: [practitioner(post.author_user_id, post.author_name)],
    derivedFrom: [{ reference: `Communication/${post.id}` }],
  });
  const systolic = vitals.find((v) => v.vital === 'bp-systolic');
  const diastolic = vitals.find((v) => v.vital === 'bp-diastolic');
  const out: object[] = [];
  if (systolic && diastolic) {
    out.push({
      ...base('bp'),
      code: { coding: [{ system: LOINC, code: '85354-9', display: 'Blood pressure panel' }], text: '血圧' },
      component: [systolic, diastolic].map((v) => ({
        code: vitalCode(v.vital as VitalSign),
        valueQuantity: quantity(v),
      })),
    });
  }
  for (const v of vitals) {
    if (systolic && diastolic && (v === systolic || v === diastolic)) continue;
    out.push({
      ...base(v.vital as string),
      code: vitalCode(v.vital as VitalSign),
      valueQuantity: quantity(v),
    });
  }
  return out;
}

export function searchset(resources: readonly object[], self: string) {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: self }],
    entry: resources.map((resource) => ({
      fullUrl: `urn:uuid:${(resource as { id: string }).id}`,
      resource,
      search: { mode: 'match' },
    })),
  };
}

/** A schedule occurrence as an Appointment (a recurring entry answers one Appointment per occurrence). */
export function appointment(cabinet: Cabinet, occurrence: ScheduleOccurrenceView) {
  const kind = SCHEDULE_KINDS[occurrence.kind];
  return {
    resourceType: 'Appointment',
    id: `${occurrence.entryId}-${occurrence.originalDate}`,
    contained: [containedPatient(cabinet)],
    status: occurrence.status === 'cancelled' ? 'cancelled' : 'booked',
    serviceType: [
      {
        coding: [{ system: 'urn:hie:cabinet-schedule-kind', code: occurrence.kind, display: kind.ja }],
        text: kind.ja,
      },
    ],
    start: occurrence.start,
    end: occurrence.end,
    ...(occurrence.note ? { comment: occurrence.note } : {}),
    extension: [{ url: 'urn:hie:cabinet', valueString: cabinet.id }],
    participant: [
      { actor: { reference: '#patient' }, status: 'accepted' },
      ...(occurrence.person
        ? [
            {
              actor: { ...practitioner(occurrence.person.userId, occurrence.person.name ?? '') },
              status: 'accepted',
            },
          ]
        : []),
      { actor: organization(occurrence.facility.oid, occurrence.facility.name), status: 'accepted' },
    ],
  };
}

const DOCUMENT_TYPES: Readonly<Record<string, string>> = {
  image: '写真',
  video: '動画',
  pdf: 'PDF文書',
  drawing: 'シェーマ',
};

/** A file or drawing a post carries, as a DocumentReference whose content is the hub's URL for it. */
export function documentReference(cabinet: Cabinet, post: Post, attachment: CabinetAttachmentView) {
  return {
    resourceType: 'DocumentReference',
    id: `${attachment.type}-${attachment.id}`,
    contained: [containedPatient(cabinet)],
    status: 'current',
    type: {
      coding: [
        {
          system: 'urn:hie:cabinet-attachment-kind',
          code: attachment.kind,
          display: DOCUMENT_TYPES[attachment.kind] ?? attachment.kind,
        },
      ],
      text: DOCUMENT_TYPES[attachment.kind] ?? attachment.kind,
    },
    subject: { reference: '#patient' },
    date: post.created_at,
    author: [practitioner(post.author_user_id, post.author_name)],
    ...(attachment.label ? { description: attachment.label } : {}),
    context: { related: [{ reference: `Communication/${post.id}` }] },
    content: [
      {
        attachment: {
          contentType: attachment.mediaType,
          url: attachment.url,
          size: attachment.size,
          title: attachment.name,
        },
      },
    ],
  };
}
