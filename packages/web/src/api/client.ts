/**
 * The one HTTP client of the app: same-origin fetch with the session cookie, the CSRF header on
 * unsafe methods, and every refusal turned into an ApiError carrying the hub's stable code.
 */

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
/** Called when a request answers 401 `not-authenticated` (session expired or revoked elsewhere). */
let onUnauthenticated: (() => void) | null = null;
/** Called after every answered request with a session: the hub's idle timeout slid. */
let onActivity: (() => void) | null = null;

export function setActivityHandler(handler: (() => void) | null): void {
  onActivity = handler;
}

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type Query = Record<string, string | number | boolean | null | undefined | readonly string[]>;

/** `?a=1&b=2`, leaving out empty values; arrays repeat the key. */
export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  /** JSON body (objects) or a raw body (text/csv, a file). */
  body?: unknown;
  contentType?: string;
  /** What to ask for (default JSON): DICOM JSON, a multipart frame, an image. */
  accept?: string;
  signal?: AbortSignal;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (
      typeof options.body === 'string' ||
      options.body instanceof Blob ||
      options.body instanceof ArrayBuffer ||
      options.body instanceof FormData
    ) {
      body = options.body as BodyInit;
      if (options.contentType) headers['content-type'] = options.contentType;
    } else {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
  }
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(`${API_BASE}${path}${queryString(options.query)}`, {
        method,
        headers,
        body: body ?? null,
        credentials: 'same-origin',
        signal: options.signal ?? null,
      });
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error;
      throw new ApiError(0, 'network', 'network error');
    }
    if (!response.ok) {
      const error = await toApiError(response, path);
      // The hub lets a user have a few viewing requests in flight (hub/viewing/budget.ts); a screen
      // that asks for more (every tab's list at once, a long period year by year) waits its turn
      // instead of showing a list with a part missing.
      if (error.code === 'too-many-requests' && method === 'GET' && attempt < BUSY_RETRIES) {
        await busyWait(attempt, options.signal);
        continue;
      }
      throw error;
    }
    if (!path.startsWith('/auth/')) onActivity?.();
    return response;
  }
}

/** Tries of a GET the hub refused for too many requests in flight (about 15 s in all). */
const BUSY_RETRIES = 8;

function busyWait(attempt: number, signal: AbortSignal | undefined): Promise<void> {
  const ms = Math.min(4000, 150 * 2 ** attempt) * (0.5 + Math.random() / 2);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
}

async function toApiError(response: Response, path: string): Promise<ApiError> {
  let code = `http-${response.status}`;
  let message = response.statusText;
  let details: unknown;
  try {
    const json = (await response.json()) as {
      error?: { code?: string; message?: string; details?: unknown };
      /** Field-by-field problems a repository names beside its error (422). */
      issues?: unknown;
      /** The patients a repository could not choose between (409 patient-ambiguous). */
      candidates?: unknown;
    };
    if (json.error?.code) code = json.error.code;
    if (json.error?.message) message = json.error.message;
    const beside = {
      ...(json.issues !== undefined ? { issues: json.issues } : {}),
      ...(json.candidates !== undefined ? { candidates: json.candidates } : {}),
    };
    details = json.error?.details ?? (Object.keys(beside).length > 0 ? beside : undefined);
  } catch {
    // not JSON: keep the HTTP status as the code
  }
  if (response.status === 401 && code === 'not-authenticated' && !path.startsWith('/auth/')) {
    onUnauthenticated?.();
  }
  return new ApiError(response.status, code, message, details);
}

/** A JSON request. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(path, options);
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return (await response.text()) as T;
  return (await response.json()) as T;
}

/** A binary answer (PDF, form, CSV) as a Blob. */
export async function apiBlob(path: string, options: RequestOptions = {}): Promise<Blob> {
  const response = await send(path, options);
  return response.blob();
}

/** A binary answer as bytes with its content type (a multipart DICOM frame). */
export async function apiBytes(
  path: string,
  options: RequestOptions = {},
): Promise<{ body: ArrayBuffer; contentType: string }> {
  const response = await send(path, options);
  return { body: await response.arrayBuffer(), contentType: response.headers.get('content-type') ?? '' };
}

/** Saves a Blob as a file through a temporary link. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
