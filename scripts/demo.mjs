#!/usr/bin/env node
// `npm start`: the whole network on this machine with demo data on the embedded store (SQLite,
// nothing to install). Generates SS-MIX2 storage for three disclosing hospitals of the seed's
// network (the same people at several of them), starts the hub (directory, login, patient index,
// consent, policy, audit, web app) and one gateway per hospital feeding the hub's patient index,
// registers demo users of every profession and the patients' consents, and prints the logins.
// `npm start -- --no-serve` stops after generating and validating the storage.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const hie = join(root, 'packages/cli/bin/hie.js');
const out = join(root, 'demo-data');
const patients = Number(process.env.DEMO_PATIENTS ?? 200);
const hubPort = Number(process.env.DEMO_HUB_PORT ?? 8100);
const serve = !process.argv.includes('--no-serve');
const webRoot = join(root, 'packages/web/dist');

if (
  !existsSync(join(root, 'packages/demo/dist/index.js')) ||
  !existsSync(join(root, 'packages/cli/dist/main.js'))
) {
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}
if (serve && !existsSync(join(webRoot, 'index.html')) && existsSync(join(root, 'packages/web/src'))) {
  console.log('Building the web app…');
  spawnSync('npm', ['run', 'build', '-w', '@hie/web'], { cwd: root, stdio: 'inherit' });
}

const demo = await import('@hie/demo');
const hospitals = demo.DEMO_FACILITIES.filter((f) => f.discloses);
console.log(`晴れやかネット demo — ${hospitals.length} hospitals, ${patients} patients each\n`);

await demo.generateDemoStorage({ dir: out, patients, onProgress: (line) => console.log(`  ${line}`) });
console.log('\nValidating every storage…');
const validated = spawnSync(
  process.execPath,
  [hie, 'ssmix2', 'validate', ...hospitals.map((f) => join(out, f.code, 'standard'))],
  { stdio: 'inherit' },
);
if (!serve) process.exit(validated.status ?? 0);
if (validated.status !== 0) console.error('(the storage has problems: see above; starting anyway)');

console.log('\nStarting the network…');
const network = await demo.startDemoNetwork({
  dir: out,
  patients,
  hubPort,
  // The neighbouring network (HM-net) beside ours: `npm start -- --no-neighbour` leaves it out.
  neighbour: !process.argv.includes('--no-neighbour'),
  ...(existsSync(join(webRoot, 'index.html')) ? { webRoot } : {}),
  onProgress: (line) => console.log(`  ${line}`),
});

const pad = (s, n) =>
  s + ' '.repeat(Math.max(0, n - [...s].reduce((w, c) => w + (c.charCodeAt(0) > 0x2e80 ? 2 : 1), 0)));
console.log(`
Hub (portal and API):  ${network.hubUrl}/      OpenAPI: ${network.hubUrl}/api/v1/openapi.json
Gateways (FHIR R4 JP Core, hub-signed assertions only):
${network.gateways.map(({ facility, gateway, oid }) => `  ${pad(facility.name, 16)} ${gateway.url}/fhir   MLLP ${gateway.mllpPort ?? '-'}   ${oid}`).join('\n')}

Logins — password for all: ${demo.DEMO_PASSWORD}   one-time code: npx hie totp <TOTP secret>
${network.logins.map((l) => `  ${l.loginId.padEnd(16)} ${pad(l.facilityName, 28)} TOTP ${l.totpSecret}  ${l.note}`).join('\n')}
(The secrets are saved in ${relative(root, join(out, 'hub', 'demo-logins.json'))}; add one to an authenticator app, or use npx hie totp.)

${
  network.cardUrl
    ? `HPKI card login: ${network.cardUrl}/login  (a test PKI shaped like HPKI; import a card into the browser:
${network.cards.map((c) => `  ${c.loginId.padEnd(16)} ${relative(root, c.p12File ?? c.certFile)}${c.p12File ? ` (password ${demo.DEMO_CARD_P12_PASSWORD})` : ''}  ${c.bound ? 'bound' : 'not bound: log in with ID/password there and enrol it under 「HPKIカード」'}`).join('\n')})

`
    : ''
}${
  network.neighbour
    ? `Neighbouring network HM-net (its own hub, directory, consent and audit): ${network.neighbour.url}/
  Its hospital 備後中央病院 treats some of our patients. Our clinic and 岡山大学病院 have an agreement:
  log in here as clinic.doctor, open ${network.neighbour.borderPatient ? `${network.neighbour.borderPatient.name} (${network.hubUrl}/patients/${network.neighbour.borderPatient.personId})` : 'a patient'}
  and press 「HM-netで開く」: HM-net signs you in (SAML) and finds the patient by its own PDQ and consent.
${network.neighbour.logins.map((l) => `  ${l.loginId.padEnd(16)} TOTP ${l.totpSecret}  ${l.note}`).join('\n')}

`
    : ''
}${demo.tryHint(network.showcase, network.hubUrl)}

Ctrl-C stops everything.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await network.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
