/**
 * Every resource a disclosing unit serves carries its disclosure category as a tag (`meta.tag`), so
 * the hub can check what comes back instead of trusting it (ARCHITECTURE.md invariant 7): a resource
 * outside the categories the assertion allowed, or of another patient, is dropped there.
 */
export const CATEGORY_TAG_SYSTEM = 'urn:hie:category';

interface Coding {
  system?: unknown;
  code?: unknown;
}
interface Tagged {
  meta?: { tag?: unknown; [key: string]: unknown };
  [key: string]: unknown;
}

/** The resource with its category tag (any other tags kept, an old category tag replaced). */
export function withCategoryTag<R extends object>(resource: R, category: string): R {
  const r = resource as Tagged;
  const tags = Array.isArray(r.meta?.tag)
    ? (r.meta.tag as Coding[]).filter((t) => t?.system !== CATEGORY_TAG_SYSTEM)
    : [];
  return {
    ...resource,
    meta: { ...(r.meta ?? {}), tag: [...tags, { system: CATEGORY_TAG_SYSTEM, code: category }] },
  };
}

/** The category a resource is tagged with, or null when it carries none (or several). */
export function categoryTagOf(resource: unknown): string | null {
  const tags = (resource as Tagged | null)?.meta?.tag;
  if (!Array.isArray(tags)) return null;
  const codes = (tags as Coding[]).filter((t) => t?.system === CATEGORY_TAG_SYSTEM).map((t) => t.code);
  return codes.length === 1 && typeof codes[0] === 'string' ? codes[0] : null;
}

interface Reference {
  reference?: unknown;
}

/**
 * The patient a resource is about, as `Patient/<id>`: the Patient itself, or its `subject` or
 * `patient` reference. Null when it names none (a Binary: checked through its DocumentReference).
 */
export function patientReferenceOf(resource: unknown): string | null {
  const r = resource as {
    resourceType?: unknown;
    id?: unknown;
    subject?: Reference;
    patient?: Reference;
  } | null;
  if (!r) return null;
  if (r.resourceType === 'Patient') return typeof r.id === 'string' ? `Patient/${r.id}` : null;
  const reference = r.subject?.reference ?? r.patient?.reference;
  return typeof reference === 'string' ? reference : null;
}
