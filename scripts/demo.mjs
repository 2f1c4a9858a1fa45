#!/usr/bin/env node
// `npm start`: the network with demo data on the embedded store (SQLite, nothing to install).
// Generates SS-MIX2 storage (standardized + extended) for three disclosing hospitals of the seed's
// network, the same people appearing at several of them; validates it; starts one gateway per
// hospital (FHIR API, MLLP and HTTP HL7 inbound) on this machine; prints how to query them.
// `npm start -- --no-serve` stops after generating and validating.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const hie = join(root, 'packages/cli/bin/hie.js');
const out = join(root, 'demo-data');
const seed = 2013; // 晴れやかネット started in 2013
const patients = Number(process.env.DEMO_PATIENTS ?? 200);
const serve = !process.argv.includes('--no-serve');

/** Disclosing facilities of the demo network: real names and 10-digit institution codes (public lists). */
const facilities = [
  { code: '3319800011', name: '岡山大学病院', port: 8101, mllpPort: 2601 },
  { code: '3310210012', name: '倉敷中央病院', port: 8102, mllpPort: 2602 },
  { code: '3318800061', name: '岡山赤十字病院', port: 8103, mllpPort: 2603 },
];

function run(args) {
  const r = spawnSync(process.execPath, [hie, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nhie ${args.join(' ')} failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(join(root, 'packages/server/dist/index.js'))) {
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

console.log(`晴れやかネット demo — ${facilities.length} hospitals, ${patients} patients each\n`);
for (const f of facilities) {
  const dir = join(out, f.code);
  if (existsSync(join(dir, 'standard')) && readdirSync(join(dir, 'standard')).length > 0) {
    console.log(`${f.name} (${f.code}): reusing ${relative(root, dir)}`);
    continue;
  }
  console.log(`${f.name} (${f.code}): generating…`);
  run([
    'ssmix2',
    'generate',
    '--patients',
    String(patients),
    '--facility',
    f.code,
    '--years',
    '5',
    '--seed',
    String(seed),
    '--truth',
    join(out, 'ground-truth.csv'),
    '--extended',
    join(dir, 'extended'),
    join(dir, 'standard'),
  ]);
}
console.log('\nValidating every storage…');
run(['ssmix2', 'validate', ...facilities.map((f) => join(out, f.code, 'standard'))]);
if (!serve) process.exit(0);

const server = await import('@hie/server');
const { created } = await server.loadOrCreateSigningKey(join(out, 'keys'));
if (created)
  console.log(`\nDemo hub signing key created in ${relative(root, join(out, 'keys'))}/ (kept out of git)`);
const categories = [
  'demographics',
  'allergy',
  'diagnosis',
  'prescription',
  'injection',
  'lab-order',
  'lab-result',
  'bacteriology',
  'radiology-order',
  'radiology',
  'endoscopy-order',
  'endoscopy',
  'physiology-order',
  'physiology',
  'diet',
  'outpatient-visit',
  'admission',
  'leave',
  'transfer',
  'discharge',
  'document',
];

const gateways = [];
for (const f of facilities) {
  const config = server.completeGatewayConfig(
    server.gatewayConfigSchema.parse({
      facility: { institutionCode: f.code, name: f.name },
      storage: { roots: [join(out, f.code, 'standard')], extended: [join(out, f.code, 'extended')] },
      dataDir: join(out, f.code, 'gateway'),
      host: '127.0.0.1',
      port: f.port,
      mllp: { port: f.mllpPort, host: '127.0.0.1' },
      hub: { keys: join(out, 'keys', 'hub-signing.pub.pem') },
      disclosure: { categories },
      logLevel: 'warn',
    }),
  );
  process.stdout.write(`Starting the gateway of ${f.name} on ${f.port} (first load of its storage)… `);
  const started = Date.now();
  const gw = await server.startGateway(config, { waitForLoad: true, logger: false });
  const status = await server.gatewayStatus(gw.store);
  console.log(
    `${status.resources.total} resources, ${status.patients} patients in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  gateways.push({ f, gw, oid: config.facility.oid });
}

const firstPatient = readFileSync(join(out, 'ground-truth.csv'), 'utf8').split('\n')[1]?.split(',') ?? [];
const g = gateways[0];
const patientId = firstPatient[2] ?? '';
console.log(`
Gateways (FHIR R4 JP Core, signed assertions required; HL7 v2 over MLLP and POST /hl7/v2):
${gateways.map(({ f, gw, oid }) => `  ${f.name.padEnd(8, '　')} ${gw.url}/fhir   MLLP 127.0.0.1:${gw.mllpPort}   OID ${oid}`).join('\n')}

Try, as a clinic doctor looking at lab results of one patient of ${g.f.name}:
  TOKEN=$(npx hie assertion sign --key ${relative(root, join(out, 'keys', 'hub-signing.key.pem'))} \\
            --gateway ${g.oid} --patient ${patientId} --category lab-result)
  curl -s -H "Authorization: Bearer $TOKEN" '${g.gw.url}/fhir/Observation?patient=${patientId}&category=lab-result&_count=5'
(An assertion is single-use and valid 5 minutes, as the hub issues them.)

  npx hie gateway status --data-dir ${relative(root, join(out, g.f.code, 'gateway'))}
  npx hie gateway send <HL7 file> --port ${g.gw.mllpPort}

Ctrl-C stops everything.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  for (const { gw } of gateways) await gw.stop().catch(() => undefined);
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
