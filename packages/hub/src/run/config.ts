import { join, resolve } from 'node:path';
import { OID_PATTERN, PROFESSION_CODES, type Profession } from '@hie/contract';
import { auditSyslogSchema, type LoadConfigOptions, loadConfig } from '@hie/platform';
import { z } from 'zod';
import { HPKI_AUTH_POLICY } from '../auth/hpki/trust.js';
import { PUSH_SERVICES } from '../cabinet/push/subscriptions.js';
import { DEFAULT_HUB_SETTINGS, type HubSettings } from '../http.js';
import { PARTNER_URL_RULE, partnerUrlAllowed } from '../partner/wire.js';

const port = z.coerce.number().int().min(0).max(65535);
const seconds = z.coerce.number().int().min(1);
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

/**
 * The hub process configuration: one JSON file (`--config`), then HIE_* variables, then the command
 * line. Defaults suit one hub on one machine; production sets `db` to PostgreSQL and runs behind TLS.
 */
/** A TLS server's key and certificate (PEM paths), and the CA whose client certificates it asks for. */
const tlsFiles = z.object({
  key: z.string().min(1),
  cert: z.string().min(1),
  clientCa: z.string().min(1).optional(),
});

export const hubConfigSchema = z.object({
  /** Folder for the default SQLite store and the signing key. */
  dataDir: z.string().min(1).default('hie-hub-data'),
  /** `sqlite:PATH` or `postgres://…`; default `sqlite:<dataDir>/hub.db`. */
  db: z.string().min(1).optional(),
  dbSchema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL identifier')
    .optional(),
  host: z.string().min(1).default('0.0.0.0'),
  port: port.default(8100),
  /** The hub's Ed25519 signing key (PKCS#8 PEM); default `<dataDir>/keys/hub-signing.key.pem`, created on first run. */
  signingKey: z.string().min(1).optional(),
  /**
   * The witness of the audit chain outside the store: signed heads (anchors) appended to this file,
   * which the operator keeps apart from the database; default `<dataDir>/audit-anchors.jsonl`.
   */
  auditAnchors: z.string().min(1).optional(),
  /**
   * A second witness of the anchors, apart from this host: a syslog collector (RFC 5424 over TCP, or
   * TLS per RFC 5425 with `tls.ca`), e.g. rsyslog or an ATNA audit record repository.
   */
  auditSyslog: auditSyslogSchema.optional(),
  /**
   * An ATNA audit record repository (IHE ITI-20): every audit event as a DICOM audit message over syslog
   * (TLS per RFC 5425 with `tls.ca`), from a cursor, so an outage of the repository loses nothing.
   */
  atna: auditSyslogSchema.optional(),
  /** Anchor the audit chain this often when it moved (and at shutdown). */
  auditAnchorSeconds: z.coerce.number().int().min(1).max(86_400).default(300),
  issuer: z.string().min(1).default(DEFAULT_HUB_SETTINGS.issuer),
  oidRoot: z.string().regex(OID_PATTERN, 'not an OID').default(DEFAULT_HUB_SETTINGS.oidRoot),
  prefecture: z
    .string()
    .regex(/^\d{2}$/, 'two digits (JIS X 0401)')
    .default(DEFAULT_HUB_SETTINGS.prefecture),
  gatewayTimeoutMs: z.coerce
    .number()
    .int()
    .min(50)
    .max(60_000)
    .default(DEFAULT_HUB_SETTINGS.gatewayTimeoutMs),
  sessionIdleSeconds: seconds.default(DEFAULT_HUB_SETTINGS.sessionIdleSeconds),
  sessionAbsoluteSeconds: seconds.default(DEFAULT_HUB_SETTINGS.sessionAbsoluteSeconds),
  breakGlassSeconds: seconds.default(DEFAULT_HUB_SETTINGS.breakGlassSeconds),
  /** Set false only for a plain-HTTP demo on localhost: browsers drop `Secure` cookies over http. */
  secureCookies: flag.default(true),
  /**
   * The network's name as its portal, its consent forms and its patient cards show it (default: the
   * web app's own, 晴れやかネット): two networks side by side must never look alike.
   */
  networkName: z.object({ ja: z.string().min(1).max(60), en: z.string().min(1).max(60) }).optional(),
  /**
   * Serve HTTPS: the hub's key and certificate (PEM paths), and `clientCa`, the network CA whose client
   * certificates facility systems present on the IHE endpoints (mutual TLS, ITI-19).
   */
  tls: tlsFiles.optional(),
  /**
   * A listener of its own for facility systems (the IHE endpoints): then the portal's port serves no IHE
   * endpoint and never asks a browser for a certificate; this one asks every client for one of `clientCa`
   * (mutual TLS, ITI-19). Without it, the IHE endpoints share the portal's port and its `tls`.
   */
  ihe: z
    .object({
      host: z.string().min(1).optional(),
      port: port,
      tls: tlsFiles.optional(),
      /**
       * HL7 v2 PIX/PDQ over MLLP (ITI-8, ITI-9, ITI-21) on this port: with `tls` (its `clientCa`), a
       * registered client certificate; without, loopback only, the facility's feed token in MSH-8.
       */
      mllp: z.object({ host: z.string().min(1).optional(), port: port }).optional(),
    })
    .optional(),
  /**
   * HPKI card login (auth/hpki/README.md): a listener of its own that serves the portal and asks every
   * browser for a client certificate of the HPKI CAs (`anchors`: MHLW HPKI Root CA V2 and the issuing
   * CAs), checked against `crls` (files) and `crlUrls` (distribution points), refreshed every
   * `refreshSeconds` without restart; a CRL older than `crlMaxAgeHours` refuses its CA's cards.
   * `publicUrl` is where the portal's login page sends a card user (default https://<host>:<port>).
   */
  hpki: z
    .object({
      host: z.string().min(1).optional(),
      port: port,
      publicUrl: z.string().url().optional(),
      tls: z.object({ key: z.string().min(1), cert: z.string().min(1) }),
      anchors: z.array(z.string().min(1)).min(1),
      crls: z.array(z.string().min(1)).default([]),
      crlUrls: z.array(z.string().url()).default([]),
      refreshSeconds: seconds.default(3600),
      crlMaxAgeHours: z.coerce.number().positive().default(72),
      policies: z
        .array(z.string().regex(/^\d+(\.\d+)+$/))
        .min(1)
        .default([HPKI_AUTH_POLICY]),
      /** hcRole string → profession, over the defaults (PROFESSIONS' hcRole). */
      roles: z.record(z.string(), z.enum(PROFESSION_CODES as [Profession, ...Profession[]])).default({}),
    })
    .optional(),
  /**
   * The hub as a SAML 2.0 identity provider (saml/README.md): its public `baseUrl` (the endpoints in its
   * metadata), `entityId` (default `<baseUrl>/saml/idp/metadata`), the signing key and certificate (PEM;
   * default made at `<dataDir>/keys/saml-idp.{key,crt}.pem` on first start), and the service providers
   * the network trusts, each by its metadata file.
   */
  saml: z
    .object({
      /** Default: the portal's own URL once it listens (a demo; production names its public URL). */
      baseUrl: z.string().url().optional(),
      entityId: z.string().min(1).max(1024).optional(),
      key: z.string().min(1).optional(),
      cert: z.string().min(1).optional(),
      serviceProviders: z
        .array(
          z.object({
            metadata: z.string().min(1),
            name: z.string().min(1).optional(),
            /** Where the portal's 「連携システム」 opens it (the RelayState of an IdP-initiated sign-on). */
            landing: z.string().url().optional(),
            /**
             * A partner network (interconnection agreement): the facilities whose users may open a
             * patient there, found by the partner's PDQ with the patient's traits (portal to portal).
             */
            agreement: z
              .object({
                facilities: z.array(z.string().regex(/^\d+(\.\d+)+$/)).min(1),
                /**
                 * The partner hub's URL: those facilities' timelines also show the partner's records of
                 * the patient (PDQm + $everything there, with XUA; partner/README.md).
                 */
                records: z.string().url().refine(partnerUrlAllowed, PARTNER_URL_RULE).optional(),
              })
              .optional(),
          }),
        )
        .default([]),
      /** The hub as SP (saml/README.md, "The hub as SP"): default `<baseUrl>/saml/sp/metadata`. */
      spEntityId: z.string().min(1).max(1024).optional(),
      /** Identity providers whose users may log in here (another network's hub, a hospital's IdP), each by its metadata file. */
      identityProviders: z
        .array(
          z.object({
            metadata: z.string().min(1),
            name: z.string().min(1).optional(),
            /** The attribute naming the user (default: the NameID). */
            subjectAttribute: z.string().min(1).optional(),
            /** Accept IdP-initiated sign-ons (default: only answers to our own requests). */
            allowUnsolicited: z.boolean().default(false),
            /** A partner network: its users may arrive with a patient, found here by PDQ (portal to portal). */
            patientLanding: z.boolean().default(false),
            /** A partner network whose hub may query our records for its users, with XUA (partner/README.md). */
            partnerRecords: z.boolean().default(false),
            /** Attribute names where this IdP differs from ours (name, facility, profession, hcRole). */
            attributes: z
              .object({
                name: z.string().min(1),
                facility: z.string().min(1),
                profession: z.string().min(1),
                hcRole: z.string().min(1),
              })
              .partial()
              .default({}),
          }),
        )
        .default([]),
    })
    .optional(),
  /**
   * The small-facility repository's office API (its URL and admin token; prefer HIE_REPOSITORY_ADMIN_TOKEN):
   * the office registers a clinic or pharmacy as a tenant from the directory.
   */
  repository: z
    .object({ url: z.string().url(), adminToken: z.string().min(16, 'at least 16 characters') })
    .optional(),
  /**
   * The hub's client certificate (from the network CA) for gateways that require mutual TLS, and the
   * CA that issues the gateways' server certificates: PEM file paths.
   */
  gatewayTls: z
    .object({ cert: z.string().min(1), key: z.string().min(1), ca: z.string().min(1).optional() })
    .optional(),
  /** Care Cabinet files (photos, videos, PDFs); default `<dataDir>/cabinet-files`. */
  cabinetFilesDir: z.string().min(1).optional(),
  /**
   * Web Push of the Care Cabinet's unread count, where the hub reaches the browsers' push services (FCM,
   * Mozilla, Apple, Microsoft) directly or through `proxy`; off by default (closed networks: SSE and
   * polling). The VAPID key pair is made at `vapidKeys` (default `<dataDir>/keys/vapid.json`) on first start.
   */
  cabinetPush: z
    .object({
      subject: z.string().regex(/^(mailto:|https:\/\/)\S+$/, 'mailto: or https: (RFC 8292)'),
      vapidKeys: z.string().min(1).optional(),
      allowedHosts: z
        .array(z.string().min(1))
        .min(1)
        .default([...PUSH_SERVICES]),
      proxy: z.string().url().optional(),
    })
    .optional(),
  /** The built web app (packages/web/dist), served at `/`. */
  webRoot: z.string().min(1).optional(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type HubConfigInput = z.input<typeof hubConfigSchema>;

export interface HubConfig
  extends Omit<z.output<typeof hubConfigSchema>, 'db' | 'signingKey' | 'auditAnchors'> {
  auditAnchors: string;
  db: string;
  signingKey: string;
}

export const HUB_ENV: Record<string, string> = {
  HIE_DATA_DIR: 'dataDir',
  HIE_DB: 'db',
  HIE_DB_SCHEMA: 'dbSchema',
  DATABASE_URL: 'db',
  HIE_HOST: 'host',
  HIE_PORT: 'port',
  HIE_IHE_PORT: 'ihe.port',
  HIE_IHE_MLLP_PORT: 'ihe.mllp.port',
  HIE_HPKI_PORT: 'hpki.port',
  HIE_SIGNING_KEY: 'signingKey',
  HIE_ISSUER: 'issuer',
  HIE_REPOSITORY_URL: 'repository.url',
  HIE_REPOSITORY_ADMIN_TOKEN: 'repository.adminToken',
  HIE_OID_ROOT: 'oidRoot',
  HIE_SECURE_COOKIES: 'secureCookies',
  HIE_WEB_ROOT: 'webRoot',
  HIE_CABINET_FILES_DIR: 'cabinetFilesDir',
  HIE_CABINET_PUSH_SUBJECT: 'cabinetPush.subject',
  HIE_CABINET_PUSH_PROXY: 'cabinetPush.proxy',
  HIE_LOG_LEVEL: 'logLevel',
};

export function loadHubConfig(options: LoadConfigOptions = {}): HubConfig {
  return completeHubConfig(loadConfig(hubConfigSchema, { envKeys: HUB_ENV, ...options }));
}

const resolvedTls = (tls: z.output<typeof tlsFiles>) => ({
  key: resolve(tls.key),
  cert: resolve(tls.cert),
  ...(tls.clientCa ? { clientCa: resolve(tls.clientCa) } : {}),
});

export function completeHubConfig(parsed: z.output<typeof hubConfigSchema>): HubConfig {
  const dataDir = resolve(parsed.dataDir);
  const db = parsed.db ?? `sqlite:${join(dataDir, 'hub.db')}`;
  return {
    ...parsed,
    dataDir,
    db: /^(postgres(ql)?:\/\/|sqlite:|:memory:)/.test(db) ? db : `sqlite:${resolve(db)}`,
    signingKey: resolve(parsed.signingKey ?? join(dataDir, 'keys', 'hub-signing.key.pem')),
    auditAnchors: resolve(parsed.auditAnchors ?? join(dataDir, 'audit-anchors.jsonl')),
    ...(parsed.webRoot ? { webRoot: resolve(parsed.webRoot) } : {}),
    ...(parsed.tls ? { tls: resolvedTls(parsed.tls) } : {}),
    ...(parsed.ihe
      ? { ihe: { ...parsed.ihe, ...(parsed.ihe.tls ? { tls: resolvedTls(parsed.ihe.tls) } : {}) } }
      : {}),
    ...(parsed.hpki
      ? {
          hpki: {
            ...parsed.hpki,
            tls: { key: resolve(parsed.hpki.tls.key), cert: resolve(parsed.hpki.tls.cert) },
            anchors: parsed.hpki.anchors.map((a) => resolve(a)),
            crls: parsed.hpki.crls.map((c) => resolve(c)),
          },
        }
      : {}),
    ...(parsed.cabinetPush
      ? {
          cabinetPush: {
            ...parsed.cabinetPush,
            vapidKeys: resolve(parsed.cabinetPush.vapidKeys ?? join(dataDir, 'keys', 'vapid.json')),
          },
        }
      : {}),
  };
}

export function hubSettingsOf(config: HubConfig): HubSettings {
  return {
    issuer: config.issuer,
    oidRoot: config.oidRoot,
    prefecture: config.prefecture,
    gatewayTimeoutMs: config.gatewayTimeoutMs,
    sessionIdleSeconds: config.sessionIdleSeconds,
    sessionAbsoluteSeconds: config.sessionAbsoluteSeconds,
    breakGlassSeconds: config.breakGlassSeconds,
    secureCookies: config.secureCookies,
    ...(config.networkName ? { networkName: config.networkName } : {}),
    ...(config.repository ? { repository: config.repository } : {}),
    cabinetFilesDir: resolve(config.cabinetFilesDir ?? join(config.dataDir, 'cabinet-files')),
  };
}
