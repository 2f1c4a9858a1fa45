import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NHO } from '../test-support/samples.js';
import { checkFile, type FileToCheck } from './check-file.js';

const folders = ['999', '901', '9999013', '-', 'ADT-00'];
const fileName = '9999013_-_ADT-00_999999999999999_20111220224447339_-_1';
const bytes = readFileSync(join(NHO, ...folders, fileName));
const input = (b: Uint8Array): FileToCheck => ({
  relPath: [...folders, fileName].join('/'),
  folders,
  fileName,
  bytes: b,
});
const text = new TextDecoder('iso-2022-jp').decode(bytes);

describe('checkFile', () => {
  it('finds nothing wrong with the NHO demographics message, and keeps the parsed message', () => {
    const r = checkFile(input(bytes));
    expect(r).toMatchObject({
      status: 'ok',
      findings: [],
      messageType: 'ADT^A08^ADT_A01',
      charset: 'ISO-2022-JP',
    });
    expect(r.message?.get('PID-5[2].1')).toBe('カンジャ');
  });

  it('warns when the same message is written in UTF-8', () => {
    const utf8 = new TextEncoder().encode(text.replace(/~ISO ?IR87/, 'UNICODE UTF-8'));
    const r = checkFile(input(utf8));
    expect(r.status).toBe('warning');
    expect(r.findings.map((f) => f.code)).toContain('ENCODING_NOT_ISO2022JP');
    expect(r.charset).toBe('UTF-8');
  });

  it('flags a message filed under the wrong data type and a segment order that does not fit', () => {
    const moved = checkFile({ ...input(bytes), folders: ['999', '901', '9999013', '-', 'ADT-61'] });
    expect(moved.findings.map((f) => f.code)).toEqual(['PATH_DATA_TYPE', 'MESSAGE_TYPE_MISMATCH']);
    const swapped = text.split('\r').filter((s) => s !== '');
    [swapped[1], swapped[2]] = [swapped[2]!, swapped[1]!]; // PID before EVN
    const r = checkFile(input(new TextEncoder().encode(`${swapped.join('\r')}\r`)));
    expect(r.findings.find((f) => f.code === 'SEGMENT_ORDER')?.severity).toBe('error');
  });

  it('never throws, whatever the bytes (random and mutated messages)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(['ok', 'warning', 'error']).toContain(checkFile(input(b)).status);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 20 }),
        (edits) => {
          const b = Uint8Array.from(bytes);
          for (const [at, value] of edits) b[at] = value;
          expect(['ok', 'warning', 'error']).toContain(checkFile(input(b)).status);
        },
      ),
      { numRuns: 300 },
    );
  });
});
