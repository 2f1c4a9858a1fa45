// One frame of native pixel data, read at its offset in the file.
import { open } from 'node:fs/promises';
import { frameBytes, swapped } from '../layout.js';
import { DicomError, type DicomInstance } from '../model.js';
import { transferSyntaxInfo } from '../transfer-syntax.js';

/** Why the pixels of `instance` cannot be served natively, or null when they can. */
export function nativePixelsProblem(instance: DicomInstance): DicomError | null {
  const syntax = transferSyntaxInfo(instance.transferSyntaxUid);
  if (!syntax || syntax.encapsulated || syntax.deflated)
    return new DicomError(
      'unsupported-transfer-syntax',
      `pixels in transfer syntax ${instance.transferSyntaxUid} are compressed or not at a file offset`,
    );
  if (!instance.pixelData) return new DicomError('bad-pixel-data', 'the instance has no Pixel Data');
  return null;
}

/**
 * Frame `frame` (0-based) of a native instance, read from the file at its offset (no whole-file read).
 * Big-endian words are returned little endian, as WADO-RS serves them (`transfer-syntax=1.2.840.10008.1.2.1`).
 * Rejects with a `DicomError`.
 */
export async function readFrame(path: string, instance: DicomInstance, frame: number): Promise<Uint8Array> {
  const problem = nativePixelsProblem(instance);
  if (problem) throw problem;
  const pixelData = instance.pixelData as { offset: number; length: number };
  if (!Number.isInteger(frame) || frame < 0 || frame >= instance.numberOfFrames)
    throw new DicomError(
      'frame-out-of-range',
      `frame ${frame} requested, the instance has frames 0–${instance.numberOfFrames - 1}`,
    );
  const size = frameBytes(instance);
  if (size === null || (frame + 1) * size > pixelData.length)
    throw new DicomError('bad-pixel-data', 'the frame does not fit the Pixel Data');
  const bytes = new Uint8Array(size);
  const handle = await open(path, 'r');
  try {
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(
        bytes,
        filled,
        size - filled,
        pixelData.offset + frame * size + filled,
      );
      if (bytesRead === 0) throw new DicomError('truncated', `the file ends inside frame ${frame}`);
      filled += bytesRead;
    }
  } finally {
    await handle.close();
  }
  const littleEndian = transferSyntaxInfo(instance.transferSyntaxUid)?.littleEndian ?? true;
  const bits = instance.bitsAllocated ?? 8;
  return littleEndian || bits <= 8 ? bytes : swapped(bytes, bits / 8);
}
