/**
 * A path under a base URL that may itself carry a path (`https://host/hie` + `api/v1/x` →
 * `https://host/hie/api/v1/x`): `new URL(path, base)` alone would drop the base's last segment.
 */
export function underBase(baseUrl: string, path: string): URL {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL(path.replace(/^\/+/, ''), base);
}
