import { describe, expect, it } from 'vitest';
import { firstPart, type ImageMeta, parseStudyParam, pixelsOf, studyMetaOf, studyParam } from './dicomweb';

const v = (vr: string, ...Value: unknown[]) => ({ vr, Value });

/** DICOM JSON (PS3.18 F.2) of one CT slice, as the gateways' WADO-RS metadata gives it. */
const ctSlice = (n: number, series = '1.2.3.4', extra: Record<string, unknown> = {}) => ({
  '0020000D': v('UI', '1.2.3'),
  '0020000E': v('UI', series),
  '00080018': v('UI', `1.2.3.4.${n}`),
  '00080060': v('CS', 'CT'),
  '00080020': v('DA', '20261201'),
  '0008103E': v('LO', '胸部 5mm'),
  '00200011': v('IS', 2),
  '00200013': v('IS', n),
  '00280010': v('US', 2),
  '00280011': v('US', 2),
  '00280002': v('US', 1),
  '00280100': v('US', 16),
  '00280103': v('US', 1),
  '00280004': v('CS', 'MONOCHROME2'),
  '00280030': v('DS', 0.7, 0.7),
  '00281050': v('DS', 40, -600),
  '00281051': v('DS', 400, 1500),
  '00281052': v('DS', -1024),
  '00281053': v('DS', 1),
  ...extra,
});

describe('the viewer reads DICOMweb answers', () => {
  it('orders series by number and images by instance number; names what cannot be shown', () => {
    const meta = studyMetaOf([
      ctSlice(3),
      ctSlice(1),
      ctSlice(2),
      ctSlice(1, '1.2.3.9', { '00200011': v('IS', 1), '0008103E': v('LO', 'スカウト') }),
      // A JPEG-compressed colour image with planar configuration 1: not drawable by this viewer.
      ctSlice(9, '1.2.3.9', { '00280002': v('US', 3), '00280100': v('US', 8), '00280006': v('US', 1) }),
    ]);
    expect(meta.series.map((s) => [s.number, s.description, s.images.length])).toEqual([
      [1, 'スカウト', 1],
      [2, '胸部 5mm', 3],
    ]);
    expect(meta.series[1]!.images.map((i) => i.instanceNumber)).toEqual([1, 2, 3]);
    expect(meta.unsupported).toBe(1);
    expect(meta.date).toBe('2026-12-01');
    const image = meta.series[1]!.images[0]!;
    expect(image).toMatchObject({
      spacing: [0.7, 0.7],
      spacingAtDetector: false,
      intercept: -1024,
      signed: true,
    });
    expect(image.window).toEqual({ center: 40, width: 400 });
  });

  it('measures at the detector when only ImagerPixelSpacing is sent, and in pixels with neither', () => {
    const [detector] = studyMetaOf([
      ctSlice(1, '1.2.3.4', { '00280030': undefined, '00181164': v('DS', 0.15, 0.15) }),
    ]).series;
    expect(detector!.images[0]).toMatchObject({ spacing: [0.15, 0.15], spacingAtDetector: true });
    const [none] = studyMetaOf([ctSlice(1, '1.2.3.4', { '00280030': undefined })]).series;
    expect(none!.images[0]!.spacing).toBeNull();
  });

  it('takes the frame out of a multipart/related answer, whatever bytes it holds', () => {
    const frame = Uint8Array.from([0x0d, 0x0a, 0x2d, 0x2d, 1, 2, 3, 0xff]);
    const head = new TextEncoder().encode(
      '--b1\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n',
    );
    const tail = new TextEncoder().encode('\r\n--b1--\r\n');
    const body = new Uint8Array([...head, ...frame, ...tail]);
    expect([
      ...firstPart(body.buffer, 'multipart/related; type="application/octet-stream"; boundary=b1'),
    ]).toEqual([...frame]);
    // A cut answer is refused, never drawn short.
    expect(() => firstPart(body.slice(0, head.length + 3).buffer, 'multipart/related; boundary=b1')).toThrow(
      /truncated/,
    );
    expect(() => firstPart(body.buffer, 'multipart/related')).toThrow(/boundary/);
  });

  it('applies the modality LUT: stored values to HU, exact, from an odd offset', () => {
    const image = studyMetaOf([ctSlice(1)]).series[0]!.images[0]! as ImageMeta;
    const stored = new Int16Array([0, 1024, 2024, -1000]);
    const bytes = new Uint8Array(stored.byteLength + 1);
    bytes.set(new Uint8Array(stored.buffer), 1);
    const pixels = pixelsOf(bytes.subarray(1), image);
    expect([...pixels.data]).toEqual([-1024, 0, 1000, -2024]);
    expect(pixels.data).toBeInstanceOf(Int16Array);
    expect([pixels.min, pixels.max]).toEqual([-2024, 1000]);
    // A fractional slope keeps its precision (Float32), a short frame is refused.
    const pet = pixelsOf(new Uint8Array(new Uint16Array([10, 20, 30, 40]).buffer), {
      ...image,
      signed: false,
      slope: 0.5,
      intercept: 0,
    });
    expect([...pet.data]).toEqual([5, 10, 15, 20]);
    expect(() => pixelsOf(new Uint8Array(6), image)).toThrow(/6 bytes, 8 expected/);
  });

  it('names a study in the URL only with UIDs (nothing else gets through)', () => {
    const ref = { facilityOid: '1.2.392.200284.33.3319800011', studyUid: '1.2.392.1.5' };
    expect(parseStudyParam(studyParam(ref))).toEqual(ref);
    for (const bad of ['', 'x~1.2', '1.2~../../x', '1.2~1.2~1.3', '1.2', `1.2~${'1.'.repeat(40)}1`])
      expect(parseStudyParam(bad)).toBeNull();
  });
});
