import type { Store } from '@hie/platform';
import { type AuditRecord, appendAudit } from '@hie/platform';
import type { Schema } from '../store/schema.js';

interface Waiting {
  record: AuditRecord;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * One audit record per request, through the one audit writer. Records of requests that finish in
 * the same turn of the event loop go into one appendAudit call (one transaction, still one event each
 * in the chain), so auditing costs one write per batch, not per request. A request waits for its record
 * to be written before anything is disclosed: no audit, no answer.
 */
export class AuditQueue {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly store: Store<Schema>) {}

  append(record: AuditRecord): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ record, resolve, reject });
      if (this.waiting.length === 1 && !this.writing) setImmediate(() => void this.write());
    });
  }

  private async write(): Promise<void> {
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, 1000);
        try {
          await appendAudit(
            this.store,
            batch.map((w) => w.record),
          );
          for (const w of batch) w.resolve();
        } catch (error) {
          for (const w of batch) w.reject(error);
        }
      }
    } finally {
      this.writing = false;
      if (this.waiting.length > 0) setImmediate(() => void this.write());
    }
  }
}
