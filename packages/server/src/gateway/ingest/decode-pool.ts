import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type DecodedFile, decodeFile, type MapFacility } from './decode.js';

export interface DecodeRequest {
  id: number;
  facility: MapFacility;
  files: { path: string; fileName: string }[];
}
export interface DecodeResponse {
  id: number;
  decoded: DecodedFile[];
}

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
        p?.resolve(m.decoded);
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
