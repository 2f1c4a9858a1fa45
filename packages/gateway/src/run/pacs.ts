import { readFile } from 'node:fs/promises';
import { PacsClient } from '@hie/record-source';
import type { PacsSource } from '../ingest/pacs-sync.js';
import type { GatewayPacsSettings } from './config.js';

/**
 * The configured PACS, its secret files read (`passwordFile`: the first line; `ca`: PEM). A file that
 * cannot be read stops the start, like a bad TLS file: better than a PACS that silently never syncs.
 */
export async function pacsSourceOf(settings: GatewayPacsSettings): Promise<PacsSource> {
  const read = async (key: string, path: string) => {
    try {
      return await readFile(path, 'utf8');
    } catch (e) {
      throw new Error(
        `storage.pacs.${key}: ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`,
      );
    }
  };
  const password = settings.passwordFile
    ? (await read('passwordFile', settings.passwordFile)).split(/\r?\n/)[0]
    : settings.password;
  const ca = settings.ca ? await read('ca', settings.ca) : undefined;
  return {
    client: new PacsClient({
      url: settings.url,
      username: settings.username,
      password,
      ca,
      timeoutMs: settings.timeoutMs,
    }),
    issuer: settings.issuer,
    recentDays: settings.recentDays,
    fullScanHours: settings.fullScanHours,
  };
}
