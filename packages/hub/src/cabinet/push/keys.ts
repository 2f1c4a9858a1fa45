import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';

const vapidFileSchema = z.object({ publicKey: z.string().min(80), privateKey: z.string().min(40) });
export type VapidKeys = z.infer<typeof vapidFileSchema>;

/**
 * The hub's VAPID key pair (RFC 8292): read from `path`, or made there on first start (mode 0600). The
 * public key goes to browsers when they subscribe; a new key would orphan every subscription, so it is
 * kept like the signing key.
 */
export async function loadOrCreateVapidKeys(path: string): Promise<VapidKeys> {
  try {
    return vapidFileSchema.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new Error(`${path}: not a VAPID key file`, { cause: e });
  }
  const keys = webpush.generateVAPIDKeys();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFile(path, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(path, 0o600);
  return keys;
}
