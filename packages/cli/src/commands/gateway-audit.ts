import type { VerifyAuditOptions } from '@hie/platform';
import type { Command } from 'commander';
import { anchorsOf, reportVerification, type VerifyFlags, verifyOptions } from './audit-verify.js';
import { gatewayStoreLocation, openGatewayStore, type StoreFlags } from './gateway-options.js';

/**
 * `hie gateway audit-verify`: the gateway's own audit chain checked against the anchors it signed with
 * its audit key and wrote outside its store. The store is opened as it is (no migration). Exit 0 intact,
 * 1 naming each problem, 2 usage (no store, no key for the anchors).
 */
export function registerGatewayAuditCommand(gateway: Command): void {
  verifyOptions(
    gateway
      .command('audit-verify')
      .description(
        "Re-compute the gateway's audit hash chain and check it against the signed anchors the gateway wrote " +
          'outside its store. Exit 0 when intact; exit 1 naming each edited, deleted, re-linked, ' +
          're-numbered or truncated event.',
      )
      .option('--config <file>', 'the gateway configuration file (its store, audit.anchors and audit.key)')
      .option('--data-dir <dir>', 'the data folder of a gateway run with the default store and audit files')
      .option(
        '--db <url>',
        'store: sqlite:FILE or postgres://… (default: from --config, HIE_DB, or the data folder)',
      )
      .option(
        '--db-schema <name>',
        'PostgreSQL schema the gateway lives in (default public; or $HIE_DB_SCHEMA)',
      ),
    {
      anchors: "the gateway's audit.anchors, <data-dir>/audit-anchors.jsonl",
      key: "the gateway's audit.key, <data-dir>/keys/gateway-audit.key.pem",
    },
  ).action(async (flags: StoreFlags & VerifyFlags) => {
    const location = gatewayStoreLocation(flags);
    const store = await openGatewayStore(flags, { asIs: true, location });
    let anchors: VerifyAuditOptions;
    try {
      anchors = await anchorsOf(flags, location.audit);
    } catch (e) {
      await store.close();
      throw e;
    }
    await reportVerification(store, anchors, flags);
  });
}
