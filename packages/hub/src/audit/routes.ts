import type { Store } from '@hie/platform';
import { verifyAudit } from '@hie/platform';
import type { FastifyRequest } from 'fastify';
import { agentOf, auditHub } from '../audit-record.js';
import { HubError, type HubRoutes, requireOffice, requirePrincipal } from '../http.js';
import type { Schema } from '../store/schema.js';
import { accessReport, accessReportScope } from './access-report.js';
import { auditBundle, toAuditEvent } from './balp.js';
import {
  type AuditFilter,
  auditRange,
  countAuditEvents,
  listAuditEvents,
  type StoredAuditEvent,
} from './query.js';
import {
  type AuditFilterQuery,
  accessReportQuery,
  auditFilterQuery,
  exportQuery,
  personParams,
} from './schemas.js';

const notFound = () => new HubError(404, 'not-found', '該当する患者はいません / no such patient');

/** The request's filter, or 400 `invalid-request` naming a bad date. */
export function auditFilterOf(query: AuditFilterQuery): AuditFilter {
  const range = auditRange(query.from, query.to);
  if (!range) {
    throw new HubError(400, 'invalid-request', 'from/to: YYYY-MM-DD (日本時間) or an ISO timestamp', [
      { where: 'querystring', path: '/from', message: 'not a date' },
    ]);
  }
  return {
    ...(query.personId ? { personId: query.personId } : {}),
    ...(query.userId ? { userId: query.userId } : {}),
    ...(query.facilityOid ? { facilityOid: query.facilityOid } : {}),
    ...(query.type ? { types: query.type } : {}),
    ...range,
  };
}

async function facilityNames(store: Store<Schema>, events: readonly StoredAuditEvent[]) {
  const oids = [
    ...new Set(events.flatMap((e) => (e.record.agent?.facilityOid ? [e.record.agent.facilityOid] : []))),
  ];
  const rows = oids.length
    ? await store.db.selectFrom('hub_facility').select(['oid', 'name']).where('oid', 'in', oids).execute()
    : [];
  return new Map(rows.map((r) => [r.oid, r.name]));
}

/** What the auditor asked, kept with the 'audit' event (ATNA "Audit Log Used"). */
const askedFor = (query: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
  );

/**
 * The audit repository's API: the office's search and FHIR export, the chain check, and the patient's
 * access report (「誰が私の記録を見たか」).
 */
export const auditRoutes: HubRoutes = (app, deps) => {
  /** One page of the office's search or export; the reading itself is audited (ATNA "Audit Log Used"). */
  async function officePage(request: FastifyRequest, order: 'asc' | 'desc', action: 'E' | 'R') {
    const principal = requireOffice(request);
    const query = request.query as AuditFilterQuery;
    const filter = auditFilterOf(query);
    const [total, events] = await Promise.all([
      countAuditEvents(deps.store, filter),
      listAuditEvents(deps.store, filter, { limit: query.limit, offset: query.offset, order }),
    ]);
    const names = await facilityNames(deps.store, events);
    await auditHub(deps, [
      { type: 'audit', action, outcome: '0', agent: agentOf(principal, request.ip), detail: askedFor(query) },
    ]);
    return { query, total, events, names };
  }

  app.get(
    '/admin/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Search the audit log (office): by patient, user, facility, type, dates; newest first',
        querystring: auditFilterQuery,
      },
    },
    async (request) => {
      const { query, total, events, names } = await officePage(request, 'desc', 'E');
      return {
        total,
        limit: query.limit,
        offset: query.offset,
        events: events.map((e) => ({
          seq: e.seq,
          recordedAt: e.recordedAt,
          ...e.record,
          facilityName: e.record.agent?.facilityOid ? (names.get(e.record.agent.facilityOid) ?? null) : null,
        })),
      };
    },
  );

  app.get(
    '/admin/audit/export',
    {
      schema: {
        tags: ['audit'],
        summary: 'Export the audit log as a FHIR R4 Bundle of AuditEvent (IHE BALP), oldest first, paged',
        querystring: exportQuery,
      },
    },
    async (request, reply) => {
      const { query, total, events, names } = await officePage(request, 'asc', 'R');
      const nextOffset = query.offset + events.length;
      const next =
        nextOffset < total
          ? `/api/v1/admin/audit/export?${new URLSearchParams(askedFor({ ...query, offset: nextOffset })).toString()}`
          : undefined;
      const bundle = auditBundle(
        events.map((e) => toAuditEvent(e, { facilities: names })),
        { timestamp: deps.now().toISOString(), total, ...(next ? { next } : {}) },
      );
      return reply
        .header('content-type', 'application/fhir+json; charset=utf-8')
        .send(JSON.stringify(bundle));
    },
  );

  app.get(
    '/admin/audit/verify',
    {
      schema: {
        tags: ['audit'],
        summary: 'Re-compute the hash chain: names every edited, deleted, re-linked or truncated event',
      },
    },
    async (request) => {
      const principal = requireOffice(request);
      const result = await verifyAudit(deps.store);
      await auditHub(deps, [
        {
          type: 'audit',
          action: 'E',
          outcome: result.ok ? '0' : '4',
          ...(result.ok
            ? {}
            : { outcomeDescription: `${result.problems.length} problem(s) in the audit chain` }),
          agent: agentOf(principal, request.ip),
          detail: { check: 'verify', events: String(result.events) },
        },
      ]);
      return result;
    },
  );

  app.get(
    '/patients/:personId/access-report',
    {
      schema: {
        tags: ['audit'],
        summary: "Who looked at this patient's records (views, searches, break-the-glass), newest first",
        params: personParams,
        querystring: accessReportQuery,
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const { personId } = request.params as { personId: string };
      const page = request.query as { limit: number; offset: number };
      const keys = await accessReportScope(deps.store, principal, personId);
      if (!keys) throw notFound();
      const report = await accessReport(deps.store, personId, keys, page);
      await auditHub(deps, [
        {
          type: 'audit',
          action: 'R',
          outcome: '0',
          agent: agentOf(principal, request.ip),
          // Not the person's patient_key: reading the report is not an access to the records.
          entities: [`Patient/${personId}`],
          detail: { report: 'access-report' },
        },
      ]);
      return report;
    },
  );
};
