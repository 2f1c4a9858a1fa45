import { FACILITY_TYPES } from '@hie/contract';
import type { Store } from '@hie/platform';
import type { Selectable } from 'kysely';
import { type HubDeps, HubError } from '../http.js';
import type { HubFacilityTable } from '../store/directory-tables.js';
import type { Schema } from '../store/schema.js';
import type { DirectoryWarning } from './check-digit.js';
import { type Actor, type AdminChange, auditAdmin, isUniqueViolation, parseInput } from './common.js';
import {
  type CsvColumn,
  type CsvProblem,
  codeFromLabel,
  type ImportReport,
  importRefused,
  parseCsv,
  parseFlag,
  rowProblems,
  summarise,
  toCsv,
} from './csv.js';
import {
  FACILITY_STATUSES,
  facilityCreateSchema,
  facilityOidFor,
  facilityPatchSchema,
  facilityRowChanges,
  newFacilityRow,
} from './facilities.js';

type Column =
  | 'oid'
  | 'code'
  | 'name'
  | 'nameKana'
  | 'type'
  | 'prefecture'
  | 'discloses'
  | 'views'
  | 'gatewayUrl'
  | 'address'
  | 'phone'
  | 'status';

export const FACILITY_COLUMNS: readonly CsvColumn<Column>[] = [
  { key: 'oid', ja: 'OID', en: 'OID', aliases: ['施設OID'] },
  { key: 'code', ja: '医療機関コード', en: 'Institution code', aliases: ['コード', '事業所番号', 'code10'] },
  { key: 'name', ja: '名称', en: 'Name', aliases: ['施設名', '医療機関名', '名前'] },
  {
    key: 'nameKana',
    ja: '名称カナ',
    en: 'Name kana',
    aliases: ['施設名カナ', 'フリガナ', 'カナ', 'name_kana'],
  },
  { key: 'type', ja: '種別', en: 'Type', aliases: ['施設種別'] },
  { key: 'prefecture', ja: '都道府県', en: 'Prefecture', aliases: ['都道府県コード'] },
  { key: 'discloses', ja: '開示', en: 'Discloses', aliases: ['情報開示', '開示施設'] },
  { key: 'views', ja: '閲覧', en: 'Views', aliases: ['情報閲覧', '閲覧施設'] },
  { key: 'gatewayUrl', ja: 'ゲートウェイURL', en: 'Gateway URL', aliases: ['gateway_url', 'ゲートウェイ'] },
  { key: 'address', ja: '住所', en: 'Address', aliases: ['所在地'] },
  { key: 'phone', ja: '電話番号', en: 'Phone', aliases: ['電話', 'TEL'] },
  { key: 'status', ja: '状態', en: 'Status', aliases: ['ステータス'] },
];

export async function exportFacilitiesCsv(store: Store<Schema>): Promise<string> {
  const rows = await store.db.selectFrom('hub_facility').selectAll().orderBy('oid').execute();
  return toCsv(
    FACILITY_COLUMNS,
    rows.map((r) => ({
      oid: r.oid,
      code: r.code,
      name: r.name,
      nameKana: r.name_kana,
      type: r.type,
      prefecture: r.prefecture,
      discloses: r.discloses === 1,
      views: r.views === 1,
      gatewayUrl: r.gateway_url,
      address: r.address,
      phone: r.phone,
      status: r.status,
    })),
  );
}

/** Excel drops leading zeros of numeric-looking cells: 9-digit codes and 1-digit prefectures get theirs back. */
const restoreZeros = (value: string, width: number) =>
  /^\d+$/.test(value) && value.length === width - 1 ? `0${value}` : value;

/**
 * Cells → the API's input shape. Only columns in the header are set; an empty cell clears an optional
 * field (so an exported file imports back unchanged).
 */
function inputOf(values: Partial<Record<Column, string>>, line: number, problems: CsvProblem[]) {
  const input: Record<string, unknown> = {};
  const set = (key: Column, value: unknown) => {
    if (key in values) input[key] = value;
  };
  const textOrNull = (key: Column) => (values[key] ? values[key] : null);
  set('code', values.code ? restoreZeros(values.code, 10) : null);
  for (const key of ['nameKana', 'gatewayUrl', 'address', 'phone'] as const) set(key, textOrNull(key));
  set('name', values.name ?? '');
  set('type', values.type ? (codeFromLabel(values.type, FACILITY_TYPES) ?? values.type) : '');
  if (values.prefecture) set('prefecture', restoreZeros(values.prefecture, 2));
  if (values.status) set('status', codeFromLabel(values.status, FACILITY_STATUSES) ?? values.status);
  for (const key of ['discloses', 'views'] as const) {
    const flag = parseFlag(values[key]);
    if (flag === 'invalid') {
      const column = FACILITY_COLUMNS.find((c) => c.key === key)!.ja;
      problems.push({ line, column, code: 'invalid-value', message: `'${values[key]}': use 1 or 0` });
    } else if (flag !== undefined) input[key] = flag;
  }
  return input;
}

/**
 * Imports facilities from CSV: a row whose OID (or, without an OID column, whose institution code)
 * exists updates that facility; other rows create one. Every row is checked first; unless all are
 * valid nothing is written, and then all rows are written in one transaction.
 */
export async function importFacilitiesCsv(
  deps: Pick<HubDeps, 'store' | 'settings' | 'now'>,
  text: string,
  options: { dryRun: boolean; actor?: Actor },
): Promise<ImportReport> {
  const { header, rows, problems } = parseCsv(text, FACILITY_COLUMNS, ['name', 'type']);
  if (!header.includes('oid') && !header.includes('code')) {
    throw new HubError(400, 'csv-header', 'the header row is not usable / 見出し行を確認してください', {
      errors: [{ line: 1, code: 'missing-column', message: "column 'OID' or '医療機関コード' is required" }],
    });
  }
  const errors: CsvProblem[] = [...problems];
  const existing = await deps.store.db.selectFrom('hub_facility').selectAll().execute();
  const byOid = new Map(existing.map((f) => [f.oid, f]));
  const codeOwner = new Map(existing.filter((f) => f.code).map((f) => [f.code!, f.oid]));
  const seen = new Map<string, number>();
  const stamp = deps.now().toISOString();
  const creates: Selectable<HubFacilityTable>[] = [];
  const updates: { oid: string; changes: Partial<Selectable<HubFacilityTable>> }[] = [];
  const report: ImportReport['rows'] = [];
  const warnings: DirectoryWarning[] = [];
  for (const { line, values } of rows) {
    const rowErrors: CsvProblem[] = [];
    const input = inputOf(values, line, rowErrors);
    try {
      const code = (input.code as string | null | undefined) ?? null;
      const oid =
        values.oid ||
        (code && codeOwner.get(code)) ||
        (code ? facilityOidFor(code, deps.settings) : undefined);
      if (!oid) throw importRowError('oid-required', 'give the institution code or the OID');
      const first = seen.get(oid);
      if (first !== undefined) throw importRowError('duplicate-in-file', `${oid} is also on line ${first}`);
      seen.set(oid, line);
      const current = byOid.get(oid);
      const owner = code ? codeOwner.get(code) : undefined;
      if (owner && owner !== oid)
        throw importRowError('duplicate-code', `institution code ${code} belongs to ${owner}`);
      if (rowErrors.length > 0) {
        errors.push(...rowErrors);
        continue;
      }
      if (current) {
        const { oid: _oid, ...patch } = input;
        const result = facilityRowChanges(current, parseInput(facilityPatchSchema, patch), {
          byPerson: options.actor !== undefined,
        });
        warnings.push(...result.warnings.map((w) => ({ ...w, line })));
        const changed = Object.keys(result.changes).length > 0;
        if (changed) updates.push({ oid, changes: { ...result.changes, updated_at: stamp } });
        report.push({ line, key: oid, action: changed ? 'update' : 'unchanged' });
      } else {
        const result = newFacilityRow(
          parseInput(facilityCreateSchema, { ...input, oid }),
          deps.settings,
          stamp,
        );
        warnings.push(...result.warnings.map((w) => ({ ...w, line })));
        creates.push(result.row);
        report.push({ line, key: oid, action: 'create' });
      }
      if (code) codeOwner.set(code, oid);
    } catch (error) {
      errors.push(...rowErrors, ...rowProblems(error, line, FACILITY_COLUMNS));
    }
  }
  errors.sort((a, b) => a.line - b.line);
  const result: ImportReport = {
    dryRun: options.dryRun,
    ok: errors.length === 0,
    summary: summarise(['create', 'update', 'unchanged'], report, errors.length),
    rows: report,
    errors,
    warnings,
  };
  if (options.dryRun) return result;
  if (errors.length > 0) throw importRefused(result);
  try {
    await deps.store.db.transaction().execute(async (trx) => {
      for (let i = 0; i < creates.length; i += 200) {
        await trx
          .insertInto('hub_facility')
          .values(creates.slice(i, i + 200))
          .execute();
      }
      for (const { oid, changes } of updates) {
        await trx.updateTable('hub_facility').set(changes).where('oid', '=', oid).execute();
      }
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw importRowError('duplicate-oid', 'a facility was registered meanwhile: run the import again', 409);
    throw error;
  }
  const changes: AdminChange[] = [
    ...creates.map((row) => ({
      action: 'C' as const,
      operation: 'facility-import-create',
      entity: `Organization/${row.oid}`,
      changes: { code: row.code, name: row.name, type: row.type, status: row.status },
    })),
    ...updates.map(({ oid, changes: { updated_at: _u, ...changed } }) => ({
      action: 'U' as const,
      operation: 'facility-import-update',
      entity: `Organization/${oid}`,
      changes: changed,
    })),
  ];
  await auditAdmin(deps, options.actor, changes);
  return result;
}

const importRowError = (code: string, message: string, status = 400) => new HubError(status, code, message);
