/**
 * Writes extended-storage content folders the way StorageWriter writes files: every folder appears
 * under its final name complete or not at all. Its files go into a dot-named temp folder beside it
 * (ignored by scanners), then the key's current folder (`_1`) becomes `_2` and the temp folder is
 * renamed into place. Folders of one key are written one after another by the caller (one patient
 * at a time), so no queue is needed here.
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parseFileName } from '../../names/file-name.js';
import { type ExtendedContentKey, extendedContentPath } from '../../storage/extended.js';

export interface ContentFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export class ExtendedWriter {
  constructor(readonly root: string) {}

  /** Writes a current (`_1`) content folder; an older `_1` folder of the same key becomes `_2`. */
  async write(key: Omit<ExtendedContentKey, 'flag'>, files: readonly ContentFile[]): Promise<string> {
    const path = extendedContentPath(this.root, { ...key, flag: '1' });
    const dir = dirname(path);
    await mkdir(dir, { recursive: true });
    const temp = join(dir, `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
    await mkdir(temp);
    try {
      for (const f of files) await writeFile(join(temp, f.name), f.bytes);
      for (const existing of await readdir(dir)) {
        if (existing.startsWith('.')) continue;
        const parsed = parseFileName(existing, { extended: true });
        if (!parsed.ok) continue;
        const v = parsed.value;
        if (v.flag !== '1' || v.orderNo !== key.specificKey || v.careDate !== key.careDate) continue;
        if (v.patientId !== key.patientId || existing === basename(path)) continue;
        await rename(
          join(dir, existing),
          extendedContentPath(this.root, { ...key, ...v, specificKey: v.orderNo, flag: '2' }),
        );
      }
      await rename(temp, path);
      return path;
    } catch (e) {
      await rm(temp, { recursive: true, force: true });
      throw e;
    }
  }
}
