// A synthetic contrast CT of chest and abdomen: one axial series, int16 stored as HU + 1024.
import { deterministicUid } from '../uid.js';
import { writeDicom } from '../write/write.js';
import { ctAnatomy, paintCtSlice } from './ct-phantom.js';
import { deriveSeed, gaussianNoise } from './random.js';
import { newSlice } from './raster.js';
import { commonAttributes, greyPixelAttributes, type SeriesPlan, type SyntheticStudy } from './study.js';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

export interface SyntheticCtOptions {
  /** Number of axial slices (default 120), 1–1000. */
  slices?: number;
  /** Rows and columns (default 512), 16–1024. */
  size?: number;
}

/** Field of view and the length covered (mm): slices are thinner the more there are. */
const FIELD_OF_VIEW = 400;
const COVERAGE = 300;
const TOP_Z = -40;

const round = (v: number, digits = 4) => Number(v.toFixed(digits));
const clampInt = (v: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(v)));

/**
 * CT axial chest/abdomen, one series: default 120 slices of 512×512 (2.5 mm, contiguous), signed 16-bit with
 * Rescale Intercept −1024, Image Position (Patient) z falling by the slice thickness from the lung apices
 * down, one Frame of Reference. Windows: mediastinum (40/400) first, lung (−600/1500) second.
 */
export function syntheticCt(
  study: SyntheticStudy,
  seed: number,
  options: SyntheticCtOptions = {},
): Uint8Array[] {
  const slices = clampInt(options.slices ?? 120, 1, 1000);
  const size = clampInt(options.size ?? 512, 16, 1024);
  const spacing = FIELD_OF_VIEW / size;
  const thickness = Math.min(10, Math.max(0.5, round(COVERAGE / slices, 1)));
  const anatomy = ctAnatomy(deriveSeed(seed, 'ct-anatomy'));
  const noise = gaussianNoise(deriveSeed(seed, 'ct-noise'));
  const plan: SeriesPlan = {
    kind: 'ct',
    seed,
    seriesNumber: 2,
    modality: 'CT',
    sopClassUid: CT_IMAGE_STORAGE,
    seriesDescription: `胸腹部 造影 ${thickness}mm`,
    bodyPartExamined: 'CHEST',
    manufacturerModelName: 'Synthetic CT',
  };
  const frameOfReference = deterministicUid(study.studyInstanceUid, 'ct', seed, 'frame-of-reference');

  const files: Uint8Array[] = [];
  for (let i = 0; i < slices; i++) {
    const z = round(TOP_Z - i * thickness);
    const slice = newSlice(size, spacing, -1000);
    paintCtSlice(slice, anatomy, (i * thickness) / COVERAGE, z);
    const stored = new Int16Array(size * size);
    const hu = slice.values;
    for (let j = 0; j < stored.length; j++) {
      const h = hu[j] as number;
      const sd = h < -950 ? 3 : h < -700 ? 16 : 10;
      const v = Math.round(h + 1024 + sd * noise.next());
      stored[j] = Math.min(4095, Math.max(0, v));
    }
    files.push(
      writeDicom({
        ...commonAttributes(study, plan, i + 1),
        ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
        ScanOptions: 'HELICAL MODE',
        KVP: 120,
        DataCollectionDiameter: 500,
        ReconstructionDiameter: FIELD_OF_VIEW,
        GantryDetectorTilt: 0,
        TableHeight: 140,
        XRayTubeCurrent: 220,
        ConvolutionKernel: 'STANDARD',
        PatientPosition: 'HFS',
        ContrastBolusAgent: 'Iopamidol 370',
        ContrastBolusRoute: 'IV',
        SliceThickness: thickness,
        SpacingBetweenSlices: thickness,
        AcquisitionNumber: 1,
        ImagePositionPatient: [round(slice.origin), round(slice.origin), z],
        ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
        FrameOfReferenceUID: frameOfReference,
        PositionReferenceIndicator: '',
        SliceLocation: z,
        ...greyPixelAttributes(size, size, 16, 16, true),
        PixelSpacing: [round(spacing, 6), round(spacing, 6)],
        WindowCenter: [40, -600],
        WindowWidth: [400, 1500],
        WindowCenterWidthExplanation: ['MEDIASTINUM', 'LUNG'],
        RescaleIntercept: -1024,
        RescaleSlope: 1,
        RescaleType: 'HU',
        PixelData: stored,
      }),
    );
  }
  return files;
}
