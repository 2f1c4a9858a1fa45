#!/usr/bin/env node
// `npm start`: the whole system with demo data on the embedded store. Until the gateway and hub
// exist, this generates SS-MIX2 storage for three disclosing hospitals of the seed's network
// (the same people appear at several of them), validates it and prints a summary.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const hie = join(root, 'packages/cli/bin/hie.js');
const out = join(root, 'demo-data');
const seed = 2013; // 晴れやかネット started in 2013
const patients = Number(process.env.DEMO_PATIENTS ?? 200);

/** Disclosing facilities of the demo network: real names and 10-digit institution codes (public lists). */
const facilities = [
  { code: '3319800011', name: '岡山大学病院' },
  { code: '3310210012', name: '倉敷中央病院' },
  { code: '3318800061', name: '岡山赤十字病院' },
];

function run(args) {
  const r = spawnSync(process.execPath, [hie, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\nhie ${args.join(' ')} failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

if (!existsSync(join(root, 'packages/cli/dist/main.js'))) {
  spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
}

console.log(
  `晴れやかネット demo — SS-MIX2 storage for ${facilities.length} hospitals, ${patients} patients each\n`,
);
for (const f of facilities) {
  const dir = join(out, f.code);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    console.log(`${f.name} (${f.code}): reusing ${dir}`);
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
    dir,
  ]);
}
console.log('\nValidating every storage…');
run(['ssmix2', 'validate', ...facilities.map((f) => join(out, f.code))]);

const sample = findFirstFile(join(out, facilities[0].code), 'OML-11');
if (sample) {
  console.log(`\nOne lab result, decoded from ISO-2022-JP (${sample.slice(root.length + 1)}):`);
  run([
    'hl7',
    'get',
    sample,
    'PID-5[1].1',
    'PID-5[1].2',
    'PID-5[2].1',
    'PID-5[2].2',
    'OBX[1]-3.2',
    'OBX[1]-5',
    'OBX[1]-6.1',
  ]);
}
console.log(`\nDemo storage: ${out}
Try:  npx hie ssmix2 validate ${join('demo-data', facilities[1].code)}
      npx hie hl7 show <file>
      npx hie --help`);

function findFirstFile(dir, dataType) {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      const hit = findFirstFile(p, dataType);
      if (hit) return hit;
    } else if (dirname(p).endsWith(`/${dataType}`)) {
      return p;
    }
  }
  return undefined;
}
