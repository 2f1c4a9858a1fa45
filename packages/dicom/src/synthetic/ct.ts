// A synthetic CT of the chest and abdomen (or one of them, with or without contrast) or of the head: one
// axial series, int16 stored as HU + 1024.
import { deterministicUid } from '../uid.js';
import { writeDicom } from '../write/write.js';
import { ctAnatomy, paintCtSlice } from './ct-phantom.js';
import { headAnatomy, paintHeadSlice } from './head-phantom.js';
import { deriveSeed, gaussianNoise } from './random.js';
import { newSlice, type Slice } from './raster.js';
import { commonAttributes, greyPixelAttributes, type SeriesPlan, type SyntheticStudy } from './study.js';

export const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';

/** What is scanned: the trunk phantom whole or in part, or the head. */
export type CtRegion = 'chest-abdomen' | 'chest' | 'abdomen' | 'head';

export interface SyntheticCtOptions {
  /** Number of axial slices (default 120), 1–1000. */
  slices?: number;
  /** Rows and columns (default 512), 16–1024. */
  size?: number;
  /** Default `chest-abdomen`. */
  region?: CtRegion;
  /** Iodinated contrast (default: yes for the trunk, no for the head). */
  contrast?: boolean;
  /** A solid nodule of this diameter (mm) in the right upper lobe (chest and chest–abdomen only). */
  lungNoduleMm?: number;
}

interface RegionPlan {
  /** Japanese name for the series description. */
  name: string;
  bodyPart: string;
  /** The part of the phantom covered (0 = top, 1 = bottom) and what that is in mm. */
  from: number;
  to: number;
  phantomMm: number;
  fieldOfView: number;
  windows: readonly (readonly [center: number, width: number, explanation: string])[];
  /** Noise (HU, one SD) by tissue: little in air, more in lung, less in the head's soft tissue. */
  noise: (hu: number) => number;
}

const TRUNK_NOISE = (h: number) => (h < -950 ? 3 : h < -700 ? 16 : 10);
const MEDIASTINUM_LUNG = [
  [40, 400, 'MEDIASTINUM'],
  [-600, 1500, 'LUNG'],
] as const;

const REGIONS: Readonly<Record<CtRegion, RegionPlan>> = {
  'chest-abdomen': {
    name: '胸腹部',
    bodyPart: 'CHEST',
    from: 0,
    to: 1,
    phantomMm: 300,
    fieldOfView: 400,
    windows: MEDIASTINUM_LUNG,
    noise: TRUNK_NOISE,
  },
  // Apices to the adrenals: the lungs end at t ≈ 0.54.
  chest: {
    name: '胸部',
    bodyPart: 'CHEST',
    from: 0,
    to: 0.58,
    phantomMm: 300,
    fieldOfView: 400,
    windows: MEDIASTINUM_LUNG,
    noise: TRUNK_NOISE,
  },
  // Domes of the diaphragm to the pelvis.
  abdomen: {
    name: '腹部',
    bodyPart: 'ABDOMEN',
    from: 0.44,
    to: 1,
    phantomMm: 300,
    fieldOfView: 400,
    windows: [
      [40, 400, 'ABDOMEN'],
      [60, 160, 'LIVER'],
    ],
    noise: TRUNK_NOISE,
  },
  head: {
    name: '頭部',
    bodyPart: 'HEAD',
    from: 0,
    to: 1,
    phantomMm: 140,
    fieldOfView: 240,
    windows: [
      [40, 80, 'BRAIN'],
      [500, 2500, 'BONE'],
    ],
    noise: (h) => (h < -950 ? 2 : 4),
  },
};

type Painter = (slice: Slice, t: number, z: number) => void;

function headPainter(seed: number): Painter {
  const anatomy = headAnatomy(deriveSeed(seed, 'ct-head'));
  return (slice, t) => paintHeadSlice(slice, anatomy, t);
}

function trunkPainter(seed: number, enhanced: boolean, noduleMm: number | undefined): Painter {
  const anatomy = ctAnatomy(deriveSeed(seed, 'ct-anatomy'));
  const options = { enhanced, ...(noduleMm ? { noduleMm } : {}) };
  return (slice, t, z) => paintCtSlice(slice, anatomy, t, z, options);
}

/** Where the first slice sits (table position, mm); slices go down from it. */
const TOP_Z = -40;

const round = (v: number, digits = 4) => Number(v.toFixed(digits));
const clampInt = (v: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(v)));

/**
 * CT axial, one series: default 120 slices of 512×512 of chest and abdomen with contrast (2.5 mm,
 * contiguous), signed 16-bit with Rescale Intercept −1024, Image Position (Patient) z falling by the slice
 * thickness from the top of the region down, one Frame of Reference. Windows by region: mediastinum
 * (40/400) and lung (−600/1500) for the chest, abdomen and liver, brain (40/80) and bone (500/2500) for the
 * head. Thickness is the region's length over the slices (0.5–10 mm).
 */
export function syntheticCt(
  study: SyntheticStudy,
  seed: number,
  options: SyntheticCtOptions = {},
): Uint8Array[] {
  const slices = clampInt(options.slices ?? 120, 1, 1000);
  const size = clampInt(options.size ?? 512, 16, 1024);
  const regionName = options.region ?? 'chest-abdomen';
  const region = REGIONS[regionName];
  const head = regionName === 'head';
  const contrast = options.contrast ?? !head;
  const coverage = (region.to - region.from) * region.phantomMm;
  const spacing = region.fieldOfView / size;
  const thickness = Math.min(10, Math.max(0.5, round(coverage / slices, 1)));
  const topZ = round(TOP_Z - region.from * region.phantomMm);
  const noise = gaussianNoise(deriveSeed(seed, 'ct-noise'));
  const paint = head ? headPainter(seed) : trunkPainter(seed, contrast, options.lungNoduleMm);
  const plan: SeriesPlan = {
    kind: 'ct',
    seed,
    seriesNumber: 2,
    modality: 'CT',
    sopClassUid: CT_IMAGE_STORAGE,
    seriesDescription: `${region.name} ${contrast ? '造影' : '単純'} ${thickness}mm`,
    bodyPartExamined: region.bodyPart,
    manufacturerModelName: 'Synthetic CT',
  };
  const frameOfReference = deterministicUid(study.studyInstanceUid, 'ct', seed, 'frame-of-reference');

  const files: Uint8Array[] = [];
  for (let i = 0; i < slices; i++) {
    const z = round(topZ - i * thickness);
    const slice = newSlice(size, spacing, -1000);
    paint(slice, region.from + (i * thickness) / region.phantomMm, z);
    const stored = new Int16Array(size * size);
    const hu = slice.values;
    for (let j = 0; j < stored.length; j++) {
      const h = hu[j] as number;
      const v = Math.round(h + 1024 + region.noise(h) * noise.next());
      stored[j] = Math.min(4095, Math.max(0, v));
    }
    files.push(
      writeDicom({
        ...commonAttributes(study, plan, i + 1),
        ImageType: ['ORIGINAL', 'PRIMARY', 'AXIAL'],
        ScanOptions: 'HELICAL MODE',
        KVP: 120,
        DataCollectionDiameter: 500,
        ReconstructionDiameter: region.fieldOfView,
        GantryDetectorTilt: 0,
        TableHeight: 140,
        XRayTubeCurrent: head ? 280 : 220,
        ConvolutionKernel: head ? 'BRAIN' : 'STANDARD',
        PatientPosition: 'HFS',
        ...(contrast ? { ContrastBolusAgent: 'Iopamidol 370', ContrastBolusRoute: 'IV' } : {}),
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
        WindowCenter: region.windows.map((w) => w[0]),
        WindowWidth: region.windows.map((w) => w[1]),
        WindowCenterWidthExplanation: region.windows.map((w) => w[2]),
        RescaleIntercept: -1024,
        RescaleSlope: 1,
        RescaleType: 'HU',
        PixelData: stored,
      }),
    );
  }
  return files;
}
