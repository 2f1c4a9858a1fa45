import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { facilityOid } from '@hie/contract';
import {
  ConfigError,
  exportPrivateKeyPem,
  exportPublicJwk,
  exportPublicKeyPem,
  generateSigningKey,
  loadHubKeys,
} from '@hie/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig, loadGatewayStoreLocation } from './config.js';

describe('facilityOid', () => {
  it('is root.prefecture.institution code, and refuses arcs with a leading zero unless told how to fix them', () => {
    expect(facilityOid('3319800011', '1.2.392.200284')).toEqual({
      ok: true,
      oid: '1.2.392.200284.33.3319800011',
    });
    expect(facilityOid('0112345678', '1.2.392.200284').ok).toBe(false);
    expect(facilityOid('0112345678', '1.2.392.200284', 'prefix-1')).toEqual({
      ok: true,
      oid: '1.2.392.200284.1.10112345678',
    });
    expect(facilityOid('0112345678', '1.2.392.200284', 'strip')).toEqual({
      ok: true,
      oid: '1.2.392.200284.1.112345678',
    });
    expect(facilityOid('33198', '1.2.392.200284').ok).toBe(false);
    expect(facilityOid('3319800011', '1.2.0392').ok).toBe(false);
  });
});

describe('loadGatewayConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hie-gateway-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fills defaults from the data folder and lets the command line win over the file and the environment', () => {
    const file = join(dir, 'gateway.json');
    writeFileSync(
      file,
      JSON.stringify({
        facility: { institutionCode: '3319800011', name: '岡山大学病院' },
        storage: { roots: ['/srv/ssmix2'] },
        dataDir: join(dir, 'data'),
        port: 9000,
        disclosure: { categories: ['lab-result', 'prescription'] },
      }),
    );
    const config = loadGatewayConfig({
      file,
      env: { HIE_PORT: '9100', HIE_MLLP_PORT: '2600' },
      overrides: { port: 9200 },
    });
    expect(config).toMatchObject({
      facility: { institutionCode: '3319800011', oid: '1.2.392.200284.33.3319800011' },
      storage: { roots: ['/srv/ssmix2'], inbound: join(dir, 'data', 'inbound') },
      db: `sqlite:${join(dir, 'data', 'gateway.db')}`,
      port: 9200,
      mllp: { enabled: true, port: 2600 },
      disclosure: { categories: ['lab-result', 'prescription'] },
    });
  });

  it('names every bad key: code, unknown category, an inbound tree inside the hospital storage', () => {
    const bad = () =>
      loadGatewayConfig({
        env: {},
        overrides: {
          'facility.institutionCode': '12',
          'facility.name': 'x',
          'disclosure.categories': ['everything'],
        },
      });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/facility\.institutionCode: 10 digits expected/);
    expect(bad).toThrow(/disclosure\.categories\.0/);
    expect(() =>
      loadGatewayConfig({
        env: {},
        overrides: {
          'facility.institutionCode': '3319800011',
          'facility.name': 'x',
          'storage.roots': ['/srv/ssmix2'],
          'storage.inbound': '/srv/ssmix2/gateway',
        },
      }),
    ).toThrow(/overlaps the hospital storage root/);
  });

  it('turns the patient feed on with the hub URL and feed token (file or HIE_HUB_*), and refuses one without the other', () => {
    const base = { 'facility.institutionCode': '3319800011', 'facility.name': 'x' };
    const config = loadGatewayConfig({
      env: { HIE_HUB_URL: 'https://hub.example.jp', HIE_HUB_FEED_TOKEN: 'a-feed-token-of-32-characters-xx' },
      overrides: base,
    });
    expect(config.hub).toMatchObject({
      url: 'https://hub.example.jp',
      feedToken: 'a-feed-token-of-32-characters-xx',
      feedPollMs: 60_000,
    });
    expect(loadGatewayConfig({ env: {}, overrides: base }).hub.url).toBeUndefined();
    expect(() =>
      loadGatewayConfig({ env: { HIE_HUB_URL: 'https://hub.example.jp' }, overrides: base }),
    ).toThrow(/hub\.feedToken: the patient feed needs both/);
    expect(() =>
      loadGatewayConfig({ env: { HIE_HUB_URL: 'hub', HIE_HUB_FEED_TOKEN: 'short' }, overrides: base }),
    ).toThrow(/hub\.url: .*\n.*hub\.feedToken: at least 16/s);
  });

  it('takes a PACS (file or HIE_PACS_*) with defaults, its password file absolute; refuses credentials in the URL and a password without its user', () => {
    const base = { 'facility.institutionCode': '3319800011', 'facility.name': 'x' };
    const config = loadGatewayConfig({
      env: { HIE_PACS_URL: 'http://pacs.hospital.local:8042/dicom-web', HIE_PACS_USERNAME: 'hie' },
      overrides: { ...base, 'storage.pacs.passwordFile': 'pacs.secret' },
    });
    expect(config.storage.pacs).toEqual({
      url: 'http://pacs.hospital.local:8042/dicom-web',
      username: 'hie',
      passwordFile: join(process.cwd(), 'pacs.secret'),
      timeoutMs: 10_000,
      recentDays: 7,
      fullScanHours: 24,
    });
    expect(loadGatewayConfig({ env: {}, overrides: base }).storage.pacs).toBeUndefined();
    expect(() =>
      loadGatewayConfig({ env: { HIE_PACS_URL: 'http://hie:secret@pacs:8042/dicom-web' }, overrides: base }),
    ).toThrow(/storage\.pacs\.url: no credentials in the URL/);
    expect(() =>
      loadGatewayConfig({
        env: { HIE_PACS_URL: 'http://pacs/dicom-web', HIE_PACS_PASSWORD: 'x' },
        overrides: base,
      }),
    ).toThrow(/storage\.pacs\.username: a password needs its username/);
    expect(() => loadGatewayConfig({ env: { HIE_PACS_URL: 'ftp://pacs/' }, overrides: base })).toThrow(
      /storage\.pacs\.url: an http/,
    );
  });

  it('takes MLLP/TLS files as absolute paths and sender certificates by fingerprint; one certificate names one sender', () => {
    const base = { 'facility.institutionCode': '3319800011', 'facility.name': 'x' };
    const hex = 'ab'.repeat(32);
    const openssl = hex.toUpperCase().match(/../g)!.join(':');
    const config = loadGatewayConfig({
      env: {},
      overrides: {
        ...base,
        'mllp.tls': { key: 'gw.key', cert: 'gw.crt', ca: 'network-ca.crt' },
        'inbound.senders': [{ id: 'lab', facilities: ['LAB'], certificates: [openssl] }],
      },
    });
    expect(config.mllp.tls).toEqual({
      host: '0.0.0.0',
      port: 2576,
      key: join(process.cwd(), 'gw.key'),
      cert: join(process.cwd(), 'gw.crt'),
      ca: join(process.cwd(), 'network-ca.crt'),
    });
    expect(config.inbound.senders[0]?.certificates).toEqual([hex]);
    expect(loadGatewayConfig({ env: {}, overrides: base }).mllp.tls).toBeUndefined();
    expect(() =>
      loadGatewayConfig({ env: {}, overrides: { ...base, 'mllp.tls': { key: 'k', cert: 'c' } } }),
    ).toThrow(/mllp\.tls\.ca/);
    expect(() =>
      loadGatewayConfig({
        env: {},
        overrides: {
          ...base,
          'inbound.senders': [
            { id: 'lab', facilities: ['LAB'], certificates: [hex] },
            { id: 'clinic', facilities: ['CLINIC'], certificates: ['cn=clinic', openssl] },
          ],
        },
      }),
    ).toThrow(
      /certificates\.0: a SHA-256 certificate fingerprint.*\n.*certificates\.1: this certificate is registered to sender 'lab' too/s,
    );
  });

  it('finds the store and its audit anchors and key without a facility (for status, audit-verify)', () => {
    expect(loadGatewayStoreLocation({ env: {}, overrides: { dataDir: '/var/hie' } })).toEqual({
      url: 'sqlite:/var/hie/gateway.db',
      audit: {
        anchors: '/var/hie/audit-anchors.jsonl',
        anchorSeconds: 300,
        key: '/var/hie/keys/gateway-audit.key.pem',
      },
    });
    expect(
      loadGatewayStoreLocation({
        env: { HIE_DB: 'postgres://h/db', HIE_DB_SCHEMA: 'gw1' },
        overrides: { audit: { anchors: '/srv/witness/gw1.jsonl', key: '/etc/hie/gw1-audit.key.pem' } },
      }),
    ).toMatchObject({
      url: 'postgres://h/db',
      schema: 'gw1',
      audit: { anchors: '/srv/witness/gw1.jsonl', key: '/etc/hie/gw1-audit.key.pem' },
    });
  });

  it('anchors the audit chain by default under the data folder; a syslog witness is checked like the hub’s', () => {
    const base = { 'facility.institutionCode': '3319800011', 'facility.name': 'x', dataDir: join(dir, 'd') };
    expect(loadGatewayConfig({ env: {}, overrides: base }).audit).toEqual({
      anchors: join(dir, 'd', 'audit-anchors.jsonl'),
      anchorSeconds: 300,
      key: join(dir, 'd', 'keys', 'gateway-audit.key.pem'),
    });
    const syslog = { host: 'audit.example.jp', tls: { ca: '/etc/hie/ca.crt' } };
    expect(
      loadGatewayConfig({ env: {}, overrides: { ...base, audit: { anchorSeconds: '60', syslog } } }).audit,
    ).toMatchObject({ anchorSeconds: 60, syslog: { host: 'audit.example.jp', port: 6514 } });
    expect(() =>
      loadGatewayConfig({
        env: {},
        overrides: { ...base, audit: { anchorSeconds: 0, syslog: { port: 1 } } },
      }),
    ).toThrow(/audit\.anchorSeconds.*\n.*audit\.syslog\.host/s);
  });
});

describe('loadHubKeys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hie-hub-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a PEM, a JWKS and the {issuer, jwk|pem} list; refuses a private key', async () => {
    const a = await generateSigningKey();
    const b = await generateSigningKey();
    const pem = join(dir, 'hub.pem');
    writeFileSync(pem, await exportPublicKeyPem(a.publicKey));
    expect(await loadHubKeys(pem, 'hub-a')).toMatchObject([{ kid: a.kid, issuer: 'hub-a' }]);
    const jwks = join(dir, 'jwks.json');
    writeFileSync(
      jwks,
      JSON.stringify({ keys: [await exportPublicJwk(a.publicKey), await exportPublicJwk(b.publicKey)] }),
    );
    expect((await loadHubKeys(jwks, 'hub')).map((k) => k.kid)).toEqual([a.kid, b.kid]);
    const listed = join(dir, 'list.json');
    writeFileSync(
      listed,
      JSON.stringify({
        keys: [
          { issuer: 'hub-a', pem: await exportPublicKeyPem(a.publicKey) },
          { issuer: 'hub-b', jwk: await exportPublicJwk(b.publicKey) },
        ],
      }),
    );
    expect((await loadHubKeys(listed, 'x')).map((k) => [k.kid, k.issuer])).toEqual([
      [a.kid, 'hub-a'],
      [b.kid, 'hub-b'],
    ]);
    const secret = join(dir, 'private.pem');
    writeFileSync(secret, await exportPrivateKeyPem(a));
    await expect(loadHubKeys(secret, 'x')).rejects.toThrow(/private key/);
  });
});
