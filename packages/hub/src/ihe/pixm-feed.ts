import { type FeedIdentity, feedIdentitySchema } from '@hie/contract';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { auditHub } from '../audit-record.js';
import type { HubDeps } from '../http.js';
import { feedIdentities } from '../mpi/feed.js';
import { mpiSettingsOf } from '../mpi/routes.js';
import {
  FHIR_JSON_MEDIA_TYPE,
  FhirRefusal,
  FROM_GENDER,
  fhirCaller,
  isObject,
  type Json,
  objects,
  outcome,
  REPRESENTATION,
  refusedWith,
  sendPatient,
  str,
  strings,
  systemAgent,
} from './fhir-common.js';
import { isMergeAsked, pixmMerge } from './fhir-merge.js';
import { isKanaName, personAsked } from './identities.js';

/**
 * PIXm Patient Identity Feed FHIR (ITI-104) as a conditional update,
 * `PUT /fhir/Patient?identifier=urn:oid:<facility OID>|<local id>`, on the patient index's one feed
 * function, as ITI-44 (pix-feed.ts): a facility's system feeds its own facility's patients only, checked
 * before the body is parsed; the identity is validated by the same schema, matched and linked the same way,
 * audited the same way. 201 when the id is new to the facility, 200 when it revises it; the answer is the
 * Patient as PDQm shows it (id = the regional id). A merge (`active` false, `link` replaced-by the
 * surviving id) is the facility's merge of two of its own ids, as ITI-44's (fhir-merge.ts).
 */
/** A Patient is a few kilobytes; this leaves room for long addresses and many identifiers. */
const BODY_LIMIT = 64 * 1024;

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

/** The `identifier` of the conditional update: one, in this facility's own domain. */
function askedIdentifier(query: Record<string, string | string[] | undefined>, facility: string): string {
  const extra = Object.keys(query).filter((k) => k !== 'identifier');
  if (extra.length > 0) {
    throw new FhirRefusal(400, 'not-supported', `only ?identifier= is supported (not ${extra.join(', ')})`);
  }
  const asked = query.identifier;
  if (typeof asked !== 'string' || !/^urn:oid:[0-2](\.\d+)+\|.+$/.test(asked)) {
    throw new FhirRefusal(400, 'required', 'identifier=urn:oid:<this facility’s OID>|<patient id> (one)');
  }
  const bar = asked.indexOf('|');
  if (asked.slice('urn:oid:'.length, bar) !== facility) {
    throw new FhirRefusal(
      403,
      'forbidden',
      `a system feeds its own facility’s patients only (identifier domain urn:oid:${facility}) / 自施設の患者のみ登録できます`,
    );
  }
  return asked.slice(bar + 1);
}

/** The body: a FHIR Patient carrying the identifier of the request (an update or a merge alike). */
function patientIn(request: FastifyRequest, facility: string, localId: string): Json {
  let body: unknown;
  try {
    body = JSON.parse((request.body as Buffer | undefined)?.toString('utf8') ?? '');
  } catch {
    throw new FhirRefusal(400, 'structure', 'the body is not JSON');
  }
  if (!isObject(body)) throw new FhirRefusal(400, 'structure', 'the body is a FHIR Patient');
  if (body.resourceType !== 'Patient') {
    throw new FhirRefusal(400, 'invalid', 'the body is a FHIR Patient', 'Patient.resourceType');
  }
  const own = objects(body.identifier).some((i) => i.system === `urn:oid:${facility}` && i.value === localId);
  if (!own) {
    throw new FhirRefusal(
      400,
      'invalid',
      `the Patient carries the identifier of the request (urn:oid:${facility}|${localId})`,
      'Patient.identifier',
    );
  }
  return body;
}

/**
 * A FHIR Patient as the index's identity. Names: kanji `IDE`, kana `SYL` (the iso21090-EN-representation
 * extension, as JP Core and PDQm write them); a name without it is kana when written in kana only.
 */
function identityOf(patient: Json, facility: string, localId: string): FeedIdentity {
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
      throw new FhirRefusal(400, 'invalid', 'gender: male, female, other or unknown', 'Patient.gender');
    identity.sex = sex;
  }
  if (patient.birthDate !== undefined) {
    const day = String(patient.birthDate);
    const at = /^\d{4}-\d{2}-\d{2}$/.test(day) ? Date.parse(`${day}T00:00:00Z`) : Number.NaN;
    // A calendar day: 1938-02-30 parses (to March 2nd) in some engines, so the round trip is checked.
    const whole = !Number.isNaN(at) && new Date(at).toISOString().startsWith(day);
    // A partial date (year, year-month) is valid FHIR; the index takes whole dates only and leaves it out.
    if (!whole && !/^\d{4}(-(0[1-9]|1[0-2]))?$/.test(day)) {
      throw new FhirRefusal(400, 'invalid', `birthDate: YYYY-MM-DD (${day})`, 'Patient.birthDate');
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
    throw new FhirRefusal(
      400,
      'invalid',
      `${EXPRESSION[field] ?? field}: ${issue?.message ?? 'invalid'}`,
      EXPRESSION[field] ?? 'Patient',
    );
  }
  return checked.data;
}

async function feed(deps: HubDeps, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const facility = await fhirCaller(deps, request, reply);
  if (!facility) return reply;
  const audit = (action: 'C' | 'U', result: '0' | '4', detail: Record<string, string>, personId?: string) =>
    auditHub(deps, [
      {
        type: 'mpi',
        action,
        outcome: result,
        agent: systemAgent(facility),
        ...(personId ? { patient: { personId } } : {}),
        detail: { operation: 'ITI-104', ...detail },
      },
    ]);
  let localId: string;
  let patient: Json;
  try {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== FHIR_JSON_MEDIA_TYPE) {
      throw new FhirRefusal(415, 'not-supported', `send ${FHIR_JSON_MEDIA_TYPE}`);
    }
    const query = request.query as Record<string, string | string[] | undefined>;
    try {
      localId = askedIdentifier(query, facility);
    } catch (error) {
      if (error instanceof FhirRefusal && error.status === 403) {
        await audit('U', '4', { asked: String(query.identifier), refused: 'forbidden' });
      }
      throw error;
    }
    patient = patientIn(request, facility, localId);
  } catch (error) {
    return refusedWith(reply, error);
  }
  if (isMergeAsked(patient)) return pixmMerge(deps, request, reply, { facility, obsolete: localId, patient });
  let identity: FeedIdentity;
  try {
    identity = identityOf(patient, facility, localId);
  } catch (error) {
    return refusedWith(reply, error);
  }
  const known = await personAsked(deps, facility, { root: facility, extension: localId });
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
  return sendPatient(deps, request, reply, {
    facility,
    personId: result.personId,
    status: known ? 200 : 201,
  });
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
        return outcome(reply, new FhirRefusal(413, 'too-long', `a Patient of at most ${BODY_LIMIT} bytes`));
      }
      if (error.statusCode && error.statusCode < 500) {
        return outcome(reply, new FhirRefusal(error.statusCode, 'invalid', error.message));
      }
      request.log.error({ err: error }, 'ITI-104 feed failed');
      return outcome(
        reply,
        new FhirRefusal(500, 'exception', 'the hub could not store it; the error is logged'),
      );
    });
    scoped.put('/fhir/Patient', { schema: { hide: true }, bodyLimit: BODY_LIMIT }, (request, reply) =>
      feed(deps, request, reply),
    );
  });
}
