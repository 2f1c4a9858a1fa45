// Where the pixels of an indexed instance come from: its file (storage.dicom), or the hospital's PACS
// by WADO-RS (storage.pacs). The DICOMweb routes ask one interface and answer the same either way;
// the PACS's frames are passed through as they arrive (a frame at a time), never a whole study held.
import {
  type DicomInstance,
  EXPLICIT_VR_LITTLE_ENDIAN,
  readDicomFile,
  readDicomJson,
  readFrame,
} from '@hie/dicom';
import { type PacsClient, PacsError } from '../pacs/client.js';
import type { GwDicomInstanceTable } from '../store/schema.js';
import { GatewayError } from './outcome.js';

/** An instance's frames, ready: the source has been reached and has them. */
export interface OpenedFrames {
  /** The instance's image description, as its frames are delivered (Explicit VR Little Endian). */
  instance: DicomInstance;
  /** The asked frames' bytes, in order; ending early releases the source. */
  frames: AsyncGenerator<Uint8Array>;
}

export interface DicomFrameSource {
  /**
   * Frames `numbers` (1-based, within the row's count) of the instance of `row`. Resolves only once the
   * source has answered, so a failure is an error answer with its code (not-found: the instance is not
   * there any more; unsupported-transfer-syntax; pacs-unavailable; pacs-timeout) and never a cut
   * stream — except a source that breaks off in the middle, which ends the stream.
   */
  open(row: GwDicomInstanceTable, numbers: readonly number[]): Promise<OpenedFrames>;
}

/** The source of each row: files, and the PACS when one is configured. */
export function dicomFrameSources(
  pacs: PacsClient | undefined,
): (row: GwDicomInstanceTable) => DicomFrameSource {
  const files = fileFrames();
  const remote = pacsFrames(pacs);
  return (row) => (row.source === 'pacs' ? remote : files);
}

/**
 * A file read as it is now (a bounded header read, then each frame at its offset). A file replaced since
 * it was indexed (another SOP Instance UID) is not served: the next pass indexes it again.
 */
function fileFrames(): DicomFrameSource {
  return {
    async open(row, numbers) {
      const read = await readDicomFile(row.file_path).catch(() => null);
      if (!read?.ok || read.instance.sopInstanceUid !== row.sop_uid)
        throw new GatewayError('not-found', 'the file changed or went since it was indexed');
      const instance = read.instance;
      if (!instance.pixelData)
        throw new GatewayError(
          'unsupported-transfer-syntax',
          `the instance is stored as ${instance.transferSyntaxUid}: its frames are not served uncompressed`,
        );
      return {
        instance,
        frames: (async function* () {
          for (const n of numbers) yield await readFrame(row.file_path, instance, n - 1);
        })(),
      };
    },
  };
}

/**
 * The PACS's WADO-RS frames, asked uncompressed (the PACS transcodes what it stores compressed); the
 * image description is the indexed metadata's.
 */
function pacsFrames(pacs: PacsClient | undefined): DicomFrameSource {
  return {
    async open(row, numbers) {
      if (!pacs)
        throw new GatewayError(
          'pacs-unavailable',
          'the instance was indexed from a PACS no longer configured',
        );
      const read = readDicomJson(JSON.parse(row.json));
      if (!read.ok) throw new GatewayError('internal', `indexed metadata unreadable: ${read.message}`);
      const path = { study: row.study_uid, series: row.series_uid, sop: row.sop_uid };
      const frames = await pacs.frames(path, numbers).catch((e: unknown) => {
        throw gatewayErrorOf(e);
      });
      const i = read.instance;
      const frameBytes =
        ((i.rows ?? 0) * (i.columns ?? 0) * (i.samplesPerPixel ?? 1) * (i.bitsAllocated ?? 8)) / 8;
      return {
        // The pixels arrive by frame from the PACS, native and little endian: no offset in any file.
        instance: {
          ...i,
          transferSyntaxUid: EXPLICIT_VR_LITTLE_ENDIAN,
          pixelData: { offset: 0, length: frameBytes * i.numberOfFrames },
        },
        frames: (async function* () {
          try {
            yield* frames;
          } catch (e) {
            throw gatewayErrorOf(e);
          }
        })(),
      };
    },
  };
}

/**
 * A PACS failure as the API answers it: a stable code and words that name no host of the hospital's
 * network; the PACS's own message stays with the error (`cause`) for the gateway's audit record.
 */
function gatewayErrorOf(e: unknown): unknown {
  if (!(e instanceof PacsError)) return e;
  const error =
    e.code === 'pacs-not-found'
      ? new GatewayError('not-found', 'the PACS no longer has this instance')
      : e.code === 'pacs-timeout'
        ? new GatewayError('pacs-timeout', 'the hospital PACS did not answer in time')
        : e.code === 'pacs-unsupported-transfer-syntax'
          ? new GatewayError('unsupported-transfer-syntax', 'the PACS cannot send these pixels uncompressed')
          : new GatewayError('pacs-unavailable', 'the hospital PACS could not be reached or failed');
  error.cause = e;
  return error;
}
