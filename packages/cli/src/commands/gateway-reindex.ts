import { existsSync } from 'node:fs';
import {
  type GatewayConfig,
  type GatewayFacility,
  GatewayIngest,
  type IngestReport,
  pacsSourceOf,
  rememberedFacility,
} from '@hie/gateway';
import type { Command } from 'commander';
import { EXIT } from '../exit.js';
import { startProgress } from '../progress.js';
import { UsageError } from '../usage-error.js';
import {
  type GatewayFlags,
  gatewayConfigFrom,
  openGatewayStore,
  storeAndFacilityOptions,
} from './gateway-options.js';

/** `hie gateway reindex`: exit 1 when some files could not be ingested. */
export function registerReindexCommand(gateway: Command): void {
  storeAndFacilityOptions(
    gateway
      .command('reindex')
      .description(
        'Drop the FHIR projection and rebuild it from storage (the hospital storage and the gateway inbound ' +
          'storage). The facility defaults to the one the store was built for. Exit 1 when some files ' +
          'could not be ingested (see `hie gateway status`).',
      ),
  )
    .option('--inbound <dir>', 'inbound storage to include (default <data-dir>/inbound when it exists)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: GatewayFlags & { json?: boolean }) => {
      const store = await openGatewayStore(flags, { create: true });
      let report: IngestReport;
      let roots: string[];
      try {
        const config = configWithFacility(flags, await rememberedFacility(store));
        roots = [...config.storage.roots];
        if (existsSync(config.storage.inbound)) roots.push(config.storage.inbound);
        const progress = startProgress('reindex');
        const pacs = config.storage.pacs ? await pacsSourceOf(config.storage.pacs) : undefined;
        const ingest = new GatewayIngest(store, {
          roots,
          extendedRoots: config.storage.extended,
          dicomRoots: config.storage.dicom,
          ...(pacs ? { pacs } : {}),
          facility: config.facility,
          watch: false,
          rescanIntervalMs: 0,
          onEvent: (e) => {
            if (e.kind === 'batch') progress.increment(e.files);
          },
        });
        try {
          report = await ingest.reindex();
        } finally {
          progress.stop();
          await ingest.stop();
        }
      } finally {
        await store.close();
      }
      process.stdout.write(
        flags.json
          ? `${JSON.stringify(report, null, 2)}\n`
          : `reindexed ${roots.join(', ')} into ${store.location}\n` +
              `${report.seen} files, ${report.ingested} ingested, ${report.resourcesPut} resources, ` +
              `${report.documents !== undefined ? `${report.documents} documents, ` : ''}` +
              `${report.dicomInstances !== undefined ? `${report.dicomInstances} DICOM instances, ` : ''}` +
              `${report.pacs ? `PACS ${report.pacs.listed} studies listed${report.pacs.error ? ` (${report.pacs.error.code})` : ''}, ` : ''}` +
              `${report.errors} with errors, ${(report.ms / 1000).toFixed(1)} s\n`,
      );
      process.exitCode = report.errors > 0 ? EXIT.findings : EXIT.ok;
    });
}

/** The configuration; a facility neither flags, file nor environment name is the one the store remembers. */
function configWithFacility(flags: GatewayFlags, remembered: GatewayFacility | undefined): GatewayConfig {
  try {
    return gatewayConfigFrom(flags);
  } catch (e) {
    if (!(e instanceof UsageError) || !remembered || flags.facility !== undefined) throw e;
  }
  const config = gatewayConfigFrom({
    ...flags,
    facility: remembered.institutionCode,
    name: flags.name ?? remembered.name,
  });
  return { ...config, facility: { ...config.facility, oid: remembered.oid } };
}
