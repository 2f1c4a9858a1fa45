import { readFile } from 'node:fs/promises';
import type { MutualTlsOptions } from '@hie/platform';

/** A configured TLS setting (paths) read into what `@hie/platform` httpsServerOptions takes. */
export async function readTlsFiles(
  paths: { key: string; cert: string; ca?: string | undefined },
  requireClientCert: boolean,
): Promise<MutualTlsOptions> {
  return {
    key: await readFile(paths.key),
    cert: await readFile(paths.cert),
    requireClientCert,
    ...(paths.ca ? { ca: await readFile(paths.ca) } : {}),
  };
}
