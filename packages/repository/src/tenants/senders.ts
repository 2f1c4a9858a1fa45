import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { normaliseFingerprint } from '@hie/hl7v2';
import type { Store } from '@hie/platform';
import type { RepositorySchema, RpSenderTable } from '../store/schema.js';

/**
 * Who may write into the repository. A `tenant` sender (the clinic's ORCA connector, its staff's upload
 * tool, its pharmacy system) writes to its own tenant only; a `lab-centre` sender writes lab results to
 * the tenants that linked it (rp_lab_link), and only for messages whose MSH-4 is its own facility code.
 * The credential is a random bearer token shown once; only its SHA-256 is kept.
 */
export type SenderKind = 'tenant' | 'lab-centre';

export interface Sender {
  id: string;
  kind: SenderKind;
  tenant: string | null;
  name: string;
  facilityCode: string | null;
}

const TOKEN_PREFIX = 'hie_rp_';

export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSender(
  base: Store<RepositorySchema>,
  input: { kind: SenderKind; tenant?: string; name: string; facilityCode?: string },
  now = new Date(),
): Promise<{ sender: Sender; token: string }> {
  if (input.kind === 'tenant' && !input.tenant) throw new Error('a tenant sender names its tenant');
  if (input.kind === 'lab-centre' && !input.facilityCode)
    throw new Error('a lab centre sender names its facility code (MSH-4)');
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row: RpSenderTable = {
    id: randomUUID(),
    kind: input.kind,
    tenant: input.kind === 'tenant' ? input.tenant! : null,
    name: input.name,
    facility_code: input.facilityCode ?? null,
    token_sha256: tokenDigest(token),
    created_at: now.toISOString(),
    revoked_at: null,
  };
  await base.db.insertInto('rp_sender').values(row).execute();
  return { sender: senderOf(row), token };
}

/** The sender a bearer token belongs to, or undefined (unknown, malformed or revoked). */
export async function senderOfToken(
  base: Store<RepositorySchema>,
  token: string | undefined,
): Promise<Sender | undefined> {
  if (!token?.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const row = await base.db
    .selectFrom('rp_sender')
    .selectAll()
    .where('token_sha256', '=', tokenDigest(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? senderOf(row) : undefined;
}

export async function revokeSender(
  base: Store<RepositorySchema>,
  id: string,
  now = new Date(),
): Promise<boolean> {
  const r = await base.db
    .updateTable('rp_sender')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function listSenders(base: Store<RepositorySchema>, tenant?: string): Promise<Sender[]> {
  let q = base.db.selectFrom('rp_sender').selectAll().where('revoked_at', 'is', null);
  if (tenant) q = q.where('tenant', '=', tenant);
  return (await q.orderBy('created_at').execute()).map(senderOf);
}

/** A clinic lets a lab centre send its results here. */
export async function linkLabCentre(
  base: Store<RepositorySchema>,
  senderId: string,
  tenant: string,
  now = new Date(),
): Promise<void> {
  await base.db
    .insertInto('rp_lab_link')
    .values({ sender_id: senderId, tenant, created_at: now.toISOString() })
    .onConflict((oc) => oc.columns(['sender_id', 'tenant']).doNothing())
    .execute();
}

export async function labMayWrite(
  base: Store<RepositorySchema>,
  senderId: string,
  tenant: string,
): Promise<boolean> {
  const row = await base.db
    .selectFrom('rp_lab_link')
    .select('tenant')
    .where('sender_id', '=', senderId)
    .where('tenant', '=', tenant)
    .executeTakeFirst();
  return row !== undefined;
}

/** A sender that is not revoked, by its id. */
export async function liveSender(base: Store<RepositorySchema>, id: string): Promise<Sender | undefined> {
  const row = await base.db
    .selectFrom('rp_sender')
    .selectAll()
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? senderOf(row) : undefined;
}

const FINGERPRINT = /^[0-9a-f]{64}$/;

/**
 * Registers a lab centre's client certificate for MLLP/TLS by its SHA-256 fingerprint (as openssl or
 * Node print it, colons or not). The network CA vouches that the certificate is genuine; this says which
 * lab centre it speaks for. One certificate speaks for one sender only.
 */
export async function addSenderCertificate(
  base: Store<RepositorySchema>,
  senderId: string,
  fingerprint: string,
  now = new Date(),
): Promise<string> {
  const sha256 = normaliseFingerprint(fingerprint.trim());
  if (!FINGERPRINT.test(sha256)) throw new Error(`not a SHA-256 fingerprint: ${fingerprint}`);
  const sender = await liveSender(base, senderId);
  if (sender?.kind !== 'lab-centre') throw new Error(`no lab centre sender ${senderId}`);
  await base.db
    .insertInto('rp_sender_certificate')
    .values({ sender_id: senderId, sha256, created_at: now.toISOString() })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  const owner = await base.db
    .selectFrom('rp_sender_certificate')
    .select('sender_id')
    .where('sha256', '=', sha256)
    .executeTakeFirst();
  if (owner?.sender_id !== senderId)
    throw new Error(`the certificate ${sha256} is registered to another sender (${owner?.sender_id})`);
  return sha256;
}

/** The fingerprints a sender registered. */
export async function senderCertificates(base: Store<RepositorySchema>, senderId: string): Promise<string[]> {
  const rows = await base.db
    .selectFrom('rp_sender_certificate')
    .select('sha256')
    .where('sender_id', '=', senderId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => r.sha256);
}

/**
 * The lab centre a verified client certificate speaks for, or undefined: nobody registered it, or its
 * sender was revoked (looked up at each connection, so a revocation holds at once).
 */
export async function senderOfCertificate(
  base: Store<RepositorySchema>,
  fingerprint: string,
): Promise<Sender | undefined> {
  const row = await base.db
    .selectFrom('rp_sender_certificate as c')
    .innerJoin('rp_sender as s', 's.id', 'c.sender_id')
    .selectAll('s')
    .where('c.sha256', '=', normaliseFingerprint(fingerprint))
    .where('s.revoked_at', 'is', null)
    .where('s.kind', '=', 'lab-centre')
    .executeTakeFirst();
  return row ? senderOf(row) : undefined;
}

function senderOf(row: RpSenderTable): Sender {
  return {
    id: row.id,
    kind: row.kind === 'lab-centre' ? 'lab-centre' : 'tenant',
    tenant: row.tenant,
    name: row.name,
    facilityCode: row.facility_code,
  };
}
