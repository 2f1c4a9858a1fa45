import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';
import { printAnswer } from './repository-answer.js';
import { secretFromEnv } from './repository-options.js';
import { countOption } from './ssmix2-args.js';

interface RemoteFlags {
  url: string;
  tokenEnv: string;
  tenant?: string;
  timeout: number;
  json?: boolean;
  layout?: string;
  patientId?: string;
}

/** A request to a running repository: where (below --url), what body, what to call it in the output. */
interface Upload {
  path: string;
  what: string;
  body?: { bytes: Buffer; type: string; fileName: string };
}

/**
 * `hie repository upload uke|okusuri-techo|lab|lab-csv FILE` and `hie repository orca-pull`: over HTTP to
 * a running repository, as one of its senders. The sender's token comes from an environment variable
 * (--token-env), never from the command line, where every user of the machine can read it in `ps`.
 */
export function registerRepositoryUploadCommands(repository: Command): void {
  const upload = repository
    .command('upload')
    .description(
      'Send a file to a running repository as a sender (token from --token-env). Prints what was imported; ' +
        'a refused file writes nothing, and every reason is printed as `file:line field code message` (exit 1).',
    );

  remoteOptions(
    upload.command('uke').description("A tenant's UKE claim file (レセプト電算, Shift_JIS)"),
    true,
  )
    .argument('<file>', 'the UKE file (RECEIPTC.UKE)')
    .action((file: string, flags: RemoteFlags) =>
      send(flags, {
        ...tenantIntake(flags, 'uke'),
        what: file,
        body: fileBody(file, 'application/octet-stream'),
      }),
    );

  remoteOptions(
    upload.command('okusuri-techo').description('A pharmacy’s お薬手帳 data file (JAHIS 電子版お薬手帳)'),
    true,
  )
    .argument('<file>', 'the お薬手帳 data file')
    .option('--patient-id <id>', 'the patient, when several of the pharmacy’s patients match the notebook')
    .action((file: string, flags: RemoteFlags) => {
      const intake = tenantIntake(flags, 'okusuri-techo');
      const query = flags.patientId ? `?patientId=${encodeURIComponent(flags.patientId)}` : '';
      return send(flags, {
        ...intake,
        path: `${intake.path}${query}`,
        what: file,
        body: fileBody(file, 'application/octet-stream'),
      });
    });

  remoteOptions(
    upload.command('lab').description("One lab result message (HL7 v2.5 OUL^R22 / ORU^R01), a lab centre's"),
    false,
  )
    .argument('<file>', 'the HL7 v2 message')
    .action((file: string, flags: RemoteFlags) =>
      send(flags, { path: '/intake/lab', what: file, body: fileBody(file, 'application/hl7-v2') }),
    );

  remoteOptions(upload.command('lab-csv').description("A lab centre's results in its own CSV layout"), false)
    .argument('<file>', 'the CSV file')
    .requiredOption(
      '--layout <name>',
      "the lab centre's layout as the repository names it (e.g. example-kensa-v1)",
    )
    .action((file: string, flags: RemoteFlags) =>
      send(flags, {
        path: `/intake/lab-csv?layout=${encodeURIComponent(flags.layout ?? '')}`,
        what: file,
        body: fileBody(file, 'text/csv'),
      }),
    );

  remoteOptions(
    repository
      .command('orca-pull')
      .description(
        "Pull a clinic's changes from its ORCA now (as its schedule would), as one of its senders",
      ),
    true,
  ).action((flags: RemoteFlags) => send(flags, { ...tenantIntake(flags, 'orca-pull'), what: 'ORCA pull' }));
}

function remoteOptions(command: Command, forTenant: boolean): Command {
  command
    .requiredOption('--url <base>', 'the repository’s base URL, e.g. https://repo.example.jp')
    .requiredOption('--token-env <var>', "environment variable holding the sender's token (hie_rp_…)");
  if (forTenant) command.requiredOption('--tenant <oid>', "the tenant's OID");
  return command
    .option('--timeout <ms>', 'wait this long for the answer', countOption('--timeout'), 300_000)
    .option('--json', "print the repository's JSON answer as it is");
}

function tenantIntake(flags: RemoteFlags, endpoint: string): Upload {
  const oid = flags.tenant ?? '';
  return { path: `/t/${encodeURIComponent(oid)}/intake/${endpoint}`, what: endpoint };
}

function fileBody(file: string, type: string): { bytes: Buffer; type: string; fileName: string } {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new UsageError(`${file}: no such file`);
  }
  if (!isFile) throw new UsageError(`${file}: not a file`);
  return { bytes: readFileSync(file), type, fileName: basename(file) };
}

/** One POST; its answer printed; exit 1 when refused or when the repository cannot be reached. */
async function send(flags: RemoteFlags, upload: Upload): Promise<void> {
  const base = baseUrlOf(flags.url);
  const token = secretFromEnv('--token-env', flags.tokenEnv);
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (upload.body) {
    headers['content-type'] = upload.body.type;
    // Header values are ASCII: a Japanese file name travels percent-encoded (the repository decodes it).
    headers['x-file-name'] = encodeURIComponent(upload.body.fileName);
  }
  const url = `${base}${upload.path}`;
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      ...(upload.body ? { body: upload.body.bytes } : {}),
      signal: AbortSignal.timeout(flags.timeout),
    });
    text = await response.text();
  } catch (e) {
    process.stderr.write(`hie: cannot reach the repository at ${base}: ${reason(e)}\n`);
    process.exitCode = EXIT.findings;
    return;
  }
  process.exitCode = printAnswer(upload.what, response.status, text, flags.json === true);
}

function baseUrlOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--url expects the repository's base URL, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--url expects an http or https URL, got '${value}'`);
  // Kept as given (a reverse proxy may serve the repository below a path), without the final slash.
  return value.replace(/\/+$/, '');
}

/** fetch says only "fetch failed"; the reason (refused, unknown host, certificate, timeout) is its cause. */
function reason(e: unknown): string {
  const error = e as Error & { cause?: unknown };
  if (error.name === 'TimeoutError') return 'no answer in time (--timeout)';
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause ?? error.message;
}
