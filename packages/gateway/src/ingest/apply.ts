// One batch of source files → one transaction: their gw_file rows, the projection of every key they
// touch, their errors and the patients' search rows commit together or not at all. That is what
// makes ingest crash-safe: after a kill, a file either is in gw_file with its resources or is not
// there and gets redone.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Engine } from '@hie/platform';
import {
  chunks,
  type Db,
  deleteResources,
  deleteResourcesOfKeys,
  type GwFileTable,
  type GwResourceTable,
  type PatientFields,
  upsertFiles,
  upsertResources,
} from '@hie/record-source';
import { parseFileName, resolveKey, type Ssmix2FileName } from '@hie/ssmix2';
import { type DecodedFile, decodeFile, type MapFacility } from './decode.js';
import { recordKey } from './record-key.js';

export type BatchItem = { kind: 'decoded'; file: DecodedFile } | { kind: 'removed'; path: string };

export interface BatchResult {
  ingested: number;
  resourcesPut: number;
  resourcesDeleted: number;
  errors: number;
  removed: number;
}

type GoodFile = Extract<DecodedFile, { ok: true }>;
type BadFile = Extract<DecodedFile, { ok: false }>;
type Named = Ssmix2FileName & { path: string };

interface Candidate {
  name: Named;
  row?: GwFileTable;
  decoded?: GoodFile;
}

/** Applies a batch inside the given transaction. `now` is the ingest time (ISO). */
export async function applyBatch(
  trx: Db,
  engine: Engine,
  items: readonly BatchItem[],
  facility: MapFacility,
  now: string,
): Promise<BatchResult> {
  const good: { d: GoodFile; name: Named; key: string }[] = [];
  const bad: BadFile[] = [];
  const gone = new Set<string>();
  for (const item of items) {
    if (item.kind === 'removed') gone.add(item.path);
    else if (!item.file.ok) {
      if (item.file.moved) gone.add(item.file.path);
      else bad.push(item.file);
    } else {
      const parsed = parseFileName(basename(item.file.path));
      if (!parsed.ok) continue; // decodeFile reports BAD_NAME itself; unreachable
      good.push({
        d: item.file,
        name: { ...parsed.value, path: item.file.path },
        key: recordKey(parsed.value),
      });
    }
  }
  const result: BatchResult = {
    ingested: 0,
    resourcesPut: 0,
    resourcesDeleted: 0,
    errors: bad.length,
    removed: 0,
  };
  const known = await filesByPath(trx, [...good.map((g) => g.d.path), ...bad.map((b) => b.path), ...gone]);
  const fileRows: GwFileTable[] = [];
  // Same path, same bytes and MSH-10 (only touched): record the new size/mtime, nothing else.
  const changed = good.filter((g) => {
    const row = known.get(g.d.path);
    if (row && row.sha256 === g.d.sha256 && row.control_id === g.d.controlId) {
      fileRows.push({ ...row, size: g.d.size, mtime_ms: g.d.mtimeMs });
      return false;
    }
    return true;
  });
  // Bad files and vanished files leave key resolution; their keys are resolved again.
  for (const b of bad) if (known.has(b.path)) gone.add(b.path);
  const keys = new Set(changed.map((g) => g.key));
  for (const p of gone) {
    const row = known.get(p);
    if (row) keys.add(row.record_key);
  }
  const rowsByKey = await filesByKey(trx, [...keys]);
  const puts: GwResourceTable[] = [];
  const dropKeys: string[] = [];
  const prior = new Map<string, Set<string>>();
  const patientUpserts: { patient_id: string; fields: PatientFields }[] = [];
  const patientDeletes: string[] = [];
  const batchByKey = new Map<string, typeof changed>();
  for (const g of changed) batchByKey.set(g.key, [...(batchByKey.get(g.key) ?? []), g]);

  for (const key of keys) {
    const cands = new Map<string, Candidate>();
    const dbRows = rowsByKey.get(key) ?? [];
    for (const row of dbRows) if (!gone.has(row.path)) cands.set(row.path, { name: nameOfRow(row), row });
    for (const g of batchByKey.get(key) ?? [])
      cands.set(g.d.path, { name: g.name, row: known.get(g.d.path), decoded: g.d });
    const hadProjection = dbRows.some((r) => r.status === 'current');
    let decided: { cand: Candidate; decoded?: GoodFile } | undefined;
    for (;;) {
      const res = resolveKey([...cands.values()].map((c) => c.name));
      if (!res) break;
      const cand = cands.get(res.newest.path)!;
      if (cand.decoded) {
        decided = { cand, decoded: cand.decoded };
        break;
      }
      // The newest known file is an older row: check it is still there before trusting it.
      if (!existsSync(cand.name.path)) {
        cands.delete(cand.name.path);
        gone.add(cand.name.path);
        continue;
      }
      if (cand.row?.status === 'current' || cand.row?.status === 'deleted') {
        decided = { cand };
        break;
      }
      // An older file decides again (the newer one vanished or went bad): read it now.
      const d = decodeFile(cand.name.path, basename(cand.name.path), facility);
      if (!d.ok) {
        cands.delete(cand.name.path);
        if (d.moved) gone.add(cand.name.path);
        else bad.push(d);
        continue;
      }
      cand.decoded = d;
      decided = { cand, decoded: d };
      break;
    }
    const patientId = key.slice(0, key.indexOf('_'));
    const isDemographics = key.includes('_ADT-00_');
    if (!decided) {
      if (hadProjection) dropKeys.push(key);
      if (isDemographics) patientDeletes.push(patientId);
      continue;
    }
    const newestPath = decided.cand.name.path;
    if (decided.decoded) {
      const d = decided.decoded;
      const deleting = decided.cand.name.flag === '0' || d.cancel;
      if (deleting) {
        if (hadProjection) dropKeys.push(key);
        if (isDemographics) patientDeletes.push(patientId);
      } else {
        const ids = new Set<string>();
        for (const r of d.rows) {
          puts.push({
            resource_type: r.resource_type,
            id: r.id,
            patient_id: r.patient_id,
            category: r.category,
            date: r.date,
            code: r.code,
            record_key: key,
            file_path: d.path,
            version_id: 1,
            last_updated: now,
            json: r.json,
          });
          ids.add(`${r.resource_type}/${r.id}`);
        }
        if (hadProjection) prior.set(key, ids);
        if (isDemographics) {
          if (d.patient) patientUpserts.push({ patient_id: patientId, fields: d.patient });
          else patientDeletes.push(patientId);
        }
      }
      fileRows.push(fileRow(decided.cand, d, key, deleting ? 'deleted' : 'current', now));
    }
    for (const c of cands.values()) {
      if (c.name.path === newestPath) continue;
      if (c.decoded) fileRows.push(fileRow(c, c.decoded, key, 'history', now));
      else if (c.row && c.row.status !== 'history') fileRows.push({ ...c.row, status: 'history' });
    }
  }

  // Ids the key's previous projection had and the new one lacks.
  if (prior.size > 0) {
    const stale: { type: string; id: string }[] = [];
    for (const part of chunks([...prior.keys()])) {
      const rows = await trx
        .selectFrom('gw_resource')
        .select(['resource_type', 'id', 'record_key'])
        .where('record_key', 'in', part)
        .execute();
      for (const r of rows) {
        if (!prior.get(r.record_key)?.has(`${r.resource_type}/${r.id}`))
          stale.push({ type: r.resource_type, id: r.id });
      }
    }
    await deleteResources(trx, stale);
    result.resourcesDeleted += stale.length;
  }
  result.resourcesDeleted += await deleteResourcesOfKeys(trx, dropKeys);
  // One statement must not touch a row twice (PostgreSQL refuses): the later file wins.
  const unique = [...new Map(puts.map((r) => [`${r.resource_type}/${r.id}`, r])).values()];
  await upsertResources(trx, engine, unique);
  result.resourcesPut = unique.length;

  const gonePaths = [...gone];
  for (const part of chunks(gonePaths)) {
    const r = await trx.deleteFrom('gw_file').where('path', 'in', part).executeTakeFirst();
    result.removed += Number(r.numDeletedRows);
  }
  await upsertFiles(trx, engine, fileRows);
  result.ingested = changed.length;
  await recordErrors(trx, bad, now);
  const cleared = [...changed.map((g) => g.d.path), ...gonePaths];
  for (const part of chunks(cleared)) await trx.deleteFrom('gw_error').where('path', 'in', part).execute();
  await writePatients(trx, patientUpserts, patientDeletes, now);
  await trx
    .insertInto('gw_state')
    .values({ name: 'last_ingest_at', value: now, updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: now, updated_at: now }))
    .execute();
  result.errors = bad.length;
  return result;
}

function fileRow(c: Candidate, d: GoodFile, key: string, status: string, now: string): GwFileTable {
  const n = c.name;
  return {
    path: n.path,
    record_key: key,
    patient_id: n.patientId,
    care_date: n.careDate,
    data_type: n.dataType,
    order_no: n.orderNo,
    timestamp: n.timestamp,
    department: n.department,
    flag: n.flag,
    size: d.size,
    mtime_ms: d.mtimeMs,
    sha256: d.sha256,
    control_id: d.controlId,
    status,
    ingested_at: c.row && c.row.sha256 === d.sha256 ? c.row.ingested_at : now,
  };
}

function nameOfRow(r: GwFileTable): Named {
  return {
    path: r.path,
    patientId: r.patient_id,
    careDate: r.care_date,
    dataType: r.data_type,
    orderNo: r.order_no,
    timestamp: r.timestamp,
    department: r.department,
    flag: r.flag as Ssmix2FileName['flag'],
  };
}

async function filesByPath(db: Db, paths: readonly string[]): Promise<Map<string, GwFileTable>> {
  const out = new Map<string, GwFileTable>();
  for (const part of chunks([...new Set(paths)])) {
    const rows = await db.selectFrom('gw_file').selectAll().where('path', 'in', part).execute();
    for (const r of rows) out.set(r.path, r);
  }
  return out;
}

async function filesByKey(db: Db, keys: readonly string[]): Promise<Map<string, GwFileTable[]>> {
  const out = new Map<string, GwFileTable[]>();
  for (const part of chunks(keys)) {
    const rows = await db.selectFrom('gw_file').selectAll().where('record_key', 'in', part).execute();
    for (const r of rows) {
      const list = out.get(r.record_key);
      if (list) list.push(r);
      else out.set(r.record_key, [r]);
    }
  }
  return out;
}

async function recordErrors(db: Db, bad: readonly BadFile[], now: string): Promise<void> {
  if (bad.length === 0) return;
  const unique = [...new Map(bad.map((b) => [b.path, b])).values()];
  const before = new Map<string, { first_seen: string; attempts: number }>();
  for (const part of chunks(unique.map((b) => b.path))) {
    const rows = await db
      .selectFrom('gw_error')
      .select(['path', 'first_seen', 'attempts'])
      .where('path', 'in', part)
      .execute();
    for (const r of rows) before.set(r.path, r);
  }
  for (const part of chunks(unique, 300)) {
    await db
      .insertInto('gw_error')
      .values(
        part.map((b) => ({
          path: b.path,
          code: b.error.code,
          message: b.error.message,
          position: b.error.position,
          size: b.size,
          mtime_ms: b.mtimeMs,
          first_seen: before.get(b.path)?.first_seen ?? now,
          last_tried: now,
          attempts: (before.get(b.path)?.attempts ?? 0) + 1,
        })),
      )
      .onConflict((oc) =>
        oc.column('path').doUpdateSet((eb) => ({
          code: eb.ref('excluded.code'),
          message: eb.ref('excluded.message'),
          position: eb.ref('excluded.position'),
          size: eb.ref('excluded.size'),
          mtime_ms: eb.ref('excluded.mtime_ms'),
          last_tried: eb.ref('excluded.last_tried'),
          attempts: eb.ref('excluded.attempts'),
        })),
      )
      .execute();
  }
}

async function writePatients(
  db: Db,
  upserts: readonly { patient_id: string; fields: PatientFields }[],
  deletes: readonly string[],
  now: string,
): Promise<void> {
  for (const part of chunks(deletes))
    await db.deleteFrom('gw_patient').where('patient_id', 'in', part).execute();
  const unique = [...new Map(upserts.map((u) => [u.patient_id, u])).values()];
  for (const part of chunks(unique, 300)) {
    await db
      .insertInto('gw_patient')
      .values(part.map((u) => ({ patient_id: u.patient_id, ...u.fields, updated_at: now })))
      .onConflict((oc) =>
        oc.column('patient_id').doUpdateSet((eb) => ({
          name_kanji: eb.ref('excluded.name_kanji'),
          name_kana: eb.ref('excluded.name_kana'),
          kana_key: eb.ref('excluded.kana_key'),
          birth_date: eb.ref('excluded.birth_date'),
          sex: eb.ref('excluded.sex'),
          postcode: eb.ref('excluded.postcode'),
          address: eb.ref('excluded.address'),
          phone: eb.ref('excluded.phone'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
