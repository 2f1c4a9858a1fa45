import { attr, childElements, el, type Store, t, text } from '@hie/platform';
import type { Element as XmlElement } from '@xmldom/xmldom';
import type { Schema } from '../store/schema.js';

export const DSML = 'urn:oasis:names:tc:DSML:2:0:core';
/** The directory's root, as the hub's ITI-58 and ITI-59 name it. */
export const BASE_DN = 'dc=HPD';
/** The attribute of this facility's own entry by which the hub hands over a new feed token. */
export const FEED_TOKEN_ATTRIBUTE = 'hieFeedToken';
const MAX_VALUE = 4096;
const RESPONSES = new Set(['addResponse', 'modifyResponse', 'delResponse']);

type Attrs = Record<string, string[]>;

export interface AppliedFeed {
  /** The DSML batchResponse to answer with. */
  response: string;
  added: number;
  modified: number;
  deleted: number;
  refused: number;
  /** A new feed token for this facility, when the hub handed one over. */
  feedToken: string | null;
}

/** LDAP result codes used here (RFC 4511 §4.1.9). */
const RESULT = {
  success: [0, 'success'],
  noSuchObject: [32, 'noSuchObject'],
  invalidDNSyntax: [34, 'invalidDNSyntax'],
  unwillingToPerform: [53, 'unwillingToPerform'],
  entryAlreadyExists: [68, 'entryAlreadyExists'],
  constraintViolation: [19, 'constraintViolation'],
} as const;

/** A DN as the directory keys it: RDNs trimmed, and lower case (LDAP compares these names ignoring case). */
const normalizeDn = (dn: string) =>
  dn
    .split(',')
    .map((rdn) => rdn.trim().replace(/\s*=\s*/, '='))
    .join(',')
    .toLowerCase();

const valuesOf = (element: XmlElement) =>
  childElements(element)
    .filter((v) => v.localName === 'value')
    .map((v) => text(v) ?? '');

/**
 * Applies a DSMLv2 `batchRequest` of ITI-59 Provider Information Feed to the directory this unit keeps:
 * add, modify (add / replace / delete of attributes) and delete of entries of a `dc=HPD` tree (the hub's
 * is rooted there; other directories' below it, as the Swiss `dc=HPD,o=CARA,c=CH`), keyed case-insensitively, each answered
 * on its own with its LDAP result (a refused request does not stop the others), all in one transaction.
 * A modification of this facility's own entry's `hieFeedToken` is taken out (the feed token, never kept
 * in the directory). Searches and anything else are refused (53): this is a feed, not a query.
 */
export async function applyHpdFeed(
  store: Store<Schema>,
  batch: XmlElement,
  ownFacilityOid: string,
  now: Date,
): Promise<AppliedFeed> {
  const counts = { added: 0, modified: 0, deleted: 0, refused: 0 };
  let feedToken: string | null = null;
  const ownDn = normalizeDn(`uid=${ownFacilityOid},ou=HCRegulatedOrganization,${BASE_DN}`);
  const responses: string[] = [];
  await store.db.transaction().execute(async (trx) => {
    const load = async (dn: string): Promise<Attrs | null> => {
      const row = await trx
        .selectFrom('gw_directory_entry')
        .select('attrs')
        .where('dn', '=', dn)
        .executeTakeFirst();
      return row ? (JSON.parse(row.attrs) as Attrs) : null;
    };
    const save = (dn: string, attrs: Attrs, exists: boolean) =>
      exists
        ? trx
            .updateTable('gw_directory_entry')
            .set({ attrs: JSON.stringify(attrs), updated_at: now.toISOString() })
            .where('dn', '=', dn)
            .execute()
        : trx
            .insertInto('gw_directory_entry')
            .values({ dn, attrs: JSON.stringify(attrs), updated_at: now.toISOString() })
            .execute();
    for (const request of childElements(batch)) {
      const requestID = attr(request, 'requestID') ?? undefined;
      const kind = request.localName ?? '';
      const tag = kind.replace(/Request$/, 'Response');
      const answer = (result: readonly [number, string], message?: string) => {
        if (result[0] !== 0) counts.refused++;
        const text = message ? el('errorMessage', {}, t(message)) : '';
        responses.push(
          RESPONSES.has(tag)
            ? el(tag, { requestID }, el('resultCode', { code: result[0], descr: result[1] }), text)
            : // Not a feed request at all: DSML's errorResponse (a message, no result code).
              el('errorResponse', { requestID, type: 'notAttempted' }, el('message', {}, t(message ?? ''))),
        );
      };
      if (request.namespaceURI !== DSML || !['addRequest', 'modifyRequest', 'delRequest'].includes(kind)) {
        answer(
          RESULT.unwillingToPerform,
          `ITI-59 takes addRequest, modifyRequest and delRequest, not ${kind}`,
        );
        continue;
      }
      const dn = normalizeDn(attr(request, 'dn') ?? '');
      if (!dn.split(',').includes(BASE_DN.toLowerCase()) || !/^[^=,]+=[^,]+(,[^=,]+=[^,]+)*$/.test(dn)) {
        answer(RESULT.invalidDNSyntax, `not an entry under ${BASE_DN}: ${dn}`);
        continue;
      }
      const current = await load(dn);
      if (kind === 'delRequest') {
        if (!current) answer(RESULT.noSuchObject, `no entry ${dn}`);
        else {
          await trx.deleteFrom('gw_directory_entry').where('dn', '=', dn).execute();
          counts.deleted++;
          answer(RESULT.success);
        }
        continue;
      }
      const parts = childElements(request).filter(
        (c) => c.localName === (kind === 'addRequest' ? 'attr' : 'modification'),
      );
      if (parts.some((p) => valuesOf(p).some((v) => v.length > MAX_VALUE))) {
        answer(RESULT.constraintViolation, `a value is longer than ${MAX_VALUE} characters`);
        continue;
      }
      if (kind === 'addRequest') {
        if (current) {
          answer(RESULT.entryAlreadyExists, `${dn} exists`);
          continue;
        }
        const attrs: Attrs = {};
        for (const p of parts) attrs[attr(p, 'name') ?? ''] = valuesOf(p);
        delete attrs[''];
        await save(dn, attrs, false);
        counts.added++;
        answer(RESULT.success);
        continue;
      }
      // modifyRequest
      const mine = dn === ownDn;
      const tokenPart = parts.find(
        (p) => (attr(p, 'name') ?? '').toLowerCase() === FEED_TOKEN_ATTRIBUTE.toLowerCase(),
      );
      if (tokenPart && !mine) {
        answer(
          RESULT.unwillingToPerform,
          `${FEED_TOKEN_ATTRIBUTE} is taken on this facility's own entry only`,
        );
        continue;
      }
      if (!current && !(tokenPart && parts.length === 1)) {
        answer(RESULT.noSuchObject, `no entry ${dn}`);
        continue;
      }
      const attrs: Attrs = { ...(current ?? {}) };
      const named = (name: string) => Object.keys(attrs).find((k) => k.toLowerCase() === name.toLowerCase());
      for (const p of parts) {
        const name = attr(p, 'name') ?? '';
        if (p === tokenPart) {
          feedToken = valuesOf(p)[0] ?? null;
          continue;
        }
        const key = named(name) ?? name;
        const given = valuesOf(p);
        switch (attr(p, 'operation')) {
          case 'add':
            attrs[key] = [...new Set([...(attrs[key] ?? []), ...given])];
            break;
          case 'delete':
            if (given.length === 0) delete attrs[key];
            else attrs[key] = (attrs[key] ?? []).filter((v) => !given.includes(v));
            if (attrs[key]?.length === 0) delete attrs[key];
            break;
          default:
            if (given.length === 0) delete attrs[key];
            else attrs[key] = given;
        }
      }
      if (current) {
        await save(dn, attrs, true);
        counts.modified++;
      }
      answer(RESULT.success);
    }
  });
  return {
    response: el(
      'batchResponse',
      { xmlns: DSML, requestID: attr(batch, 'requestID') ?? undefined },
      ...responses,
    ),
    ...counts,
    feedToken,
  };
}
