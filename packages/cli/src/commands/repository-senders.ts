import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  addSenderCertificate,
  createSender,
  linkLabCentre,
  listSenders,
  revokeSender,
  type Sender,
} from '@hie/repository';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';
import {
  type RepositoryStoreFlags,
  repositoryStoreOptions,
  tenantNamed,
  withRepository,
} from './repository-options.js';
import { formatTable } from './repository-table.js';

interface SenderAddFlags extends RepositoryStoreFlags {
  tenant: string;
  name: string;
}

interface LabCentreAddFlags extends RepositoryStoreFlags {
  name: string;
  facilityCode: string;
  cert: string[];
}

/**
 * `hie repository sender add|list|revoke` and `hie repository lab-centre add|link|certificate`: who may
 * write into the repository. A credential is shown once, when it is made: the store keeps only its SHA-256.
 */
export function registerRepositorySenderCommands(repository: Command): void {
  const sender = repository
    .command('sender')
    .description("Who may write a tenant's data (its ORCA connector, upload tool, pharmacy system)");

  repositoryStoreOptions(sender.command('add').description("Issue a credential for a tenant's own system"))
    .requiredOption('--tenant <oid>', 'the tenant it writes to (and no other)')
    .requiredOption('--name <name>', 'what the sender is, e.g. "受付PC アップロード"')
    .action(async (flags: SenderAddFlags) => {
      const made = await withRepository(flags, {}, ({ store, tenants }) => {
        tenantNamed(tenants, flags.tenant);
        return createSender(store, { kind: 'tenant', tenant: flags.tenant, name: flags.name });
      });
      printCredential(made.sender, made.token);
      process.exitCode = EXIT.ok;
    });

  repositoryStoreOptions(sender.command('list').description('List the senders that are not revoked'))
    .option('--tenant <oid>', "only this tenant's own senders")
    .option('--json', 'print the senders as JSON')
    .action(async (flags: RepositoryStoreFlags & { tenant?: string; json?: boolean }) => {
      const senders = await withRepository(flags, {}, ({ store }) => listSenders(store, flags.tenant));
      if (flags.json) process.stdout.write(`${JSON.stringify(senders, null, 2)}\n`);
      else if (senders.length === 0) process.stdout.write('no senders\n');
      else
        process.stdout.write(
          formatTable(
            ['ID', 'kind', 'tenant', 'facility code', 'name'],
            senders.map((s) => [s.id, s.kind, s.tenant ?? '-', s.facilityCode ?? '-', s.name]),
          ),
        );
      process.exitCode = EXIT.ok;
    });

  repositoryStoreOptions(
    sender
      .command('revoke')
      .description('Revoke a credential (at once: each request looks its token up)')
      .argument('<id>', 'the sender ID (`hie repository sender list`)'),
  ).action(async (id: string, flags: RepositoryStoreFlags) => {
    const revoked = await withRepository(flags, {}, ({ store }) => revokeSender(store, id));
    if (!revoked) throw new UsageError(`no sender ${id} that is not revoked already`);
    process.stdout.write(`sender ${id} revoked\n`);
    process.exitCode = EXIT.ok;
  });

  registerLabCentreCommands(repository);
}

function registerLabCentreCommands(repository: Command): void {
  const labCentre = repository
    .command('lab-centre')
    .description('Lab centres (検査センター) that send results for the clinics that linked them');

  repositoryStoreOptions(labCentre.command('add').description("Issue a lab centre's credential"))
    .requiredOption('--name <name>', "the lab centre's name")
    .requiredOption('--facility-code <code>', 'its code as it writes MSH-4 (sending facility)')
    .option(...CERT_OPTION)
    .action(async (flags: LabCentreAddFlags) => {
      const fingerprints = flags.cert.map(certificateSha256);
      const made = await withRepository(flags, { create: true }, async ({ store }) => {
        const made = await createSender(store, {
          kind: 'lab-centre',
          name: flags.name,
          facilityCode: flags.facilityCode,
        });
        try {
          for (const f of fingerprints) await addSenderCertificate(store, made.sender.id, f);
        } catch (e) {
          // All or nothing: a lab centre half made (its token never shown) would only be clutter.
          await revokeSender(store, made.sender.id);
          throw new UsageError((e as Error).message);
        }
        return made;
      });
      printCredential(made.sender, made.token);
      printCertificates(fingerprints);
      process.stderr.write(
        'link it to each clinic it serves: hie repository lab-centre link <sender id> --tenant <OID>\n',
      );
      process.exitCode = EXIT.ok;
    });

  repositoryStoreOptions(
    labCentre
      .command('link')
      .description("Let a lab centre send a clinic's results (the clinic's consent, recorded by the office)")
      .argument('<sender-id>', "the lab centre's sender ID"),
  )
    .requiredOption('--tenant <oid>', 'the clinic')
    .action(async (senderId: string, flags: RepositoryStoreFlags & { tenant: string }) => {
      const [lab, clinic] = await withRepository(flags, {}, async ({ store, tenants }) => {
        const clinic = tenantNamed(tenants, flags.tenant);
        const lab = (await listSenders(store)).find((s) => s.id === senderId);
        if (lab?.kind !== 'lab-centre') throw new UsageError(`no lab centre sender ${senderId}`);
        await linkLabCentre(store, senderId, clinic.oid);
        return [lab, clinic] as const;
      });
      process.stdout.write(
        `lab centre ${lab.name} (${lab.id}) may send results for ${clinic.name} (${clinic.oid})\n`,
      );
      process.exitCode = EXIT.ok;
    });

  repositoryStoreOptions(
    labCentre
      .command('certificate')
      .description("Register a lab centre's client certificate for MLLP/TLS (labMllp)")
      .argument('<sender-id>', "the lab centre's sender ID"),
  )
    .option(...CERT_OPTION)
    .action(async (senderId: string, flags: RepositoryStoreFlags & { cert: string[] }) => {
      if (flags.cert.length === 0) throw new UsageError('give the certificate: --cert FILE');
      const fingerprints = flags.cert.map(certificateSha256);
      await withRepository(flags, {}, async ({ store }) => {
        try {
          for (const f of fingerprints) await addSenderCertificate(store, senderId, f);
        } catch (e) {
          throw new UsageError((e as Error).message);
        }
      });
      process.stdout.write(`lab centre ${senderId}\n`);
      printCertificates(fingerprints);
      process.exitCode = EXIT.ok;
    });
}

const CERT_OPTION = [
  '--cert <file>',
  'a PEM client certificate (from the network CA) it sends MLLP/TLS with; may be repeated',
  (file: string, files: string[]) => [...files, file],
  [] as string[],
] as const;

/**
 * The SHA-256 fingerprint of a PEM certificate file: what is registered (never the file, never its
 * subject: the network CA may issue another certificate with the same name to another system).
 */
function certificateSha256(file: string): string {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (e) {
    throw new UsageError(`--cert ${file}: ${(e as Error).message}`);
  }
  try {
    return new X509Certificate(pem).fingerprint256.replaceAll(':', '').toLowerCase();
  } catch {
    throw new UsageError(`--cert ${file}: not a PEM certificate`);
  }
}

function printCertificates(fingerprints: readonly string[]): void {
  for (const f of fingerprints) process.stdout.write(`certificate sha256 ${f}\n`);
}

/** The credential on stdout (for a script to capture), the warning beside it on stderr. */
function printCredential(sender: Sender, token: string): void {
  const role =
    sender.kind === 'tenant' ? `for tenant ${sender.tenant}` : `lab centre, MSH-4 ${sender.facilityCode}`;
  process.stdout.write(`sender ${sender.id} ${sender.name} (${role})\ntoken: ${token}\n`);
  process.stderr.write(
    'warning: the token is shown once and cannot be shown again (only its digest is stored): ' +
      'give it to the sender now; if it is lost, revoke the sender and add a new one\n',
  );
}
