import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createMllpDecoder, frameMllp, MllpDeframer, type MllpEvent, readMllp } from './index.js';
import { NHO_ADT00, NHO_OML11, readSample } from './testing/samples.js';

// The NHO files end with CR 0x1C already: frame the message without that end byte.
const a = readSample(NHO_ADT00).subarray(0, -1);
const b = readSample(NHO_OML11).subarray(0, -1);
const stream = Buffer.concat([frameMllp(a), frameMllp(b)]);
const frames = (events: MllpEvent[]) =>
  events.flatMap((e) => (e.type === 'frame' ? [Buffer.from(e.frame)] : []));

describe('MLLP', () => {
  it('frames as <VT> message <FS><CR>', () => {
    const f = frameMllp(new Uint8Array([0x41]));
    expect([...f]).toEqual([0x0b, 0x41, 0x1c, 0x0d]);
  });

  it('reads two frames split at every possible position into two chunks', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new MllpDeframer();
      const events = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut)), ...d.end()];
      expect(
        events.filter((e) => e.type === 'error'),
        `cut ${cut}`,
      ).toEqual([]);
      const got = frames(events);
      expect(got.length, `cut ${cut}`).toBe(2);
      expect(got[0]!.equals(Buffer.from(a))).toBe(true);
      expect(got[1]!.equals(Buffer.from(b))).toBe(true);
    }
  });

  it('reads byte-by-byte chunks and several frames per chunk', () => {
    const d = new MllpDeframer();
    const events: MllpEvent[] = [];
    for (const byte of stream) events.push(...d.push(new Uint8Array([byte])));
    expect(frames(events).map((f) => f.length)).toEqual([a.length, b.length]);
    const all = new MllpDeframer().push(Buffer.concat([stream, stream]));
    expect(frames(all)).toHaveLength(4);
  });

  it('skips an oversized frame, reports it, and resynchronises on the next one', () => {
    const d = new MllpDeframer({ maxFrameSize: 1000 });
    const big = frameMllp(new Uint8Array(5000).fill(0x41));
    const events = [
      ...d.push(Buffer.concat([big.subarray(0, 3000)])),
      ...d.push(Buffer.concat([big.subarray(3000), frameMllp(new Uint8Array([0x42]))])),
    ];
    expect(events.map((e) => (e.type === 'frame' ? 'frame' : e.code))).toEqual(['FRAME_TOO_LARGE', 'frame']);
  });

  it('reports bytes outside frames and a frame left open at the end', () => {
    const d = new MllpDeframer();
    const events = [...d.push(Buffer.from('junk\x0bMSH|', 'latin1')), ...d.end()];
    expect(events.map((e) => (e.type === 'frame' ? 'frame' : e.code))).toEqual([
      'BYTES_OUTSIDE_FRAME',
      'INCOMPLETE_FRAME',
    ]);
  });

  it('works as an async iterator and as a Node Transform', async () => {
    const chunks = [stream.subarray(0, 7), stream.subarray(7, 700), stream.subarray(700)];
    const viaIterator: MllpEvent[] = [];
    for await (const e of readMllp(Readable.from(chunks))) viaIterator.push(e);
    expect(frames(viaIterator)).toHaveLength(2);
    const viaTransform: MllpEvent[] = [];
    for await (const e of Readable.from(chunks).pipe(createMllpDecoder())) viaTransform.push(e as MllpEvent);
    expect(frames(viaTransform).map((f) => f.length)).toEqual([a.length, b.length]);
  });
});
