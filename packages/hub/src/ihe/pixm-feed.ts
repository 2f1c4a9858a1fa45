import { type FeedIdentity, feedIdentitySchema } from '@hie/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditHub } from '../audit-record.js';
import { type HubDeps, HubError } from '../http.js';
import { feedIdentities } from '../mpi/feed.js';
import { type PersonSummary, searchPersons } from '../mpi/pdq.js';
import { mpiSettingsOf } from '../mpi/routes.js';
import { isKanaName } from './identities.js';
import { callingFacility } from './node.js';
import { hubOids } from './v3.js';

/**
 * PIXm Patient Identity Feed FHIR (ITI-104) as a conditional update,
 * `PUT /fhir/Patient?identifier=urn:oid:<facility OID>|<local id>`, on the patient index's one feed
 * function, as ITI-44 (pix-feed.ts): a facility's system feeds its own facility's patients only, checked
 * before the body is parsed; the identity is validated by the same schema, matched and linked the same way,
 * audited the same way. 201 when the id is new to the facility, 200 when it revises it; the answer is the
 * Patient as PDQm shows it (id = the regional id). A merge (`link` replaced-by, `active` false) is
 * refused with 422: a facility merges its own ids with ITI-44 (mpi/local-merge.ts), the network office
 * merges persons (README).
 */
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const REPRESENTATION = 'http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation';
/** A Patient is a few kilobytes; this leaves room for long addresses and many identifiers. */
const BODY_LIMIT = 64 * 1024;

/** A refusal as an OperationOutcome: the FHIR issue code, and the element at fault when there is one. */
class FeedRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly expression?: string,
  ) {
    super(message);
  }
}

const outcome = (reply: FastifyReply, refusal: FeedRefusal) =>
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

/** The feed schema's fields as FHIR paths, so a client is told which of its elements is wrong. */
const EXPRESSION: Record<string, string> = {
  localId: 'Patient.identifier',
  nameKanji: 'Patient.name',
  nameKana: 'Patient.name',
  birthDate: 'Patient.birthDate',
  sex: 'Patient.gender',
  postcode: 'Patient.address.postalCode',
  address: 'Patient.address',
  phone: 'Patient.telecom',
};
const FROM_GENDER: Record<string, FeedIdentity['sex']> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };
const GENDER: Record<string, string> = { M: 'male', F: 'female', O: 'other', U: 'unknown' };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : [];
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The `identifier` of the conditional update: one, in this facility's own domain. */
function askedIdentifier(query: Record<string, string | string[] | undefined>, facility: string): string {
  const extra = Object.keys(query).filter((k) => k !== 'identifier');
  if (extra.length > 0) {
    throw new FeedRefusal(400, 'not-supported', `only ?identifier= is supported (not ${extra.join(', ')})`);
  }
  const asked = query.identifier;
  if (typeof asked !== 'string' || !/^urn:oid:[0-2](\.\d+)+\|.+$/.test(asked)) {
    throw new FeedRefusal(400, 'required', 'identifier=urn:oid:<this facility’s OID>|<patient id> (one)');
  }
  const bar = asked.indexOf('|');
  if (asked.slice('urn:oid:'.length, bar) !== facility) {
    throw new FeedRefusal(
      403,
      'forbidden',
      `a system feeds its own facility’s patients only (identifier domain urn:oid:${facility}) / 自施設の患者のみ登録できます`,
    );
  }
  return asked.slice(bar + 1);
}

/**
 * A FHIR Patient as the index's identity. Names: kanji `IDE`, kana `SYL` (the iso21090-EN-representation
 * extension, as JP Core and PDQm write them); a name without it is kana when written in kana only.
 */
function identityOf(patient: Json, facility: string, localId: string): FeedIdentity {
  if (patient.resourceType !== 'Patient') {
    throw new FeedRefusal(400, 'invalid', 'the body is a FHIR Patient', 'Patient.resourceType');
  }
  if (patient.active === false || objects(patient.link).length > 0) {
    throw new FeedRefusal(
      422,
      'business-rule',
      'ITI-104 merges and deactivations are not taken: merge two of the facility’s own ids with ITI-44 (PRPA_IN201304UV02); persons are merged by the network office / 統合は ITI-44 またはネットワーク事務局で行います',
      objects(patient.link).length > 0 ? 'Patient.link' : 'Patient.active',
    );
  }
  const own = objects(patient.identifier).some(
    (i) => i.system === `urn:oid:${facility}` && i.value === localId,
  );
  if (!own) {
    throw new FeedRefusal(
      400,
      'invalid',
      `the Patient carries the identifier of the request (urn:oid:${facility}|${localId})`,
      'Patient.identifier',
    );
  }
  const identity: Json = { facilityOid: facility, localId };
  for (const name of objects(patient.name)) {
    if (name.use !== undefined && name.use !== 'official' && name.use !== 'usual') continue;
    const parts = [str(name.family), ...strings(name.given)].filter((p): p is string => p !== undefined);
    const whole = parts.length > 0 ? parts.join(' ') : str(name.text);
    if (!whole) continue;
    const use = objects(name.extension)
      .filter((e) => e.url === REPRESENTATION)
      .map((e) => String(e.valueCode));
    if (isKanaName(whole, use)) identity.nameKana ??= whole;
    else identity.nameKanji ??= whole;
  }
  if (patient.gender !== undefined) {
    const sex = FROM_GENDER[String(patient.gender)];
    if (!sex)
      throw new FeedRefusal(400, 'invalid', 'gender: male, female, other or unknown', 'Patient.gender');
    identity.sex = sex;
  }
  if (patient.birthDate !== undefined) {
    const day = String(patient.birthDate);
    const at = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
    // A calendar day: 1938-02-30 parses (to March 2nd) in some engines, so the round trip is checked.
    const whole = !Number.isNaN(at) && new Date(at).toISOString().startsWith(day);
    // A partial date (year, year-month) is valid FHIR; the index takes whole dates only and leaves it out.
    if (!whole && !/^\d{4}(-(0[1-9]|1[0-2]))?$/.test(day)) {
      throw new FeedRefusal(400, 'invalid', `birthDate: YYYY-MM-DD (${day})`, 'Patient.birthDate');
    }
    if (whole) identity.birthDate = day;
  }
  const address = objects(patient.address).find((a) => a.use !== 'old' && a.use !== 'billing');
  if (address) {
    if (str(address.postalCode)) identity.postcode = str(address.postalCode);
    const line = [str(address.state), str(address.city), str(address.district), ...strings(address.line)]
      .filter((p): p is string => p !== undefined)
      .join('');
    if (line || str(address.text)) identity.address = line || str(address.text);
  }
  const phone = objects(patient.telecom).find((t) => t.system === 'phone' && str(t.value));
  if (phone) identity.phone = String(phone.value);
  const checked = feedIdentitySchema.safeParse(identity);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const field = String(issue?.path[0] ?? '');
    throw new FeedRefusal(
      400,
      'invalid',
      `${EXPRESSION[field] ?? field}: ${issue?.message ?? 'invalid'}`,
      EXPRESSION[field] ?? 'Patient',
    );
  }
  return checked.data;
}

function nameOf(whole: string, representation: 'IDE' | 'SYL') {
  const [family, ...given] = whole.split(/[\s\u3000]+/);
  return {
    extension: [{ url: REPRESENTATION, valueCode: representation }],
    use: 'official',
    text: whole,
    ...(family ? { family } : {}),
    ...(given.length > 0 ? { given } : {}),
  };
}

/** The Patient as PDQm (ITI-78) reads it: the regional id and this facility's own ids. */
const patientOf = (person: PersonSummary, facility: string, regional: string) => ({
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

async function feed(deps: HubDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  let facility: string;
  try {
    facility = await callingFacility(deps, request);
  } catch (error) {
    if (error instanceof HubError && error.status === 401)
      return outcome(reply, new FeedRefusal(401, 'login', error.message));
    throw error;
  }
  const audit = (action: 'C' | 'U', result: '0' | '4', detail: Record<string, string>, personId?: string) =>
    auditHub(deps, [
      {
        type: 'mpi',
        action,
        outcome: result,
        agent: { userId: `ihe:${facility}`, facilityOid: facility },
        ...(personId ? { patient: { personId } } : {}),
        detail: { operation: 'ITI-104', ...detail },
      },
    ]);
  let localId: string;
  let identity: FeedIdentity;
  try {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/fhir+json') {
      throw new FeedRefusal(415, 'not-supported', 'send application/fhir+json');
    }
    const query = request.query as Record<string, string | string[] | undefined>;
    try {
      localId = askedIdentifier(query, facility);
    } catch (error) {
      if (error instanceof FeedRefusal && error.status === 403) {
        await audit('U', '4', { asked: String(query.identifier), refused: 'forbidden' });
      }
      throw error;
    }
    let body: unknown;
    try {
      body = JSON.parse((request.body as Buffer | undefined)?.toString('utf8') ?? '');
    } catch {
      throw new FeedRefusal(400, 'structure', 'the body is not JSON');
    }
    if (!isObject(body)) throw new FeedRefusal(400, 'structure', 'the body is a FHIR Patient');
    identity = identityOf(body, facility, localId);
  } catch (error) {
    if (error instanceof FeedRefusal) return outcome(reply, error);
    throw error;
  }
  const known = await deps.store.db
    .selectFrom('mpi_record')
    .select('person_id')
    .where('facility_oid', '=', facility)
    .where('local_id', '=', localId)
    .executeTakeFirst();
  const [result] = await feedIdentities(deps, [identity], `ihe:${facility}`, {
    settings: mpiSettingsOf(deps.settings),
  });
  if (!result) throw new Error('the feed gave no outcome');
  await audit(
    known ? 'U' : 'C',
    '0',
    { identifier: `urn:oid:${facility}|${localId}`, outcome: result.outcome },
    result.personId,
  );
  const stored = await searchPersons(
    deps.store,
    { personId: result.personId },
    { recordFilter: (eb) => eb('mpi_record.facility_oid', '=', facility), limit: 1, offset: 0 },
  );
  const person = stored.persons[0];
  if (!person) throw new Error(`fed ${localId} is not found as ${result.personId}`);
  return reply
    .status(known ? 200 : 201)
    .header('content-type', FHIR_JSON)
    .header('location', `${request.protocol}://${request.host}/fhir/Patient/${person.personId}`)
    .send(patientOf(person, facility, hubOids(deps.settings).regionalId));
}

export async function pixmFeedRoutes(app: FastifyInstance, deps: HubDeps): Promise<void> {
  await app.register(async (scoped) => {
    // The body is read as bytes whatever its type: the caller and the identifier's domain are checked
    // before it is parsed, and a wrong type is answered as FHIR (415), not by the hub's JSON error shape.
    scoped.removeAllContentTypeParsers();
    scoped.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) =>
      done(null, body),
    );
    scoped.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
      if (error.statusCode === 413) {
        return outcome(reply, new FeedRefusal(413, 'too-long', `a Patient of at most ${BODY_LIMIT} bytes`));
      }
      if (error.statusCode && error.statusCode < 500) {
        return outcome(reply, new FeedRefusal(error.statusCode, 'invalid', error.message));
      }
      request.log.error({ err: error }, 'ITI-104 feed failed');
      return outcome(
        reply,
        new FeedRefusal(500, 'exception', 'the hub could not store it; the error is logged'),
      );
    });
    scoped.put('/fhir/Patient', { schema: { hide: true }, bodyLimit: BODY_LIMIT }, (request, reply) =>
      feed(deps, request, reply),
    );
  });
}
