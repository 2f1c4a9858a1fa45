/**
 * The image viewer's engine: Cornerstone3D (MIT; the choice is recorded in docs/dicom-viewer-choice.md),
 * reached only through a dynamic import so that none of it enters the first page's JavaScript.
 *
 * Images come from our own loader (scheme `hie:`): one WADO-RS frame through the hub per image, the
 * modality LUT applied here (the GPU path ignores rescale slope/intercept), no codecs, no workers.
 * Tools: window/level, pan, zoom, stack scroll, length and angle; pinch zooms and pans on a touch
 * screen; arrow keys and PageUp/PageDown/Home/End scroll the focused viewport.
 */
import {
  cache,
  init as coreInit,
  Enums,
  eventTarget,
  imageLoader,
  metaData,
  RenderingEngine,
  type Types,
  utilities,
} from '@cornerstonejs/core';
import {
  AngleTool,
  addTool,
  annotation,
  LengthTool,
  PanTool,
  StackScrollTool,
  Enums as ToolEnums,
  ToolGroupManager,
  init as toolsInit,
  WindowLevelTool,
  ZoomTool,
} from '@cornerstonejs/tools';
import { type ImageMeta, type Pixels, pixelsOf } from './dicomweb';

/** Fetches one image's frame bytes (the page's API client: session, retries when the hub is busy). */
export type FrameFetcher = (image: ImageMeta, signal: AbortSignal) => Promise<Uint8Array>;

interface Registered {
  image: ImageMeta;
  modality: string;
  fetch: FrameFetcher;
}

const registered = new Map<string, Registered>();

const TOOLS = [WindowLevelTool, PanTool, ZoomTool, StackScrollTool, LengthTool, AngleTool] as const;
export type PrimaryTool = 'windowLevel' | 'pan' | 'zoom' | 'scroll' | 'length' | 'angle';
const TOOL_NAME: Record<PrimaryTool, string> = {
  windowLevel: WindowLevelTool.toolName,
  pan: PanTool.toolName,
  zoom: ZoomTool.toolName,
  scroll: StackScrollTool.toolName,
  length: LengthTool.toolName,
  angle: AngleTool.toolName,
};

let ready: Promise<void> | null = null;

/** Once per page: the library, our loader and metadata, the tools. */
function initialise(): Promise<void> {
  ready ??= (async () => {
    await coreInit();
    toolsInit();
    for (const Tool of TOOLS) addTool(Tool);
    metaData.addProvider(provide, 10_000);
    imageLoader.registerImageLoader('hie', load as unknown as Types.ImageLoaderFn);
    // A long CT stays in memory while it is looked at (512² Int16 × 300 = 150 MB).
    cache.setMaxCacheSize(1024 * 1024 * 1024);
  })();
  return ready;
}

function provide(type: string, imageId: string): unknown {
  const entry = registered.get(imageId);
  if (!entry) return undefined;
  const m = entry.image;
  const spacing = m.spacing ?? [1, 1];
  const orientation = m.orientation ?? [1, 0, 0, 0, 1, 0];
  switch (type) {
    case 'generalSeriesModule':
      return { modality: entry.modality, seriesInstanceUID: m.seriesUid };
    case 'generalImageModule':
      return { sopInstanceUID: m.sopUid, instanceNumber: m.instanceNumber ?? undefined };
    case 'imagePixelModule':
      return {
        samplesPerPixel: m.samplesPerPixel,
        photometricInterpretation: m.samplesPerPixel === 3 ? 'RGB' : m.photometric,
        rows: m.rows,
        columns: m.columns,
        bitsAllocated: m.samplesPerPixel === 3 ? 8 : 16,
        bitsStored: m.samplesPerPixel === 3 ? 8 : 16,
        highBit: m.samplesPerPixel === 3 ? 7 : 15,
        pixelRepresentation: 1,
        planarConfiguration: 0,
      };
    case 'imagePlaneModule':
      return {
        frameOfReferenceUID: m.frameOfReference ?? `hie.${m.seriesUid}`,
        rows: m.rows,
        columns: m.columns,
        imagePositionPatient: m.position ?? [0, 0, m.instanceNumber ?? 0],
        imageOrientationPatient: orientation,
        rowCosines: orientation.slice(0, 3),
        columnCosines: orientation.slice(3),
        pixelSpacing: spacing,
        rowPixelSpacing: spacing[0],
        columnPixelSpacing: spacing[1],
        // No spacing in the file: lengths are in pixels, and the tool says so.
        usingDefaultValues: m.spacing === null,
      };
    case 'voiLutModule':
      return m.window ? { windowCenter: [m.window.center], windowWidth: [m.window.width] } : undefined;
    case 'modalityLutModule':
      return { rescaleSlope: 1, rescaleIntercept: 0 };
    default:
      return undefined;
  }
}

function load(imageId: string): { promise: Promise<Types.IImage>; cancelFn: () => void } {
  const entry = registered.get(imageId);
  const controller = new AbortController();
  if (!entry) return { promise: Promise.reject(new Error(`unknown image ${imageId}`)), cancelFn: () => {} };
  const promise = entry
    .fetch(entry.image, controller.signal)
    .then((bytes) => toImage(imageId, entry, pixelsOf(bytes, entry.image)));
  return { promise, cancelFn: () => controller.abort() };
}

function toImage(imageId: string, entry: Registered, pixels: Pixels): Types.IImage {
  const m = entry.image;
  const color = m.samplesPerPixel === 3;
  const voxelManager = utilities.VoxelManager.createImageVoxelManager({
    width: m.columns,
    height: m.rows,
    numberOfComponents: color ? 3 : 1,
    scalarData: pixels.data as Types.PixelDataTypedArray,
  });
  const window = m.window ?? {
    center: (pixels.max + pixels.min) / 2,
    width: Math.max(1, pixels.max - pixels.min),
  };
  return {
    imageId,
    rows: m.rows,
    columns: m.columns,
    width: m.columns,
    height: m.rows,
    numberOfComponents: color ? 3 : 1,
    color,
    rgba: false,
    invert: m.photometric === 'MONOCHROME1',
    minPixelValue: pixels.min,
    maxPixelValue: pixels.max,
    slope: 1,
    intercept: 0,
    windowCenter: color ? 128 : window.center,
    windowWidth: color ? 256 : window.width,
    rowPixelSpacing: m.spacing?.[0] ?? 1,
    columnPixelSpacing: m.spacing?.[1] ?? 1,
    photometricInterpretation: color ? 'RGB' : m.photometric,
    dataType: pixels.data.constructor.name,
    sizeInBytes: pixels.data.byteLength,
    voxelManager,
    getPixelData: () => voxelManager.getScalarData(),
    imageFrame: {},
    preScale: {
      enabled: true,
      scaled: true,
      scalingParameters: { modality: entry.modality, rescaleSlope: 1, rescaleIntercept: 0 },
    },
  } as unknown as Types.IImage;
}

export interface Measurement {
  id: string;
  tool: 'length' | 'angle';
  value: number;
  unit: string;
}

export interface ViewportState {
  index: number;
  count: number;
  window: { center: number; width: number } | null;
  zoom: number;
}

/** One page's engine: its viewports, one tool group, the primary tool. */
export class ImageEngine {
  private readonly engine: RenderingEngine;
  private readonly toolGroupId: string;
  private readonly elements = new Map<string, HTMLDivElement>();
  private readonly cleanups = new Map<string, () => void>();
  private primary: PrimaryTool = 'windowLevel';

  private constructor(readonly id: string) {
    this.engine = new RenderingEngine(id);
    this.toolGroupId = `${id}-tools`;
    const group = ToolGroupManager.createToolGroup(this.toolGroupId);
    if (!group) throw new Error('tool group exists');
    for (const Tool of TOOLS) group.addTool(Tool.toolName);
    const { MouseBindings } = ToolEnums;
    group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    // Pinch (two fingers) zooms and pans together; binding Pan to two fingers too would stop the pinch.
    group.setToolActive(ZoomTool.toolName, {
      bindings: [{ mouseButton: MouseBindings.Secondary }, { numTouchPoints: 2 }],
    });
    group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
    group.setToolPassive(LengthTool.toolName);
    group.setToolPassive(AngleTool.toolName);
    this.setPrimary('windowLevel');
  }

  static async create(id: string): Promise<ImageEngine> {
    await initialise();
    return new ImageEngine(id);
  }

  private get group() {
    const group = ToolGroupManager.getToolGroup(this.toolGroupId);
    if (!group) throw new Error('tool group gone');
    return group;
  }

  /** The tool on the left mouse button and one finger. */
  setPrimary(tool: PrimaryTool): void {
    const group = this.group;
    const { MouseBindings } = ToolEnums;
    const previous = TOOL_NAME[this.primary];
    if (this.primary === 'pan')
      group.setToolActive(previous, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    else if (this.primary === 'zoom')
      group.setToolActive(previous, {
        bindings: [{ mouseButton: MouseBindings.Secondary }, { numTouchPoints: 2 }],
      });
    else if (this.primary === 'scroll')
      group.setToolActive(previous, { bindings: [{ mouseButton: MouseBindings.Wheel }] });
    else group.setToolPassive(previous);
    this.primary = tool;
    const extra =
      tool === 'pan'
        ? [{ mouseButton: MouseBindings.Auxiliary }]
        : tool === 'zoom'
          ? [{ mouseButton: MouseBindings.Secondary }, { numTouchPoints: 2 }]
          : tool === 'scroll'
            ? [{ mouseButton: MouseBindings.Wheel }]
            : [];
    group.setToolActive(TOOL_NAME[tool], {
      bindings: [{ mouseButton: MouseBindings.Primary }, { numTouchPoints: 1 }, ...extra],
    });
  }

  /**
   * Shows a stack in the element (a viewport made on first use). `onState` hears each draw; the
   * element gets `data-index`, `data-count`, `data-rendered` and a bubbling `hie-rendered` event, so
   * tests and the benchmark can wait for what the user sees.
   */
  async show(
    viewportId: string,
    element: HTMLDivElement,
    images: readonly ImageMeta[],
    modality: string,
    fetch: FrameFetcher,
    onState: (state: ViewportState) => void,
    start = 0,
  ): Promise<void> {
    if (this.elements.get(viewportId) !== element) {
      this.hide(viewportId);
      this.engine.enableElement({ viewportId, type: Enums.ViewportType.STACK, element });
      this.elements.set(viewportId, element);
      let rendered = 0;
      const onRendered = () => {
        const viewport = this.viewport(viewportId);
        if (!viewport) return;
        rendered++;
        const state = this.stateOf(viewport);
        element.dataset.index = String(state.index);
        element.dataset.count = String(state.count);
        element.dataset.rendered = String(rendered);
        onState(state);
        element.dispatchEvent(
          new CustomEvent('hie-rendered', { bubbles: true, detail: { index: state.index } }),
        );
      };
      const onKey = (event: KeyboardEvent) => {
        const viewport = this.viewport(viewportId);
        if (!viewport) return;
        const last = viewport.getImageIds().length - 1;
        const at = viewport.getCurrentImageIdIndex();
        const target =
          event.key === 'ArrowDown' || event.key === 'ArrowRight'
            ? at + 1
            : event.key === 'ArrowUp' || event.key === 'ArrowLeft'
              ? at - 1
              : event.key === 'PageDown'
                ? at + 10
                : event.key === 'PageUp'
                  ? at - 10
                  : event.key === 'Home'
                    ? 0
                    : event.key === 'End'
                      ? last
                      : null;
        if (target === null) return;
        event.preventDefault();
        const next = Math.max(0, Math.min(last, target));
        if (next !== at) void viewport.setImageIdIndex(next);
      };
      element.addEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
      element.addEventListener('keydown', onKey);
      this.group.addViewport(viewportId, this.id);
      this.cleanups.set(viewportId, () => {
        element.removeEventListener(Enums.Events.IMAGE_RENDERED, onRendered);
        element.removeEventListener('keydown', onKey);
      });
    }
    const imageIds = images.map((image) => {
      const id = `hie:${image.seriesUid}/${image.sopUid}/${image.frame}`;
      registered.set(id, { image, modality, fetch });
      return id;
    });
    element.dataset.count = String(imageIds.length);
    element.dataset.loaded = 'false';
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    await viewport.setStack(imageIds, Math.max(0, Math.min(imageIds.length - 1, start)));
    viewport.render();
    void this.prefetch(imageIds, start).then((ok) => {
      if (ok && this.viewport(viewportId)?.getImageIds()[0] === imageIds[0]) element.dataset.loaded = 'true';
    });
  }

  /** Loads the whole stack into the cache, nearest slices first, a few requests at a time. */
  private async prefetch(imageIds: readonly string[], start: number): Promise<boolean> {
    const order = [...imageIds.keys()].sort((a, b) => Math.abs(a - start) - Math.abs(b - start) || a - b);
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < order.length) {
        const id = imageIds[order[next++]!]!;
        try {
          await imageLoader.loadAndCacheImage(id);
        } catch {
          failed = true;
        }
      }
    };
    await Promise.all(Array.from({ length: 3 }, worker));
    return !failed;
  }

  private viewport(viewportId: string): Types.IStackViewport | undefined {
    return this.engine.getViewport(viewportId) as Types.IStackViewport | undefined;
  }

  private stateOf(viewport: Types.IStackViewport): ViewportState {
    const { voiRange } = viewport.getProperties();
    const window = voiRange ? utilities.windowLevel.toWindowLevel(voiRange.lower, voiRange.upper) : null;
    return {
      index: viewport.getCurrentImageIdIndex(),
      count: viewport.getImageIds().length,
      window: window ? { center: window.windowCenter, width: window.windowWidth } : null,
      zoom: viewport.getZoom(),
    };
  }

  /** Window center and width (in the images' units: HU for CT); null = the image's own. */
  setWindow(viewportId: string, window: { center: number; width: number } | null): void {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    if (window) {
      viewport.setProperties({ voiRange: utilities.windowLevel.toLowHighRange(window.width, window.center) });
    } else viewport.resetProperties();
    viewport.render();
  }

  /** Zoom, pan and window back to how the image opened; measurements stay. */
  reset(viewportId: string): void {
    const viewport = this.viewport(viewportId);
    if (!viewport) return;
    viewport.resetCamera();
    viewport.resetProperties();
    viewport.render();
  }

  /** Removes the measurements drawn on the viewport's images. */
  clearMeasurements(viewportId: string): void {
    const element = this.elements.get(viewportId);
    if (!element) return;
    for (const one of annotation.state.getAllAnnotations()) {
      if (one.annotationUID && registered.has(one.metadata?.referencedImageId ?? ''))
        annotation.state.removeAnnotation(one.annotationUID);
    }
    this.viewport(viewportId)?.render();
  }

  /** The measurements on screen (length in mm, angle in degrees), for the page's list. */
  measurements(): Measurement[] {
    const out: Measurement[] = [];
    for (const one of annotation.state.getAllAnnotations()) {
      if (!registered.has(one.metadata?.referencedImageId ?? '')) continue;
      const stats = Object.values(
        (one.data as { cachedStats?: Record<string, Record<string, unknown>> }).cachedStats ?? {},
      )[0];
      if (!stats) continue;
      if (one.metadata?.toolName === LengthTool.toolName && typeof stats.length === 'number')
        out.push({
          id: one.annotationUID ?? '',
          tool: 'length',
          value: stats.length,
          unit: String(stats.unit ?? 'mm'),
        });
      if (one.metadata?.toolName === AngleTool.toolName && typeof stats.angle === 'number')
        out.push({ id: one.annotationUID ?? '', tool: 'angle', value: stats.angle, unit: '°' });
    }
    return out;
  }

  /** Calls back with the measurements whenever one is drawn, changed or removed; returns the unsubscribe. */
  onMeasurements(callback: (all: Measurement[]) => void): () => void {
    const { Events } = ToolEnums;
    const events = [Events.ANNOTATION_COMPLETED, Events.ANNOTATION_MODIFIED, Events.ANNOTATION_REMOVED];
    const listener = () => callback(this.measurements());
    for (const e of events) eventTarget.addEventListener(e, listener);
    return () => {
      for (const e of events) eventTarget.removeEventListener(e, listener);
    };
  }

  /** The layout changed (a comparison opened, the window turned): each image fits its viewport again. */
  resize(): void {
    this.engine.resize(true, false);
  }

  hide(viewportId: string): void {
    if (!this.elements.has(viewportId)) return;
    this.cleanups.get(viewportId)?.();
    this.cleanups.delete(viewportId);
    this.group.removeViewports(this.id, viewportId);
    this.engine.disableElement(viewportId);
    this.elements.delete(viewportId);
  }

  destroy(): void {
    for (const id of [...this.elements.keys()]) this.hide(id);
    ToolGroupManager.destroyToolGroup(this.toolGroupId);
    this.engine.destroy();
  }
}
