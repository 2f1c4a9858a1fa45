// One store, many facilities (tenants): every query of a tenant's db is confined to its rows by the
// query tree itself, so the gateway's query code runs unchanged for a single facility (no plugin) and
// for each tenant of a shared repository (`db.withPlugin(new TenantScopePlugin({ tenant, tables }))`).
import {
  AliasNode,
  AndNode,
  BinaryOperationNode,
  ColumnNode,
  type ColumnUpdateNode,
  type CommonTableExpressionNameNode,
  type DeleteQueryNode,
  IdentifierNode,
  type InsertQueryNode,
  type JoinNode,
  type KyselyPlugin,
  ListNode,
  type OnConflictNode,
  OnNode,
  type OperationNode,
  OperationNodeTransformer,
  OperatorNode,
  ParensNode,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PrimitiveValueListNode,
  type QueryId,
  type QueryResult,
  RawNode,
  ReferenceNode,
  type RootOperationNode,
  SelectionNode,
  SelectQueryNode,
  TableNode,
  type UnknownRow,
  type UpdateQueryNode,
  ValueListNode,
  ValueNode,
  ValuesNode,
  WhereNode,
} from 'kysely';

export interface TenantScopeOptions {
  /** The tenant (facility) every query is confined to. */
  readonly tenant: string;
  /** Tables whose rows belong to a tenant; each has the tenant column in every primary and unique key. */
  readonly tables: Iterable<string>;
  /** The tenant column of those tables (default `tenant`). */
  readonly column?: string;
}

/** Why a query was refused: the plugin could not prove it stays inside the tenant. */
export type TenantScopeRefusal =
  | 'sets-tenant' // the query writes the tenant column itself
  | 'raw-query' // a whole query in raw SQL
  | 'raw-table' // raw SQL as a FROM / JOIN table, or raw SQL that names a scoped table
  | 'outer-join' // RIGHT / FULL JOIN beside a scoped table
  | 'cte-shadows-table' // a CTE named like a scoped table
  | 'insert-shape' // an insert the plugin cannot add the tenant to (no column list, DEFAULT VALUES …)
  | 'conflict-target' // ON CONFLICT on an expression index
  | 'statement'; // DDL or MERGE on a scoped table

export class TenantScopeError extends Error {
  constructor(
    readonly reason: TenantScopeRefusal,
    detail: string,
  ) {
    super(`tenant scope plugin refused the query (${reason}): ${detail}`);
    this.name = 'TenantScopeError';
  }
}

interface Scope {
  readonly tenant: string;
  readonly column: string;
  readonly tables: ReadonlySet<string>;
  /** A scoped table after a keyword that introduces a table, in raw SQL text. */
  readonly rawMention: RegExp | undefined;
}

/**
 * Scopes every query to one tenant: a `<table or alias>.tenant = <tenant>` predicate for every scoped
 * table a SELECT / UPDATE / DELETE reads (in WHERE for FROM / USING tables, in the ON of the join for
 * joined ones, so a LEFT JOIN keeps its meaning), in subqueries, CTEs and unions too; the tenant column
 * and value on every inserted row and in ON CONFLICT targets. What it cannot see into is refused
 * (`TenantScopeError`): raw SQL as a table or a whole query, a query setting the tenant column itself.
 */
export class TenantScopePlugin implements KyselyPlugin {
  private readonly scope: Scope;

  constructor(options: TenantScopeOptions) {
    const { tenant } = options;
    if (typeof tenant !== 'string' || tenant === '')
      throw new TypeError(`tenant scope: invalid tenant ${JSON.stringify(tenant)}`);
    const column = options.column ?? 'tenant';
    if (column === '') throw new TypeError('tenant scope: empty tenant column name');
    const tables = new Set(options.tables);
    const names = [...tables].map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    const rawMention =
      names === ''
        ? undefined
        : new RegExp(`\\b(?:from|join|into|update|using)\\s+(?:"?\\w+"?\\.)?"?(?:${names})"?(?![\\w.])`, 'i');
    this.scope = { tenant, column, tables, rawMention };
  }

  get tenant(): string {
    return this.scope.tenant;
  }

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    switch (node.kind) {
      case 'SelectQueryNode':
      case 'InsertQueryNode':
      case 'UpdateQueryNode':
      case 'DeleteQueryNode':
        return new TenantScopeTransformer(this.scope).transformNode(node, queryId);
      case 'RawNode':
        throw new TenantScopeError(
          'raw-query',
          'a raw SQL statement may touch any tenant; run it on the unscoped store',
        );
      default:
        if (mentionsScopedTable(node, this.scope.tables))
          throw new TenantScopeError(
            'statement',
            `${node.kind} on a scoped table; run it on the unscoped store`,
          );
        return node;
    }
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

class TenantScopeTransformer extends OperationNodeTransformer {
  constructor(private readonly scope: Scope) {
    super();
  }

  protected override transformSelectQuery(node: SelectQueryNode, queryId?: QueryId): SelectQueryNode {
    const out = super.transformSelectQuery(node, queryId);
    const fromScope = qualifiersOf(this.scope, out.from?.froms);
    const joined = this.scopeJoins(out.joins, fromScope.length > 0);
    return {
      ...out,
      joins: joined.joins,
      where: andWhere(out.where, this.predicates([...fromScope, ...joined.inWhere])),
    };
  }

  protected override transformUpdateQuery(node: UpdateQueryNode, queryId?: QueryId): UpdateQueryNode {
    const out = super.transformUpdateQuery(node, queryId);
    const targets = out.table === undefined ? [] : ListNode.is(out.table) ? out.table.items : [out.table];
    const targetScope = qualifiersOf(this.scope, targets);
    if (targetScope.length > 0) this.refuseTenantUpdates(out.updates, 'UPDATE … SET');
    const fromScope = qualifiersOf(this.scope, out.from?.froms);
    const joined = this.scopeJoins(out.joins, targetScope.length + fromScope.length > 0);
    return {
      ...out,
      joins: joined.joins,
      where: andWhere(out.where, this.predicates([...targetScope, ...fromScope, ...joined.inWhere])),
    };
  }

  protected override transformDeleteQuery(node: DeleteQueryNode, queryId?: QueryId): DeleteQueryNode {
    const out = super.transformDeleteQuery(node, queryId);
    const fromScope = qualifiersOf(this.scope, [...out.from.froms, ...(out.using?.tables ?? [])]);
    const joined = this.scopeJoins(out.joins, fromScope.length > 0);
    return {
      ...out,
      joins: joined.joins,
      where: andWhere(out.where, this.predicates([...fromScope, ...joined.inWhere])),
    };
  }

  protected override transformInsertQuery(node: InsertQueryNode, queryId?: QueryId): InsertQueryNode {
    const out = super.transformInsertQuery(node, queryId);
    if (out.into === undefined || !this.scope.tables.has(tableName(out.into))) return out;
    const into = tableName(out.into);
    const { column } = this.scope;
    if (out.columns?.some((c) => c.column.name === column))
      throw new TenantScopeError('sets-tenant', `INSERT INTO ${into} names the tenant column ${column}`);
    if (out.columns === undefined || out.defaultValues || out.values === undefined)
      throw new TenantScopeError('insert-shape', `INSERT INTO ${into} without a column list and values`);
    if (out.onDuplicateKey !== undefined)
      throw new TenantScopeError('insert-shape', `INSERT INTO ${into} … ON DUPLICATE KEY (MySQL)`);
    return {
      ...out,
      columns: [...out.columns, ColumnNode.create(column)],
      values: this.withTenantValues(into, out.values),
      onConflict: out.onConflict && this.scopeConflict(into, out.onConflict),
    };
  }

  protected override transformRaw(node: RawNode, queryId?: QueryId): RawNode {
    const out = super.transformRaw(node, queryId);
    const named = out.parameters.find((p) => TableNode.is(p) && this.scope.tables.has(tableName(p)));
    const text = out.sqlFragments.join(' ');
    if (named !== undefined || this.scope.rawMention?.test(text))
      throw new TenantScopeError(
        'raw-table',
        `raw SQL names a scoped table (${named ? tableName(named as TableNode) : text.trim().slice(0, 80)})`,
      );
    return out;
  }

  protected override transformCommonTableExpressionName(
    node: CommonTableExpressionNameNode,
    queryId?: QueryId,
  ): CommonTableExpressionNameNode {
    const name = tableName(node.table);
    if (this.scope.tables.has(name))
      throw new TenantScopeError('cte-shadows-table', `the CTE ${name} hides the scoped table of that name`);
    return super.transformCommonTableExpressionName(node, queryId);
  }

  /** `<qualifier>.<column> = <tenant>` for each scoped table reference. */
  private predicates(qualifiers: readonly TableNode[]): OperationNode[] {
    return qualifiers.map((q) =>
      BinaryOperationNode.create(
        ReferenceNode.create(ColumnNode.create(this.scope.column), q),
        OperatorNode.create('='),
        ValueNode.create(this.scope.tenant),
      ),
    );
  }

  /**
   * Inner and left joins take the predicate into their ON: in WHERE it would drop the rows a LEFT JOIN
   * keeps for "no match" (and without it, match another tenant's rows). Cross joins have no ON and
   * are never null-extended (no RIGHT / FULL join is allowed beside a scoped table), so WHERE it is.
   */
  private scopeJoins(
    joins: readonly JoinNode[] | undefined,
    scopedBefore: boolean,
  ): { joins: readonly JoinNode[] | undefined; inWhere: TableNode[] } {
    if (joins === undefined) return { joins, inWhere: [] };
    const inWhere: TableNode[] = [];
    const scoped = joins.map((join) => ({ join, qualifier: qualifiersOf(this.scope, [join.table])[0] }));
    const anyScoped = scopedBefore || scoped.some((s) => s.qualifier !== undefined);
    const out = scoped.map(({ join, qualifier }) => {
      if (anyScoped && (join.joinType === 'RightJoin' || join.joinType === 'FullJoin'))
        throw new TenantScopeError('outer-join', `${join.joinType} beside a scoped table`);
      if (qualifier === undefined) return join;
      switch (join.joinType) {
        case 'InnerJoin':
        case 'LeftJoin':
        case 'LateralInnerJoin':
        case 'LateralLeftJoin': {
          const [predicate] = this.predicates([qualifier]) as [OperationNode];
          const on = join.on
            ? OnNode.create(AndNode.create(predicate, ParensNode.create(join.on.on)))
            : OnNode.create(predicate);
          return { ...join, on };
        }
        case 'CrossJoin':
        case 'LateralCrossJoin':
        case 'CrossApply':
          inWhere.push(qualifier);
          return join;
        default:
          throw new TenantScopeError('outer-join', `${join.joinType} of a scoped table`);
      }
    });
    return { joins: out, inWhere };
  }

  private refuseTenantUpdates(updates: readonly ColumnUpdateNode[] | undefined, where: string): void {
    const sets = updates?.some((u) => updatedColumn(u.column) === this.scope.column);
    if (sets)
      throw new TenantScopeError('sets-tenant', `${where} changes the tenant column ${this.scope.column}`);
  }

  /** Each VALUES row gets the tenant; INSERT … SELECT selects it beside the source's columns. */
  private withTenantValues(into: string, values: OperationNode): OperationNode {
    const { tenant, column } = this.scope;
    if (ValuesNode.is(values)) {
      return ValuesNode.create(
        values.values.map((row) =>
          PrimitiveValueListNode.is(row)
            ? PrimitiveValueListNode.create([...row.values, tenant])
            : ValueListNode.create([...row.values, ValueNode.create(tenant)]),
        ),
      );
    }
    if (SelectQueryNode.is(values)) {
      // INSERT INTO t (a, b, tenant) SELECT s.*, <tenant> FROM (<the source>) AS s: works for any
      // source (unions, DISTINCT, CTEs), which is itself scoped like every select.
      const source = TableNode.create('tenant_scope_source');
      return SelectQueryNode.cloneWithSelections(
        SelectQueryNode.createFrom([AliasNode.create(values, IdentifierNode.create('tenant_scope_source'))]),
        [
          SelectionNode.createSelectAllFromTable(source),
          SelectionNode.create(AliasNode.create(ValueNode.create(tenant), IdentifierNode.create(column))),
        ],
      );
    }
    throw new TenantScopeError('insert-shape', `INSERT INTO ${into} from ${values.kind}`);
  }

  /** The conflict target gains the tenant column (every unique key has it); DO UPDATE may not set it. */
  private scopeConflict(into: string, conflict: OnConflictNode): OnConflictNode {
    this.refuseTenantUpdates(conflict.updates, `INSERT INTO ${into} … DO UPDATE SET`);
    if (conflict.indexExpression !== undefined)
      throw new TenantScopeError('conflict-target', `INSERT INTO ${into} … ON CONFLICT on an expression`);
    const columns = conflict.columns;
    if (columns === undefined || columns.some((c) => c.column.name === this.scope.column)) return conflict;
    return { ...conflict, columns: [...columns, ColumnNode.create(this.scope.column)] };
  }
}

function tableName(node: TableNode): string {
  return node.table.identifier.name;
}

/** The column a SET assigns (`col` or `t.col`). */
function updatedColumn(node: OperationNode): string | undefined {
  if (ColumnNode.is(node)) return node.column.name;
  if (ReferenceNode.is(node) && ColumnNode.is(node.column)) return node.column.column.name;
  return undefined;
}

/**
 * How to qualify the tenant column of each scoped table among FROM / JOIN / USING items: the alias
 * when there is one, else the table itself. Raw SQL there is refused: it could be any table.
 */
function qualifiersOf(scope: Scope, items: readonly OperationNode[] | undefined): TableNode[] {
  const out: TableNode[] = [];
  for (const item of items ?? []) {
    const target = AliasNode.is(item) ? item.node : item;
    if (RawNode.is(target))
      throw new TenantScopeError('raw-table', 'raw SQL as a FROM / JOIN table may read any tenant');
    if (!TableNode.is(target) || !scope.tables.has(tableName(target))) continue;
    if (!AliasNode.is(item)) out.push(target);
    else if (IdentifierNode.is(item.alias)) out.push(TableNode.create(item.alias.name));
    else throw new TenantScopeError('raw-table', `${tableName(target)} aliased by ${item.alias.kind}`);
  }
  return out;
}

/** WHERE <scope predicates> AND (<the query's own filter>): parenthesised, so an OR cannot escape. */
function andWhere(where: WhereNode | undefined, predicates: readonly OperationNode[]): WhereNode | undefined {
  const [first, ...rest] = predicates;
  if (first === undefined) return where;
  const scope = rest.reduce<OperationNode>((all, p) => AndNode.create(all, p), first);
  return WhereNode.create(where ? AndNode.create(scope, ParensNode.create(where.where)) : scope);
}

/** Whether any table node anywhere in the tree is a scoped table. */
function mentionsScopedTable(node: unknown, tables: ReadonlySet<string>): boolean {
  if (Array.isArray(node)) return node.some((n) => mentionsScopedTable(n, tables));
  if (typeof node !== 'object' || node === null) return false;
  if (TableNode.is(node as OperationNode) && tables.has(tableName(node as TableNode))) return true;
  return Object.values(node).some((v) => mentionsScopedTable(v, tables));
}
