import { createHash, X509Certificate } from 'node:crypto';

/** Serve over HTTPS; with `ca`, clients must present a certificate issued by it (mutual TLS). */
export interface MutualTlsOptions {
  key: string | Buffer;
  cert: string | Buffer;
  /** CA(s) that issue client certificates. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Default: true when `ca` is given. A client without a valid certificate is refused in the handshake. */
  requireClientCert?: boolean;
}

/** Node's https server options for these settings: a client certificate is required iff asked for. */
export function httpsServerOptions(tls: MutualTlsOptions) {
  const requireClientCert = tls.requireClientCert ?? tls.ca !== undefined;
  return {
    key: tls.key,
    cert: tls.cert,
    ...(tls.ca ? { ca: tls.ca } : {}),
    requestCert: requireClientCert,
    rejectUnauthorized: requireClientCert,
  };
}

/**
 * The pin of a TLS key: `sha256/` and the base64 SHA-256 of the certificate's SubjectPublicKeyInfo
 * (as HPKP's pin-sha256). A re-issued certificate for the same key keeps its pin; a new key does not.
 */
export function spkiPin(publicKeyDer: Buffer): string {
  return `sha256/${createHash('sha256').update(publicKeyDer).digest('base64')}`;
}

/** The pin of a certificate (DER or PEM). */
export function certificatePin(certificate: Buffer | string): string {
  return spkiPin(new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' }));
}
