import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ConditionFlag,
  type FileNameFailureReason,
  formatFileName,
  parseFileName,
  type Ssmix2FileName,
  storageKey,
} from '../names/file-name.js';
import { keyFolders } from '../names/path.js';

/** One message to file in standardized storage. */
export interface StorageEntry {
  patientId: string;
  careDate: string;
  dataType: string;
  orderNo: string;
  /** When the file is written, 17 digits `yyyyMMddHHmmssfff`. */
  timestamp: string;
  department: string;
  bytes: Uint8Array;
}

export interface StorageWriterOptions {
  /** fsync each file before it gets its final name (durable across power loss; slower). */
  fsync?: boolean;
}

/** A rejected write: the entry would not make a valid standardized file name. */
export class StorageEntryError extends Error {
  constructor(
    readonly reason: FileNameFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'StorageEntryError';
  }
}

/**
 * Writes standardized storage the way SS-MIX2 §3 updates it: per key an append-only history where
 * the newest file carries flag 1 (current) or 0 (deleted). Every file appears under its final name
 * complete or not at all: it is written to a dot-name in the same folder (ignored by scanners), then
 * renamed. Writes to one key are serialized within this writer.
 */
export class StorageWriter {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    readonly root: string,
    private readonly options: StorageWriterOptions = {},
  ) {}

  /** New current file (`_1`); renames the key's existing `_1` files to `_2`. Returns the path. */
  write(entry: StorageEntry): Promise<string> {
    return this.serialize(entry, () => this.file(entry, '1', ['1'], '2'));
  }

  /** Deletion: renames the key's `_1` and `_2` files to `_0`, then writes the delete message as a new `_0`. */
  delete(entry: StorageEntry): Promise<string> {
    return this.serialize(entry, () => this.file(entry, '0', ['1', '2'], '0'));
  }

  private async file(
    entry: StorageEntry,
    flag: ConditionFlag,
    renameFlags: readonly ConditionFlag[],
    renameTo: ConditionFlag,
  ): Promise<string> {
    const name = nameOf(entry, flag);
    const dir = join(this.root, ...keyFolders(name));
    await mkdir(dir, { recursive: true });
    const finalName = formatFileName(name);
    const temp = join(dir, `.${finalName}.${randomBytes(4).toString('hex')}.tmp`);
    await this.writeTemp(temp, entry.bytes);
    try {
      // Rename the older files only once the new content is safely on disk, so a crash leaves at
      // worst a newest `_2` (a half-done update readers can detect) and never a lost message.
      const key = storageKey(name);
      for (const existing of await readdir(dir)) {
        const parsed = parseFileName(existing);
        if (!parsed.ok || storageKey(parsed.value) !== key || !renameFlags.includes(parsed.value.flag))
          continue;
        if (existing === finalName) continue;
        await rename(join(dir, existing), join(dir, formatFileName({ ...parsed.value, flag: renameTo })));
      }
      const path = join(dir, finalName);
      await rename(temp, path);
      return path;
    } catch (e) {
      await rm(temp, { force: true });
      throw e;
    }
  }

  private async writeTemp(path: string, bytes: Uint8Array): Promise<void> {
    const handle = await open(path, 'wx');
    try {
      await handle.writeFile(bytes);
      if (this.options.fsync) await handle.sync();
    } catch (e) {
      await handle.close();
      await rm(path, { force: true });
      throw e;
    }
    await handle.close();
  }

  private serialize(entry: StorageEntry, work: () => Promise<string>): Promise<string> {
    const key = storageKey(entry);
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(key, settled);
    void settled.then(() => {
      if (this.queues.get(key) === settled) this.queues.delete(key);
    });
    return next;
  }
}

function nameOf(entry: StorageEntry, flag: ConditionFlag): Ssmix2FileName {
  const name: Ssmix2FileName = {
    patientId: entry.patientId,
    careDate: entry.careDate,
    dataType: entry.dataType,
    orderNo: entry.orderNo,
    timestamp: entry.timestamp,
    department: entry.department,
    flag,
  };
  const checked = parseFileName(formatFileName(name));
  if (!checked.ok) throw new StorageEntryError(checked.reason, `cannot file entry: ${checked.message}`);
  if (checked.value.orderNo !== name.orderNo || checked.value.patientId !== name.patientId) {
    throw new StorageEntryError(
      'ORDER_NO',
      `cannot file entry: '_' inside a field would shift the name's fields`,
    );
  }
  return name;
}
