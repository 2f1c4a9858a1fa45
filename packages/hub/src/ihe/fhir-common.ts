import type { FastifyReply, FastifyRequest } from 'fastify';
import { type HubDeps, HubError } from '../http.js';
import { type PersonSummary, searchPersons } from '../mpi/pdq.js';
import { callingFacility } from './node.js';
import { hubOids } from './v3.js';

/**
 * What the hub's FHIR endpoints (PIXm/PDQm fhir.ts, the PIXm feed pixm-feed.ts, mCSD mcsd.ts) share: the
 * JSON content type, the one error shape (an OperationOutcome), the caller check, paging links, and a
 * person as a FHIR Patient as the calling facility may see it.
 */

/** The media type the FHIR endpoints speak (JSON only) and the header they answer with. */
export const FHIR_JSON_MEDIA_TYPE = 'application/fhir+json';
export const FHIR_JSON = `${FHIR_JSON_MEDIA_TYPE}; charset=utf-8`;
/** How JP Core (and PDQm) mark a name as written (`IDE`, kanji) or as read (`SYL`, kana). */
export const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';

/** A FHIR issue type (the OperationOutcome's machine-readable code). */
export type IssueCode =
  | 'business-rule'
  | 'code-invalid'
  | 'exception'
  | 'forbidden'
  | 'invalid'
  | 'login'
  | 'not-found'
  | 'not-supported'
  | 'required'
  | 'structure'
  | 'too-long';

/** A refusal as values: HTTP status, FHIR issue code, the message, the element at fault when there is one. */
export class FhirRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: IssueCode,
    message: string,
    readonly expression?: string,
  ) {
    super(message);
  }
}

/** Answers a refusal as an OperationOutcome (the FHIR endpoints' one error shape). */
export const outcome = (reply: FastifyReply, refusal: FhirRefusal) =>
  reply
    .status(refusal.status)
    .header('content-type', FHIR_JSON)
    .send({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: refusal.code,
          diagnostics: refusal.message,
          ...(refusal.expression ? { expression: [refusal.expression] } : {}),
        },
      ],
    });

/** Answers `refusal` when `error` is one; anything else is the hub's own failure and is thrown on. */
export function refusedWith(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof FhirRefusal) return outcome(reply, error);
  throw error;
}

/**
 * The calling facility system (ITI-19 node authentication, node.ts), or null once it has been answered
 * 401 as an OperationOutcome: the route returns the reply as it is.
 */
export async function fhirCaller(
  deps: HubDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<string | null> {
  try {
    return await callingFacility(deps, request);
  } catch (error) {
    if (error instanceof HubError && error.status === 401) {
      await outcome(reply, new FhirRefusal(401, 'login', error.message));
      return null;
    }
    throw error;
  }
}

/** The OID of a `urn:oid:` system; null for any other system. */
export const oidOf = (system: string) =>
  system.startsWith('urn:oid:') ? system.slice('urn:oid:'.length) : null;

/** The audit agent of a facility's system. */
export const systemAgent = (facility: string) => ({ userId: `ihe:${facility}`, facilityOid: facility });

export type Query = Record<string, string | string[] | undefined>;
export const listOf = (v: string | string[] | undefined) => ([] as string[]).concat(v ?? []);

/** The parameters of a search as asked, without its `_offset` (the paging links set their own). */
export const searchParams = (query: Query): [string, string][] =>
  Object.entries(query)
    .filter(([k]) => k !== '_offset')
    .flatMap(([k, v]) => listOf(v).map((x): [string, string] => [k, x]));

/** A searchset Bundle of one page, with its self link and, when more follow, its next link. */
export function searchset(
  url: string,
  query: Query,
  page: { offset: number; count: number; total: number },
  entry: readonly unknown[],
) {
  const params = searchParams(query);
  const link = (at: number) =>
    `${url}?${new URLSearchParams([...params, ['_offset', String(at)]]).toString()}`;
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: page.total,
    link: [
      { relation: 'self', url: link(page.offset) },
      ...(page.offset + page.count < page.total
        ? [{ relation: 'next', url: link(page.offset + page.count) }]
        : []),
    ],
    entry,
  };
}

/** A whole name as family and given names (split at spaces, half or full width). */
export const splitName = (whole: string) => {
  const [family = '', ...given] = whole.trim().split(/[\s\u3000]+/);
  return { family, given };
};

/** A FHIR HumanName marked as written (`IDE`, kanji) or as read (`SYL`, kana), as JP Core writes it. */
export function nameOf(whole: string, representation: 'IDE' | 'SYL') {
  const { family, given } = splitName(whole);
  return {
    extension: [{ url: REPRESENTATION, valueCode: representation }],
    use: 'official',
    text: whole,
    ...(family ? { family } : {}),
    ...(given.length > 0 ? { given } : {}),
  };
}

/** The index's HL7 v2 administrative sex and FHIR's `gender`. */
export const GENDER: Record<string, string> = { M: 'male', F: 'female', O: 'other', U: 'unknown' };
export const FROM_GENDER: Record<string, 'M' | 'F' | 'O' | 'U'> = {
  male: 'M',
  female: 'F',
  other: 'O',
  unknown: 'U',
};

/**
 * A person as a FHIR Patient for `facility`: id and first identifier the regional id, then the facility's
 * own ids only (never another facility's); kanji and kana names.
 */
export const patientOf = (person: PersonSummary, facility: string, regional: string) => ({
  resourceType: 'Patient',
  id: person.personId,
  identifier: [
    { system: `urn:oid:${regional}`, value: person.personId },
    ...person.records
      .filter((r) => r.facilityOid === facility)
      .map((r) => ({ system: `urn:oid:${facility}`, value: r.localId })),
  ],
  active: true,
  name: [
    ...(person.nameKanji ? [nameOf(person.nameKanji, 'IDE')] : []),
    ...(person.nameKana ? [nameOf(person.nameKana, 'SYL')] : []),
  ],
  ...(person.sex && GENDER[person.sex] ? { gender: GENDER[person.sex] } : {}),
  ...(person.birthDate ? { birthDate: person.birthDate } : {}),
});

/** The person `personId` when `facility` has a record of it (its own patient); else undefined. */
export async function ownPatient(
  deps: Pick<HubDeps, 'store'>,
  facility: string,
  personId: string,
): Promise<PersonSummary | undefined> {
  const found = await searchPersons(
    deps.store,
    { personId },
    { recordFilter: (eb) => eb('mpi_record.facility_oid', '=', facility), limit: 1, offset: 0 },
  );
  return found.persons[0];
}

/**
 * Answers the person `personId` as the Patient `facility` sees it, with its address in `location` (the
 * PIXm feed's 200/201). The person was just written for this facility: not finding it is the hub's fault.
 */
export async function sendPatient(
  deps: Pick<HubDeps, 'store' | 'settings'>,
  request: FastifyRequest,
  reply: FastifyReply,
  answer: { facility: string; personId: string; status: 200 | 201 },
): Promise<FastifyReply> {
  const person = await ownPatient(deps, answer.facility, answer.personId);
  if (!person) throw new Error(`Patient/${answer.personId} is not found for ${answer.facility}`);
  return reply
    .status(answer.status)
    .header('content-type', FHIR_JSON)
    .header('location', `${request.protocol}://${request.host}/fhir/Patient/${person.personId}`)
    .send(patientOf(person, answer.facility, hubOids(deps.settings).regionalId));
}

/** Reading a FHIR JSON body: objects, lists of objects and of strings, a non-empty string. */
export type Json = Record<string, unknown>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
export const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : [];
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
