import { readFile } from 'node:fs/promises';
import type { Profession } from '@hie/contract';
import { PeriodicJob } from '@hie/platform';
import { loadX509 } from './card.js';

/** The authentication certificate policy of an HPKI end entity (HPKI-OID.md §1: 1.2.392.100495.1.5.1.{2}.{0}.1). */
export const HPKI_AUTH_POLICY = '1.2.392.100495.1.5.1.2.0.1';

/** The `hpki` section of the hub configuration, resolved. */
export interface HpkiTrustConfig {
  /** The MHLW HPKI Root CA V2 and the issuing CAs (PEM or DER files). */
  anchors: readonly string[];
  /** CRL files (PEM or DER): one per CA of every chain — the root's ARL and each issuing CA's CRL. */
  crls: readonly string[];
  /** CRL distribution points fetched on every refresh (DER or PEM), in addition to the files. */
  crlUrls: readonly string[];
  refreshSeconds: number;
  /** A CRL issued longer ago than this refuses its CA's cards, even before its nextUpdate. */
  crlMaxAgeHours: number;
  /** Certificate policies that may log in (any one of them). */
  policies: readonly string[];
  /** hcRole string → our profession (defaults from PROFESSIONS' hcRole, overridable). */
  roles: Readonly<Record<string, Profession>>;
}

export interface CrlStatus {
  source: string;
  issuer: string;
  thisUpdate: string;
  nextUpdate: string | null;
  revoked: number;
  /** Past nextUpdate or older than crlMaxAgeHours: its CA's cards are refused. */
  stale: boolean;
}

export interface LoadedTrust {
  anchors: string[];
  crls: string[];
  status: CrlStatus[];
  /** Sources that could not be read or parsed in the last refresh (kept: the previous copy stays in force). */
  errors: { source: string; message: string }[];
  loadedAt: string;
}

/**
 * The trust the card listener's TLS layer applies (anchors and CRLs) and what our own checks add (a
 * CRL too old refuses its CA's cards). `refresh()` re-reads the files and distribution points; a source
 * that fails keeps its last good copy (never an empty CRL); `onChange` hot-swaps the TLS context.
 */
export class HpkiTrust extends PeriodicJob {
  private current: LoadedTrust = { anchors: [], crls: [], status: [], errors: [], loadedAt: '' };
  private readonly lastGood = new Map<string, string>();

  constructor(
    readonly config: HpkiTrustConfig,
    private readonly deps: {
      now: () => Date;
      fetch?: typeof fetch;
      onChange?: (trust: LoadedTrust) => void;
      onError?: (error: unknown) => void;
    },
  ) {
    super({ intervalMs: config.refreshSeconds * 1000, onError: deps.onError });
  }

  get loaded(): LoadedTrust {
    return this.current;
  }

  /** Reads everything; throws when there is no anchor at all (nothing could ever log in). */
  async refresh(): Promise<LoadedTrust> {
    const errors: { source: string; message: string }[] = [];
    const anchors: string[] = [];
    for (const file of this.config.anchors) {
      try {
        anchors.push(...(await pemCertificates(await readFile(file))));
      } catch (e) {
        errors.push({ source: file, message: messageOf(e) });
      }
    }
    if (anchors.length === 0) throw new Error('hpki: no trust anchor could be read (hpki.anchors)');
    const sources: { source: string; read: () => Promise<Uint8Array> }[] = [
      ...this.config.crls.map((file) => ({ source: file, read: () => readFile(file) })),
      ...this.config.crlUrls.map((url) => ({ source: url, read: () => this.download(url) })),
    ];
    const crls: string[] = [];
    const status: CrlStatus[] = [];
    for (const { source, read } of sources) {
      let pem: string | undefined;
      try {
        pem = await crlPem(await read());
        this.lastGood.set(source, pem);
      } catch (e) {
        errors.push({ source, message: messageOf(e) });
        pem = this.lastGood.get(source);
      }
      if (!pem) continue;
      crls.push(pem);
      status.push(await this.statusOf(source, pem));
    }
    const changed =
      anchors.join() !== this.current.anchors.join() || crls.join() !== this.current.crls.join();
    this.current = { anchors, crls, status, errors, loadedAt: this.deps.now().toISOString() };
    if (changed) this.deps.onChange?.(this.current);
    return this.current;
  }

  protected async runRound(): Promise<void> {
    await this.refresh();
  }

  /** The CRLs of this issuer (RFC 4514 name), with staleness re-evaluated now. */
  crlsOf(issuer: string): CrlStatus[] {
    return this.current.status
      .filter((s) => s.issuer === issuer)
      .map((s) => ({ ...s, stale: this.isStale(s.thisUpdate, s.nextUpdate) }));
  }

  /** Every CRL's status now (for the office's page). */
  statusNow(): CrlStatus[] {
    return this.current.status.map((s) => ({ ...s, stale: this.isStale(s.thisUpdate, s.nextUpdate) }));
  }

  private isStale(thisUpdate: string, nextUpdate: string | null): boolean {
    const now = this.deps.now().getTime();
    if (nextUpdate && Date.parse(nextUpdate) < now) return true;
    return now - Date.parse(thisUpdate) > this.config.crlMaxAgeHours * 3_600_000;
  }

  private async statusOf(source: string, pem: string): Promise<CrlStatus> {
    const lib = await loadX509();
    const crl = new lib.X509Crl(pem);
    const thisUpdate = crl.thisUpdate.toISOString();
    const nextUpdate = crl.nextUpdate?.toISOString() ?? null;
    return {
      source,
      issuer: crl.issuer,
      thisUpdate,
      nextUpdate,
      revoked: crl.entries.length,
      stale: this.isStale(thisUpdate, nextUpdate),
    };
  }

  private async download(url: string): Promise<Uint8Array> {
    const response = await (this.deps.fetch ?? fetch)(url, { signal: AbortSignal.timeout(30_000) });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** Every certificate of a PEM bundle or one DER certificate, as PEM. */
async function pemCertificates(bytes: Uint8Array): Promise<string[]> {
  const lib = await loadX509();
  const text = Buffer.from(bytes).toString('latin1');
  const blocks = [...text.matchAll(PEM_BLOCK)].filter((m) => m[1] === 'CERTIFICATE').map((m) => m[0]);
  const certs =
    blocks.length > 0 ? blocks.map((b) => new lib.X509Certificate(b)) : [new lib.X509Certificate(bytes)];
  return certs.map((c) => c.toString('pem'));
}

/** One CRL (PEM or DER) as PEM; throws on anything else. */
async function crlPem(bytes: Uint8Array): Promise<string> {
  const lib = await loadX509();
  const text = Buffer.from(bytes).toString('latin1');
  const block = [...text.matchAll(PEM_BLOCK)].find((m) => m[1] === 'X509 CRL' || m[1] === 'CRL');
  const der = block ? lib.PemConverter.decodeFirst(block[0]) : bytes;
  // OpenSSL reads "X509 CRL" only (the library writes "CRL").
  return lib.PemConverter.encode(new lib.X509Crl(der).rawData, 'X509 CRL');
}

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));
