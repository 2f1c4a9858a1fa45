import { resolve } from 'node:path';
import { CATEGORIES, type Category } from '@hie/contract';
import { type LoadConfigOptions, loadConfig } from '@hie/platform';
import { z } from 'zod';
import { LAB_CSV_LAYOUTS } from '../intake/lab/index.js';

const port = z.coerce.number().int().min(0).max(65535);
const category = z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]]);

/**
 * The repository process configuration: one JSON file (`--config`), then HIE_* variables, then the
 * command line. Tenants are not here: the office creates them (`hie repository tenant add`, the API).
 */
export const repositoryConfigSchema = z.object({
  /** Folder for the default SQLite store. */
  dataDir: z.string().min(1).default('hie-repository-data'),
  /** `sqlite:PATH` or `postgres://…`; default `sqlite:<dataDir>/repository.db`. */
  db: z.string().min(1).optional(),
  dbSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
    .optional(),
  host: z.string().min(1).default('0.0.0.0'),
  port: port.default(8090),
  /** Public base URL: each tenant's URL in the hub's directory is `<baseUrl>/t/<facility OID>`. */
  baseUrl: z.string().url().optional(),
  hub: z
    .object({
      /** File with the hub's public key(s) (as a gateway's `hub.keys`). */
      keys: z.string().min(1).optional(),
      issuer: z.string().min(1).default('hie-hub'),
      /** The hub's base URL: with a tenant's feed token, that tenant's patients are fed to the MPI. */
      url: z.string().url().optional(),
      feedPollMs: z.coerce.number().int().min(0).default(60_000),
    })
    .default({ issuer: 'hie-hub', feedPollMs: 60_000 }),
  /** What a new tenant discloses until it sets its own (deny by default). */
  disclosure: z.object({ categories: z.array(category).default([]) }).default({ categories: [] }),
  /** The network office's token for /admin/* (≥ 16 characters). Prefer HIE_ADMIN_TOKEN. */
  adminToken: z.string().min(16, 'at least 16 characters').optional(),
  /**
   * The official master files for UKE claim files (社会保険診療報酬支払基金 基本マスター: 傷病名 b_*.csv,
   * 修飾語 z_*.csv, 医薬品 y_*.csv), as the operator downloads them; without them UKE uploads are refused.
   */
  uke: z
    .object({
      diseaseMaster: z.string().min(1),
      modifierMaster: z.string().min(1),
      drugMaster: z.string().min(1),
    })
    .optional(),
  orca: z
    .object({ timeoutMs: z.coerce.number().int().min(100).max(600_000).default(30_000) })
    .default({ timeoutMs: 30_000 }),
  tls: z
    .object({
      key: z.string().min(1),
      cert: z.string().min(1),
      ca: z.string().min(1).optional(),
      requireClientCert: z.boolean().default(false),
    })
    .optional(),
  /**
   * MLLP over TLS for lab centres (off unless configured): our key and certificate, and the network CA
   * whose client certificates it requires (files). Each lab centre is known by the certificate
   * fingerprints it registered (`hie repository lab-centre certificate`).
   */
  labMllp: z
    .object({
      host: z.string().min(1).default('0.0.0.0'),
      port: port.default(2577),
      key: z.string().min(1),
      cert: z.string().min(1),
      ca: z.string().min(1),
    })
    .optional(),
  /**
   * Drop folders, one per lab centre: the folder's permissions are the authentication (only the lab
   * centre's courier, and the repository, may write there). `sender` is the lab centre's sender id.
   */
  labDrop: z
    .array(
      z.object({
        dir: z.string().min(1),
        sender: z.string().min(1),
        csvLayout: z
          .string()
          .refine((k) => k in LAB_CSV_LAYOUTS, {
            message: `one of ${Object.keys(LAB_CSV_LAYOUTS).join(', ')}`,
          })
          .optional(),
        intervalMs: z.coerce.number().int().min(100).default(10_000),
      }),
    )
    .default([]),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type RepositoryConfigInput = z.input<typeof repositoryConfigSchema>;
export interface RepositoryConfig extends Omit<z.output<typeof repositoryConfigSchema>, 'db'> {
  db: string;
}

export const REPOSITORY_ENV: Record<string, string> = {
  HIE_DB: 'db',
  HIE_DB_SCHEMA: 'dbSchema',
  HIE_PORT: 'port',
  HIE_HOST: 'host',
  HIE_BASE_URL: 'baseUrl',
  HIE_HUB_URL: 'hub.url',
  HIE_HUB_KEYS: 'hub.keys',
  HIE_ADMIN_TOKEN: 'adminToken',
  HIE_DATA_DIR: 'dataDir',
};

export function loadRepositoryConfig(options: Omit<LoadConfigOptions, 'envKeys'> = {}): RepositoryConfig {
  return resolveRepositoryConfig(loadConfig(repositoryConfigSchema, { ...options, envKeys: REPOSITORY_ENV }));
}

/** Defaults that depend on other keys, and absolute paths. */
export function resolveRepositoryConfig(c: z.output<typeof repositoryConfigSchema>): RepositoryConfig {
  const dataDir = resolve(c.dataDir);
  return {
    ...c,
    dataDir,
    db: c.db ?? `sqlite:${resolve(dataDir, 'repository.db')}`,
    ...(c.hub.keys ? { hub: { ...c.hub, keys: resolve(c.hub.keys) } } : {}),
    labDrop: c.labDrop.map((d) => ({ ...d, dir: resolve(d.dir) })),
  };
}
