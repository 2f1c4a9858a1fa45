import type { ResourcePage } from '../access/index.js';

export interface BundleLinks {
  self: string;
  next?: string;
  previous?: string;
}

/**
 * A searchset Bundle as JSON text. Stored resources are spliced in as they are (they are JSON the
 * ingest wrote), so a page costs no parse and re-serialise of every resource.
 */
export function searchsetJson(page: ResourcePage, links: BundleLinks, fhirBase: string): string {
  const link = [
    { relation: 'self', url: links.self },
    ...(links.next ? [{ relation: 'next', url: links.next }] : []),
    ...(links.previous ? [{ relation: 'previous', url: links.previous }] : []),
  ];
  const entries = page.rows.map(
    (r) =>
      `{"fullUrl":${JSON.stringify(`${fhirBase}/${r.resource_type}/${r.id}`)},"resource":${r.json},"search":{"mode":"match"}}`,
  );
  return `{"resourceType":"Bundle","type":"searchset","timestamp":${JSON.stringify(new Date().toISOString())},"total":${page.total},"link":${JSON.stringify(link)},"entry":[${entries.join(',')}]}`;
}

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
