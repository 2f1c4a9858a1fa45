import { AUDIT_MIGRATIONS, type Migrations, migrateToLatest, type Store } from '@hie/platform';
import { authMigration } from './auth.js';
import { bodyMeasurementMigration } from './body-measurement.js';
import { cabinetMigration } from './cabinet.js';
import { cabinetDrawingsMigration } from './cabinet-drawings.js';
import { cabinetFilesMigration } from './cabinet-files.js';
import { cabinetPostSearchMigration } from './cabinet-post-search.js';
import { cabinetPushMigration } from './cabinet-push.js';
import { cabinetScheduleMigration } from './cabinet-schedule.js';
import { consentMigration } from './consent.js';
import { directoryMigration } from './directory.js';
import { documentKindsMigration } from './document-kinds.js';
import { feedTokenIndexMigration } from './feed-token-index.js';
import { gatewayChangeMigration } from './gateway-change.js';
import { hpdSubscriberMigration } from './hpd-subscriber.js';
import { hpkiBindingMigration } from './hpki-binding.js';
import { iheMigration } from './ihe.js';
import { mpiMigration } from './mpi.js';
import { nodeCertMigration } from './node-cert.js';
import { samlPartnerMigration, samlSpMigration } from './saml-sp.js';

/**
 * The hub's migration set, for both engines: one migration per module. Names keep the numbers of the
 * single set that every unit ran before the split (0001 audit, 0003–0006 hub), so existing stores carry on.
 */
export const HUB_MIGRATIONS: Migrations = {
  ...AUDIT_MIGRATIONS,
  '0003_hub_directory': directoryMigration,
  '0004_hub_auth': authMigration,
  '0005_hub_mpi': mpiMigration,
  '0006_hub_consent': consentMigration,
  // 0007–0009 are the gateway's.
  '0010_hub_gateway_change': gatewayChangeMigration,
  '0012_hub_body_measurement': bodyMeasurementMigration,
  // 0011 and 0014 are the gateway's.
  '0013_hub_document_kinds': documentKindsMigration,
  // 0015 and 0016 are the gateway's; 0101– the repository's.
  '0020_hub_cabinet': cabinetMigration,
  '0021_hub_cabinet_files': cabinetFilesMigration,
  '0022_hub_cabinet_schedule': cabinetScheduleMigration,
  '0023_hub_cabinet_drawings': cabinetDrawingsMigration,
  '0024_hub_cabinet_push': cabinetPushMigration,
  '0025_hub_cabinet_post_search': cabinetPostSearchMigration,
  '0026_hub_ihe': iheMigration,
  '0027_hub_node_cert': nodeCertMigration,
  '0028_hub_hpd_subscriber': hpdSubscriberMigration,
  '0029_hub_feed_token_index': feedTokenIndexMigration,
  '0030_hub_hpki_binding': hpkiBindingMigration,
  '0031_hub_saml_sp': samlSpMigration,
  '0032_hub_saml_partner': samlPartnerMigration,
};

/** Brings the hub's store up to date; safe at every start. */
export function migrateHubStore<DB>(store: Store<DB>): Promise<void> {
  return migrateToLatest(store, HUB_MIGRATIONS);
}
