// One feed request to the hub, and what its answer means for the feeder.
import { FEED_PATH, type FeedIdentity } from '@hie/contract';
import { contractHeaders, underBase } from '@hie/platform';

export { FEED_PATH };

export interface HubFeedTarget {
  /** The hub's base URL (`https://hub.example.jp`). */
  url: string;
  /** This facility's feed token (the hub keeps its sha256). */
  feedToken: string;
}

/**
 * - `ok`: 2xx, the checkpoint may move.
 * - `auth`: 401/403 — a configuration error (wrong token, wrong facility, suspended facility): retried slowly.
 * - `rejected`: another 4xx — the hub refuses this batch's content (or size); the feeder narrows it down.
 * - `unavailable`: 5xx, 429, network error or timeout — retried with backoff.
 */
export type FeedAnswer =
  | {
      kind: 'ok';
      status: number;
      outcomes: Record<string, number>;
      /** Identities the hub refused on their own (per-record outcome `rejected`), with its reason. */
      rejected: { localId: string; reason: string }[];
    }
  | { kind: 'auth' | 'rejected' | 'unavailable'; status: number | null; message: string };

/** Sends one batch. Never throws. */
export async function postIdentities(
  target: HubFeedTarget,
  identities: readonly FeedIdentity[],
  options: { fetch?: typeof fetch; signal?: AbortSignal } = {},
): Promise<FeedAnswer> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(underBase(target.url, FEED_PATH), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${target.feedToken}`,
        'content-type': 'application/json',
        accept: 'application/json',
        ...contractHeaders(),
      },
      body: JSON.stringify({ identities }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (e) {
    return { kind: 'unavailable', status: null, message: networkMessage(e) };
  }
  const text = await response.text().catch(() => '');
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: 'ok', status, ...readOutcomes(text) };
  const message = `${status} ${errorText(text) ?? response.statusText}`.trim();
  if (status === 401 || status === 403) return { kind: 'auth', status, message };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429)
    return { kind: 'rejected', status, message };
  return { kind: 'unavailable', status, message };
}

/**
 * `{ outcomes: [{outcome:'new'}, {outcome:'rejected', localId, reason}, …] }` → counts per outcome, for
 * the status, and the identities refused on their own; tolerant of any shape.
 */
function readOutcomes(text: string): {
  outcomes: Record<string, number>;
  rejected: { localId: string; reason: string }[];
} {
  const outcomes: Record<string, number> = {};
  const rejected: { localId: string; reason: string }[] = [];
  try {
    const body = JSON.parse(text) as {
      outcomes?: { outcome?: unknown; localId?: unknown; reason?: unknown }[];
    };
    for (const o of body.outcomes ?? []) {
      const key = typeof o?.outcome === 'string' ? o.outcome : 'other';
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      if (key === 'rejected') {
        rejected.push({
          localId: typeof o.localId === 'string' ? o.localId : '?',
          reason: typeof o.reason === 'string' ? o.reason.slice(0, 200) : 'refused',
        });
      }
    }
  } catch {
    // A 2xx is an acceptance whatever its body says.
  }
  return { outcomes, rejected };
}

/** The hub's error shape `{error:{code,message}}` → `code: message`. */
function errorText(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error) return [body.error.code, body.error.message].filter(Boolean).join(': ');
  } catch {
    // not JSON
  }
  return text ? text.slice(0, 200) : undefined;
}

function networkMessage(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = (e as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return `${e.name === 'TimeoutError' ? 'timed out' : e.message}${detail}`;
}
