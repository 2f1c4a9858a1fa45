import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { auditAdmin } from '../directory/common.js';
import { requireFacility } from '../directory/facilities.js';
import { type HubDeps, HubError, type HubRoutes, officeFirst, requireOffice } from '../http.js';
import { feedingFacility } from '../mpi/routes.js';

/**
 * Who calls an IHE endpoint (ITI-19 node authentication):
 * - over TLS, a client certificate the network CA issued (verified by the TLS layer against `tls.clientCa`)
 *   and the office registered for a facility (its SHA-256 fingerprint) — nothing else is accepted;
 * - over plain HTTP, only from this machine (loopback: the demo, or a TLS front on the same host that
 *   checked the certificate itself), with the facility's feed token as bearer.
 * A bearer token from another host over plain HTTP is refused: production requires mutual TLS.
 */
export async function callingFacility(deps: HubDeps, request: FastifyRequest): Promise<string> {
  const socket = request.raw.socket as Partial<TLSSocket>;
  if (socket.encrypted) {
    const cert = socket.getPeerCertificate?.();
    if (!cert?.raw)
      throw refused('client-certificate-required', 'present the facility system’s client certificate');
    if (!socket.authorized) {
      throw refused(
        'client-certificate-untrusted',
        `the certificate is not the network CA’s (${socket.authorizationError ?? 'unverified'})`,
      );
    }
    const fingerprint = createHash('sha256').update(cert.raw).digest('hex');
    const facility = await facilityOfCertificate(deps, fingerprint);
    if (!facility) {
      throw refused(
        'client-certificate-unknown',
        'this certificate is not registered for an active facility',
      );
    }
    return facility;
  }
  if (!isLoopback(request.raw.socket.remoteAddress)) {
    throw refused('tls-required', 'IHE calls over the network need mutual TLS');
  }
  return feedingFacility(deps, request);
}

/** The active facility a client certificate (its SHA-256 fingerprint) is registered for, else null. */
export async function facilityOfCertificate(
  deps: Pick<HubDeps, 'store'>,
  fingerprint: string,
): Promise<string | null> {
  const row = await deps.store.db
    .selectFrom('hub_node_cert as n')
    .innerJoin('hub_facility as f', 'f.oid', 'n.facility_oid')
    .select(['n.facility_oid', 'f.status'])
    .where('n.fingerprint', '=', fingerprint)
    .executeTakeFirst();
  return row?.status === 'active' ? row.facility_oid : null;
}

const refused = (code: string, message: string) => new HubError(401, code, message);

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || /^127\.\d+\.\d+\.\d+$/.test(plain);
}

const fingerprintOf = (cert: X509Certificate) => createHash('sha256').update(cert.raw).digest('hex');

/** The office registers, lists and removes facility systems' client certificates. */
export const nodeCertRoutes: HubRoutes = (app, deps) => {
  const tags = ['ihe'];
  const oidParams = z.object({ oid: z.string().min(1).max(128) });

  app.get(
    '/admin/facilities/:oid/node-certificates',
    {
      preValidation: officeFirst,
      schema: { tags, summary: 'The facility systems’ client certificates (office)', params: oidParams },
    },
    async (request) => {
      requireOffice(request);
      const { oid } = request.params as { oid: string };
      const rows = await deps.store.db
        .selectFrom('hub_node_cert')
        .selectAll()
        .where('facility_oid', '=', oid)
        .orderBy('registered_at')
        .execute();
      return {
        certificates: rows.map((r) => ({
          fingerprint: r.fingerprint,
          subject: r.subject,
          issuer: r.issuer,
          validTo: r.valid_to,
          registeredAt: r.registered_at,
        })),
      };
    },
  );

  app.post(
    '/admin/facilities/:oid/node-certificates',
    {
      preValidation: officeFirst,
      schema: {
        tags,
        summary: 'Register a facility system’s client certificate (PEM) for the IHE endpoints (office)',
        params: oidParams,
        body: z.object({ pem: z.string().min(100).max(20_000) }).strict(),
      },
    },
    async (request, reply) => {
      const principal = requireOffice(request);
      const { oid } = request.params as { oid: string };
      await requireFacility(deps, oid);
      let cert: X509Certificate;
      try {
        cert = new X509Certificate((request.body as { pem: string }).pem);
      } catch {
        throw new HubError(422, 'not-a-certificate', 'not a PEM X.509 certificate / 証明書として読めません');
      }
      if (cert.ca)
        throw new HubError(422, 'ca-certificate', 'register the system’s own certificate, not a CA');
      if (new Date(cert.validTo) < deps.now())
        throw new HubError(422, 'certificate-expired', 'the certificate has expired');
      const row = {
        fingerprint: fingerprintOf(cert),
        facility_oid: oid,
        subject: cert.subject,
        issuer: cert.issuer,
        valid_to: new Date(cert.validTo).toISOString(),
        registered_at: deps.now().toISOString(),
        registered_by: principal.userId,
      };
      const taken = await deps.store.db
        .selectFrom('hub_node_cert')
        .select('facility_oid')
        .where('fingerprint', '=', row.fingerprint)
        .executeTakeFirst();
      if (taken)
        throw new HubError(
          409,
          'already-registered',
          `this certificate is registered for ${taken.facility_oid}`,
        );
      await deps.store.db.insertInto('hub_node_cert').values(row).execute();
      await auditAdmin(deps, principal, [
        {
          action: 'C',
          entity: `Organization/${oid}`,
          operation: 'node-certificate',
          changes: { fingerprint: row.fingerprint, subject: row.subject },
        },
      ]);
      return reply
        .status(201)
        .send({ fingerprint: row.fingerprint, subject: row.subject, validTo: row.valid_to });
    },
  );

  app.delete(
    '/admin/facilities/:oid/node-certificates/:fingerprint',
    {
      preValidation: officeFirst,
      schema: {
        tags,
        summary: 'Withdraw a facility system’s client certificate (office)',
        params: z.object({
          oid: z.string().min(1).max(128),
          fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
        }),
      },
    },
    async (request, reply) => {
      const principal = requireOffice(request);
      const { oid, fingerprint } = request.params as { oid: string; fingerprint: string };
      const removed = await deps.store.db
        .deleteFrom('hub_node_cert')
        .where('facility_oid', '=', oid)
        .where('fingerprint', '=', fingerprint)
        .executeTakeFirst();
      if (Number(removed.numDeletedRows) === 0) throw new HubError(404, 'not-found', 'no such certificate');
      await auditAdmin(deps, principal, [
        {
          action: 'D',
          entity: `Organization/${oid}`,
          operation: 'node-certificate',
          changes: { fingerprint },
        },
      ]);
      return reply.status(204).send();
    },
  );
};
