import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Store } from '../../store/open.js';
import type { Schema } from '../../store/schema.js';
import { type AccessRule, type GatewayAccess, rowAllowed, ruleOf, whereAllowed } from './rule.js';

/** A half-open bound on gw_resource.date (ISO text, compared as text). */
export interface DateBound {
  op: '>=' | '<';
  value: string;
}

/** A list request in plain data; the HTTP layer parses FHIR search parameters into it. */
export interface ResourceQuery {
  /** Undefined = every type (the patient's timeline). */
  resourceType?: string;
  /** The caller's own narrowing; the access rule applies on top of it. */
  categories?: readonly string[];
  dateBounds?: readonly DateBound[];
  codes?: readonly string[];
  count: number;
  offset: number;
}

export interface ResourceRow {
  resource_type: string;
  id: string;
  json: string;
  version_id: number;
  last_updated: string;
}

export interface ResourcePage {
  /** Every match under the access rule, not only this page. */
  total: number;
  rows: ResourceRow[];
}

/** Why a read found nothing — for the audit log only; the caller always gets the same 404. */
export type ReadOutcome =
  | { found: true; row: ResourceRow & { file_path: string } }
  | { found: false; why: 'unknown' | 'not-visible' };

/**
 * The only way the API reads gw_resource: every query carries the request's access rule, so no route
 * can forget it (one choke point, as in Medplum's per-request repository).
 */
export class GatewayRepository {
  private readonly rule: AccessRule;

  constructor(
    private readonly store: Store<Schema>,
    readonly access: GatewayAccess,
  ) {
    this.rule = ruleOf(access);
  }

  async search(query: ResourceQuery): Promise<ResourcePage> {
    const filtered = this.filtered(query);
    // Newest first; ties by type and id, all descending, so SQLite walks the timeline index
    // (patient_id, date, resource_type, id) backwards and stops after the page: no sort of the
    // patient's whole record. Undated resources (Patient, most allergies) come last.
    const rows =
      query.count === 0
        ? []
        : await filtered
            .select(['resource_type', 'id', 'json', 'version_id', 'last_updated'])
            .orderBy(this.date(), (ob) => ob.desc().nullsLast())
            .orderBy('resource_type', 'desc')
            .orderBy('id', 'desc')
            .limit(query.count)
            .offset(query.offset)
            .execute();
    // A short page that is not past the end tells the total without counting.
    if (rows.length < query.count && (rows.length > 0 || query.offset === 0)) {
      return { total: query.offset + rows.length, rows };
    }
    const counted = await filtered.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return { total: Number(counted?.n ?? 0), rows };
  }

  /** One resource, if the rule allows it; checked in memory on the row, the same rule as in SQL. */
  async read(resourceType: string, id: string): Promise<ReadOutcome> {
    const row = await this.store.db
      .selectFrom('gw_resource')
      .select([
        'resource_type',
        'id',
        'json',
        'version_id',
        'last_updated',
        'patient_id',
        'category',
        'file_path',
      ])
      .where('resource_type', '=', resourceType)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return { found: false, why: 'unknown' };
    if (!rowAllowed(this.rule, row)) return { found: false, why: 'not-visible' };
    const { patient_id: _p, category: _c, ...visible } = row;
    return { found: true, row: visible };
  }

  private filtered(query: ResourceQuery): SelectQueryBuilder<Schema, 'gw_resource', object> {
    let q = this.store.db.selectFrom('gw_resource').where(whereAllowed(this.rule));
    if (query.resourceType !== undefined) q = q.where('resource_type', '=', query.resourceType);
    if (query.categories !== undefined) {
      q =
        query.categories.length === 0
          ? q.where(sql.lit(1), '=', 0)
          : q.where('category', 'in', query.categories);
    }
    if (query.codes !== undefined) {
      q = query.codes.length === 0 ? q.where(sql.lit(1), '=', 0) : q.where('code', 'in', query.codes);
    }
    for (const bound of query.dateBounds ?? []) q = q.where(this.date(), bound.op, bound.value);
    return q;
  }

  /** Dates compare as text; PostgreSQL must use byte order ("C"), as SQLite does, whatever the database collation. */
  private date(): RawBuilder<string | null> {
    return this.store.engine === 'postgres' ? sql<string | null>`date collate "C"` : sql<string | null>`date`;
  }
}
