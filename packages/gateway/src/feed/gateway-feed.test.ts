import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DATABASE_URL, TEST_ENGINES } from '@hie/record-source/testing';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { generatedStorage } from '../ingest/testing/generated.js';
import { completeGatewayConfig, gatewayConfigSchema } from '../run/config.js';
import { type RunningGateway, startGateway } from '../run/gateway.js';
import { type HubStandIn, startHubStandIn, TEST_FEED_TOKEN, writeAdt } from './testing.js';

describe.each(TEST_ENGINES)('a gateway configured with a hub feeds it on %s', (engine) => {
  let dir: string;
  let gateway: RunningGateway | undefined;
  let hub: HubStandIn;
  let storage: Awaited<ReturnType<typeof generatedStorage>>;
  let schema: string | undefined;
  afterEach(async () => {
    await gateway?.stop();
    gateway = undefined;
    await hub.close();
    storage.remove();
    rmSync(dir, { recursive: true, force: true });
    if (schema) {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
      schema = undefined;
    }
  });

  it('after each ingest batch, without polling; /metrics shows the feed', async () => {
    hub = await startHubStandIn();
    storage = await generatedStorage(5);
    dir = mkdtempSync(join(tmpdir(), 'hie-gateway-feed-'));
    if (engine === 'postgres') schema = `t_${randomBytes(6).toString('hex')}`;
    const config = completeGatewayConfig(
      gatewayConfigSchema.parse({
        facility: { institutionCode: '3319800011', name: '岡山大学病院' },
        dataDir: dir,
        ...(engine === 'postgres' ? { db: TEST_DATABASE_URL, dbSchema: schema } : {}),
        host: '127.0.0.1',
        port: 0,
        mllp: { enabled: false },
        storage: { roots: [storage.root] },
        hub: { url: hub.url, feedToken: TEST_FEED_TOKEN, feedPollMs: 0 },
        ingest: { watch: false, rescanIntervalMs: 0, workers: 0 },
        logLevel: 'silent',
      }),
    );
    gateway = await startGateway(config, { waitForLoad: true, logger: false });
    const feeder = gateway.feeder!;
    expect(feeder).toBeDefined();
    await hub.untilAccepted(5);
    expect(new Set(hub.accepted().map((i) => i.facilityOid))).toEqual(
      new Set(['1.2.392.200284.33.3319800011']),
    );

    // A new patient arrives: ingest's batch wakes the feed.
    const template = (
      await gateway.store.db
        .selectFrom('gw_file')
        .select('path')
        .where('data_type', '=', 'ADT-00')
        .executeTakeFirstOrThrow()
    ).path;
    const path = await writeAdt(storage.root, template, {
      patientId: '0009999999',
      timestamp: '20991231000000000',
    });
    await gateway.ingest.notify([path]);
    await hub.untilAccepted(6);
    expect(hub.accepted().at(-1)).toMatchObject({ localId: '0009999999', postcode: expect.any(String) });

    const response = await fetch(`${gateway.url}/metrics`);
    const metrics = await response.text();
    expect(metrics).toMatch(/^hie_gateway_feed_identities_total [56]$/m);
    expect(metrics).toMatch(/^hie_gateway_feed_pending \d+$/m);
  });
});
