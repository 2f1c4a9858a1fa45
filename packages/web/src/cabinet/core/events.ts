/**
 * The hub's Server-Sent Events of the cabinets (`GET /api/v1/cabinet-events`): one EventSource for the
 * whole tab, open while a cabinet screen is (`useCabinetEvents(…, true)`); anyone else (the menu's
 * unread badge) listens to it without opening it. Reopened after a refusal, while still wanted.
 */
import { useEffect, useRef } from 'react';
import { API_BASE } from '../../api/client';

export type CabinetEvent =
  | {
      type: 'post';
      cabinetId: string;
      postId: string;
      version: number;
      urgent: boolean;
      mentionsMe: boolean;
      /** The post is the user's own (from another tab, or this one). */
      mine?: boolean;
    }
  | { type: 'cabinet'; cabinetId: string };

type Listener = (event: CabinetEvent) => void;

const listeners = new Set<Listener>();
let openers = 0;
let source: EventSource | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;

function dispatch(type: CabinetEvent['type'], raw: MessageEvent<string>) {
  let data: unknown;
  try {
    data = JSON.parse(raw.data);
  } catch {
    return;
  }
  if (!data || typeof data !== 'object' || typeof (data as { cabinetId?: unknown }).cabinetId !== 'string')
    return;
  const event = { ...(data as object), type } as CabinetEvent;
  for (const listener of [...listeners]) listener(event);
}

function connect() {
  if (source || typeof EventSource === 'undefined') return;
  const es = new EventSource(`${API_BASE}/cabinet-events`, { withCredentials: true });
  es.addEventListener('post', (e) => dispatch('post', e as MessageEvent<string>));
  es.addEventListener('cabinet', (e) => dispatch('cabinet', e as MessageEvent<string>));
  es.onerror = () => {
    // The browser retries a dropped stream itself; a refused one (401, 404) is closed for good.
    if (es.readyState !== EventSource.CLOSED) return;
    es.close();
    if (source === es) source = null;
    if (openers > 0 && !retry)
      retry = setTimeout(() => {
        retry = null;
        if (openers > 0) connect();
      }, 30_000);
  };
  source = es;
}

function disconnect() {
  source?.close();
  source = null;
  if (retry) clearTimeout(retry);
  retry = null;
}

/** Calls `onEvent` for every event; `open` keeps the stream open while the caller is mounted. */
export function useCabinetEvents(onEvent: Listener, open: boolean): void {
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const listener: Listener = (event) => handler.current(event);
    listeners.add(listener);
    if (open) {
      openers += 1;
      connect();
    }
    return () => {
      listeners.delete(listener);
      if (open) {
        openers -= 1;
        if (openers === 0) disconnect();
      }
    };
  }, [open]);
}
