import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared samples folder beside the repository (`fixtures/samples`). */
export const SAMPLES = fileURLToPath(new URL('../../../../fixtures/samples/', import.meta.url));
export const NHO = join(SAMPLES, 'ssmix2/nho');
export const NHO_BROKEN = join(SAMPLES, 'ssmix2/nho-broken');
export const TWINS = join(SAMPLES, 'ssmix2/synthetic-ssmixtwins/standard_root');
export const REFERENCE = join(SAMPLES, 'ssmix2/reference');

/** Every file below a folder, as paths relative to it (test helper; small trees only). */
export function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(root, p));
    }
  };
  walk(root);
  return out;
}
