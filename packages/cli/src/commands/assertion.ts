import { readFile } from 'node:fs/promises';
import { pathBelowRoot } from '@hie/contract';
import { importSigningKeyPem, operationOf, signAssertion } from '@hie/platform';
import type { Command } from 'commander';
import { UsageError } from '../usage-error.js';

interface SignFlags {
  key: string;
  issuer: string;
  gateway: string;
  user: string;
  profession: string;
  facility: string;
  patient: string;
  purpose: string;
  category: string[];
  lifetime: string;
  method: string;
  request: string;
}

/**
 * `hie assertion sign`: a signed access assertion, as the hub issues them, for a site engineer or the
 * network office to test a gateway with curl. It needs the hub's private key, so it runs where that is.
 */
export function registerAssertionCommands(program: Command): void {
  const assertion = program.command('assertion').description('Signed access assertions (hub → gateway)');
  assertion
    .command('sign')
    .description(
      'Print a signed assertion for one user, patient and gateway (use as "Authorization: Bearer …")',
    )
    .requiredOption('--key <file>', "the hub's private signing key (PKCS#8 PEM)")
    .requiredOption('--gateway <oid>', "the gateway's facility OID (audience)")
    .requiredOption('--patient <id>', 'the patient id at that gateway')
    .requiredOption(
      '--request <path>',
      'the one request it is good for, path and query as you will send it (/fhir/Observation?patient=…)',
    )
    .option('--method <verb>', 'HTTP method of that request', 'GET')
    .option('--issuer <name>', 'issuer name the gateway trusts', 'hie-hub')
    .option('--user <id>', 'user id', 'demo-user')
    .option('--profession <code>', 'profession (doctor, pharmacist, nurse, …)', 'doctor')
    .option('--facility <oid>', "the viewer's facility OID", '1.2.392.200284.33.3311610020')
    .option('--purpose <code>', 'purpose of use (TREAT, ETREAT for break-the-glass)', 'TREAT')
    .option('--category <name...>', 'categories allowed by the hub policy (repeatable)', [])
    .option('--lifetime <seconds>', 'validity in seconds (≤ 300)', '300')
    .action(async (flags: SignFlags) => {
      const lifetime = Number(flags.lifetime);
      if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > 300) {
        throw new UsageError('--lifetime must be a whole number of seconds from 1 to 300');
      }
      if (flags.category.length === 0) throw new UsageError('give at least one --category');
      if (!flags.request.startsWith('/fhir/')) {
        throw new UsageError("--request is the gateway path and query, starting with '/fhir/'");
      }
      let pem: string;
      try {
        pem = await readFile(flags.key, 'utf8');
      } catch (e) {
        throw new UsageError(`cannot read --key ${flags.key}: ${(e as Error).message}`);
      }
      const key = await importSigningKeyPem(pem);
      const now = Math.floor(Date.now() / 1000);
      const token = await signAssertion(
        key,
        {
          issuer: flags.issuer,
          audience: flags.gateway,
          userId: flags.user,
          profession: flags.profession,
          facilityOid: flags.facility,
          patientId: flags.patient,
          purposeOfUse: flags.purpose,
          categories: flags.category,
          operation: requestOperation(flags.method, flags.request),
          expiresAt: now + lifetime,
        },
        { now },
      );
      process.stdout.write(`${token}\n`);
    });
}

function requestOperation(method: string, request: string) {
  const q = request.indexOf('?');
  const path = q < 0 ? request : request.slice(0, q);
  return operationOf(method, pathBelowRoot(path, '/fhir') ?? path, q < 0 ? '' : request.slice(q));
}
