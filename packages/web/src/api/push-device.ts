/**
 * This browser as a Web Push device of the Care Cabinet (hub/src/cabinet/push): the service worker
 * (public/sw.js), the browser's PushSubscription, and its registration at the hub. The device's hub id
 * is kept in localStorage so the app knows whether this browser is the one in the user's device list.
 */
import type { CabinetPushDevice } from '@hie/contract';
import { api } from './client';

const STORE_KEY = 'hie.cabinetPushDevice';

interface Stored {
  id: string;
  endpoint: string;
}

export type PushSupport = 'supported' | 'unsupported' | 'denied';

export function pushSupport(): PushSupport {
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return 'unsupported';
  }
  return Notification.permission === 'denied' ? 'denied' : 'supported';
}

/** base64url (the VAPID public key) as bytes, for `applicationServerKey`. */
export function base64UrlBytes(value: string): Uint8Array<ArrayBuffer> {
  const base64 = value
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(value.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** "iPad (Safari)", "Windows (Edge)" …: what the user sees in their device list. */
export function deviceLabel(userAgent: string): string {
  const ua = userAgent;
  const device = /iPad|Macintosh.*Mobile/.test(ua)
    ? 'iPad'
    : /iPhone/.test(ua)
      ? 'iPhone'
      : /Android/.test(ua)
        ? 'Android'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Mac OS X|Macintosh/.test(ua)
            ? 'Mac'
            : /Linux|CrOS/.test(ua)
              ? 'Linux'
              : 'browser';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Firefox\//.test(ua)
      ? 'Firefox'
      : /Chrome\/|Chromium\/|CriOS\//.test(ua)
        ? 'Chrome'
        : /Safari\//.test(ua)
          ? 'Safari'
          : '';
  return browser ? `${device} (${browser})` : device;
}

function stored(): Stored | null {
  try {
    const value = JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null') as Stored | null;
    return value && typeof value.id === 'string' && typeof value.endpoint === 'string' ? value : null;
  } catch {
    return null;
  }
}

/** This browser's id in the hub's device list, if it registered. */
export const thisDeviceId = (): string | null => stored()?.id ?? null;

async function subscription(publicKey: string): Promise<PushSubscription> {
  const registration = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
  await navigator.serviceWorker.ready;
  const key = base64UrlBytes(publicKey);
  const existing = await registration.pushManager.getSubscription();
  if (existing) {
    const current = existing.options.applicationServerKey;
    const same = current !== null && sameBytes(new Uint8Array(current), key);
    if (same) return existing;
    await existing.unsubscribe();
  }
  return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Asks for permission, subscribes this browser with the hub's key and registers it for the user. */
export async function enablePush(publicKey: string): Promise<CabinetPushDevice> {
  if ((await Notification.requestPermission()) !== 'granted') {
    throw new Error('permission-denied');
  }
  const sub = await subscription(publicKey);
  const device = await api<CabinetPushDevice>('/cabinet-push/devices', {
    method: 'POST',
    body: { ...sub.toJSON(), label: deviceLabel(navigator.userAgent) },
  });
  localStorage.setItem(STORE_KEY, JSON.stringify({ id: device.id, endpoint: sub.endpoint } satisfies Stored));
  return device;
}

/** Removes a device from the user's list; when it is this browser, also ends its subscription. */
export async function removePushDevice(id: string): Promise<void> {
  await api(`/cabinet-push/devices/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(
    (error: unknown) => {
      if ((error as { status?: number }).status !== 404) throw error;
    },
  );
  if (stored()?.id !== id) return;
  localStorage.removeItem(STORE_KEY);
  const registration = await navigator.serviceWorker?.getRegistration('/');
  await (await registration?.pushManager.getSubscription())?.unsubscribe();
}

/**
 * After a browser renewed its subscription, or the hub dropped it (the service said gone): registers
 * this browser again, quietly, when the user had turned push on here and still allows notifications.
 */
export async function resyncPush(publicKey: string, devices: readonly CabinetPushDevice[]): Promise<boolean> {
  const mine = stored();
  if (!mine || pushSupport() !== 'supported' || Notification.permission !== 'granted') return false;
  const sub = await subscription(publicKey);
  if (sub.endpoint === mine.endpoint && devices.some((d) => d.id === mine.id)) return false;
  await enablePush(publicKey);
  return true;
}

/** At logout: this browser stops being told of the user's posts (a shared iPad at the station). */
export async function forgetPushOnLogout(): Promise<void> {
  const mine = stored();
  if (mine) await removePushDevice(mine.id).catch(() => localStorage.removeItem(STORE_KEY));
}
