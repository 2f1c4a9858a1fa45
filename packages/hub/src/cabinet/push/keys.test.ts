import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { completeHubConfig, hubConfigSchema, loadHubConfig } from '../../run/config.js';
import { loadOrCreateVapidKeys } from './keys.js';
import { PUSH_SERVICES } from './subscriptions.js';

describe('the VAPID key file and the push configuration', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('makes the key pair once, readable by the hub only, and keeps it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-vapid-'));
    const path = join(dir, 'keys', 'vapid.json');
    const made = await loadOrCreateVapidKeys(path);
    expect(Buffer.from(made.publicKey, 'base64url')).toHaveLength(65);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateVapidKeys(path)).toEqual(made);
    await writeFile(path, '{"publicKey":"x"}');
    await expect(loadOrCreateVapidKeys(path)).rejects.toThrow(/not a VAPID key file/);
  });

  it('is off unless a subject is given; then the browsers’ push services and a key in the data dir', () => {
    expect(completeHubConfig(hubConfigSchema.parse({ dataDir: '/srv/hie' })).cabinetPush).toBeUndefined();
    const config = completeHubConfig(
      hubConfigSchema.parse({ dataDir: '/srv/hie', cabinetPush: { subject: 'mailto:office@example.jp' } }),
    );
    expect(config.cabinetPush).toEqual({
      subject: 'mailto:office@example.jp',
      allowedHosts: [...PUSH_SERVICES],
      vapidKeys: '/srv/hie/keys/vapid.json',
    });
    expect(() => hubConfigSchema.parse({ cabinetPush: { subject: 'office@example.jp' } })).toThrow();
    const fromEnv = loadHubConfig({
      env: {
        HIE_CABINET_PUSH_SUBJECT: 'https://hie.example.jp',
        HIE_CABINET_PUSH_PROXY: 'http://proxy:3128',
      },
    });
    expect(fromEnv.cabinetPush).toMatchObject({
      subject: 'https://hie.example.jp',
      proxy: 'http://proxy:3128',
    });
  });
});
