#!/usr/bin/env node
// `npm run bench -- <name> [args…]`: builds, then runs bench/<name>.mjs. Each benchmark ends by
// printing one JSON line with its figures. Benchmarks are not tests and never run in `npm test`.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Modules beside the benchmarks that are not benchmarks themselves. */
const NOT_BENCHES = new Set(['run.mjs', 'lib.mjs', 'mpi-names.mjs']);
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && !NOT_BENCHES.has(f))
  .map((f) => f.slice(0, -4));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [--quick]\navailable: ${available.join(', ')}`);
  process.exit(2);
}
const root = join(here, '..');
if (!existsSync(join(root, 'packages/cli/dist/main.js')) || !args.includes('--no-build')) {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
}
const r = spawnSync(
  process.execPath,
  ['--expose-gc', join(here, `${name}.mjs`), ...args.filter((a) => a !== '--no-build')],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(r.status ?? 1);
