import { readFile } from 'node:fs/promises';
import type { Server as TlsServer } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { buildHubApp } from '../api/build.js';
import { defaultRoleMap } from '../auth/hpki/checks.js';
import { HpkiTrust } from '../auth/hpki/trust.js';
import type { HubDeps } from '../http.js';
import type { HubConfig } from './config.js';

export interface CardListener {
  readonly app: FastifyInstance;
  readonly trust: HpkiTrust;
  readonly url: string;
  readonly publicUrl: string;
  stop(): Promise<void>;
}

/**
 * The HPKI card listener (config `hpki`): the portal again, over TLS that asks every browser for a
 * client certificate of the HPKI anchors, checked against the CRLs; the trust is refreshed every
 * `refreshSeconds` and swapped into the live TLS context (setSecureContext) without a restart.
 */
export async function startCardListener(
  deps: HubDeps,
  config: HubConfig,
  options: { logger: boolean; shownHost: (host: string) => string },
): Promise<CardListener | null> {
  const hpki = config.hpki;
  if (!hpki) return null;
  const key = await readFile(hpki.tls.key, 'utf8');
  const cert = await readFile(hpki.tls.cert, 'utf8');
  let app: FastifyInstance | null = null;
  const trust = new HpkiTrust(
    { ...hpki, roles: { ...defaultRoleMap(), ...hpki.roles } },
    {
      now: deps.now,
      onChange: (loaded) => {
        // The new anchors and CRLs apply to every handshake from now on; open connections keep theirs.
        (app?.server as unknown as TlsServer | undefined)?.setSecureContext({
          key,
          cert,
          ca: loaded.anchors,
          ...(loaded.crls.length > 0 ? { crl: loaded.crls } : {}),
        });
      },
      onError: (e) =>
        app?.log.error({ err: e }, 'hpki: the trust could not be refreshed (the last good copy stays)'),
    },
  );
  const loaded = await trust.refresh();
  const host = hpki.host ?? config.host;
  app = await buildHubApp(deps, {
    logger: options.logger,
    ...(config.webRoot ? { webRoot: config.webRoot } : {}),
    https: { key, cert, clientCa: loaded.anchors, crl: loaded.crls },
    separateIhe: true,
    hpki: { trust, publicUrl: hpki.publicUrl ?? '', cardListener: true },
  });
  app.log.level = config.logLevel;
  for (const e of loaded.errors) app.log.error(e, 'hpki: a trust source could not be read');
  await app.listen({ host, port: hpki.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : hpki.port;
  const url = `https://${options.shownHost(host)}:${port}`;
  trust.start();
  const running = app;
  return {
    app: running,
    trust,
    url,
    publicUrl: hpki.publicUrl ?? url,
    async stop() {
      await trust.stop();
      await running.close();
    },
  };
}
