import type { Store } from '@hie/platform';
import { QueryTemplates } from '@hie/platform';
import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Schema } from '../store/schema.js';
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
    const { shape, values } = filterShape(this.rule, query);
    const templates = templatesOf(this.store);
    // Newest first; ties by type and id, all descending, so SQLite walks the timeline index
    // (patient_id, date, resource_type, id) backwards and stops after the page: no sort of the
    // patient's whole record. Undated resources (Patient, most allergies) come last.
    const rows =
      query.count === 0
        ? []
        : (
            await this.store.db.executeQuery(
              templates.compile(`page ${shape}`, [...values, query.count, query.offset], (v) =>
                this.filtered(query, v)
                  .select(['resource_type', 'id', 'json', 'version_id', 'last_updated'])
                  .orderBy(this.date(), (ob) => ob.desc().nullsLast())
                  .orderBy('resource_type', 'desc')
                  .orderBy('id', 'desc')
                  .limit(v[v.length - 2] as number)
                  .offset(v[v.length - 1] as number),
              ),
            )
          ).rows;
    // A short page that is not past the end tells the total without counting.
    if (rows.length < query.count && (rows.length > 0 || query.offset === 0)) {
      return { total: query.offset + rows.length, rows };
    }
    const counted = await this.store.db.executeQuery(
      templates.compile(`count ${shape}`, values, (v) =>
        this.filtered(query, v).select((eb) => eb.fn.countAll().as('n')),
      ),
    );
    return { total: Number(counted.rows[0]?.n ?? 0), rows };
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

  /**
   * The rule and the caller's filters, with every value taken in order from `values` (as laid out by
   * filterShape): the query is compiled once per shape with placeholders there (QueryTemplates).
   */
  private filtered(
    query: ResourceQuery,
    values: readonly unknown[],
  ): SelectQueryBuilder<Schema, 'gw_resource', object> {
    let next = 0;
    const take = (n: number) => {
      const taken = values.slice(next, next + n) as string[];
      next += n;
      return taken;
    };
    const rule: AccessRule = { patient_id: take(1), category: take(this.rule.category.length) };
    let q = this.store.db.selectFrom('gw_resource').where(whereAllowed(rule));
    if (query.resourceType !== undefined) q = q.where('resource_type', '=', take(1)[0] as string);
    if (query.categories !== undefined) {
      q =
        query.categories.length === 0
          ? q.where(sql.lit(1), '=', 0)
          : q.where('category', 'in', take(query.categories.length));
    }
    if (query.codes !== undefined) {
      q =
        query.codes.length === 0
          ? q.where(sql.lit(1), '=', 0)
          : q.where('code', 'in', take(query.codes.length));
    }
    for (const bound of query.dateBounds ?? []) q = q.where(this.date(), bound.op, take(1)[0] as string);
    return q;
  }

  /** Dates compare as text; PostgreSQL must use byte order ("C"), as SQLite does, whatever the database collation. */
  private date(): RawBuilder<string | null> {
    return this.store.engine === 'postgres' ? sql<string | null>`date collate "C"` : sql<string | null>`date`;
  }
}

/**
 * What makes the SQL text of a search differ (list lengths, which filters are present, the date
 * operators), and its values in the order `filtered` takes them.
 */
function filterShape(rule: AccessRule, query: ResourceQuery): { shape: string; values: string[] } {
  const values = [...rule.patient_id, ...rule.category];
  if (query.resourceType !== undefined) values.push(query.resourceType);
  values.push(...(query.categories ?? []), ...(query.codes ?? []));
  const bounds = query.dateBounds ?? [];
  for (const bound of bounds) values.push(bound.value);
  const shape = [
    rule.patient_id.length,
    rule.category.length,
    query.resourceType === undefined ? '-' : 't',
    query.categories?.length ?? '-',
    query.codes?.length ?? '-',
    bounds.map((b) => b.op).join(''),
  ].join(' ');
  return { shape, values };
}

/** One set of compiled search templates per store (the SQL differs between engines). */
const templatesByStore = new WeakMap<Store<Schema>, QueryTemplates>();
function templatesOf(store: Store<Schema>): QueryTemplates {
  let templates = templatesByStore.get(store);
  if (!templates) {
    templates = new QueryTemplates();
    templatesByStore.set(store, templates);
  }
  return templates;
}
