import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WalkSubtree } from '../storage/walk.js';
import type { ScanItem, ScanOptions } from './scanner.js';

export interface SubtreeRequest {
  id: number;
  subtrees: WalkSubtree[];
  options: Pick<ScanOptions, 'read' | 'check'>;
}
export interface SubtreeResponse {
  id: number;
  items: ScanItem[];
}

const WORKER_SCRIPT = new URL('./scan-worker.js', import.meta.url);

/** Worker threads that walk, read and check whole subtrees of a storage. */
export class ScanPool {
  private next = 0;
  private seq = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (r: ScanItem[]) => void; reject: (e: Error) => void }
  >();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: SubtreeResponse) => {
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        p?.resolve(m.items);
      });
      w.on('error', (e) => {
        for (const p of this.waiting.values()) p.reject(e);
        this.waiting.clear();
      });
    }
  }

  /** Undefined when the compiled worker script is not there (e.g. running from TypeScript sources). */
  static create(size: number): ScanPool | undefined {
    if (size < 1 || WORKER_SCRIPT.protocol !== 'file:' || !existsSync(fileURLToPath(WORKER_SCRIPT)))
      return undefined;
    return new ScanPool(Array.from({ length: size }, () => new Worker(WORKER_SCRIPT)));
  }

  get size(): number {
    return this.workers.length;
  }

  scan(subtrees: WalkSubtree[], options: SubtreeRequest['options']): Promise<ScanItem[]> {
    const id = this.seq++;
    const worker = this.workers[this.next++ % this.workers.length]!;
    const request: SubtreeRequest = { id, subtrees, options };
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
