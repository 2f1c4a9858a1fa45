import type { Category } from '@hie/contract';
import type { HubDeps, HubPrincipal } from '../http.js';
import {
  type ConsentFacts,
  type DenialCode,
  decide,
  type Purpose,
  personVisible,
  type SourceFacts,
  tokyoDay,
} from './decide.js';
import { isCategory } from './matrix.js';
import { loadViewer, type Viewer } from './sql.js';

/** A record of the person the viewer may see, and what the hub may ask its gateway for. */
export interface VisibleRecord {
  facilityOid: string;
  facilityName: string;
  localId: string;
  gatewayUrl: string | null;
  /** The gateway's pinned TLS key (`sha256/…`), when the directory pins one. */
  gatewayTlsPin?: string;
  /** The categories to sign into the gateway assertion. */
  categories: Category[];
  basis: 'consent' | 'break-glass';
  /** The grant used when basis is break-glass (audit it with purposeOfUse ETREAT and its reason). */
  breakGlassId?: string;
}

export interface RecordsForPerson {
  /** Whether the person may appear to this viewer at all (same rule as `personFilter`). */
  visible: boolean;
  records: VisibleRecord[];
  denied: { facilityOid: string; localId: string; reason: DenialCode }[];
  /** The active grant used for this person, if any (reason included, for the audit). */
  breakGlass: { id: string; reason: string; expiresAt: string } | null;
  viewer: Viewer;
}

/**
 * The in-memory side of the one decision, for a single person: every record of the person, decided.
 * `purpose` defaults to ETREAT when the user holds an active grant for the person, else TREAT.
 */
export async function recordsFor(
  deps: Pick<HubDeps, 'store' | 'now'>,
  principal: Pick<HubPrincipal, 'userId' | 'facilityOid'>,
  personId: string,
  purpose?: Purpose,
): Promise<RecordsForPerson> {
  const now = deps.now();
  const today = tokyoDay(now);
  const { db } = deps.store;
  const viewer = await loadViewer(deps.store, principal, now);
  const grant = viewer.breakGlass.find((g) => g.personId === personId) ?? null;
  const chosen: Purpose = purpose ?? (grant ? 'ETREAT' : 'TREAT');
  const rows = await db
    .selectFrom('mpi_record')
    .select(['facility_oid', 'local_id'])
    .where('person_id', '=', personId)
    .orderBy('facility_oid')
    .orderBy('local_id')
    .execute();
  const oids = [...new Set(rows.map((r) => r.facility_oid))];
  const [facilities, disclosures, consents, grantRow] = await Promise.all([
    oids.length === 0
      ? []
      : db
          .selectFrom('hub_facility')
          .select(['oid', 'name', 'status', 'discloses', 'gateway_url', 'gateway_tls_pin'])
          .where('oid', 'in', oids)
          .execute(),
    oids.length === 0
      ? []
      : db.selectFrom('hub_disclosure').selectAll().where('facility_oid', 'in', oids).execute(),
    rows.length === 0
      ? []
      : db
          .selectFrom('hub_consent')
          .leftJoin('hub_consent_viewer', 'hub_consent_viewer.consent_id', 'hub_consent.id')
          .select([
            'hub_consent.id',
            'hub_consent.facility_oid',
            'hub_consent.local_id',
            'hub_consent.scope',
            'hub_consent.start_date',
            'hub_consent.end_date',
            'hub_consent.status',
            'hub_consent_viewer.viewer_oid',
          ])
          .where((eb) =>
            eb.or(
              rows.map((r) =>
                eb.and([
                  eb('hub_consent.facility_oid', '=', r.facility_oid),
                  eb('hub_consent.local_id', '=', r.local_id),
                ]),
              ),
            ),
          )
          .execute(),
    grant
      ? db.selectFrom('hub_break_glass').select('reason').where('id', '=', grant.id).executeTakeFirst()
      : undefined,
  ]);

  const consentsByRecord = new Map<string, Map<string, ConsentFacts & { viewers: string[] }>>();
  for (const c of consents) {
    const key = `${c.facility_oid}\u0000${c.local_id}`;
    const byId = consentsByRecord.get(key) ?? new Map<string, ConsentFacts & { viewers: string[] }>();
    consentsByRecord.set(key, byId);
    const facts = byId.get(c.id) ?? {
      scope: c.scope,
      viewers: [],
      startDate: c.start_date,
      endDate: c.end_date,
      status: c.status,
    };
    byId.set(c.id, facts);
    if (c.viewer_oid) facts.viewers.push(c.viewer_oid);
  }

  const records: VisibleRecord[] = [];
  const denied: RecordsForPerson['denied'] = [];
  const decisions = rows.map((row) => {
    const facility = facilities.find((f) => f.oid === row.facility_oid);
    const source: SourceFacts = {
      facilityOid: row.facility_oid,
      active: facility?.status === 'active',
      discloses: Number(facility?.discloses ?? 0) === 1,
      disclosed: disclosures
        .filter((d) => d.facility_oid === row.facility_oid)
        .map((d) => d.category)
        .filter(isCategory),
    };
    const decision = decide(
      {
        viewer,
        source,
        consents: [...(consentsByRecord.get(`${row.facility_oid}\u0000${row.local_id}`)?.values() ?? [])],
        professionCategories: viewer.categories,
        breakGlass: grant,
        today,
      },
      chosen,
    );
    if (decision.allow) {
      records.push({
        facilityOid: row.facility_oid,
        facilityName: facility?.name ?? row.facility_oid,
        localId: row.local_id,
        gatewayUrl: facility?.gateway_url ?? null,
        ...(facility?.gateway_tls_pin ? { gatewayTlsPin: facility.gateway_tls_pin } : {}),
        categories: decision.categories,
        basis: decision.basis,
        ...(decision.breakGlassId ? { breakGlassId: decision.breakGlassId } : {}),
      });
    } else {
      denied.push({ facilityOid: row.facility_oid, localId: row.local_id, reason: decision.reason });
    }
    return decision;
  });
  return {
    visible: personVisible(viewer, viewer.categories, chosen, decisions, grant),
    records,
    denied,
    breakGlass:
      grant && grantRow ? { id: grant.id, reason: grantRow.reason, expiresAt: grant.expiresAt } : null,
    viewer,
  };
}
