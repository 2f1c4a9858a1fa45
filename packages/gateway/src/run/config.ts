import { isAbsolute, join, relative, resolve } from 'node:path';
import { CATEGORIES, type Category, facilityOid, OID_PATTERN } from '@hie/contract';
import { auditSyslogSchema, ConfigError, type LoadConfigOptions, loadConfig } from '@hie/platform';
import { z } from 'zod';
import { normaliseFingerprint } from '../inbound/sender.js';

const port = z.coerce.number().int().min(0).max(65535);
const oid = z.string().regex(OID_PATTERN, 'not an OID (dotted integers without leading zeros)');
const category = z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]]);
const FINGERPRINT = /^[0-9A-Fa-f]{2}(:?[0-9A-Fa-f]{2}){31}$/;

const auditSettingsSchema = z.object({
  /** The anchor file, kept apart from the store (and its backups); default `<dataDir>/audit-anchors.jsonl`. */
  anchors: z.string().min(1).optional(),
  /** Anchor the chain this often when it moved (and at stop). */
  anchorSeconds: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * The gateway's own Ed25519 key that signs the anchors (PKCS#8 PEM; never the hub's): default
   * `<dataDir>/keys/gateway-audit.key.pem`. A path ending in `.key.pem` that does not exist yet is
   * created at first start, with its public `.pub.pem` beside it.
   */
  key: z.string().min(1).optional(),
  /** A syslog collector (TCP, or TLS per RFC 5425 with `tls.ca`) that also receives every anchor. */
  syslog: auditSyslogSchema.optional(),
  /**
   * An ATNA audit record repository (IHE ITI-20): every audit event as a DICOM audit message over syslog
   * (TLS per RFC 5425 with `tls.ca`), from a cursor, so an outage of the repository loses nothing.
   */
  atna: auditSyslogSchema.optional(),
});

/**
 * The hospital's PACS as a second image source, over DICOMweb (QIDO-RS, WADO-RS): its studies are
 * indexed like the folders' files and their frames retrieved from it when the hub asks.
 */
const pacsSettingsSchema = z
  .object({
    /** The DICOMweb root, e.g. `http://pacs.hospital.local:8042/dicom-web` (Orthanc's plugin). */
    url: z
      .string()
      .url()
      .refine((u) => /^https?:/i.test(u), 'an http:// or https:// URL')
      .refine((u) => {
        const parsed = new URL(u);
        return parsed.username === '' && parsed.password === '';
      }, 'no credentials in the URL: give username and password (or passwordFile)'),
    /** HTTP Basic user the PACS gave the gateway (read only there, ideally). */
    username: z.string().min(1).optional(),
    /** Prefer HIE_PACS_PASSWORD or passwordFile: nothing secret in a config file. */
    password: z.string().min(1).optional(),
    /** A file holding the password (first line), readable by the gateway's user only. */
    passwordFile: z.string().min(1).optional(),
    /** CA certificate (PEM file) of an https PACS whose certificate no public CA issued. */
    ca: z.string().min(1).optional(),
    /**
     * The Issuer of Patient ID (0010,0021) the PACS gives this hospital's patient ids. When set, only
     * instances naming it are matched (a PACS shared by several hospitals); when not, an instance may
     * name none, or this facility's OID or 医療機関コード, as for the folders.
     */
    issuer: z.string().min(1).optional(),
    /** Longest wait for the PACS (connect, answer, each piece of an answer); default 10 s. */
    timeoutMs: z.coerce.number().int().min(100).max(600_000).default(10_000),
    /** Each pass lists the studies of the last this many days (StudyDate); default 7. */
    recentDays: z.coerce.number().int().min(0).max(3650).default(7),
    /** Every study is listed (and those gone dropped) at most this many hours apart; 0 = each pass. */
    fullScanHours: z.coerce
      .number()
      .min(0)
      .max(24 * 365)
      .default(24),
  })
  .superRefine((p, ctx) => {
    if (p.password !== undefined && p.passwordFile !== undefined)
      ctx.addIssue({ code: 'custom', path: ['passwordFile'], message: 'either password or passwordFile' });
    if ((p.password !== undefined || p.passwordFile !== undefined) && p.username === undefined)
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'a password needs its username' });
  });

/**
 * The gateway process configuration. One JSON file (`--config`), then HIE_* variables, then the
 * command line (see GATEWAY_ENV). Relative paths are taken from the working directory.
 */
export const gatewayConfigSchema = z
  .object({
    facility: z.object({
      /** 10-digit 医療機関コード. */
      institutionCode: z.string().regex(/^\d{10}$/, '10 digits expected (医療機関コード)'),
      name: z.string().min(1, 'the facility name is required'),
      oidRoot: oid.default('1.2.392.200284'),
      /** An OID the network office assigned; otherwise computed from the root and the code. */
      oid: oid.optional(),
      oidLeadingZero: z.enum(['reject', 'prefix-1', 'strip']).default('reject'),
    }),
    storage: z
      .object({
        /** The hospital's SS-MIX2 storage roots: only ever read. */
        roots: z.array(z.string().min(1)).default([]),
        /** The hospital's extended storage roots (documents): only ever read. */
        extended: z.array(z.string().min(1)).default([]),
        /** Folders of DICOM files the hospital exports (or its PACS writes): only ever read. */
        dicom: z.array(z.string().min(1)).default([]),
        /** The hospital's PACS over DICOMweb (read only): studies queried and retrieved there. */
        pacs: pacsSettingsSchema.optional(),
        /** Where received HL7 messages are filed (owned by the gateway); default `<dataDir>/inbound`. */
        inbound: z.string().min(1).optional(),
      })
      .default({ roots: [], extended: [], dicom: [] }),
    /** Folder for the default SQLite store and the inbound storage. */
    dataDir: z.string().min(1).default('hie-gateway-data'),
    /** `sqlite:PATH` or `postgres://…`; default `sqlite:<dataDir>/gateway.db`. */
    db: z.string().min(1).optional(),
    /** PostgreSQL schema for the gateway's tables (created if missing): several tenants in one database. */
    dbSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
      .optional(),
    host: z.string().min(1).default('0.0.0.0'),
    port: port.default(8080),
    mllp: z
      .object({
        enabled: z.boolean().default(true),
        /**
         * Plain MLLP has no credential: by default it listens on the loopback interface only, for the
         * hospital's own systems on this host. Another interface must be set here explicitly, and each
         * remote system registered as a sender with its addresses (inbound.senders).
         */
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(2575),
        maxFrameBytes: z.coerce
          .number()
          .int()
          .min(1024)
          .default(16 * 1024 * 1024),
        /**
         * MLLP over TLS for remote systems, on its own port (files, as for the API's TLS). Every client
         * must present a certificate issued by `ca` (checked in the handshake) whose fingerprint is
         * registered to a sender (inbound.senders[].certificates); any other connection is closed.
         * It listens on every interface by default: nobody reaches a message without such a certificate.
         * Independent of `enabled`, which is the plain listener's switch.
         */
        tls: z
          .object({
            host: z.string().min(1).default('0.0.0.0'),
            port: port.default(2576),
            key: z.string().min(1),
            cert: z.string().min(1),
            /** The CA (bundle) that issues the senders' client certificates: the network CA. */
            ca: z.string().min(1),
          })
          .optional(),
      })
      .default({ enabled: true, host: '127.0.0.1', port: 2575, maxFrameBytes: 16 * 1024 * 1024 }),
    /** HL7 v2 inbound: its own HTTP listener (never the read API's), and the senders allowed to write. */
    inbound: z
      .object({
        http: z
          .object({
            enabled: z.boolean().default(false),
            host: z.string().min(1).default('127.0.0.1'),
            port: port.default(2580),
          })
          .default({ enabled: false, host: '127.0.0.1', port: 2580 }),
        /**
         * MSH-4 values the hospital's own systems on this host use (loopback MLLP), besides the
         * institution code and the facility OID.
         */
        localFacilityIds: z.array(z.string().min(1)).default([]),
        /**
         * Systems allowed to send HL7 v2, each for its own facilities (MSH-4: institution code or OID):
         * over HTTP by the SHA-256 of its bearer token, over MLLP/TLS by the SHA-256 fingerprints of its
         * client certificates, over plain MLLP by its addresses. The hospital's own systems on this host
         * (loopback) may send for this facility without registering.
         */
        senders: z
          .array(
            z.object({
              id: z.string().min(1).max(64),
              facilities: z.array(z.string().min(1)).min(1),
              tokenSha256: z
                .string()
                .regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the token, 64 hex digits')
                .optional(),
              addresses: z.array(z.string().min(1)).default([]),
              /**
               * SHA-256 fingerprints of the sender's client certificates (several while one is rolled
               * over), as `openssl x509 -noout -fingerprint -sha256` prints them; colons and case are
               * ignored. The fingerprint, not the subject: another certificate from the same CA cannot
               * have it.
               */
              certificates: z
                .array(
                  z
                    .string()
                    .regex(FINGERPRINT, 'a SHA-256 certificate fingerprint: 64 hex digits, colons allowed')
                    .transform(normaliseFingerprint),
                )
                .default([]),
            }),
          )
          .default([]),
      })
      .default({
        http: { enabled: false, host: '127.0.0.1', port: 2580 },
        localFacilityIds: [],
        senders: [],
      }),
    hub: z
      .object({
        /** File with the hub's public key(s): an SPKI PEM, a JWKS, or `{keys:[{issuer, jwk|pem}]}`. */
        keys: z.string().min(1).optional(),
        /** Issuer (`iss`) of keys given without one. */
        issuer: z.string().min(1).default('hie-hub'),
        /** The hub's base URL; with `feedToken`, the gateway feeds its patient identities to the hub's MPI. */
        url: z.string().url().optional(),
        /** This facility's feed token, issued by the network office. Prefer HIE_HUB_FEED_TOKEN. */
        feedToken: z.string().min(16, 'at least 16 characters').optional(),
        /** Look for new or changed patients this often besides after each ingest batch (0 = only then). */
        feedPollMs: z.coerce.number().int().min(0).default(60_000),
      })
      .default({ issuer: 'hie-hub', feedPollMs: 60_000 }),
    /** The categories this facility discloses; default nothing (deny by default). */
    disclosure: z.object({ categories: z.array(category).default([]) }).default({ categories: [] }),
    tls: z
      .object({
        key: z.string().min(1),
        cert: z.string().min(1),
        /** CA bundle for client certificates; with requireClientCert → mutual TLS. */
        ca: z.string().min(1).optional(),
        requireClientCert: z.boolean().default(false),
      })
      .optional(),
    ingest: z
      .object({
        rescanIntervalMs: z.coerce.number().int().min(0).optional(),
        watch: z.boolean().optional(),
        workers: z.coerce.number().int().min(0).optional(),
      })
      .default({}),
    /**
     * The gateway's own audit chain, anchored outside its store (as the hub's): its head signed with the
     * gateway's audit key every `anchorSeconds` when it moved, and at stop, and written to `anchors` (and
     * to `syslog` if configured). `hie gateway audit-verify` checks the chain against them.
     */
    audit: auditSettingsSchema.default({ anchorSeconds: 300 }),
    /** Local admin token for /admin/* (≥ 16 characters); without one the admin API is off. Prefer HIE_ADMIN_TOKEN. */
    adminToken: z.string().min(16, 'at least 16 characters').optional(),
    /** Public base URL for links in FHIR bundles (`https://gw.example.jp`). */
    baseUrl: z.string().url().optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((c, ctx) => {
    if (!c.facility.oid) {
      const r = facilityOid(c.facility.institutionCode, c.facility.oidRoot, c.facility.oidLeadingZero);
      if (!r.ok) ctx.addIssue({ code: 'custom', path: ['facility', 'oid'], message: r.reason });
    }
    if ((c.hub.url === undefined) !== (c.hub.feedToken === undefined)) {
      const missing = c.hub.url === undefined ? 'url' : 'feedToken';
      ctx.addIssue({
        code: 'custom',
        path: ['hub', missing],
        message: 'the patient feed needs both hub.url and hub.feedToken (HIE_HUB_URL, HIE_HUB_FEED_TOKEN)',
      });
    }
    const fingerprints = new Map<string, string>();
    c.inbound.senders.forEach((sender, i) => {
      sender.certificates.forEach((fingerprint, j) => {
        const other = fingerprints.get(fingerprint);
        if (other !== undefined && other !== sender.id) {
          ctx.addIssue({
            code: 'custom',
            path: ['inbound', 'senders', i, 'certificates', j],
            message: `this certificate is registered to sender '${other}' too: one certificate, one sender`,
          });
        }
        fingerprints.set(fingerprint, sender.id);
      });
    });
    if (c.tls?.requireClientCert && !c.tls.ca) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls', 'ca'],
        message: 'mutual TLS needs the CA of the client certificates',
      });
    }
  });

export type GatewayConfigInput = z.input<typeof gatewayConfigSchema>;

/** The configuration with every default filled in and every path absolute. */
export interface GatewayConfig
  extends Omit<z.output<typeof gatewayConfigSchema>, 'storage' | 'db' | 'facility' | 'audit'> {
  facility: z.output<typeof gatewayConfigSchema>['facility'] & { oid: string };
  storage: {
    roots: string[];
    extended: string[];
    dicom: string[];
    /** Paths (passwordFile, ca) absolute. */
    pacs?: GatewayPacsSettings;
    inbound: string;
  };
  db: string;
  audit: GatewayAuditSettings;
}

export type GatewayPacsSettings = z.output<typeof pacsSettingsSchema>;

/** Where the gateway's audit anchors go and the key that signs them, paths absolute. */
export interface GatewayAuditSettings extends Omit<z.output<typeof auditSettingsSchema>, 'anchors' | 'key'> {
  anchors: string;
  key: string;
}

/** Environment variables the gateway reads (below the command line, above the file). */
export const GATEWAY_ENV: Record<string, string> = {
  HIE_FACILITY_CODE: 'facility.institutionCode',
  HIE_FACILITY_NAME: 'facility.name',
  HIE_FACILITY_OID: 'facility.oid',
  HIE_DATA_DIR: 'dataDir',
  HIE_DB: 'db',
  HIE_DB_SCHEMA: 'dbSchema',
  DATABASE_URL: 'db',
  HIE_HOST: 'host',
  HIE_PORT: 'port',
  HIE_MLLP_PORT: 'mllp.port',
  HIE_INBOUND_HTTP_PORT: 'inbound.http.port',
  HIE_PACS_URL: 'storage.pacs.url',
  HIE_PACS_USERNAME: 'storage.pacs.username',
  HIE_PACS_PASSWORD: 'storage.pacs.password',
  HIE_HUB_KEYS: 'hub.keys',
  HIE_HUB_URL: 'hub.url',
  HIE_HUB_FEED_TOKEN: 'hub.feedToken',
  HIE_ADMIN_TOKEN: 'adminToken',
  HIE_LOG_LEVEL: 'logLevel',
};

/** Loads and completes the configuration; throws ConfigError naming every bad key. */
export function loadGatewayConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const parsed = loadConfig(gatewayConfigSchema, { envKeys: GATEWAY_ENV, ...options });
  return completeGatewayConfig(parsed);
}

/** Fills the derived values: the facility OID, absolute paths, the default store and inbound root. */
export function completeGatewayConfig(parsed: z.output<typeof gatewayConfigSchema>): GatewayConfig {
  const dataDir = resolve(parsed.dataDir);
  const computed = facilityOid(
    parsed.facility.institutionCode,
    parsed.facility.oidRoot,
    parsed.facility.oidLeadingZero,
  );
  const oidValue = parsed.facility.oid ?? (computed.ok ? computed.oid : '');
  const db = parsed.db ?? `sqlite:${join(dataDir, 'gateway.db')}`;
  const roots = parsed.storage.roots.map((r) => resolve(r));
  const extended = parsed.storage.extended.map((r) => resolve(r));
  const dicom = parsed.storage.dicom.map((r) => resolve(r));
  const inbound = resolve(parsed.storage.inbound ?? join(dataDir, 'inbound'));
  const given = parsed.storage.pacs;
  const pacs = given && {
    ...given,
    ...(given.passwordFile ? { passwordFile: resolve(given.passwordFile) } : {}),
    ...(given.ca ? { ca: resolve(given.ca) } : {}),
  };
  // The gateway never writes into the hospital's storage, so its own tree must lie outside it.
  const overlap = [...roots, ...extended, ...dicom].find((r) => inside(inbound, r) || inside(r, inbound));
  if (overlap) {
    throw new ConfigError(
      [`storage.inbound: ${inbound} overlaps the hospital storage root ${overlap}`],
      'gateway configuration',
    );
  }
  return {
    ...parsed,
    dataDir,
    facility: { ...parsed.facility, oid: oidValue },
    storage: { roots, extended, dicom, ...(pacs ? { pacs } : {}), inbound },
    db: /^(postgres(ql)?:\/\/|sqlite:|:memory:)/.test(db) ? db : `sqlite:${resolve(db)}`,
    hub: { ...parsed.hub, ...(parsed.hub.keys ? { keys: resolve(parsed.hub.keys) } : {}) },
    mllp: {
      ...parsed.mllp,
      ...(parsed.mllp.tls ? { tls: { ...parsed.mllp.tls, ...tlsFiles(parsed.mllp.tls) } } : {}),
    },
    ...(parsed.tls ? { tls: { ...parsed.tls, ...tlsFiles(parsed.tls) } } : {}),
    audit: auditSettingsOf(dataDir, parsed.audit),
  };
}

/** The audit settings with the default anchor file and key under the data folder, paths absolute. */
function auditSettingsOf(dataDir: string, audit: z.output<typeof auditSettingsSchema>): GatewayAuditSettings {
  return {
    ...audit,
    anchors: resolve(audit.anchors ?? join(dataDir, 'audit-anchors.jsonl')),
    key: resolve(audit.key ?? join(dataDir, 'keys', 'gateway-audit.key.pem')),
  };
}

/** A TLS setting's key, certificate and CA paths, made absolute. */
function tlsFiles(tls: { key: string; cert: string; ca?: string | undefined }) {
  return { key: resolve(tls.key), cert: resolve(tls.cert), ...(tls.ca ? { ca: resolve(tls.ca) } : {}) };
}

function inside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

const storeOnlySchema = z.object({
  dataDir: z.string().min(1).default('hie-gateway-data'),
  db: z.string().min(1).optional(),
  dbSchema: z.string().optional(),
  audit: auditSettingsSchema.default({ anchorSeconds: 300 }),
});

/** A gateway's store, and its audit anchors and their key, as an auditor's tool finds them. */
export interface GatewayStoreLocation {
  url: string;
  schema?: string;
  audit: GatewayAuditSettings;
}

/**
 * Where the gateway's store is, for tools that need only that (`hie gateway status`, `audit-verify`):
 * the same sources and defaults as the full configuration, without requiring the facility.
 */
export function loadGatewayStoreLocation(options: LoadConfigOptions = {}): GatewayStoreLocation {
  const envKeys = Object.fromEntries(
    Object.entries(GATEWAY_ENV).filter(([, key]) => key in storeOnlySchema.shape),
  );
  const parsed = loadConfig(storeOnlySchema, { envKeys, ...options });
  const dataDir = resolve(parsed.dataDir);
  const db = parsed.db ?? `sqlite:${join(dataDir, 'gateway.db')}`;
  const url = /^(postgres(ql)?:\/\/|sqlite:|:memory:)/.test(db) ? db : `sqlite:${resolve(db)}`;
  const audit = auditSettingsOf(dataDir, parsed.audit);
  return parsed.dbSchema ? { url, schema: parsed.dbSchema, audit } : { url, audit };
}
