import type { HubPrincipal } from '../http.js';
import type { TestStore } from '../testing/store.js';
import type { HubUnderTest } from '../testing.js';

/**
 * Test support for the directory (never imported by production code).
 * Node has no Shift_JIS encoder, so one is built by inverting the WHATWG decoder over every
 * double-byte code: what Excel in Japan writes when it saves "CSV (コンマ区切り)".
 */
let table: Map<string, number[]> | undefined;

export function encodeShiftJis(text: string): Buffer {
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder('shift_jis');
    for (let lead = 0x81; lead <= 0xfc; lead++) {
      if (lead > 0x9f && lead < 0xe0) continue;
      for (let trail = 0x40; trail <= 0xfc; trail++) {
        if (trail === 0x7f) continue;
        const ch = decoder.decode(Uint8Array.of(lead, trail));
        if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
      }
    }
  }
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else if (code >= 0xff61 && code <= 0xff9f) bytes.push(code - 0xff61 + 0xa1);
    else {
      const pair = table.get(ch);
      if (!pair) throw new Error(`no Shift_JIS for ${ch}`);
      bytes.push(...pair);
    }
  }
  return Buffer.from(bytes);
}

export interface AdminEvent {
  action: string;
  agent?: { userId: string };
  entities?: string[];
  detail?: { operation: string; changes?: string };
}

/** The admin audit events, oldest first. */
export async function adminEvents(store: TestStore): Promise<AdminEvent[]> {
  const rows = await store.db
    .selectFrom('audit_event')
    .select('event_json')
    .where('type', '=', 'admin')
    .orderBy('seq')
    .execute();
  return rows.map((r) => JSON.parse(r.event_json) as AdminEvent);
}

export const OFFICE_OID = '1.2.392.200284.33.9999999999';
export const OKADAI = '1.2.392.200284.33.3319800011';
export const KURASHIKI = '1.2.392.200284.33.3310210012';

/** `csvPost(hubOf)(principal, url, body, contentType?)`: an import file POSTed as `principal` (CSV by default). */
export const csvPost =
  (hubOf: () => HubUnderTest) =>
  (principal: HubPrincipal, url: string, body: Buffer | string, contentType = 'text/csv') => {
    const hub = hubOf();
    return hub.app.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { ...hub.as(principal), 'content-type': contentType },
      payload: body,
    });
  };

/** [status, error code] of an error answer. */
export const codeOf = (response: { statusCode: number; json: () => { error: { code: string } } }) => [
  response.statusCode,
  response.json().error.code,
];
