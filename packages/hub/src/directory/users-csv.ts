import { PROFESSIONS } from '@hie/contract';
import type { Store } from '@hie/platform';
import type { Selectable } from 'kysely';
import { hashPassword } from '../auth/password.js';
import { type HubDeps, HubError } from '../http.js';
import type { HubUserTable } from '../store/directory-tables.js';
import type { Schema } from '../store/schema.js';
import {
  type Actor,
  type AdminChange,
  auditAdmin,
  changedFields,
  isUniqueViolation,
  parseInput,
} from './common.js';
import {
  type CsvColumn,
  type CsvProblem,
  codeFromLabel,
  type ImportReport,
  importRefused,
  parseCsv,
  rowProblems,
  summarise,
  toCsv,
} from './csv.js';
import {
  type AdminScope,
  adminScopeOf,
  assertWhollyAdministered,
  checkMembershipScope,
  checkProfession,
  checkProfessionChange,
  checkProfessionForFacility,
} from './user-access.js';
import {
  generatePassword,
  insertUserRows,
  listUsers,
  loginIdSchema,
  MEMBERSHIP_ROLES,
  type MembershipRole,
  newUserRows,
  USER_STATUSES,
  userCreateSchema,
  userPatchSchema,
} from './users.js';

type Column =
  | 'id'
  | 'loginId'
  | 'name'
  | 'nameKana'
  | 'profession'
  | 'email'
  | 'status'
  | 'memberships'
  | 'password';

export const USER_COLUMNS: readonly CsvColumn<Column>[] = [
  { key: 'id', ja: '利用者ID', en: 'User ID', aliases: ['id'] },
  { key: 'loginId', ja: 'ログインID', en: 'Login ID', aliases: ['login_id', 'ユーザーID'] },
  { key: 'name', ja: '氏名', en: 'Name', aliases: ['名前'] },
  { key: 'nameKana', ja: '氏名カナ', en: 'Name kana', aliases: ['フリガナ', 'カナ', 'name_kana'] },
  { key: 'profession', ja: '職種', en: 'Profession', aliases: ['資格'] },
  { key: 'email', ja: 'メールアドレス', en: 'Email', aliases: ['メール', 'e-mail'] },
  { key: 'status', ja: '状態', en: 'Status', aliases: ['ステータス'] },
  { key: 'memberships', ja: '所属', en: 'Memberships', aliases: ['所属施設'] },
  { key: 'password', ja: '初期パスワード', en: 'Initial password', aliases: ['パスワード', 'password'] },
];

/** Memberships in one cell: `OID:role` separated by `;` (role admin/member or its Japanese label). */
const formatMemberships = (list: readonly { facilityOid: string; role: string }[]) =>
  list.map((m) => `${m.facilityOid}:${m.role}`).join(';');

function parseMemberships(cell: string) {
  return cell
    .split(/[;；\n]/)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const [oid = '', role = ''] = part.split(/[:：]/).map((s) => s.trim());
      return {
        facilityOid: oid,
        role: role === '' ? 'member' : (codeFromLabel(role, MEMBERSHIP_ROLES) ?? role),
      };
    });
}

/** The users the actor administers, with their memberships in scope (never a credential). */
export async function exportUsersCsv(store: Store<Schema>, actor: Actor): Promise<string> {
  const scope = adminScopeOf(actor);
  const rows: Partial<Record<Column, string>>[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await listUsers(store, scope, { limit: 1000, offset });
    for (const u of page.users) {
      rows.push({
        id: u.id,
        loginId: u.loginId,
        name: u.name,
        nameKana: u.nameKana ?? '',
        profession: u.profession,
        email: u.email ?? '',
        status: u.status,
        memberships: formatMemberships(u.memberships),
      });
    }
    if (page.users.length < 1000) break;
  }
  return toCsv(
    USER_COLUMNS.filter((c) => c.key !== 'password'),
    rows,
  );
}

interface PlannedCreate {
  line: number;
  loginId: string;
  rows: ReturnType<typeof newUserRows>;
  password?: string;
  generated: boolean;
}
interface PlannedUpdate {
  line: number;
  id: string;
  changes: Partial<Selectable<HubUserTable>>;
  memberships?: { facilityOid: string; role: MembershipRole }[];
}

/**
 * Imports users from CSV, keyed by login ID: a known login ID updates that user (names, profession,
 * e-mail, status; memberships when the cell is not empty), an unknown one creates a user with an
 * initial password (the `初期パスワード` cell, else a generated one returned once). A facility
 * administrator imports users of their own facility only. All rows are checked first; nothing is
 * written unless all are valid, and then everything in one transaction.
 */
export async function importUsersCsv(
  deps: Pick<HubDeps, 'store' | 'now'>,
  text: string,
  options: { dryRun: boolean; actor?: Actor },
): Promise<ImportReport & { initialPasswords: { line: number; loginId: string; password: string }[] }> {
  const scope = adminScopeOf(options.actor);
  const { rows, problems } = parseCsv(text, USER_COLUMNS, ['loginId']);
  const errors: CsvProblem[] = [...problems];
  const db = deps.store.db;
  const facilities = new Set((await db.selectFrom('hub_facility').select('oid').execute()).map((f) => f.oid));
  const stamp = deps.now().toISOString();
  const seen = new Map<string, number>();
  const creates: PlannedCreate[] = [];
  const updates: PlannedUpdate[] = [];
  const report: ImportReport['rows'] = [];
  for (const { line, values } of rows) {
    try {
      const login = loginIdSchema.safeParse(values.loginId ?? '');
      if (!login.success)
        throw new HubError(
          400,
          'invalid-value',
          `login ID '${values.loginId ?? ''}': ${login.error.issues[0]?.message}`,
        );
      const loginId = login.data;
      const first = seen.get(loginId);
      if (first !== undefined)
        throw new HubError(400, 'duplicate-in-file', `${loginId} is also on line ${first}`);
      seen.set(loginId, line);
      const input: Record<string, unknown> = {};
      if (values.name !== undefined) input.name = values.name;
      if (values.nameKana !== undefined) input.nameKana = values.nameKana || null;
      if (values.email !== undefined) input.email = values.email || null;
      if (values.profession)
        input.profession = codeFromLabel(values.profession, PROFESSIONS) ?? values.profession;
      if (values.status) input.status = codeFromLabel(values.status, USER_STATUSES) ?? values.status;
      const memberships = values.memberships ? parseMemberships(values.memberships) : undefined;
      const current = await db
        .selectFrom('hub_user')
        .selectAll()
        .where('login_id', '=', loginId)
        .executeTakeFirst();
      if (current) {
        if (values.password)
          throw new HubError(400, 'password-for-existing', 'use reset-password for existing users');
        const update = await planUpdate(
          deps.store,
          scope,
          options.actor,
          line,
          current,
          input,
          memberships,
          facilities,
        );
        const changed = Object.keys(update.changes).length > 0 || update.memberships !== undefined;
        if (changed) updates.push(update);
        report.push({ line, key: loginId, action: changed ? 'update' : 'unchanged' });
      } else {
        const list =
          memberships ?? (scope.office ? [] : [{ facilityOid: scope.facilityOid, role: 'member' }]);
        const parsed = parseInput(userCreateSchema, {
          ...input,
          loginId,
          memberships: list,
          ...(values.password ? { password: values.password } : {}),
        });
        const profession = checkProfession(parsed.profession, scope);
        checkMembershipScope(parsed.memberships, scope);
        checkFacilities(parsed.memberships, facilities);
        await checkProfessionForFacility(db, profession, scope);
        const planned = newUserRows(parsed, profession, '', stamp);
        creates.push({
          line,
          loginId,
          rows: planned,
          password: parsed.password,
          generated: parsed.password === undefined,
        });
        report.push({ line, key: loginId, action: 'create' });
      }
    } catch (error) {
      errors.push(...rowProblems(error, line, USER_COLUMNS));
    }
  }
  errors.sort((a, b) => a.line - b.line);
  const result = {
    dryRun: options.dryRun,
    ok: errors.length === 0,
    summary: summarise(['create', 'update', 'unchanged'], report, errors.length),
    rows: report,
    errors,
    warnings: [],
    initialPasswords: [] as { line: number; loginId: string; password: string }[],
  };
  if (options.dryRun) return result;
  if (errors.length > 0) throw importRefused(result);
  // Hash before the transaction: argon2id takes tens of milliseconds, the write lock should not wait for it.
  for (const create of creates) {
    const password = create.password ?? generatePassword();
    create.rows.credential.password_hash = await hashPassword(password);
    if (create.generated)
      result.initialPasswords.push({ line: create.line, loginId: create.loginId, password });
  }
  try {
    await db.transaction().execute(async (trx) => {
      for (const create of creates) await insertUserRows(trx, create.rows);
      for (const update of updates) {
        await trx
          .updateTable('hub_user')
          .set({ ...update.changes, updated_at: stamp })
          .where('id', '=', update.id)
          .execute();
        if (update.memberships) {
          let remove = trx.deleteFrom('hub_membership').where('user_id', '=', update.id);
          if (!scope.office) remove = remove.where('facility_oid', '=', scope.facilityOid);
          await remove.execute();
          if (update.memberships.length > 0) {
            await trx
              .insertInto('hub_membership')
              .values(
                update.memberships.map((m) => ({
                  user_id: update.id,
                  facility_oid: m.facilityOid,
                  role: m.role,
                  created_at: stamp,
                })),
              )
              .execute();
          }
        }
      }
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new HubError(
        409,
        'duplicate-login-id',
        'a login ID was registered meanwhile: run the import again',
      );
    throw error;
  }
  const changes: AdminChange[] = [
    ...creates.map(({ rows: r }) => ({
      action: 'C' as const,
      operation: 'user-import-create',
      entity: `Practitioner/${r.user.id}`,
      changes: {
        login_id: r.user.login_id,
        name: r.user.name,
        profession: r.user.profession,
        status: r.user.status,
        memberships: r.memberships.map((m) => ({ facilityOid: m.facility_oid, role: m.role })),
      },
    })),
    ...updates.map((u) => ({
      action: 'U' as const,
      operation: 'user-import-update',
      entity: `Practitioner/${u.id}`,
      changes: { ...u.changes, ...(u.memberships ? { memberships: u.memberships } : {}) },
    })),
  ];
  await auditAdmin(deps, options.actor, changes);
  return result;
}

async function planUpdate(
  store: Store<Schema>,
  scope: AdminScope,
  actor: Actor,
  line: number,
  current: Selectable<HubUserTable>,
  input: Record<string, unknown>,
  memberships: { facilityOid: string; role: string }[] | undefined,
  facilities: ReadonlySet<string>,
): Promise<PlannedUpdate> {
  const existing = await store.db
    .selectFrom('hub_membership')
    .selectAll()
    .where('user_id', '=', current.id)
    .execute();
  if (!scope.office) {
    // A login ID of another facility's user is simply taken (login IDs are unique network-wide).
    if (!existing.some((m) => m.facility_oid === scope.facilityOid)) {
      throw new HubError(
        409,
        'duplicate-login-id',
        `login ID ${current.login_id} is taken / このログインIDは使用されています`,
      );
    }
    if (current.profession === 'office')
      throw new HubError(403, 'office-only', 'network office staff are managed by the network office');
  }
  const patch = parseInput(userPatchSchema, input);
  if (patch.profession !== undefined) checkProfession(patch.profession, scope);
  if (patch.profession !== undefined && patch.profession !== current.profession) checkProfessionChange(scope);
  const changes = changedFields(current, {
    name: patch.name,
    name_kana: patch.nameKana,
    profession: patch.profession,
    email: patch.email,
    status: patch.status,
  });
  if (
    actor?.userId === current.id &&
    (changes.profession !== undefined || (changes.status ?? 'active') !== 'active')
  ) {
    throw new HubError(409, 'self-lockout', 'you cannot change your own profession or suspend yourself');
  }
  let next: { facilityOid: string; role: MembershipRole }[] | undefined;
  if (memberships) {
    const parsed = parseInput(userCreateSchema.shape.memberships, memberships);
    checkMembershipScope(parsed, scope);
    checkFacilities(parsed, facilities);
    const before = existing
      .filter((m) => scope.office || m.facility_oid === scope.facilityOid)
      .map((m) => `${m.facility_oid}:${m.role}`)
      .sort();
    const after = parsed.map((m) => `${m.facilityOid}:${m.role}`).sort();
    if (before.join(';') !== after.join(';')) next = parsed;
  }
  if (Object.keys(changes).length > 0 || next)
    await assertWhollyAdministered(store.db, current.id, scope, actor);
  return { line, id: current.id, changes, ...(next ? { memberships: next } : {}) };
}

function checkFacilities(
  memberships: readonly { facilityOid: string }[],
  facilities: ReadonlySet<string>,
): void {
  const missing = memberships.filter((m) => !facilities.has(m.facilityOid)).map((m) => m.facilityOid);
  if (missing.length > 0)
    throw new HubError(
      400,
      'unknown-facility',
      `no facility ${missing.join(', ')} / 施設が登録されていません`,
    );
}
