import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseHl7 } from '@hie/hl7v2';

/** The valid NHO sample root (tests only). */
export const NHO_ROOT = fileURLToPath(new URL('../../../../fixtures/samples/ssmix2/nho', import.meta.url));

export interface SampleFile {
  /** Path relative to the sample root. */
  rel: string;
  bytes: Uint8Array;
  /** The data-type folder the sample sits in. */
  dataType: string;
}

/** Every file of a storage tree, with its data-type folder (the parent folder's name). */
export function sampleFiles(root: string = NHO_ROOT): SampleFile[] {
  const out: SampleFile[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else
        out.push({ rel: relative(root, path), bytes: readFileSync(path), dataType: dir.split('/').at(-1)! });
    }
  };
  walk(root);
  return out.sort((a, b) => a.rel.localeCompare(b.rel));
}

/** MSA-1 and the ERR-2 location of an ACK (tests). */
export function readAck(ack: Uint8Array): {
  code: string;
  controlId: string;
  errLocation?: string;
  errCode?: string;
} {
  const parsed = parseHl7(ack);
  if (!parsed.ok) throw new Error(`unreadable ACK: ${parsed.error.message}`);
  const m = parsed.message;
  const result: { code: string; controlId: string; errLocation?: string; errCode?: string } = {
    code: m.get('MSA-1') ?? '',
    controlId: m.get('MSA-2') ?? '',
  };
  const err = m.segment('ERR');
  if (err) {
    result.errLocation = [err.get(2, 1, 1), err.get(2, 1, 2), err.get(2, 1, 3)].join('^');
    result.errCode = err.get(3, 1, 1) ?? '';
  }
  return result;
}
