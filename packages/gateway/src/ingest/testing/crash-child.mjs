#!/usr/bin/env node
// Child process of crash.test.ts: runs a full load of a storage into a store, printing a line per
// committed batch, so the test can kill -9 it at random moments. Uses the BUILT gateway package.
//   node crash-child.mjs <store location> <storage root> <batch size>
// <store location> is a SQLite path or `postgres://…#schema`.
import { openStore } from '@hie/platform';
import { GatewayIngest, migrateGatewayStore } from '../../../dist/index.js';

const [location, root, batchSize] = process.argv.slice(2);
const [url, schema] = location.split('#');
const store = await openStore(url, schema ? { schema, poolSize: 2 } : {});
await migrateGatewayStore(store);
const ingest = new GatewayIngest(store, {
  roots: [root],
  facility: { institutionCode: '3319800011', oid: '1.2.392.200119.6.102.13319800011', name: 'テスト病院' },
  batchSize: Number(batchSize),
  onEvent: (e) => {
    if (e.kind === 'batch') process.stdout.write(`batch ${e.files}\n`);
  },
});
process.stdout.write('started\n');
const report = await ingest.fullLoad();
await ingest.stop();
await store.close();
process.stdout.write(`done ${JSON.stringify(report)}\n`);
