import { Command, CommanderError } from 'commander';
import { registerAssertionCommands } from './commands/assertion.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerCaCommands } from './commands/ca.js';
import { registerGatewayCommands } from './commands/gateway.js';
import { registerHl7Commands } from './commands/hl7.js';
import { registerHubCommands } from './commands/hub.js';
import { registerRepositoryCommands } from './commands/repository.js';
import { registerSsmix2Commands } from './commands/ssmix2.js';
import { registerTotpCommand } from './commands/totp.js';
import { EXIT } from './exit.js';
import { UsageError } from './usage-error.js';

/** Builds the `hie` command tree. Each domain registers its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('hie')
    .description('Regional health information exchange tools (地域医療連携ネットワーク)')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  registerHl7Commands(program);
  registerSsmix2Commands(program);
  registerGatewayCommands(program);
  registerRepositoryCommands(program);
  registerAssertionCommands(program);
  registerAuditCommands(program);
  registerCaCommands(program);
  registerHubCommands(program);
  registerTotpCommand(program);
  return program;
}

/** Runs the CLI and returns the process exit code: 0 ok, 1 findings/errors in the data, 2 usage error. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  // Commander calls process.exit through exitOverride as a thrown CommanderError; map it to our codes.
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (
        e.code === 'commander.helpDisplayed' ||
        e.code === 'commander.version' ||
        e.code === 'commander.help'
      ) {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`hie: ${e.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`hie: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return EXIT.findings;
  }
}
