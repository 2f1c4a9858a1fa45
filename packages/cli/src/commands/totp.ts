import { totpNow } from '@hie/hub';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { UsageError } from '../usage-error.js';

const BASE32 = /^[A-Z2-7]+=*$/;

/**
 * `hie totp SECRET`: the current one-time code of an authenticator secret (RFC 6238, 30 s, 6 digits),
 * for demo logins and for testing a hub without a phone at hand.
 */
export function registerTotpCommand(program: Command): void {
  program
    .command('totp')
    .description(
      'Print the current TOTP code (RFC 6238) of a Base32 authenticator secret, e.g. a demo login’s',
    )
    .argument('<secret>', 'Base32 secret (as `npm start` prints it)')
    .action((secret: string) => {
      const clean = secret.replace(/\s+/g, '').toUpperCase();
      if (!BASE32.test(clean)) throw new UsageError(`'${secret}' is not a Base32 secret`);
      const now = new Date();
      const left = 30 - (Math.floor(now.getTime() / 1000) % 30);
      let code: string;
      try {
        code = totpNow(clean, now);
      } catch (error) {
        // Too short a secret (under 128 bits) is a mistyped one, not a crash.
        throw new UsageError(`'${secret}' is not a usable TOTP secret: ${(error as Error).message}`);
      }
      // The code alone on stdout (for scripts: CODE=$(npx hie totp S)); the note on its own line on stderr.
      process.stdout.write(`${code}\n`);
      process.stderr.write(`valid for ${left} more second${left === 1 ? '' : 's'}\n`);
      process.exitCode = EXIT.ok;
    });
}
