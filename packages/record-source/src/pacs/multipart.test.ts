// The multipart reader the PACS's frames pass through: whatever way the body is cut into chunks, the
// parts come out whole and byte-exact, one at a time; a body that lies about its parts is refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MultipartError, mediaTypeParameters, multipartParts } from './multipart.js';

const BOUNDARY = 'b0undary-1234';

function body(
  parts: Uint8Array[],
  options: { preamble?: string; leadingCrlf?: boolean; sized?: boolean[]; lie?: number } = {},
): Buffer {
  const out: Buffer[] = [];
  if (options.preamble) out.push(Buffer.from(`${options.preamble}\r\n`));
  else if (options.leadingCrlf) out.push(Buffer.from('\r\n'));
  for (const [i, p] of parts.entries()) {
    // Some servers say each part's length (Orthanc does), others only delimit it.
    const length = options.sized?.[i] ? `Content-Length: ${p.length + (options.lie ?? 0)}\r\n` : '';
    out.push(
      Buffer.from(
        `--${BOUNDARY}\r\nContent-Type: application/octet-stream\r\n${length}Content-Location: frames/${i + 1}\r\n\r\n`,
      ),
    );
    out.push(Buffer.from(p));
    out.push(Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(out);
}

async function* cut(bytes: Buffer, sizes: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const size of sizes) {
    if (at >= bytes.length) return;
    yield bytes.subarray(at, at + size);
    at += size;
  }
  if (at < bytes.length) yield bytes.subarray(at);
}

async function read(bytes: Buffer, sizes: number[], max = 1 << 20) {
  const out: { headers: Record<string, string>; body: Buffer }[] = [];
  for await (const part of multipartParts(cut(bytes, sizes), BOUNDARY, max)) out.push(part);
  return out;
}

describe('multipart/related as it arrives', () => {
  it('gives back every part byte for byte, however the body is cut (CRLF and dashes inside frames too)', async () => {
    const bytes = fc.uint8Array({ maxLength: 300 }).map((b) => {
      // Frames full of what a delimiter starts with.
      const noisy = Buffer.from(b);
      for (let i = 0; i + 4 < noisy.length; i += 17) noisy.set([0x0d, 0x0a, 0x2d, 0x2d], i);
      return new Uint8Array(noisy);
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(bytes, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { maxLength: 200 }),
        fc.constantFrom('none', 'crlf', 'preamble'),
        fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
        async (parts, sizes, lead, sized) => {
          const whole = body(parts, {
            sized,
            leadingCrlf: lead === 'crlf',
            ...(lead === 'preamble' ? { preamble: 'ignore me' } : {}),
          });
          const got = await read(whole, sizes);
          expect(got.map((p) => Buffer.from(p.body).toString('hex'))).toEqual(
            parts.map((p) => Buffer.from(p).toString('hex')),
          );
          expect(got.map((p) => p.headers['content-location'])).toEqual(
            parts.map((_, i) => `frames/${i + 1}`),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a body cut before its close delimiter, one without parts, and a part beyond the limit', async () => {
    const whole = body([new Uint8Array(100).fill(7)]);
    await expect(read(whole.subarray(0, whole.length - 10), [13])).rejects.toBeInstanceOf(MultipartError);
    await expect(read(Buffer.from('{"not":"multipart"}'), [5])).rejects.toThrow(/no part delimiter/);
    await expect(read(whole, [8], 50)).rejects.toThrow(/longer than 50 bytes/);
    for (const lie of [-1, 1]) {
      const lying = body([new Uint8Array(100).fill(7), new Uint8Array(10)], { sized: [true, true], lie });
      await expect(read(lying, [1000])).rejects.toThrow(/Content-Length/);
    }
  });

  it('reads the boundary from a Content-Type whose quoted type holds parameters of its own', () => {
    // As Orthanc 1.10 answers WADO-RS frames.
    const type =
      'multipart/related; type="application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1"; boundary=2c47-595d';
    expect(mediaTypeParameters(type)).toEqual({
      type: 'application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1',
      boundary: '2c47-595d',
    });
  });
});
