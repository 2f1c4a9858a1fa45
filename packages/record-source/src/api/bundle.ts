import type { ResourcePage } from '../access/index.js';

export interface BundleLinks {
  self: string;
  next?: string;
  previous?: string;
}

/**
 * A searchset Bundle as UTF-8 JSON bytes. Stored resources are spliced in as they are (they are JSON
 * the ingest wrote), so a page costs no parse and re-serialise of every resource. The bytes are
 * written straight into one buffer: building a ~33 KB string first, then measuring and encoding it
 * for the socket, costs about half as much again (bench/gateway-read).
 */
export function searchsetBody(page: ResourcePage, links: BundleLinks, fhirBase: string): Buffer {
  const link = [
    { relation: 'self', url: links.self },
    ...(links.next ? [{ relation: 'next', url: links.next }] : []),
    ...(links.previous ? [{ relation: 'previous', url: links.previous }] : []),
  ];
  const head = `{"resourceType":"Bundle","type":"searchset","timestamp":${JSON.stringify(new Date().toISOString())},"total":${page.total},"link":${JSON.stringify(link)},"entry":[`;
  // Per entry, two writes: the stored JSON, and the text around it (this entry's close joined to
  // the next one's open), since each write call has a fixed cost.
  const openings = page.rows.map(
    (r, i) =>
      `${i === 0 ? '' : ENTRY_CLOSE_NEXT}{"fullUrl":${JSON.stringify(`${fhirBase}/${r.resource_type}/${r.id}`)},"resource":`,
  );
  const tail = page.rows.length === 0 ? TAIL : `${ENTRY_CLOSE}${TAIL}`;
  // UTF-8 needs at most 3 bytes per UTF-16 code unit: an upper bound, so no second pass to measure.
  let size = (head.length + tail.length) * 3;
  page.rows.forEach((r, i) => {
    size += ((openings[i]?.length ?? 0) + r.json.length) * 3;
  });
  const body = Buffer.allocUnsafe(size);
  let at = body.write(head, 0);
  page.rows.forEach((r, i) => {
    at += body.write(openings[i] ?? '', at);
    at += body.write(r.json, at);
  });
  at += body.write(tail, at, 'latin1');
  return body.subarray(0, at);
}

const ENTRY_CLOSE = ',"search":{"mode":"match"}}';
const ENTRY_CLOSE_NEXT = `${ENTRY_CLOSE},`;
const TAIL = ']}';

/** self / next / previous links: the request URL with `_count` and `_offset` set for each page. */
export function pageLinks(requestUrl: URL, total: number, count: number, offset: number): BundleLinks {
  const at = (o: number) => {
    const url = new URL(requestUrl);
    url.searchParams.set('_count', String(count));
    url.searchParams.set('_offset', String(o));
    return url.toString();
  };
  return {
    self: at(offset),
    ...(count > 0 && offset + count < total ? { next: at(offset + count) } : {}),
    ...(count > 0 && offset > 0 ? { previous: at(Math.max(0, offset - count)) } : {}),
  };
}
