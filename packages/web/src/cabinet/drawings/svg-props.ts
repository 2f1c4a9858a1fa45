/**
 * The contract's SVG tree (`drawingSvgTree` and its parts) as React props: attribute names in React's
 * spelling. The tree holds only allowed attributes (the contract's writer refuses others); this turns
 * down anything else again, so no `on…` handler, `href` or `dangerouslySetInnerHTML` can get through.
 */
const KEEP = new Set(['viewBox', 'maskUnits']);

export function reactName(name: string): string | null {
  if (/^on/i.test(name) || /href/i.test(name) || name === 'dangerouslySetInnerHTML' || name === 'style')
    return null;
  if (KEEP.has(name) || name.startsWith('aria-') || name.startsWith('data-')) return name;
  if (!/^[a-z][a-z-]*$/.test(name)) return null;
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function reactProps(
  attrs: Readonly<Record<string, string | number>>,
): Record<string, string | number> {
  const props: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(attrs)) {
    const react = reactName(name);
    if (react) props[react] = value;
  }
  return props;
}
