import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  type GatewayConfig,
  type GatewayStoreLocation,
  loadGatewayConfig,
  loadGatewayStoreLocation,
  migrateGatewayStore,
  type Schema,
} from '@hie/gateway';
import { ConfigError, openStore, type Store } from '@hie/platform';
import type { Command } from 'commander';
import { UsageError } from '../usage-error.js';
import { storageRoots } from './ssmix2-args.js';

/** Options shared by `hie gateway` and `hie gateway reindex` (all optional: the config file may say them). */
export interface GatewayFlags {
  config?: string;
  storage?: string[];
  extended?: string[];
  dicom?: string[];
  pacs?: string;
  pacsUser?: string;
  pacsPasswordFile?: string;
  pacsIssuer?: string;
  inbound?: string;
  dataDir?: string;
  db?: string;
  host?: string;
  port?: number;
  mllpPort?: number;
  mllp?: boolean;
  mllpHost?: string;
  localFacilityIds?: string[];
  inboundPort?: number;
  facility?: string;
  name?: string;
  hubKey?: string;
  disclose?: string[];
}

/** The full gateway configuration: file (--config), then HIE_* variables, then these flags. Bad → exit 2. */
export function gatewayConfigFrom(flags: GatewayFlags): GatewayConfig {
  if (flags.storage) storageRoots(flags.storage);
  const overrides: Record<string, unknown> = {
    'storage.roots': flags.storage,
    'storage.extended': flags.extended,
    'storage.dicom': flags.dicom,
    'storage.pacs.url': flags.pacs,
    'storage.pacs.username': flags.pacsUser,
    'storage.pacs.passwordFile': flags.pacsPasswordFile,
    'storage.pacs.issuer': flags.pacsIssuer,
    'storage.inbound': flags.inbound,
    dataDir: flags.dataDir,
    db: flags.db,
    host: flags.host,
    port: flags.port,
    'mllp.port': flags.mllpPort,
    'mllp.enabled': flags.mllp === false ? false : undefined,
    'mllp.host': flags.mllpHost,
    'inbound.localFacilityIds': flags.localFacilityIds,
    'inbound.http.port': flags.inboundPort,
    'inbound.http.enabled': flags.inboundPort !== undefined ? true : undefined,
    'facility.institutionCode': flags.facility,
    'facility.name': flags.name,
    'hub.keys': flags.hubKey,
    'disclosure.categories': flags.disclose,
  };
  try {
    return loadGatewayConfig({ ...(flags.config ? { file: flags.config } : {}), overrides });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/** Where a tool finds the gateway's store: --db / --db-schema, else the config file / HIE_DB, else the data folder. */
export interface StoreFlags {
  db?: string;
  dbSchema?: string;
  config?: string;
  dataDir?: string;
}

/** The gateway's store and its audit files, from the flags, the config file and HIE_* (bad → exit 2). */
export function gatewayStoreLocation(flags: StoreFlags): GatewayStoreLocation {
  try {
    return loadGatewayStoreLocation({
      ...(flags.config ? { file: flags.config } : {}),
      overrides: { db: flags.db, dbSchema: flags.dbSchema, dataDir: flags.dataDir },
    });
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * Opens the gateway's store, migrated unless `asIs` (an auditor's check changes nothing). For `status`
 * and `audit-verify` a SQLite file that does not exist is a usage error (exit 2), not an empty gateway;
 * `reindex` may create it.
 */
export async function openGatewayStore(
  flags: StoreFlags,
  options: { create?: boolean; asIs?: boolean; location?: GatewayStoreLocation } = {},
): Promise<Store<Schema>> {
  const location = options.location ?? gatewayStoreLocation(flags);
  if (!/^postgres(ql)?:\/\//.test(location.url)) {
    const path = location.url.slice('sqlite:'.length);
    if (options.create) mkdirSync(dirname(path), { recursive: true });
    else if (!existsSync(path))
      throw new UsageError(`${path}: no gateway store there (give --db or --config)`);
  }
  const store = await openStore<Schema>(location.url, location.schema ? { schema: location.schema } : {});
  if (!options.asIs) await migrateGatewayStore(store);
  return store;
}

/** Repeatable option: `--storage A --storage B`. */
export const collect = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

/** Comma-separated list: `--disclose lab-result,prescription`. */
export const list = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** A TCP port 0–65535 (exit 2 otherwise). */
export function portOption(name: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^[0-9]+$/.test(value) || n > 65535)
      throw new UsageError(`${name} expects a port number, got '${value}'`);
    return n;
  };
}

/** Where the store and the facility come from (`hie gateway run` and `reindex`). */
export function storeAndFacilityOptions(command: Command): Command {
  return command
    .option('--config <file>', 'JSON configuration (flags win over it, HIE_* variables in between)')
    .option('--storage <dir>', "the hospital's SS-MIX2 storage root, read only (repeatable)", collect)
    .option(
      '--extended <dir>',
      "the hospital's extended storage root (documents), read only (repeatable)",
      collect,
    )
    .option('--dicom <dir>', 'a folder of DICOM files the hospital exports, read only (repeatable)', collect)
    .option(
      '--pacs <url>',
      "the hospital PACS's DICOMweb root (QIDO-RS/WADO-RS), e.g. http://pacs:8042/dicom-web",
    )
    .option(
      '--pacs-user <name>',
      'HTTP Basic user for the PACS (password: --pacs-password-file or HIE_PACS_PASSWORD)',
    )
    .option('--pacs-password-file <file>', "a file holding the PACS user's password (first line)")
    .option('--pacs-issuer <issuer>', 'only match PACS studies whose Issuer of Patient ID is this')
    .option(
      '--data-dir <dir>',
      'folder for the default SQLite store and inbound storage (default hie-gateway-data)',
    )
    .option('--db <url>', 'store: sqlite:FILE or postgres://… (default sqlite:<data-dir>/gateway.db)')
    .option('--facility <code>', '10-digit institution code (医療機関コード) of this facility')
    .option('--name <name>', 'facility name');
}
