import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { StorageWatcher } from './watch.js';

let root = '';
let watcher: StorageWatcher | undefined;
afterEach(async () => {
  await watcher?.close();
  rmSync(root, { recursive: true, force: true });
});

const until = async (check: () => boolean) => {
  const deadline = Date.now() + 5000;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

test('watches patient levels, `-` and recent dates; reports files in new folders and ignores dot-names', async () => {
  root = mkdtempSync(join(tmpdir(), 'hie-watch-'));
  const patient = join(root, '000', '172', '0001720876');
  for (const d of ['-/ADT-00', '20260101/OML-11', '20261120/OML-11'])
    mkdirSync(join(patient, d), { recursive: true });
  const seen: string[] = [];
  watcher = new StorageWatcher([root], (paths) => seen.push(...paths), {
    recentDays: 7,
    now: () => new Date('2026-11-26T00:00:00Z'),
  });
  await watcher.start();
  // root, 000, 172, patient, '-', '-/ADT-00', 20261120, 20261120/OML-11 — not the January date.
  expect(watcher.watchedDirectories).toBe(8);
  writeFileSync(join(patient, '20261120/OML-11/a_file'), 'x');
  writeFileSync(join(patient, '-/ADT-00/.temp'), 'x');
  mkdirSync(join(patient, '20261126/ADT-12'), { recursive: true });
  writeFileSync(join(patient, '20261126/ADT-12/b_file'), 'x');
  await until(() => seen.includes(join(patient, '20261126/ADT-12/b_file')));
  expect(seen).toContain(join(patient, '20261120/OML-11/a_file'));
  expect(seen).toContain(join(patient, '20261126/ADT-12/b_file'));
  expect(seen.some((p) => p.endsWith('.temp'))).toBe(false);
  // Not watched at start: the rescan's business.
  writeFileSync(join(patient, '20260101/OML-11/c_file'), 'x');
  await new Promise((r) => setTimeout(r, 200));
  expect(seen).not.toContain(join(patient, '20260101/OML-11/c_file'));
});
