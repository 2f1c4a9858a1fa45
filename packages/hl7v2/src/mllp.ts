import { Transform, type TransformCallback } from 'node:stream';

/** MLLP framing bytes: <VT> message <FS><CR>. */
export const MLLP_START = 0x0b;
export const MLLP_END = 0x1c;
const CR = 0x0d;

/** Wraps one encoded message in an MLLP frame. */
export function frameMllp(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(message.length + 3);
  out[0] = MLLP_START;
  out.set(message, 1);
  out[message.length + 1] = MLLP_END;
  out[message.length + 2] = CR;
  return out;
}

export type MllpEvent =
  | { type: 'frame'; frame: Uint8Array }
  | { type: 'error'; code: 'FRAME_TOO_LARGE' | 'BYTES_OUTSIDE_FRAME' | 'INCOMPLETE_FRAME'; message: string };

export interface MllpOptions {
  /** Largest accepted frame body in bytes (default 16 MiB); a larger frame is skipped to its end. */
  maxFrameSize?: number;
}

/**
 * Stream-safe MLLP reader: feed chunks as they arrive (frames may be split anywhere, several may share
 * a chunk); get back whole frames and framing errors. An end block is FS, optionally followed by CR.
 * Bytes between frames other than CR/LF are reported once per run and skipped.
 */
export class MllpDeframer {
  private readonly max: number;
  private parts: Uint8Array[] = [];
  private size = 0;
  private inFrame = false;
  private oversize = false;
  private afterEnd = false;
  private junk = 0;

  constructor(options: MllpOptions = {}) {
    this.max = options.maxFrameSize ?? 16 * 1024 * 1024;
  }

  push(chunk: Uint8Array): MllpEvent[] {
    const events: MllpEvent[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (!this.inFrame) {
        const b = chunk[i]!;
        if (this.afterEnd && b === CR) {
          this.afterEnd = false;
          i++;
          continue;
        }
        this.afterEnd = false;
        if (b === MLLP_START) {
          this.flushJunk(events);
          this.inFrame = true;
          this.parts = [];
          this.size = 0;
          this.oversize = false;
        } else if (b !== CR && b !== 0x0a) this.junk++;
        i++;
        continue;
      }
      const end = chunk.indexOf(MLLP_END, i);
      const stop = end < 0 ? chunk.length : end;
      this.append(chunk.subarray(i, stop));
      if (end < 0) break;
      this.finishFrame(events);
      i = end + 1;
    }
    return events;
  }

  /** Call at end of input: reports a frame left open and bytes outside frames. */
  end(): MllpEvent[] {
    const events: MllpEvent[] = [];
    this.flushJunk(events);
    if (this.inFrame) {
      events.push({
        type: 'error',
        code: 'INCOMPLETE_FRAME',
        message: `input ended inside a frame after ${this.size} bytes`,
      });
      this.inFrame = false;
      this.parts = [];
    }
    return events;
  }

  private append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.size += bytes.length;
    if (this.size > this.max) {
      this.oversize = true;
      this.parts = [];
      return;
    }
    // Copy: the caller may reuse its chunk buffer.
    this.parts.push(bytes.slice());
  }

  private finishFrame(events: MllpEvent[]): void {
    this.inFrame = false;
    this.afterEnd = true;
    if (this.oversize) {
      events.push({
        type: 'error',
        code: 'FRAME_TOO_LARGE',
        message: `frame of ${this.size} bytes exceeds ${this.max}`,
      });
    } else {
      const frame = this.parts.length === 1 ? this.parts[0]! : concat(this.parts, this.size);
      events.push({ type: 'frame', frame });
    }
    this.parts = [];
  }

  private flushJunk(events: MllpEvent[]): void {
    if (this.junk) {
      events.push({
        type: 'error',
        code: 'BYTES_OUTSIDE_FRAME',
        message: `${this.junk} byte(s) outside any frame skipped`,
      });
      this.junk = 0;
    }
  }
}

function concat(parts: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Async iteration over the MLLP events of a byte stream (a socket, a file stream). */
export async function* readMllp(
  source: AsyncIterable<Uint8Array>,
  options?: MllpOptions,
): AsyncGenerator<MllpEvent> {
  const deframer = new MllpDeframer(options);
  for await (const chunk of source) yield* deframer.push(chunk);
  yield* deframer.end();
}

/** The same as a Node Transform: bytes in, MllpEvent objects out. */
export function createMllpDecoder(options?: MllpOptions): Transform {
  const deframer = new MllpDeframer(options);
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      for (const event of deframer.push(chunk)) this.push(event);
      done();
    },
    flush(done: TransformCallback) {
      for (const event of deframer.end()) this.push(event);
      done();
    },
  });
}
