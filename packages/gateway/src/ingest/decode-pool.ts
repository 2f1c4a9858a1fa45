import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type DecodedFile, decodeFile, type MapFacility, type ResourceRow } from './decode.js';

export interface DecodeRequest {
  id: number;
  facility: MapFacility;
  files: { path: string; fileName: string }[];
}
export interface DecodeResponse {
  id: number;
  decoded: WireFile[];
}

type GoodFile = Extract<DecodedFile, { ok: true }>;
/**
 * A decoded file as posted between threads: the rows as one flat array (ROW_WIDTH values per row)
 * instead of an object per row. Structured cloning writes every property name of every object and
 * rebuilds objects one property at a time; flat, deserializing 2000 files on the main thread took
 * ~37 ms instead of ~47 ms (v8.serialize/deserialize, bench storage). The JSON strings themselves
 * are most of what is copied and stay the same.
 */
export type WireFile =
  | Exclude<DecodedFile, GoodFile>
  | (Omit<GoodFile, 'rows'> & { rows: (string | null)[] });
const ROW_WIDTH = 7;

export function toWire(d: DecodedFile): WireFile {
  if (!d.ok) return d;
  const flat: (string | null)[] = new Array(d.rows.length * ROW_WIDTH);
  let k = 0;
  for (const r of d.rows) {
    flat[k++] = r.resource_type;
    flat[k++] = r.id;
    flat[k++] = r.patient_id;
    flat[k++] = r.category;
    flat[k++] = r.date;
    flat[k++] = r.code;
    flat[k++] = r.json;
  }
  return { ...d, rows: flat };
}

export function fromWire(w: WireFile): DecodedFile {
  if (!w.ok) return w;
  const flat = w.rows;
  const rows: ResourceRow[] = [];
  for (let k = 0; k < flat.length; k += ROW_WIDTH) {
    rows.push({
      resource_type: flat[k]!,
      id: flat[k + 1]!,
      patient_id: flat[k + 2]!,
      category: flat[k + 3]!,
      date: flat[k + 4] ?? null,
      code: flat[k + 5] ?? null,
      json: flat[k + 6]!,
    });
  }
  return { ...w, rows };
}

/** Files per message to a worker (see decode): 250 and 100 measured alike, both better than 2000. */
const PART = 250;

const WORKER_SCRIPT = new URL('./decode-worker.js', import.meta.url);

/**
 * Reads, parses and maps files off the main thread, which then only writes to the store. Without
 * the compiled worker script (running from TypeScript sources) it decodes in this thread.
 */
export class DecodePool {
  private seq = 0;
  private next = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (d: DecodedFile[]) => void; reject: (e: Error) => void }
  >();
  private readonly workers: Worker[];

  constructor(
    size: number,
    private readonly facility: MapFacility,
  ) {
    const usable = size > 0 && WORKER_SCRIPT.protocol === 'file:' && existsSync(fileURLToPath(WORKER_SCRIPT));
    this.workers = usable ? Array.from({ length: size }, () => new Worker(WORKER_SCRIPT)) : [];
    for (const w of this.workers) {
      w.unref();
      w.on('message', (m: DecodeResponse) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        p?.resolve(m.decoded.map(fromWire));
      });
      // A dead worker fails what it had in hand (the pass ends; the next one redoes it) and leaves
      // the pool, which decodes in this thread once no worker is left — never a request left hanging.
      const retire = (e: Error) => {
        const i = this.workers.indexOf(w);
        if (i >= 0) this.workers.splice(i, 1);
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      };
      w.on('error', retire);
      w.on('exit', (code) => {
        if (!this.closing) retire(new Error(`decode worker exited with code ${code}`));
      });
    }
  }

  /** Default worker count: one when the compiled script exists (the main thread writes meanwhile). */
  static defaultSize(): number {
    return WORKER_SCRIPT.protocol === 'file:' && existsSync(fileURLToPath(WORKER_SCRIPT)) ? 1 : 0;
  }

  get threaded(): boolean {
    return this.workers.length > 0;
  }

  decode(files: { path: string; fileName: string }[]): Promise<DecodedFile[]> {
    if (this.workers.length === 0) {
      return Promise.resolve(files.map((f) => decodeFile(f.path, f.fileName, this.facility)));
    }
    // Posted in parts: the worker hands each part back as soon as it is done, so its JSON strings
    // die young instead of surviving (and being copied by) the scavenges of a whole 2000-file batch.
    if (files.length > PART) {
      const parts: Promise<DecodedFile[]>[] = [];
      for (let i = 0; i < files.length; i += PART) parts.push(this.decodePart(files.slice(i, i + PART)));
      return Promise.all(parts).then((done) => done.flat());
    }
    return this.decodePart(files);
  }

  private decodePart(files: { path: string; fileName: string }[]): Promise<DecodedFile[]> {
    const id = this.seq++;
    const worker = this.workers[this.next++ % this.workers.length]!;
    const request: DecodeRequest = { id, facility: this.facility, files };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage(request);
    }).finally(() => {
      if (this.waiting.size === 0) for (const w of this.workers) w.unref();
    }) as Promise<DecodedFile[]>;
  }

  private closing = false;

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
