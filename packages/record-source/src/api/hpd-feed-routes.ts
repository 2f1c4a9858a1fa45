import { createHash } from 'node:crypto';
import { el, parseXmlSafely, XML_LIMITS, XmlRefusal } from '@hie/platform';
import type { FastifyInstance } from 'fastify';
import { applyHpdFeed, DSML } from '../directory/hpd-feed.js';
import { auditDisclosure } from './audit-record.js';
import { verifiedAssertion } from './auth.js';
import type { ContextOf } from './context.js';
import { GatewayError } from './outcome.js';

export const HPD_FEED_PATH = '/ihe/hpd-feed';
const ANSWER_ACTION = 'urn:ihe:iti:2010:ProviderInformationFeedResponse';
const SOAP = 'http://www.w3.org/2003/05/soap-envelope';
const WSA = 'http://www.w3.org/2005/08/addressing';
/** Where a feed token the hub handed over is kept (it replaces the config's). */
export const FEED_TOKEN_STATE = 'hub-feed-token';

/**
 * ITI-59 Provider Information Feed, received (issue 15): the hub pushes the network's directory here
 * as DSMLv2 in SOAP 1.2. Only the hub may: the request carries its signed assertion for this facility,
 * bound to this path and to the SHA-256 of the body (`?sha256=`), used once. The body is read with the
 * platform's defensive XML reader; each DSML request is answered with its own LDAP result. A new feed
 * token on this facility's own entry is kept in the store and handed to the identity feed
 * (`onFeedToken`) at once. Every feed is audited (type `directory`).
 */
export function registerHpdFeedRoute(
  app: FastifyInstance,
  ctxOf: ContextOf,
  onFeedToken?: (token: string) => void,
): void {
  app.register(async (scoped) => {
    scoped.addContentTypeParser(
      ['application/soap+xml', 'text/xml', 'application/xml'],
      { parseAs: 'buffer', bodyLimit: XML_LIMITS.maxBytes },
      (_request, body, done) => done(null, body),
    );
    scoped.post(HPD_FEED_PATH, { bodyLimit: XML_LIMITS.maxBytes }, async (request, reply) => {
      const ctx = ctxOf(request);
      ctx.requests.set(request, { type: 'directory', action: 'U' });
      await verifiedAssertion(ctx, request);
      const state = ctx.requests.get(request);
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw new GatewayError('bad-request', 'expected a SOAP 1.2 message');
      const digest = createHash('sha256').update(body).digest('base64url');
      const signed = new URL(request.url, 'http://gateway').searchParams.get('sha256');
      if (signed !== digest)
        throw new GatewayError('wrong-operation', 'the body is not the one the assertion was issued for');
      let batch: ReturnType<typeof findBatch>;
      try {
        batch = findBatch(parseXmlSafely(body));
      } catch (error) {
        if (error instanceof XmlRefusal)
          throw new GatewayError('bad-request', `${error.code}: ${error.message}`);
        throw error;
      }
      if (!batch) throw new GatewayError('bad-request', 'no DSML batchRequest in the SOAP Body');
      const applied = await applyHpdFeed(ctx.store, batch, ctx.facility.oid, new Date());
      ctx.requesters?.invalidate();
      if (applied.feedToken) {
        const at = new Date().toISOString();
        await ctx.store.db
          .insertInto('gw_state')
          .values({ name: FEED_TOKEN_STATE, value: applied.feedToken, updated_at: at })
          .onConflict((oc) =>
            oc.column('name').doUpdateSet({ value: applied.feedToken ?? '', updated_at: at }),
          )
          .execute();
        onFeedToken?.(applied.feedToken);
      }
      if (state)
        state.detail = {
          operation: 'ITI-59',
          added: String(applied.added),
          modified: String(applied.modified),
          deleted: String(applied.deleted),
          refused: String(applied.refused),
          ...(applied.feedToken ? { feedToken: 'received' } : {}),
        };
      await auditDisclosure(ctx, request, []);
      return reply
        .header('content-type', `application/soap+xml; charset=utf-8; action="${ANSWER_ACTION}"`)
        .send(
          el(
            'env:Envelope',
            { 'xmlns:env': SOAP, 'xmlns:wsa': WSA },
            el('env:Header', {}, el('wsa:Action', { 'env:mustUnderstand': 'true' }, ANSWER_ACTION)),
            el('env:Body', {}, applied.response),
          ),
        );
    });
  });
}

function findBatch(doc: ReturnType<typeof parseXmlSafely>) {
  const body = doc.getElementsByTagNameNS(SOAP, 'Body')[0];
  if (!body) return null;
  return body.getElementsByTagNameNS(DSML, 'batchRequest')[0] ?? null;
}
