import { randomUUID } from 'node:crypto';
import {
  type CabinetPushDevice,
  type CabinetPushSubscriptionInput,
  cabinetPushSubscriptionSchema,
} from '@hie/contract';
import { agentOf, auditHub } from '../../audit-record.js';
import { type CabinetPushSettings, type HubDeps, HubError, type HubPrincipal } from '../../http.js';
import type { HubCabinetPushTable } from '../../store/cabinet-push-tables.js';

/** The browsers' push services (Chrome/Edge on Android and desktop, Firefox, Safari on iOS/iPadOS/macOS, Windows). */
export const PUSH_SERVICES = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  'web.push.apple.com',
  '*.push.apple.com',
  '*.notify.windows.com',
] as const;

/** Devices one user may have subscribed at once; the oldest goes when a new one comes. */
export const PUSH_DEVICES_PER_USER = 10;

type Deps = Pick<HubDeps, 'store' | 'now'>;

export const pushNotConfigured = () =>
  new HubError(
    503,
    'push-not-configured',
    'push notifications are not set up on this hub / このハブではプッシュ通知を使えません（未読は画面で確認できます）',
  );

/** Is the endpoint an https URL of an allowed push service (exact host, `*.suffix`, or `host:port`)? */
export function isAllowedPushEndpoint(endpoint: string, allowedHosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return allowedHosts.some((entry) => {
    const pattern = entry.toLowerCase();
    if (pattern.includes(':')) return url.host.toLowerCase() === pattern;
    if (url.port !== '') return false;
    if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
    return host === pattern;
  });
}

const deviceOf = (row: HubCabinetPushTable): CabinetPushDevice => ({
  id: row.id,
  label: row.label,
  service: new URL(row.endpoint).host,
  createdAt: row.created_at,
  lastSentAt: row.last_sent_at,
  lastStatus: row.last_status,
});

/**
 * Registers this browser for the user acting for their facility. One endpoint is one device: if another
 * user had it (a shared iPad at the station), it is theirs no more. The network office gets no pushes
 * (it reads no cabinet).
 */
export async function subscribePush(
  deps: Deps,
  settings: CabinetPushSettings | undefined,
  principal: HubPrincipal,
  input: CabinetPushSubscriptionInput,
): Promise<CabinetPushDevice> {
  if (!settings) throw pushNotConfigured();
  if (principal.office) {
    throw new HubError(
      403,
      'office-reads-no-cabinets',
      'the network office gets no Care Cabinet notifications',
    );
  }
  const body = cabinetPushSubscriptionSchema.parse(input);
  if (!isAllowedPushEndpoint(body.endpoint, settings.allowedHosts)) {
    throw new HubError(
      400,
      'push-service-not-allowed',
      'this push service is not one the hub may call / このプッシュサービスは許可されていません',
      { service: safeHost(body.endpoint) },
    );
  }
  const now = deps.now().toISOString();
  const row: HubCabinetPushTable = {
    id: randomUUID(),
    user_id: principal.userId,
    facility_oid: principal.facilityOid,
    endpoint: body.endpoint,
    p256dh: body.keys.p256dh,
    auth: body.keys.auth,
    label: body.label || 'browser',
    created_at: now,
    expires_at: body.expirationTime ? new Date(body.expirationTime).toISOString() : null,
    last_sent_at: null,
    last_status: null,
    failures: 0,
  };
  await deps.store.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('hub_cabinet_push').where('endpoint', '=', body.endpoint).execute();
    await tx.insertInto('hub_cabinet_push').values(row).execute();
    const surplus = await tx
      .selectFrom('hub_cabinet_push')
      .select('id')
      .where('user_id', '=', principal.userId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .offset(PUSH_DEVICES_PER_USER)
      .limit(1000)
      .execute();
    if (surplus.length > 0) {
      await tx
        .deleteFrom('hub_cabinet_push')
        .where(
          'id',
          'in',
          surplus.map((s) => s.id),
        )
        .execute();
    }
  });
  await auditPush(deps, principal, 'C', row.id, 'push-subscribe');
  return deviceOf(row);
}

export async function listPushDevices(deps: Deps, principal: HubPrincipal): Promise<CabinetPushDevice[]> {
  const rows = await deps.store.db
    .selectFrom('hub_cabinet_push')
    .selectAll()
    .where('user_id', '=', principal.userId)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map(deviceOf);
}

/** Removes one of the user's own devices; anyone else's id is "not found". */
export async function unsubscribePush(deps: Deps, principal: HubPrincipal, id: string): Promise<void> {
  const result = await deps.store.db
    .deleteFrom('hub_cabinet_push')
    .where('id', '=', id)
    .where('user_id', '=', principal.userId)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) {
    throw new HubError(404, 'push-device-not-found', 'no such device of yours / この端末の登録はありません');
  }
  await auditPush(deps, principal, 'D', id, 'push-unsubscribe');
}

function safeHost(endpoint: string): string {
  try {
    return new URL(endpoint).host;
  } catch {
    return '';
  }
}

function auditPush(deps: Deps, principal: HubPrincipal, action: 'C' | 'D', id: string, what: string) {
  return auditHub(deps, [
    {
      type: 'cabinet',
      action,
      outcome: '0',
      agent: agentOf(principal),
      entities: [`PushSubscription/${id}`],
      purposeOfUse: 'TREAT',
      detail: { what },
    },
  ]);
}
