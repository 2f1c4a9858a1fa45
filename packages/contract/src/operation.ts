/**
 * The canonical form of a request that an access assertion is bound to (assertion.ts BoundOperation).
 * Hub and gateway must compute the same text from the URL the hub calls and the URL the gateway
 * receives, so both sides decode percent-escapes and sort the query's pairs; only the digest of the
 * canonical query travels (platform trust: operationOf).
 */

/** The path below a FHIR root (`/fhir/Patient/x` under root `/fhir` → `/Patient/x`), decoded; null if not below it. */
export function pathBelowRoot(path: string, rootPath: string): string | null {
  const root = rootPath.replace(/\/+$/, '');
  if (path !== root && !path.startsWith(`${root}/`)) return null;
  const below = path.slice(root.length) || '/';
  return decodedOrRaw(below);
}

/**
 * The query as sorted `key=value` pairs joined by `&`, each part percent-encoded the one way
 * (encodeURIComponent) after decoding: `b=2&a=1` and `a=1&b=2` are one query, `a=1&a=2` and
 * `a=2&a=1` are one query, `a=1,2` is not `a=1&a=2`.
 */
export function canonicalQuery(search: string): string {
  const text = search.startsWith('?') ? search.slice(1) : search;
  const pairs: [string, string][] = [];
  for (const part of text.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodedOrRaw((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = decodedOrRaw((eq < 0 ? '' : part.slice(eq + 1)).replace(/\+/g, ' '));
    pairs.push([key, value]);
  }
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function decodedOrRaw(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
