import { statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Store } from '@hie/platform';
import {
  chunks,
  markProjectionVersion,
  PROJECTION_VERSION,
  projectionVersion,
  type Schema,
} from '@hie/record-source';
import { scanStorage } from '@hie/ssmix2';
import { applyBatch, type BatchItem, type BatchResult } from './apply.js';
import type { DecodedFile } from './decode.js';
import { DecodePool } from './decode-pool.js';
import { syncDicomStorage } from './dicom-index.js';
import { syncExtendedStorage } from './extended.js';
import { PACS_PATH_PREFIX } from './pacs-state.js';
import { forgetPacs } from './pacs-study-rows.js';
import { syncPacs } from './pacs-sync.js';
import type { IngestOptions, IngestReport } from './types.js';
import { StorageWatcher } from './watch.js';

interface Listed {
  path: string;
  fileName: string;
  size: number;
  mtimeMs: number;
}

const emptyReport = (): IngestReport => ({
  seen: 0,
  unchanged: 0,
  ingested: 0,
  resourcesPut: 0,
  resourcesDeleted: 0,
  errors: 0,
  removed: 0,
  ms: 0,
});

/**
 * Projects SS-MIX2 storage into the gateway's store: a full pass (walk, skip what gw_file already
 * holds unchanged, read+parse+map the rest in a worker, write each batch in one transaction, then
 * drop what vanished), then the watcher and a periodic rescan. gw_file itself is the checkpoint:
 * it commits with the projection, so it can never claim more than the store holds.
 */
export class GatewayIngest {
  private readonly pool: DecodePool;
  /** Every write goes through this chain: batches never interleave. */
  private writes: Promise<unknown> = Promise.resolve();
  private passRunning: Promise<IngestReport> | undefined;
  private watcher: StorageWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly batchSize: number;

  constructor(
    private readonly store: Store<Schema>,
    private readonly options: IngestOptions,
  ) {
    this.pool = new DecodePool(options.workers ?? DecodePool.defaultSize(), {
      institutionCode: options.facility.institutionCode,
      oid: options.facility.oid,
      name: options.facility.name,
    });
    this.batchSize = options.batchSize ?? 2000;
  }

  /** Folders the watcher follows (0 when not started or not watching). */
  get watchedDirectories(): number {
    return this.watcher?.watchedDirectories ?? 0;
  }

  /** Scans every root; idempotent; after a crash it redoes exactly what did not commit. */
  fullLoad(options: { pacsFull?: boolean } = {}): Promise<IngestReport> {
    this.passRunning ??= this.pass(options.pacsFull ?? false).finally(() => {
      this.passRunning = undefined;
    });
    return this.passRunning;
  }

  async start(): Promise<void> {
    if ((await projectionVersion(this.store.db)) < PROJECTION_VERSION) {
      // Projected by an older release (e.g. without category tags): rebuilt once from storage.
      this.options.onEvent?.({
        kind: 'error',
        message: 'the projection is of an older release: rebuilding it from storage',
      });
      await this.reindex();
    } else {
      await this.fullLoad();
    }
    if (this.options.watch ?? true) {
      this.watcher = new StorageWatcher(
        this.options.roots,
        (paths) => {
          this.notify(paths).catch((e) => this.emitError(e));
        },
        this.options.watchOptions,
      );
      await this.watcher.start();
    }
    const every = this.options.rescanIntervalMs ?? 60_000;
    if (every > 0) {
      this.timer = setInterval(() => {
        this.fullLoad().catch((e) => this.emitError(e));
      }, every);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.watcher?.close();
    this.watcher = undefined;
    await this.passRunning?.catch(() => undefined);
    await this.writes.catch(() => undefined);
    await this.pool.close();
  }

  /** Ingests these files now (new, changed or vanished); the inbound writer calls it after writing. */
  async notify(paths: readonly string[]): Promise<IngestReport> {
    const started = Date.now();
    const report = emptyReport();
    const listed: Listed[] = [];
    const gone: string[] = [];
    for (const path of new Set(paths)) {
      const fileName = basename(path);
      if (fileName.startsWith('.')) continue;
      try {
        const s = statSync(path);
        if (s.isFile()) listed.push({ path, fileName, size: s.size, mtimeMs: s.mtimeMs });
      } catch {
        gone.push(path);
      }
    }
    report.seen = listed.length;
    for (const part of chunks(listed, this.batchSize)) {
      const todo = await this.changedOnly(part, report);
      const decoded = await this.pool.decode(todo);
      this.add(report, await this.commit(decoded.map((file) => ({ kind: 'decoded', file }) as BatchItem)));
    }
    if (gone.length > 0) this.add(report, await this.commit(await this.knownItems(gone)));
    report.ms = Date.now() - started;
    return report;
  }

  /** Drops the projection and rebuilds it from storage. */
  async reindex(): Promise<IngestReport> {
    // A pass already running would skip files it handled before the drop: let it finish first.
    await this.passRunning?.catch(() => undefined);
    await this.enqueue(() =>
      this.store.db.transaction().execute(async (trx) => {
        // The DICOM index too: its ImagingStudy rows went with gw_resource, so every image is read again.
        for (const table of [
          'gw_resource',
          'gw_file',
          'gw_patient',
          'gw_error',
          'gw_dicom_instance',
          'gw_pacs_study',
        ] as const) {
          await trx.deleteFrom(table).execute();
        }
      }),
    );
    const report = await this.fullLoad({ pacsFull: true });
    await markProjectionVersion(this.store.db);
    return report;
  }

  private async pass(pacsFull: boolean): Promise<IngestReport> {
    const started = Date.now();
    const report = emptyReport();
    const seen = new Set<string>();
    // Batches flow through filter → decode (worker) → write; a small window keeps the worker busy
    // while the main thread writes, and memory bounded.
    const window: Promise<void>[] = [];
    let batch: Listed[] = [];
    const flush = async () => {
      const part = batch;
      batch = [];
      const decoded = this.changedOnly(part, report).then((todo) => this.pool.decode(todo));
      const written = this.commitLater(decoded, report);
      // A failed batch ends the pass (awaited below); the batches still in flight must not turn
      // into unhandled rejections meanwhile.
      written.catch(() => undefined);
      window.push(written);
      if (window.length >= 3) await window.shift();
    };
    // The walk stays in this thread: a scan worker (scanStorage's `workers`) took the walk off it but
    // cost ~0.2 s more CPU per 13k files in messaging, and measured slower on 2 shared cores.
    for await (const item of scanStorage(this.options.roots)) {
      if (item.kind === 'file') {
        seen.add(item.path);
        report.seen++;
        batch.push({ path: item.path, fileName: item.fileName, size: item.size, mtimeMs: item.mtimeMs });
        if (batch.length >= this.batchSize) await flush();
      } else if (item.kind === 'problem') {
        this.emitError(new Error(`${item.path}: ${item.code} ${item.message}`));
      }
    }
    if (batch.length > 0) await flush();
    await Promise.all(window);
    await this.sweep(seen, report);
    const extendedRoots = this.options.extendedRoots ?? [];
    if (extendedRoots.length > 0) {
      const docs = await this.enqueue(() =>
        syncExtendedStorage(this.store, extendedRoots, this.options.facility),
      );
      report.documents = docs.documents;
      report.resourcesPut += docs.resourcesPut;
      report.resourcesDeleted += docs.resourcesDeleted;
      for (const problem of docs.problems) this.emitError(new Error(problem));
    }
    const dicomRoots = this.options.dicomRoots ?? [];
    if (dicomRoots.length > 0) {
      const images = await this.enqueue(() =>
        syncDicomStorage(this.store, dicomRoots, this.options.facility),
      );
      report.dicomInstances = images.instances;
      for (const [code, n] of Object.entries(images.problems))
        this.emitError(new Error(`DICOM: ${n} file(s) not indexed: ${code} (hie gateway status lists them)`));
    }
    await this.syncPacs(report, pacsFull);
    report.ms = Date.now() - started;
    this.options.onEvent?.({ kind: 'scan-done', report });
    return report;
  }

  /**
   * The PACS's studies (its network I/O outside the write queue, each study's rows through it, so a
   * slow PACS never holds inbound messages back). A failing PACS is reported, never thrown: the pass
   * goes on. Without a PACS configured, what an earlier one gave is removed.
   */
  private async syncPacs(report: IngestReport, full: boolean): Promise<void> {
    const pacs = this.options.pacs;
    const facility = this.options.facility;
    if (!pacs) {
      const held = await this.store.db.selectFrom('gw_pacs_study').select('study_uid').limit(1).execute();
      const rows = await this.store.db
        .selectFrom('gw_dicom_instance')
        .select('study_uid')
        .where('source', '=', 'pacs')
        .limit(1)
        .execute();
      if (held.length > 0 || rows.length > 0) await this.enqueue(() => forgetPacs(this.store, facility));
      return;
    }
    const r = await syncPacs(this.store, pacs, facility, { full, write: (work) => this.enqueue(work) });
    report.pacs = r;
    if (r.error) this.emitError(new Error(`PACS ${r.url}: ${r.error.code}: ${r.error.message}`));
    for (const [code, n] of Object.entries(r.problems))
      this.emitError(new Error(`PACS: ${n} study(ies) not indexed: ${code} (hie gateway status lists them)`));
  }

  /** Rows for files the walk did not see (and that are really gone): removed from the projection. */
  private async sweep(seen: ReadonlySet<string>, report: IngestReport): Promise<void> {
    const unseen: string[] = [];
    for (const table of ['gw_file', 'gw_error'] as const) {
      let after = '';
      for (;;) {
        const rows = await this.store.db
          .selectFrom(table)
          .select('path')
          .where('path', '>', after)
          .orderBy('path')
          .limit(5000)
          .execute();
        if (rows.length === 0) break;
        // The PACS's rows name studies, not files: pacs/sync.ts keeps them.
        for (const r of rows)
          if (!seen.has(r.path) && !r.path.startsWith(PACS_PATH_PREFIX)) unseen.push(r.path);
        after = rows[rows.length - 1]!.path;
      }
    }
    // Written after the walk passed its folder (and ingested by notify): not gone.
    const gone = unseen.filter((p) => {
      try {
        statSync(p);
        return false;
      } catch {
        return true;
      }
    });
    for (const part of chunks(gone, this.batchSize))
      this.add(report, await this.commit(await this.knownItems(part)));
  }

  private async knownItems(paths: readonly string[]): Promise<BatchItem[]> {
    return paths.map((path) => ({ kind: 'removed', path }));
  }

  /** The listed files that are new or changed (size or mtime) against gw_file and gw_error. */
  private async changedOnly(files: readonly Listed[], report: IngestReport): Promise<Listed[]> {
    if (files.length === 0) return [];
    const paths = files.map((f) => f.path);
    const db = this.store.db;
    const [known, failed] = await Promise.all([
      db.selectFrom('gw_file').select(['path', 'size', 'mtime_ms']).where('path', 'in', paths).execute(),
      db.selectFrom('gw_error').select(['path', 'size', 'mtime_ms']).where('path', 'in', paths).execute(),
    ]);
    const same = new Set<string>();
    for (const r of [...known, ...failed]) same.add(`${r.path}\n${Number(r.size)}\n${Number(r.mtime_ms)}`);
    const todo = files.filter((f) => !same.has(`${f.path}\n${f.size}\n${f.mtimeMs}`));
    report.unchanged += files.length - todo.length;
    return todo;
  }

  private commitLater(decoded: Promise<DecodedFile[]>, report: IngestReport): Promise<void> {
    return decoded.then(async (files) => {
      if (files.length === 0) return;
      this.add(report, await this.commit(files.map((file) => ({ kind: 'decoded', file }) as BatchItem)));
    });
  }

  private commit(items: BatchItem[]): Promise<BatchResult> {
    return this.enqueue(async () => {
      const now = new Date().toISOString();
      const facility = this.options.facility;
      const result = await this.store.db
        .transaction()
        .execute((trx) => applyBatch(trx, this.store.engine, items, facility, now));
      this.options.onEvent?.({
        kind: 'batch',
        files: items.length,
        resources: result.resourcesPut,
        errors: result.errors,
      });
      return result;
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writes.then(work, work);
    this.writes = next.catch(() => undefined);
    return next;
  }

  private add(report: IngestReport, r: BatchResult): void {
    report.ingested += r.ingested;
    report.resourcesPut += r.resourcesPut;
    report.resourcesDeleted += r.resourcesDeleted;
    report.errors += r.errors;
    report.removed += r.removed;
  }

  private emitError(e: unknown): void {
    this.options.onEvent?.({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
}
