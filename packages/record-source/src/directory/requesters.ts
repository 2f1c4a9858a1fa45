import type { Store } from '@hie/platform';
import type { Schema } from '../store/schema.js';

interface Known {
  /** Facilities listed, active or not (OIDs). */
  listed: Set<string>;
  /** Active facilities (OIDs). */
  facilities: Set<string>;
  /** Active users and the facilities they belong to. */
  users: Map<string, Set<string>>;
}

/** The uid of a DN, lower case as the directory keys DNs. */
const uidOf = (dn: string) => /^uid=([^,]+)/i.exec(dn)?.[1]?.toLowerCase() ?? null;
const active = (attrs: Record<string, string[]>) =>
  (Object.entries(attrs).find(([k]) => k.toLowerCase() === 'hpdproviderstatus')?.[1] ?? []).some(
    (v) => v.toLowerCase() === 'active',
  );
const values = (attrs: Record<string, string[]>, name: string) =>
  Object.entries(attrs).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? [];

/**
 * Who may be named in the hub's assertions, by the directory the hub pushed (ITI-59): an active user
 * (HCProfessional) who belongs to the active facility (HCRegulatedOrganization) the assertion names.
 * Defence in depth: a user the office deactivated, or a facility it suspended, is refused here even if
 * an assertion names them. The directory only narrows what is served, never widens it. Until the hub has
 * pushed a directory, nobody is refused by it (`present` false): a gateway without a subscription works
 * as before. Read once and kept in memory until the next feed (`invalidate`).
 */
export class DirectoryRequesters {
  private known: Promise<Known | null> | null = null;

  constructor(private readonly store: Store<Schema>) {}

  invalidate(): void {
    this.known = null;
  }

  /**
   * `unknown` when a directory is present and does not list the user as active at that facility;
   * `suspended` when it lists this facility itself (`own`) as inactive: the office suspended it, and
   * it discloses nothing until the office lifts that.
   */
  async check(
    userId: string,
    facilityOid: string,
    own: string,
  ): Promise<'known' | 'unknown' | 'suspended' | 'no-directory'> {
    this.known ??= this.load().catch((error: unknown) => {
      this.known = null;
      throw error;
    });
    const known = await this.known;
    if (!known) return 'no-directory';
    if (known.listed.has(own.toLowerCase()) && !known.facilities.has(own.toLowerCase())) return 'suspended';
    const facility = facilityOid.toLowerCase();
    return known.facilities.has(facility) && known.users.get(userId.toLowerCase())?.has(facility)
      ? 'known'
      : 'unknown';
  }

  private async load(): Promise<Known | null> {
    const rows = await this.store.db.selectFrom('gw_directory_entry').select(['dn', 'attrs']).execute();
    if (rows.length === 0) return null;
    const known: Known = { listed: new Set(), facilities: new Set(), users: new Map() };
    for (const row of rows) {
      const dn = row.dn.toLowerCase();
      const attrs = JSON.parse(row.attrs) as Record<string, string[]>;
      const uid = uidOf(row.dn);
      if (uid && dn.includes(',ou=hcregulatedorganization,')) known.listed.add(uid);
      if (!uid || !active(attrs)) continue;
      if (dn.includes(',ou=hcregulatedorganization,')) known.facilities.add(uid);
      else if (dn.includes(',ou=hcprofessional,')) {
        const orgs = values(attrs, 'memberOf')
          .map(uidOf)
          .filter((o): o is string => o !== null);
        known.users.set(uid, new Set(orgs));
      }
    }
    return known;
  }
}
