import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import { compareNames } from '../storage/walk.js';

/**
 * A checkpoint is what a scan saw, compact enough to keep for millions of files: NDJSON, one header
 * line, then one line per folder holding files, in walk order: `{"r":root,"d":"999/901/…/OMP-01",
 * "f":[[name,size,mtimeMs],…]}`. Gzip-compressed when the file name ends with `.gz`. Being in walk
 * order, it is compared with a new walk by merging, in constant memory.
 */
export interface CheckpointHeader {
  format: 'hie-ssmix2-checkpoint';
  version: 1;
  roots: string[];
  createdAt: string;
}

export interface CheckpointFolder {
  /** Index into the header's roots. */
  r: number;
  /** Folders below the root, joined with `/`. */
  d: string;
  /** Files: name, size, mtimeMs, sorted by name. */
  f: [string, number, number][];
}

export class CheckpointError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'CheckpointError';
  }
}

/** Folder order of a walk: by root, then component-wise by name, a folder before its subfolders. */
export function compareFolders(ar: number, a: readonly string[], br: number, b: readonly string[]): number {
  if (ar !== br) return ar - br;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareNames(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

export function splitFolder(d: string): string[] {
  return d === '' ? [] : d.split('/');
}

/** Streams a checkpoint: the header, then folders in order. */
export class CheckpointReader {
  private constructor(
    readonly header: CheckpointHeader,
    private readonly lines: AsyncIterator<string>,
    private readonly path: string,
  ) {}

  static async open(path: string): Promise<CheckpointReader> {
    const stream = createReadStream(path);
    const input = path.endsWith('.gz') ? stream.pipe(createGunzip()) : stream;
    const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })[Symbol.asyncIterator]();
    let first: IteratorResult<string>;
    try {
      first = await lines.next();
    } catch (e) {
      throw new CheckpointError(path, `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
    const header = first.done ? undefined : (safeJson(first.value) as CheckpointHeader | undefined);
    if (header?.format !== 'hie-ssmix2-checkpoint' || header.version !== 1) {
      throw new CheckpointError(path, 'not a checkpoint written by hie ssmix2 scan');
    }
    return new CheckpointReader(header, lines, path);
  }

  /** The next folder, or undefined at the end. */
  async next(): Promise<CheckpointFolder | undefined> {
    for (;;) {
      const r = await this.lines.next();
      if (r.done) return undefined;
      if (r.value === '') continue;
      const folder = safeJson(r.value) as CheckpointFolder | undefined;
      if (!folder || typeof folder.d !== 'string' || !Array.isArray(folder.f)) {
        throw new CheckpointError(this.path, 'corrupt folder line');
      }
      return folder;
    }
  }

  async close(): Promise<void> {
    await this.lines.return?.();
  }
}

/** Writes a checkpoint under a temporary name and renames it into place on `finish`. */
export class CheckpointWriter {
  private readonly temp: string;
  private readonly file: WriteStream;
  private readonly out: WriteStream | Gzip;

  constructor(
    private readonly path: string,
    roots: readonly string[],
  ) {
    this.temp = `${path}.${process.pid}.tmp`;
    this.file = createWriteStream(this.temp);
    if (path.endsWith('.gz')) {
      const gzip = createGzip();
      gzip.pipe(this.file);
      this.out = gzip;
    } else {
      this.out = this.file;
    }
    const header: CheckpointHeader = {
      format: 'hie-ssmix2-checkpoint',
      version: 1,
      roots: [...roots],
      createdAt: new Date().toISOString(),
    };
    this.out.write(`${JSON.stringify(header)}\n`);
  }

  async folder(folder: CheckpointFolder): Promise<void> {
    if (!this.out.write(`${JSON.stringify(folder)}\n`)) {
      await new Promise<void>((resolve) => this.out.once('drain', () => resolve()));
    }
  }

  async finish(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.file.once('close', () => resolve());
      this.file.once('error', reject);
      this.out.end();
    });
    await rename(this.temp, this.path);
  }

  async abort(): Promise<void> {
    this.out.destroy();
    this.file.destroy();
    await rm(this.temp, { force: true });
  }
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
