import { KeyObject, sign, verify } from 'node:crypto';
import { appendFile, mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CryptoKey } from 'jose';
import type { Store } from '../store/open.js';
import type { HubKey, SigningKey } from '../trust/keys.js';
import { type AuditSchema, auditStore } from './schema.js';

/**
 * An anchor of the audit chain (ARCHITECTURE.md invariant 9): the head (seq, hash) signed with the
 * unit's Ed25519 key — a file the store's writer cannot use — and written to a witness outside the
 * store. Whoever deletes, rewrites, re-numbers or re-hashes events after an anchor cannot make the
 * chain agree with it again without the key.
 */
export interface AuditAnchor {
  /** The unit whose chain this is (`hub`, a gateway's facility OID). */
  unit: string;
  seq: number;
  hash: string;
  at: string;
  kid: string;
  /** Ed25519 over `signedText(anchor)`, base64url. */
  signature: string;
}

const signedText = (a: Omit<AuditAnchor, 'signature' | 'kid'>) =>
  `hie-audit-anchor\n${a.unit}\n${a.seq}\n${a.hash}\n${a.at}`;

const keyObjectOf = (key: CryptoKey) => KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);

/** The chain's head now. */
export async function auditHead<DB extends AuditSchema>(
  unitStore: Store<DB>,
): Promise<{ seq: number; hash: string }> {
  const head = await auditStore(unitStore)
    .db.selectFrom('audit_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return { seq: Number(head.seq), hash: head.hash };
}

/** Signs the current head. */
export async function anchorAudit<DB extends AuditSchema>(
  store: Store<DB>,
  key: SigningKey,
  unit: string,
  now: Date = new Date(),
): Promise<AuditAnchor> {
  const head = await auditHead(store);
  const body = { unit, seq: head.seq, hash: head.hash, at: now.toISOString() };
  const signature = sign(null, Buffer.from(signedText(body)), keyObjectOf(key.privateKey)).toString(
    'base64url',
  );
  return { ...body, kid: key.kid, signature };
}

/** Whether the anchor was signed by one of these keys (and its issuer is the unit's). */
export function anchorSignedBy(anchor: AuditAnchor, keys: readonly HubKey[]): boolean {
  const key = keys.find((k) => k.kid === anchor.kid);
  if (!key) return false;
  try {
    return verify(
      null,
      Buffer.from(signedText(anchor)),
      keyObjectOf(key.publicKey),
      Buffer.from(anchor.signature, 'base64url'),
    );
  } catch {
    return false;
  }
}

/** Somewhere outside the store that keeps every anchor written to it. */
export interface AuditWitness {
  write(anchor: AuditAnchor): Promise<void>;
}

/** A witness outside the store: a JSON-lines file the operator keeps (and may ship elsewhere). */
export class FileWitness implements AuditWitness {
  constructor(readonly path: string) {}

  async write(anchor: AuditAnchor): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify(anchor)}\n`, { mode: 0o600 });
    const handle = await open(this.path, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Every anchor in the file (a torn last line is skipped). Also reads a syslog collector's file: each
   * line's JSON from its first `{` (SyslogWitness messages end with the anchor).
   */
  async read(): Promise<AuditAnchor[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return [];
    }
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        const start = line.indexOf('{');
        if (start < 0) return [];
        try {
          const anchor = JSON.parse(line.slice(start)) as AuditAnchor;
          return typeof anchor.seq === 'number' && typeof anchor.signature === 'string' ? [anchor] : [];
        } catch {
          return [];
        }
      });
  }
}

export interface AuditAnchoring {
  /** Anchors now unless the chain has not moved since the last anchor (also every interval, and at stop). */
  anchorNow(): Promise<AuditAnchor>;
  stop(): Promise<void>;
}

/** Anchors the chain every `intervalMs` and at stop — each time only if it moved since the last anchor. */
export function startAuditAnchoring<DB extends AuditSchema>(
  store: Store<DB>,
  options: {
    key: SigningKey;
    unit: string;
    /** Each anchor goes to every witness; one that fails (a collector down) does not stop the others. */
    witnesses: readonly AuditWitness[];
    intervalMs?: number;
    onError?: (e: unknown) => void;
  },
): AuditAnchoring {
  let last: AuditAnchor | undefined;
  // One anchoring at a time: a timer tick and a stop never write the same head twice.
  let running: Promise<unknown> = Promise.resolve();
  const anchorNow = () => {
    const next = running.then(async () => {
      const head = await auditHead(store);
      if (last && last.seq === head.seq && last.hash === head.hash) return last;
      const anchor = await anchorAudit(store, options.key, options.unit);
      const results = await Promise.allSettled(options.witnesses.map((w) => w.write(anchor)));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      // Written nowhere: the caller hears of it, and the next tick tries again.
      if (failed.length === results.length && results.length > 0) {
        throw new AggregateError(failed, 'the audit anchor could not be written to any witness');
      }
      // Written somewhere: this head is witnessed; the witnesses that failed are reported.
      for (const reason of failed) options.onError?.(reason);
      last = anchor;
      return anchor;
    });
    running = next.catch(() => undefined);
    return next;
  };
  const timer = setInterval(
    () => {
      anchorNow().catch((e) => options.onError?.(e));
    },
    options.intervalMs ?? 5 * 60_000,
  );
  timer.unref();
  return {
    anchorNow,
    async stop() {
      clearInterval(timer);
      await anchorNow().catch((e) => options.onError?.(e));
    },
  };
}
