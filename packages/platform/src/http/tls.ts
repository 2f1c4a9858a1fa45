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
