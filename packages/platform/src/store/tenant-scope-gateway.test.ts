// The gateway's query shapes (packages/record-source/src: access/repository.ts, feed/checkpoint.ts,
// api/nonce-ledger.ts; packages/gateway/src: ingest/apply.ts, ingest/status.ts,
// ingest/pacs-study-rows.ts), copied here — not imported — and compiled through the tenant plugin: the
// SQL each tenant would run.
import {
  DummyDriver,
  type Expression,
  type ExpressionBuilder,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type SqlBool,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { QueryTemplates } from './query-templates.js';
import { TenantScopePlugin } from './tenant-scope.js';

/** The gateway's tables as its code sees them (no tenant column: the plugin adds it). */
interface Gw {
  gw_resource: {
    resource_type: string;
    id: string;
    patient_id: string;
    category: string;
    date: string | null;
    code: string | null;
    record_key: string;
    file_path: string;
    version_id: number;
    last_updated: string;
    json: string;
  };
  gw_state: { name: string; value: string; updated_at: string };
  gw_patient: { patient_id: string; name_kana: string | null; updated_at: string };
  gw_error: { path: string; code: string; message: string; attempts: number; last_tried: string };
  gw_file: { path: string; record_key: string; status: string; data_type: string };
  gw_nonce: { jti: string; expires_at: number };
  gw_dicom_instance: { patient_id: string; study_uid: string; source: string };
  audit_event: { seq: number; hash: string };
}

const GW_TABLES = [
  'gw_resource',
  'gw_state',
  'gw_patient',
  'gw_error',
  'gw_file',
  'gw_nonce',
  'gw_dicom_instance',
];

function compiler(engine: 'sqlite' | 'postgres'): Kysely<Gw> {
  return new Kysely<Gw>({
    dialect: {
      createAdapter: () => (engine === 'sqlite' ? new SqliteAdapter() : new PostgresAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) =>
        engine === 'sqlite' ? new SqliteIntrospector(db) : new PostgresIntrospector(db),
      createQueryCompiler: () =>
        engine === 'sqlite' ? new SqliteQueryCompiler() : new PostgresQueryCompiler(),
    },
  });
}

const gateway = compiler('sqlite');
const tenantA = gateway.withPlugin(new TenantScopePlugin({ tenant: 'A', tables: GW_TABLES }));

/** access/rule.ts whereAllowed: the access rule compiled to SQL. */
const whereAllowed =
  (patients: string[], categories: string[]) =>
  (eb: ExpressionBuilder<Gw, 'gw_resource'>): Expression<SqlBool> =>
    eb.and([eb('patient_id', 'in', patients), eb('category', 'in', categories)]);

describe('the gateway’s queries under the tenant plugin', () => {
  it('repository.search: the access rule and filters stay whole, behind the tenant predicate', () => {
    const q = tenantA
      .selectFrom('gw_resource')
      .where(whereAllowed(['p1'], ['lab', 'rx']))
      .where('resource_type', '=', 'Observation')
      .where(sql<string>`date`, '>=', '2026-01-01')
      .select(['resource_type', 'id', 'json', 'version_id', 'last_updated'])
      .orderBy(sql`date`, (ob) => ob.desc().nullsLast())
      .orderBy('resource_type', 'desc')
      .orderBy('id', 'desc')
      .limit(10)
      .offset(20)
      .compile();
    expect(q.sql).toBe(
      'select "resource_type", "id", "json", "version_id", "last_updated" from "gw_resource" ' +
        'where "gw_resource"."tenant" = ? and (("patient_id" in (?) and "category" in (?, ?)) ' +
        'and "resource_type" = ? and date >= ?) ' +
        'order by date desc nulls last, "resource_type" desc, "id" desc limit ? offset ?',
    );
    expect(q.parameters).toEqual(['A', 'p1', 'lab', 'rx', 'Observation', '2026-01-01', 10, 20]);
  });

  it('repository.read and the count of a search', () => {
    const read = tenantA
      .selectFrom('gw_resource')
      .select(['json', 'patient_id', 'category'])
      .where('resource_type', '=', 'Patient')
      .where('id', '=', 'p1')
      .compile();
    expect(read.sql).toBe(
      'select "json", "patient_id", "category" from "gw_resource" ' +
        'where "gw_resource"."tenant" = ? and ("resource_type" = ? and "id" = ?)',
    );
    const count = tenantA
      .selectFrom('gw_resource')
      .where(whereAllowed(['p1'], []))
      .select((eb) => eb.fn.countAll().as('n'))
      .compile();
    expect(count.sql).toMatch(
      /^select count\(\*\) as "n" from "gw_resource" where "gw_resource"\."tenant" = \? and \(/,
    );
  });

  it('feed/checkpoint: insert … on conflict do nothing, compare-and-set update, reset delete', () => {
    const insert = tenantA
      .insertInto('gw_state')
      .values({ name: 'feed.checkpoint', value: '{}', updated_at: 'now' })
      .onConflict((oc) => oc.column('name').doNothing())
      .compile();
    expect(insert.sql).toBe(
      'insert into "gw_state" ("name", "value", "updated_at", "tenant") values (?, ?, ?, ?) ' +
        'on conflict ("name", "tenant") do nothing',
    );
    expect(insert.parameters).toEqual(['feed.checkpoint', '{}', 'now', 'A']);
    const advance = tenantA
      .updateTable('gw_state')
      .set({ value: 'to', updated_at: 'now' })
      .where('name', '=', 'feed.checkpoint')
      .where('value', '=', 'from')
      .compile();
    expect(advance.sql).toBe(
      'update "gw_state" set "value" = ?, "updated_at" = ? ' +
        'where "gw_state"."tenant" = ? and ("name" = ? and "value" = ?)',
    );
    expect(advance.parameters).toEqual(['to', 'now', 'A', 'feed.checkpoint', 'from']);
    const reset = tenantA.deleteFrom('gw_state').where('name', '=', 'feed.checkpoint').compile();
    expect(reset.sql).toBe('delete from "gw_state" where "gw_state"."tenant" = ? and ("name" = ?)');
  });

  it('feed/checkpoint afterCheckpoint: the OR of the position stays inside the parentheses', () => {
    const q = tenantA
      .selectFrom('gw_patient')
      .where((eb) =>
        eb.or([eb('updated_at', '>', 't'), eb.and([eb('updated_at', '=', 't'), eb('patient_id', '>', 'p')])]),
      )
      .select('patient_id')
      .orderBy('updated_at')
      .limit(100)
      .compile();
    expect(q.sql).toBe(
      'select "patient_id" from "gw_patient" where "gw_patient"."tenant" = ? and ' +
        '(("updated_at" > ? or ("updated_at" = ? and "patient_id" > ?))) order by "updated_at" limit ?',
    );
  });

  it('ingest/apply: upserts with excluded values, keyed deletes, lookups', () => {
    const errors = tenantA
      .insertInto('gw_error')
      .values([
        { path: '/a', code: 'X', message: 'm', attempts: 1, last_tried: 'now' },
        { path: '/b', code: 'Y', message: 'n', attempts: 2, last_tried: 'now' },
      ])
      .onConflict((oc) =>
        oc.column('path').doUpdateSet((eb) => ({
          code: eb.ref('excluded.code'),
          attempts: eb.ref('excluded.attempts'),
        })),
      )
      .compile();
    expect(errors.sql).toBe(
      'insert into "gw_error" ("path", "code", "message", "attempts", "last_tried", "tenant") ' +
        'values (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?) on conflict ("path", "tenant") ' +
        'do update set "code" = "excluded"."code", "attempts" = "excluded"."attempts"',
    );
    expect(errors.parameters.filter((p) => p === 'A')).toHaveLength(2);
    const state = tenantA
      .insertInto('gw_state')
      .values({ name: 'last_ingest_at', value: 'now', updated_at: 'now' })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: 'now', updated_at: 'now' }))
      .compile();
    expect(state.sql).toContain('on conflict ("name", "tenant") do update set "value" = ?, "updated_at" = ?');
    const patients = tenantA.deleteFrom('gw_patient').where('patient_id', 'in', ['p1', 'p2']).compile();
    expect(patients.sql).toBe(
      'delete from "gw_patient" where "gw_patient"."tenant" = ? and ("patient_id" in (?, ?))',
    );
    const files = tenantA.selectFrom('gw_file').selectAll().where('record_key', 'in', ['k']).compile();
    expect(files.sql).toBe('select * from "gw_file" where "gw_file"."tenant" = ? and ("record_key" in (?))');
  });

  it('ingest/status and pacs-study-rows: grouped counts and distinct selects', () => {
    const byStatus = tenantA
      .selectFrom('gw_file')
      .select(['status as k', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['current', 'deleted'])
      .groupBy('status')
      .compile();
    expect(byStatus.sql).toBe(
      'select "status" as "k", count(*) as "n" from "gw_file" ' +
        'where "gw_file"."tenant" = ? and ("status" in (?, ?)) group by "status"',
    );
    const all = tenantA
      .selectFrom('gw_patient')
      .select((eb) => eb.fn.countAll().as('n'))
      .compile();
    expect(all.sql).toBe('select count(*) as "n" from "gw_patient" where "gw_patient"."tenant" = ?');
    const held = tenantA
      .selectFrom('gw_dicom_instance')
      .select('patient_id')
      .distinct()
      .where('source', '=', 'pacs')
      .compile();
    expect(held.sql).toBe(
      'select distinct "patient_id" from "gw_dicom_instance" ' +
        'where "gw_dicom_instance"."tenant" = ? and ("source" = ?)',
    );
  });

  it('on PostgreSQL the tenant is a numbered parameter in SQL order', () => {
    const pgA = compiler('postgres').withPlugin(new TenantScopePlugin({ tenant: 'A', tables: GW_TABLES }));
    const q = pgA
      .updateTable('gw_state')
      .set({ value: 'v' })
      .where('name', '=', 'n')
      .returning('name')
      .compile();
    expect(q.sql).toBe(
      'update "gw_state" set "value" = $1 where "gw_state"."tenant" = $2 and ("name" = $3) returning "name"',
    );
    expect(q.parameters).toEqual(['v', 'A', 'n']);
  });

  it('leaves a table outside the scoped set exactly as the gateway compiles it', () => {
    const build = (db: Kysely<Gw>) =>
      db.selectFrom('audit_event').select('hash').where('seq', '>', 3).compile();
    expect(build(tenantA).sql).toBe(build(gateway).sql);
    expect(build(tenantA).parameters).toEqual(build(gateway).parameters);
  });

  it('api/nonce-ledger through QueryTemplates: the tenant is part of each template', () => {
    const templates = new QueryTemplates();
    const insert = (db: Kysely<Gw>, values: readonly unknown[]) =>
      templates.compile(`nonce ${values.length / 2}`, values, (v) =>
        db
          .insertInto('gw_nonce')
          .values(
            Array.from({ length: v.length / 2 }, (_, i) => ({
              jti: v[2 * i] as string,
              expires_at: v[2 * i + 1] as number,
            })),
          )
          .onConflict((oc) => oc.column('jti').doNothing())
          .returning('jti'),
      );
    const first = insert(tenantA, ['n1', 1, 'n2', 2]);
    expect(first.sql).toBe(
      'insert into "gw_nonce" ("jti", "expires_at", "tenant") values (?, ?, ?), (?, ?, ?) ' +
        'on conflict ("jti", "tenant") do nothing returning "jti"',
    );
    expect(first.parameters).toEqual(['n1', 1, 'A', 'n2', 2, 'A']);
    // The tenant is a constant of the compiled template, not one of its values: a QueryTemplates
    // shared by two tenants' dbs would give the second one the first one's scope. The gateway keeps
    // one per Store (repository.ts templatesOf, NonceLedger.inserts): a tenant's Store must be its own object.
    const tenantB = gateway.withPlugin(new TenantScopePlugin({ tenant: 'B', tables: GW_TABLES }));
    expect(insert(tenantB, ['n3', 3, 'n4', 4]).parameters).toEqual(['n3', 3, 'A', 'n4', 4, 'A']);
  });
});
