/**
 * Patient index routes: the gateways' identity feed (feed-token auth) and the network office's
 * review queue, corrections and PDQ. Every change is audited (type 'mpi').
 */

import { FEED_BATCH_LIMIT, type FeedIdentity, feedIdentitySchema } from '@hie/contract';
import { peerContract } from '@hie/platform';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { agentOf, auditHub } from '../audit-record.js';
import { type HubDeps, HubError, type HubRoutes, type HubSettings, requireOffice } from '../http.js';
import { type FeedOutcome, feedIdentities } from './feed.js';
import { facilityOfFeedToken } from './feed-token.js';
import {
  decideReview,
  getPerson,
  getReview,
  linkRecord,
  listReviews,
  mergePersons,
  unlinkRecord,
} from './manage.js';
import { DEFAULT_MPI_SETTINGS, type MpiSettings } from './match.js';
import { searchPersons } from './pdq.js';

/** MPI settings: `settings.mpi` when the hub's settings carry them, else the defaults. */
export function mpiSettingsOf(settings: HubSettings): MpiSettings {
  const own = settings.mpi;
  return own ? { ...DEFAULT_MPI_SETTINGS, ...own } : DEFAULT_MPI_SETTINGS;
}

/**
 * The feed's body: each identity is checked on its own (feedIdentitySchema), so one bad identity is
 * refused alone with its reason and the rest are fed (issue 10, finding 3).
 */
const feedBody = z.object({
  identities: z
    .array(z.record(z.string(), z.unknown()))
    .min(1)
    .max(FEED_BATCH_LIMIT)
    .describe('FeedIdentity[] (@hie/contract identity-feed.ts), each checked on its own'),
});

/** An identity the hub refuses, answered in the outcomes with its reason. */
interface RefusedIdentity {
  facilityOid: string | null;
  localId: string | null;
  index: number;
  outcome: 'rejected';
  reason: string;
}

const shortString = (value: unknown, max: number): string | null =>
  typeof value === 'string' ? value.slice(0, max) : null;
const recordRef = z.object({ facilityOid: z.string().min(1), localId: z.string().min(1) });
const page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};
const idParam = z.object({ id: z.string().min(1).max(64) });
const reason = z.string().max(1000).optional();

/** The facility whose feed token the request carries (active facilities only), else 401. */
export async function feedingFacility(deps: HubDeps, request: FastifyRequest): Promise<string> {
  const header = request.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const refused = new HubError(
    401,
    'not-authenticated',
    'a valid feed token is required / フィードトークンが必要です',
  );
  const facility = await facilityOfFeedToken(deps, token);
  if (!facility) throw refused;
  return facility;
}

export const mpiRoutes: HubRoutes = (app, deps) => {
  const settings = mpiSettingsOf(deps.settings);
  const tags = ['mpi'];

  app.post(
    '/internal/mpi/feed',
    {
      schema: {
        tags,
        summary: 'Feed patient identities from a gateway (PIX feed) / 患者属性の登録',
        body: feedBody,
      },
      // A gateway of another contract major would be misread: refused before its body is read.
      preValidation: async (request) => {
        const contract = peerContract(request.headers);
        if (!contract.ok) throw new HubError(409, 'contract-version', contract.message);
      },
    },
    async (request) => {
      const facilityOid = await feedingFacility(deps, request);
      const raw = (request.body as z.infer<typeof feedBody>).identities;
      // Authority first, for every identity: a sender feeds only its own facility's patients.
      const foreign = raw.find((f) => typeof f.facilityOid === 'string' && f.facilityOid !== facilityOid);
      if (foreign) {
        throw new HubError(
          403,
          'wrong-facility',
          `a gateway may feed only its own facility's patients (${facilityOid})`,
          {
            facilityOid: shortString(foreign.facilityOid, 128),
            localId: shortString(foreign.localId, 64),
          },
        );
      }
      const identities: FeedIdentity[] = [];
      const refused: RefusedIdentity[] = [];
      raw.forEach((candidate, index) => {
        const checked = feedIdentitySchema.safeParse(candidate);
        if (checked.success && checked.data.facilityOid === facilityOid) {
          identities.push(checked.data);
          return;
        }
        const issue = checked.success ? undefined : checked.error.issues[0];
        refused.push({
          facilityOid: shortString(candidate.facilityOid, 128),
          localId: shortString(candidate.localId, 64),
          index,
          outcome: 'rejected',
          reason: issue ? `${issue.path.join('.') || 'identity'}: ${issue.message}` : 'facilityOid: required',
        });
      });
      const fed =
        identities.length > 0
          ? await feedIdentities(deps, identities, `feed:${facilityOid}`, { settings })
          : [];
      const outcomes: (FeedOutcome | RefusedIdentity)[] = [...fed, ...refused];
      const counts: Record<string, string> = {};
      for (const o of outcomes) counts[o.outcome] = String(Number(counts[o.outcome] ?? 0) + 1);
      const changed = fed.filter((o) => o.outcome !== 'unchanged');
      await auditHub(deps, [
        {
          type: 'mpi',
          action: 'U',
          outcome: '0',
          agent: { userId: `feed:${facilityOid}`, facilityOid },
          entities: [
            ...changed.slice(0, 1000).map((o) => `${o.facilityOid}|${o.localId}>${o.personId}`),
            ...refused.slice(0, 100).map((o) => `${o.facilityOid ?? '?'}|${o.localId ?? '?'}!rejected`),
          ],
          detail: { operation: 'feed', records: String(outcomes.length), ...counts },
        },
      ]);
      return { outcomes };
    },
  );

  app.get(
    '/admin/mpi/reviews',
    {
      schema: {
        tags,
        summary: 'Review queue / 名寄せ確認待ち一覧',
        querystring: z.object({
          status: z.enum(['open', 'linked', 'rejected', 'superseded']).optional(),
          ...page,
        }),
      },
    },
    async (request) => {
      requireOffice(request);
      const q = request.query as { status?: string; limit: number; offset: number };
      return listReviews(deps.store, q);
    },
  );

  app.get(
    '/admin/mpi/reviews/:id',
    {
      schema: {
        tags,
        summary: 'A review: both records side by side with the explanation / 確認詳細',
        params: idParam,
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const review = await getReview(deps.store, (request.params as { id: string }).id);
      await auditHub(deps, [
        {
          type: 'mpi',
          action: 'R',
          outcome: '0',
          agent: agentOf(principal),
          patient: {
            personId: review.candidatePersonId,
            facilityOid: review.facilityOid,
            localId: review.localId,
          },
          detail: { operation: 'review-read', review: review.id },
        },
      ]);
      return review;
    },
  );

  const decisionBody = z.object({ decision: z.enum(['link', 'not-same']) });
  app.post(
    '/admin/mpi/reviews/:id/decision',
    {
      schema: {
        tags,
        summary: 'Decide a review: same person (link) or not / 名寄せ判定',
        params: idParam,
        body: decisionBody,
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const { id } = request.params as { id: string };
      const { decision } = request.body as z.infer<typeof decisionBody>;
      const result = await decideReview(deps, id, decision, principal.userId);
      await auditHub(deps, [
        {
          type: 'mpi',
          action: 'U',
          outcome: '0',
          agent: agentOf(principal),
          patient: {
            personId: result.move?.toPersonId ?? result.review.candidatePersonId,
            facilityOid: result.review.facilityOid,
            localId: result.review.localId,
          },
          detail: {
            operation: 'review-decision',
            review: id,
            decision,
            ...(result.move ? { from: result.move.fromPersonId, to: result.move.toPersonId } : {}),
          },
        },
      ]);
      return result;
    },
  );

  const linkBody = recordRef.extend({ personId: z.string().min(1), reason });
  app.post(
    '/admin/mpi/link',
    { schema: { tags, summary: 'Link a record to a person / 手動リンク', body: linkBody } },
    async (request) => {
      const principal = requireOffice(request);
      const body = request.body as z.infer<typeof linkBody>;
      const move = await linkRecord(deps, body, principal.userId);
      await auditMove(deps, principal, 'link', move, body.reason);
      return move;
    },
  );

  const unlinkBody = recordRef.extend({ reason });
  app.post(
    '/admin/mpi/unlink',
    {
      schema: { tags, summary: 'Separate a record into a person of its own / リンク解除', body: unlinkBody },
    },
    async (request) => {
      const principal = requireOffice(request);
      const body = request.body as z.infer<typeof unlinkBody>;
      const move = await unlinkRecord(deps, body, principal.userId);
      await auditMove(deps, principal, 'unlink', move, body.reason);
      return move;
    },
  );

  const mergeBody = z.object({ fromPersonId: z.string().min(1), intoPersonId: z.string().min(1), reason });
  app.post(
    '/admin/mpi/merge',
    { schema: { tags, summary: 'Merge two persons / 患者統合', body: mergeBody } },
    async (request) => {
      const principal = requireOffice(request);
      const body = request.body as z.infer<typeof mergeBody>;
      const result = await mergePersons(deps, body, principal.userId);
      await auditHub(deps, [
        {
          type: 'mpi',
          action: 'U',
          outcome: '0',
          agent: agentOf(principal),
          patient: { personId: body.intoPersonId },
          entities: result.moved.map((r) => `${r.facilityOid}|${r.localId}`),
          detail: {
            operation: 'merge',
            from: body.fromPersonId,
            into: body.intoPersonId,
            ...(body.reason ? { reason: body.reason } : {}),
          },
        },
      ]);
      return result;
    },
  );

  app.get(
    '/admin/mpi/persons/:id',
    { schema: { tags, summary: 'A person: records and history / 患者の名寄せ履歴', params: idParam } },
    async (request) => {
      const principal = requireOffice(request);
      const { id } = request.params as { id: string };
      const person = await getPerson(deps.store, id);
      await auditHub(deps, [
        {
          type: 'mpi',
          action: 'R',
          outcome: '0',
          agent: agentOf(principal),
          patient: { personId: id },
          detail: { operation: 'person-read' },
        },
      ]);
      return person;
    },
  );

  const searchQuery = z.object({
    kana: z.string().max(100).optional(),
    kanji: z.string().max(100).optional(),
    birthDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    sex: z.enum(['M', 'F', 'O', 'U']).optional(),
    facilityOid: z.string().max(128).optional(),
    localId: z.string().max(64).optional(),
    ...page,
  });
  app.get(
    '/admin/mpi/search',
    {
      schema: {
        tags,
        summary: 'PDQ for the network office (identities only) / 患者検索',
        querystring: searchQuery,
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const { limit, offset, ...query } = request.query as z.infer<typeof searchQuery>;
      if (Object.values(query).every((v) => v === undefined || v === '')) {
        throw new HubError(
          400,
          'invalid-request',
          'give at least one search criterion / 検索条件を指定してください',
        );
      }
      const result = await searchPersons(deps.store, query, { limit, offset });
      await auditHub(deps, [
        {
          type: 'search',
          action: 'E',
          outcome: '0',
          agent: agentOf(principal),
          entities: result.persons.map((p) => p.personId),
          detail: { operation: 'mpi-search', query: JSON.stringify(query), total: String(result.total) },
        },
      ]);
      return result;
    },
  );
};

async function auditMove(
  deps: HubDeps,
  principal: NonNullable<FastifyRequest['principal']>,
  operation: 'link' | 'unlink',
  move: { facilityOid: string; localId: string; fromPersonId: string; toPersonId: string },
  reasonText: string | undefined,
): Promise<void> {
  await auditHub(deps, [
    {
      type: 'mpi',
      action: 'U',
      outcome: '0',
      agent: agentOf(principal),
      patient: { personId: move.toPersonId, facilityOid: move.facilityOid, localId: move.localId },
      detail: {
        operation,
        from: move.fromPersonId,
        to: move.toPersonId,
        ...(reasonText ? { reason: reasonText } : {}),
      },
    },
  ]);
}
