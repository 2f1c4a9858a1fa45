import type { CabinetPushMessage } from '@hie/contract';
import webpush from 'web-push';
import type { CabinetPushSettings } from '../../http.js';
import type { HubCabinetPushTable } from '../../store/cabinet-push-tables.js';
import type { CabinetCallDeps } from '../cabinets.js';
import type { CabinetEvent } from '../events.js';
import { unreadSummary } from '../notifications.js';

const DEFAULT_COALESCE_MS = 2000;
const RETRY_DELAYS_MS = [2_000, 30_000, 300_000];
/** Failed deliveries in a row after which a subscription is dropped. */
export const PUSH_MAX_FAILURES = 10;
/** How long a push service keeps a message for an offline device. */
const TTL_SECONDS = 24 * 60 * 60;

interface Log {
  warn(object: object, message: string): void;
}

export interface PushOutcome {
  id: string;
  status: string;
}

/**
 * Sends the Care Cabinet's Web Push: when someone posts, each other member who may read the cabinet now
 * (the rule in SQL, as for the unread count) and has subscribed devices is told their new unread count —
 * no patient, no cabinet, no words of a post. Events for one user within `coalesceMs` make one push.
 * Encrypted (RFC 8291) and signed (VAPID, RFC 8292) by web-push; a service that says the subscription is
 * gone (404/410) drops it; 429, 5xx and network errors are retried; other refusals count toward dropping.
 * A lost push loses nothing: the count is fetched again on the next screen, and SSE or polling carry on.
 */
export class CabinetPushSender {
  private readonly pending = new Map<string, { userId: string; facilityOid: string }>();
  private timer: NodeJS.Timeout | null = null;
  private readonly running = new Set<Promise<unknown>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly deps: CabinetCallDeps,
    private readonly settings: CabinetPushSettings,
    private readonly log: Log,
  ) {}

  /** Listens to the cabinet events; returns the way to stop. */
  listen(): () => void {
    return this.deps.events.subscribe((event) => this.track(this.onEvent(event)));
  }

  /** Sends what is queued now and waits for every delivery in flight (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.running.size > 0 || this.pending.size > 0) {
      if (this.pending.size > 0) this.track(this.flush());
      await Promise.allSettled([...this.running]);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await this.drain();
  }

  /** A test message to one user's own devices, at once; the outcome per device. */
  async sendTest(userId: string, facilityOid: string): Promise<PushOutcome[]> {
    const summary = await unreadSummary(this.deps, { userId, facilityOid, office: false });
    const rows = await this.devicesOf(userId, facilityOid);
    return Promise.all(rows.map((row) => this.deliver(row, { v: 1, type: 'test', ...summary }, 0, false)));
  }

  private async onEvent(event: CabinetEvent): Promise<void> {
    // A new post (not an edit, not a change of the team) is what a member is woken for.
    if (event.type !== 'post' || event.version !== 1 || this.closed) return;
    const recipients = await this.deps.store.db
      .selectFrom('hub_cabinet_push as s')
      .innerJoin('hub_cabinet_member as m', (join) =>
        join
          .onRef('m.user_id', '=', 's.user_id')
          .onRef('m.facility_oid', '=', 's.facility_oid')
          .on('m.cabinet_id', '=', event.cabinetId)
          .on('m.status', '=', 'active'),
      )
      .innerJoin('hub_user as u', (join) =>
        join.onRef('u.id', '=', 's.user_id').on('u.status', '=', 'active'),
      )
      .innerJoin('hub_membership as f', (join) =>
        join.onRef('f.user_id', '=', 's.user_id').onRef('f.facility_oid', '=', 's.facility_oid'),
      )
      .select(['s.user_id', 's.facility_oid'])
      .distinct()
      .where('s.user_id', '!=', event.authorId)
      .execute();
    for (const r of recipients) {
      this.pending.set(`${r.user_id}\u0000${r.facility_oid}`, {
        userId: r.user_id,
        facilityOid: r.facility_oid,
      });
    }
    if (this.pending.size > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.track(this.flush());
      }, this.settings.coalesceMs ?? DEFAULT_COALESCE_MS);
      this.timer.unref();
    }
  }

  private async flush(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending.clear();
    for (const { userId, facilityOid } of batch) {
      // The count through the rule: a withdrawn consent or a removal since the post counts nothing.
      const summary = await unreadSummary(this.deps, { userId, facilityOid, office: false });
      if (summary.unread === 0) continue;
      const message: CabinetPushMessage = { v: 1, type: 'cabinet-unread', ...summary };
      for (const row of await this.devicesOf(userId, facilityOid))
        this.track(this.deliver(row, message, 0, true));
    }
  }

  private async devicesOf(userId: string, facilityOid: string): Promise<HubCabinetPushTable[]> {
    const now = this.deps.now().toISOString();
    return this.deps.store.db
      .selectFrom('hub_cabinet_push')
      .selectAll()
      .where('user_id', '=', userId)
      .where('facility_oid', '=', facilityOid)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .execute();
  }

  private async deliver(
    row: HubCabinetPushTable,
    message: CabinetPushMessage,
    attempt: number,
    retry: boolean,
  ): Promise<PushOutcome> {
    const db = this.deps.store.db;
    let status: string;
    try {
      const answer = await webpush.sendNotification(
        { endpoint: row.endpoint, keys: { p256dh: row.p256dh, auth: row.auth } },
        JSON.stringify(message),
        {
          vapidDetails: { subject: this.settings.subject, ...this.settings.vapid },
          TTL: TTL_SECONDS,
          urgency: message.urgent ? 'high' : 'normal',
          // A newer count replaces one still waiting at the push service.
          topic: 'cabinet-unread',
          timeout: 10_000,
          ...(this.settings.agent ? { agent: this.settings.agent } : {}),
          ...(this.settings.proxy ? { proxy: this.settings.proxy } : {}),
        },
      );
      status = String(answer.statusCode);
      await db
        .updateTable('hub_cabinet_push')
        .set({ last_sent_at: this.deps.now().toISOString(), last_status: status, failures: 0 })
        .where('id', '=', row.id)
        .execute();
      return { id: row.id, status };
    } catch (error) {
      status = error instanceof webpush.WebPushError ? String(error.statusCode) : 'network';
    }
    if (status === '404' || status === '410') {
      await db.deleteFrom('hub_cabinet_push').where('id', '=', row.id).execute();
      return { id: row.id, status };
    }
    const retryable = status === 'network' || status === '429' || status.startsWith('5');
    const delays = this.settings.retryDelaysMs ?? RETRY_DELAYS_MS;
    if (retry && retryable && attempt < delays.length && !this.closed) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.track(this.deliver(row, message, attempt + 1, true));
      }, delays[attempt]);
      timer.unref();
      this.timers.add(timer);
      return { id: row.id, status };
    }
    this.log.warn({ device: row.id, service: new URL(row.endpoint).host, status }, 'push not delivered');
    await db
      .updateTable('hub_cabinet_push')
      .set((eb) => ({ last_status: status, failures: eb('failures', '+', 1) }))
      .where('id', '=', row.id)
      .execute();
    await db
      .deleteFrom('hub_cabinet_push')
      .where('id', '=', row.id)
      .where('failures', '>=', PUSH_MAX_FAILURES)
      .execute();
    return { id: row.id, status };
  }

  private track<T>(promise: Promise<T>): void {
    const tracked = promise.catch((error: unknown) => this.log.warn({ err: error }, 'cabinet push failed'));
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }
}
