import {
  BODY_DIAGRAM_IDS,
  BODY_DIAGRAMS,
  type BodyDiagramId,
  type CabinetAttachmentRef,
  type CabinetDrawingSummary,
  checkDrawingModel,
  DRAWING_COLOR_IDS,
  DRAWING_LIMITS,
  DRAWING_PALETTE,
  DRAWING_STAMP_IDS,
  DRAWING_STAMPS,
  type DrawingColorId,
  type DrawingModel,
  type DrawingPoint,
  type DrawingProblem,
  type DrawingStampId,
  diagramNode,
  drawingModelBytes,
  emptyDrawing,
  stampsNode,
  strokeGeometry,
  strokesNodes,
  textsNode,
} from '@hie/contract';
import {
  ActionIcon,
  Alert,
  Autocomplete,
  Box,
  Button,
  ColorSwatch,
  Flex,
  Group,
  Loader,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
} from '@mantine/core';
import { useElementSize, useHotkeys, useMediaQuery, useViewportSize } from '@mantine/hooks';
import {
  type FormEvent,
  type PointerEvent as ReactPointerEvent,
  useCallback,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
} from 'react';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../api/errors';
import { useDrawings, useOpenedDrawing, useSaveDrawing } from './api';
import {
  displaySize,
  eraserHits,
  farEnough,
  hasContent,
  pressureOf,
  toCanvas,
  withoutItems,
  type Xy,
} from './geometry';
import { type History, record, redo, startHistory, undo } from './history';
import { type DrawingLabels, useDrawingLabels } from './labels';
import { svgElements } from './svg-tree';
import { renderThumbnail } from './thumbnail';

type Tool = 'pen' | 'eraser' | 'stamp' | 'text';
const WIDTHS = [2, 4, 8, 16] as const;
const TEXT_SIZES = [14, 18, 26] as const;
/** Touch targets of at least 44 px (a gloved finger on a tablet). */
const TARGET = 44;

export interface SchemaEditorProps {
  cabinetId: string;
  /** Start from a saved drawing (last week's, to draw this week's over it); saving makes a new one. */
  reopenId?: string | null;
  /** Else a new drawing on this diagram (default the sacral region) with this name. */
  initialBodyPart?: BodyDiagramId;
  initialLabel?: string;
  /** The saved drawing, as the attachment a post carries (`attachments: [ref]`). */
  onSaved: (ref: CabinetAttachmentRef, drawing: CabinetDrawingSummary) => void;
  onCancel?: () => void;
  /** Height (px) the container takes besides the editor (a modal's title bar): the canvas leaves it. */
  reservedHeight?: number;
}

/**
 * The schema editor (シェーマ): a body diagram to draw on with a finger or a pen (Pointer Events; a
 * pen's pressure widens its line; once a pen is seen, touches are ignored so a resting palm draws
 * nothing), colours from the palette, widths, an eraser that removes what it crosses, stamps, text,
 * undo and redo. Saving sends the model and a PNG thumbnail; the hub renders the SVG itself.
 */
export function SchemaEditor({
  cabinetId,
  reopenId,
  initialBodyPart,
  initialLabel,
  onSaved,
  onCancel,
  reservedHeight = 0,
}: SchemaEditorProps) {
  const { L } = useDrawingLabels();
  const reopened = useOpenedDrawing(cabinetId, reopenId);
  if (reopenId && reopened.isPending) {
    return (
      <Group justify="center" p="xl">
        <Loader size="sm" />
        <Text size="sm">{L.loading}</Text>
      </Group>
    );
  }
  const initial = reopened.data?.model ?? emptyDrawing(initialBodyPart ?? 'sacral', initialLabel ?? '');
  return (
    <Editor
      key={reopened.data?.id ?? 'new'}
      cabinetId={cabinetId}
      initial={initial}
      reopenFailed={!!reopenId && reopened.isError}
      reservedHeight={reservedHeight}
      onSaved={onSaved}
      {...(onCancel ? { onCancel } : {})}
    />
  );
}

interface Gesture {
  pointerId: number;
  tool: Tool;
  points: DrawingPoint[];
  /** What the eraser crossed so far: the very strokes, stamps and texts (not indices, which move). */
  erased: Set<object>;
  frame: number | null;
}

function problemText(L: DrawingLabels, problems: readonly DrawingProblem[]): string {
  const codes = problems.map((p) => p.code);
  if (codes.includes('too-many-strokes')) return L.tooManyStrokes;
  if (codes.includes('too-many-points')) return L.tooManyPoints;
  if (problems.some((p) => p.field === 'label')) return L.labelRequired;
  return `${L.invalid} ${problems.map((p) => `${p.field}: ${p.message}`).join(' / ')}`;
}

function Editor({
  cabinetId,
  initial,
  reopenFailed,
  reservedHeight,
  onSaved,
  onCancel,
}: {
  cabinetId: string;
  initial: DrawingModel;
  reopenFailed: boolean;
  reservedHeight: number;
  onSaved: SchemaEditorProps['onSaved'];
  onCancel?: () => void;
}) {
  const { L, lang } = useDrawingLabels();
  const [history, setHistory] = useState<History<DrawingModel>>(() => startHistory(initial));
  const model = history.present;
  /** The name is not a drawing step: undo leaves it as typed. */
  const [label, setLabel] = useState(initial.label);
  /** A drawing step, from the latest model (several may come before React renders again). */
  const commit = useCallback(
    (update: (model: DrawingModel) => DrawingModel) => setHistory((h) => record(h, update(h.present))),
    [],
  );
  const [tool, setTool] = useState<Tool>('pen');
  const [color, setColor] = useState<DrawingColorId>('red');
  const [width, setWidth] = useState<number>(4);
  const [stamp, setStamp] = useState<DrawingStampId>('redness');
  const [textSize, setTextSize] = useState<number>(18);
  const [penOnly, setPenOnlyState] = useState(false);
  const penOnlyRef = useRef(false);
  const setPenOnly = (on: boolean) => {
    penOnlyRef.current = on;
    setPenOnlyState(on);
  };
  const penSeen = useRef(false);
  const [pendingText, setPendingText] = useState<Xy | null>(null);
  const [textValue, setTextValue] = useState('');
  const [pendingDiagram, setPendingDiagram] = useState<BodyDiagramId | null>(null);
  const [erasing, setErasing] = useState<ReadonlySet<object> | null>(null);
  const [problem, setProblem] = useState<string | null>(reopenFailed ? L.reopenFailed : null);
  const [preparing, setPreparing] = useState(false);
  const save = useSaveDrawing(cabinetId);
  const known = useDrawings(cabinetId);

  // ── size: the canvas fills the width (a phone), or what the screen leaves (a tablet, a computer) ──
  const { ref: roomRef, width: roomWidth } = useElementSize();
  const viewport = useViewportSize();
  const wide = useMediaQuery('(min-width: 900px) and (orientation: landscape)') ?? false;
  const phone = viewport.width > 0 && viewport.width < 480;
  const size = displaySize(
    model.canvas,
    { width: roomWidth || 320, height: viewport.height - (wide ? 170 : 370) - reservedHeight },
    viewport.width || 1024,
  );

  // ── drawing ──────────────────────────────────────────────────────────────────────────────────────
  const svgRef = useRef<SVGSVGElement>(null);
  const liveRef = useRef<SVGPathElement>(null);
  const gesture = useRef<Gesture | null>(null);
  const modelRef = useRef(model);
  modelRef.current = model;
  const eraserRadius = Math.max(6, width * 1.5);
  const hex = DRAWING_PALETTE[color].hex;

  const pointOf = (event: { clientX: number; clientY: number }): Xy => {
    const rect = svgRef.current?.getBoundingClientRect() ?? { left: 0, top: 0, width: 1, height: 1 };
    return toCanvas({ x: event.clientX, y: event.clientY }, rect, modelRef.current.canvas);
  };

  const drawLive = () => {
    const g = gesture.current;
    const path = liveRef.current;
    if (!g || !path) return;
    g.frame = null;
    if (g.points.length === 0) return;
    if (g.tool === 'eraser') {
      const trail = strokeGeometry({
        points: g.points.map((p) => [p[0], p[1], 0.5]),
        width: eraserRadius * 2,
      });
      path.setAttribute('d', trail.d);
      path.setAttribute('fill', trail.filled ? '#9aa5b1' : 'none');
      path.setAttribute('stroke', trail.filled ? 'none' : '#9aa5b1');
      path.setAttribute('stroke-width', String(trail.filled ? 0 : trail.width));
      path.setAttribute('opacity', '0.35');
      return;
    }
    const line = strokeGeometry({ points: g.points, width });
    path.setAttribute('d', line.d);
    path.setAttribute('fill', line.filled ? hex : 'none');
    path.setAttribute('stroke', line.filled ? 'none' : hex);
    path.setAttribute('stroke-width', String(line.filled ? 0 : line.width));
    path.setAttribute('opacity', '1');
  };
  const clearLive = () => {
    liveRef.current?.setAttribute('d', '');
    const g = gesture.current;
    if (g?.frame) cancelAnimationFrame(g.frame);
    gesture.current = null;
  };

  const minDistance = (model.canvas.width / Math.max(1, size.width)) * 0.8;

  const onPointerDown = (event: ReactPointerEvent<SVGSVGElement>) => {
    if (event.pointerType === 'pen' && !penSeen.current) {
      penSeen.current = true;
      setPenOnly(true);
    }
    if (penOnlyRef.current && event.pointerType === 'touch') return; // a palm resting while the pen draws
    if (event.pointerType === 'mouse' && event.button !== 0) return;
    if (gesture.current) return; // one pointer draws at a time
    event.preventDefault();
    try {
      // Moves outside the canvas still belong to this stroke (it is clamped to the edge).
      event.currentTarget.setPointerCapture(event.pointerId);
    } catch {
      // the pointer is already gone: the stroke ends at its pointerup or pointercancel
    }
    setProblem(null);
    const [x, y] = pointOf(event);
    gesture.current = {
      pointerId: event.pointerId,
      tool,
      points: [[x, y, pressureOf(event.pointerType, event.pressure)]],
      erased: new Set(),
      frame: null,
    };
    if (tool === 'pen' || tool === 'eraser') {
      if (tool === 'eraser') eraseAlong([[x, y]]);
      gesture.current.frame = requestAnimationFrame(drawLive);
    }
  };

  const eraseAlong = (segment: readonly Xy[]) => {
    const g = gesture.current;
    if (!g) return;
    const current = modelRef.current;
    const hits = eraserHits(current, segment, eraserRadius);
    const before = g.erased.size;
    for (const i of hits.strokes) g.erased.add(current.strokes[i] as object);
    for (const i of hits.stamps) g.erased.add(current.stamps[i] as object);
    for (const i of hits.texts) g.erased.add(current.texts[i] as object);
    if (g.erased.size !== before) setErasing(new Set(g.erased));
  };

  const onPointerMove = (event: ReactPointerEvent<SVGSVGElement>) => {
    const g = gesture.current;
    if (!g || g.pointerId !== event.pointerId || (g.tool !== 'pen' && g.tool !== 'eraser')) return;
    const native = event.nativeEvent;
    const samples = typeof native.getCoalescedEvents === 'function' ? native.getCoalescedEvents() : [];
    for (const sample of samples.length > 0 ? samples : [native]) {
      const xy = pointOf(sample);
      const last = g.points.at(-1);
      if (!farEnough(last, xy, minDistance)) continue;
      g.points.push([xy[0], xy[1], pressureOf(sample.pointerType, sample.pressure)]);
      if (g.tool === 'eraser' && last) eraseAlong([[last[0], last[1]], xy]);
    }
    if (g.frame === null) g.frame = requestAnimationFrame(drawLive);
  };

  const onPointerUp = (event: ReactPointerEvent<SVGSVGElement>) => {
    const g = gesture.current;
    if (!g || g.pointerId !== event.pointerId) return;
    const current = modelRef.current;
    const last = g.points.at(-1);
    clearLive();
    if (g.tool === 'pen') {
      const stroke = { tool: 'pen' as const, color, width, points: g.points };
      const points = current.strokes.reduce((sum, s) => sum + s.points.length, 0);
      if (current.strokes.length >= DRAWING_LIMITS.strokes) setProblem(L.tooManyStrokes);
      else if (points + g.points.length > DRAWING_LIMITS.points) setProblem(L.tooManyPoints);
      else commit((m) => ({ ...m, strokes: [...m.strokes, stroke] }));
    } else if (g.tool === 'eraser') {
      setErasing(null);
      if (g.erased.size > 0) commit((m) => withoutItems(m, g.erased));
    } else if (g.tool === 'stamp' && last) {
      if (current.stamps.length < DRAWING_LIMITS.stamps) {
        commit((m) => ({ ...m, stamps: [...m.stamps, { kind: stamp, x: last[0], y: last[1] }] }));
      }
    } else if (g.tool === 'text' && last && current.texts.length < DRAWING_LIMITS.texts) {
      setTextValue('');
      setPendingText([last[0], last[1]]);
    }
  };

  const onPointerCancel = (event: ReactPointerEvent<SVGSVGElement>) => {
    if (gesture.current?.pointerId !== event.pointerId) return;
    clearLive();
    setErasing(null);
  };

  // An unmount in mid-stroke leaves no frame behind.
  useEffect(
    () => () => {
      const frame = gesture.current?.frame;
      if (frame) cancelAnimationFrame(frame);
    },
    [],
  );

  const doUndo = () => setHistory(undo);
  const doRedo = () => setHistory(redo);
  useHotkeys([
    ['mod+Z', doUndo],
    ['mod+shift+Z', doRedo],
    ['mod+Y', doRedo],
  ]);

  const addText = (event: FormEvent) => {
    event.preventDefault();
    const text = textValue.trim().slice(0, DRAWING_LIMITS.textChars);
    if (pendingText && text) {
      const added = { x: pendingText[0], y: pendingText[1], text, color, size: textSize };
      commit((m) => ({ ...m, texts: [...m.texts, added] }));
    }
    setPendingText(null);
  };

  const changeDiagram = (bodyPart: BodyDiagramId) => {
    if (bodyPart === model.bodyPart) return;
    if (hasContent(model)) setPendingDiagram(bodyPart);
    else commit(() => emptyDrawing(bodyPart));
  };

  const onSave = async () => {
    const name = label.trim();
    if (!name) {
      setProblem(L.labelRequired);
      return;
    }
    const checked = checkDrawingModel({ ...model, label: name });
    if (!checked.ok) {
      setProblem(problemText(L, checked.problems));
      return;
    }
    if (drawingModelBytes(checked.model) > DRAWING_LIMITS.modelBytes) {
      setProblem(L.tooLarge);
      return;
    }
    setPreparing(true);
    const thumbnailPng = await renderThumbnail(checked.model, lang);
    setPreparing(false);
    save.mutate(
      { model: checked.model, thumbnailPng },
      {
        onSuccess: (drawing) => onSaved({ type: 'drawing', id: drawing.id }, drawing),
        onError: (error) => {
          if (error instanceof ApiError && error.code === 'drawing-too-large') setProblem(L.tooLarge);
          else if (error instanceof ApiError && Array.isArray(error.details))
            setProblem(problemText(L, error.details as DrawingProblem[]));
          else setProblem(errorMessage(error, lang));
        },
      },
    );
  };

  // ── layers: the contract's own SVG parts, so what is drawn here is what the hub serves ────────────
  const idPrefix = `e${useId().replace(/[^A-Za-z0-9]/g, '')}`;
  const visible = useMemo(() => (erasing ? withoutItems(model, erasing) : model), [model, erasing]);
  const diagramLayer = useMemo(
    () => svgElements(diagramNode({ bodyPart: model.bodyPart, canvas: model.canvas }, lang)),
    [model.bodyPart, model.canvas, lang],
  );
  const strokeLayer = useMemo(() => {
    const { masks, layer } = strokesNodes({ strokes: visible.strokes, canvas: visible.canvas }, idPrefix);
    return svgElements({
      tag: 'g',
      attrs: {},
      children: [{ tag: 'defs', attrs: {}, children: masks }, ...layer],
    });
  }, [visible.strokes, visible.canvas, idPrefix]);
  const markLayer = useMemo(
    () => [svgElements(stampsNode(visible), 's'), svgElements(textsNode(visible), 't')],
    [visible],
  );

  const labels = useMemo(() => {
    const series = known.data?.series ?? [];
    const mine = series.filter((s) => s.bodyPart === model.bodyPart).map((s) => s.label);
    return [...new Set([...mine, ...series.map((s) => s.label)])].slice(0, 50);
  }, [known.data, model.bodyPart]);

  const toolbar = (
    <Stack gap="xs" w={wide ? 240 : '100%'}>
      <SegmentedControl
        fullWidth
        size="md"
        aria-label={L.tools}
        value={tool}
        onChange={(value) => setTool(value as Tool)}
        orientation={wide ? 'vertical' : 'horizontal'}
        data={(
          [
            ['pen', '✎', L.pen],
            ['eraser', '⌫', L.eraser],
            ['stamp', '●', L.stamp],
            ['text', 'Ａ', L.text],
          ] as const
        ).map(([value, symbol, label]) => ({ value, label: phone ? label : `${symbol} ${label}` }))}
      />
      {(tool === 'pen' || tool === 'text') && (
        <Group gap={4} role="radiogroup" aria-label={L.color}>
          {DRAWING_COLOR_IDS.map((id) => (
            <ActionIcon
              key={id}
              size={TARGET}
              radius="xl"
              variant={id === color ? 'light' : 'subtle'}
              role="radio"
              aria-checked={id === color}
              aria-label={DRAWING_PALETTE[id][lang]}
              title={DRAWING_PALETTE[id][lang]}
              onClick={() => setColor(id)}
              style={
                id === color
                  ? { outline: '3px solid var(--mantine-color-blue-5)', outlineOffset: -3 }
                  : undefined
              }
            >
              <ColorSwatch color={DRAWING_PALETTE[id].hex} size={28} />
            </ActionIcon>
          ))}
        </Group>
      )}
      {(tool === 'pen' || tool === 'eraser') && (
        <SegmentedControl
          fullWidth
          size="md"
          aria-label={L.width}
          value={String(width)}
          onChange={(value) => setWidth(Number(value))}
          data={WIDTHS.map((w, i) => ({ value: String(w), label: L.widths[i] ?? String(w) }))}
        />
      )}
      {tool === 'stamp' && (
        <Group gap={4} role="radiogroup" aria-label={L.stamps}>
          {DRAWING_STAMP_IDS.map((id) => (
            <Button
              key={id}
              h={TARGET}
              px="xs"
              variant={id === stamp ? 'filled' : 'default'}
              role="radio"
              aria-checked={id === stamp}
              onClick={() => setStamp(id)}
              leftSection={
                <Text
                  span
                  fw={700}
                  c={id === stamp ? 'white' : DRAWING_PALETTE[DRAWING_STAMPS[id].color].hex}
                  aria-hidden
                >
                  {DRAWING_STAMPS[id].symbol}
                </Text>
              }
            >
              {DRAWING_STAMPS[id][lang]}
            </Button>
          ))}
        </Group>
      )}
      {tool === 'text' && (
        <SegmentedControl
          fullWidth
          size="md"
          aria-label={L.textSize}
          value={String(textSize)}
          onChange={(value) => setTextSize(Number(value))}
          data={TEXT_SIZES.map((s, i) => ({ value: String(s), label: L.textSizes[i] ?? String(s) }))}
        />
      )}
      <Flex gap={4} direction={wide ? 'column' : 'row'}>
        <Button
          h={TARGET}
          px="xs"
          style={wide ? undefined : { flex: 1 }}
          variant="default"
          onClick={doUndo}
          disabled={history.past.length === 0}
          aria-label={L.undo}
          title={L.undo}
        >
          {phone ? '↶' : `↶ ${L.undo}`}
        </Button>
        <Button
          h={TARGET}
          px="xs"
          style={wide ? undefined : { flex: 1 }}
          variant="default"
          onClick={doRedo}
          disabled={history.future.length === 0}
          aria-label={L.redo}
          title={L.redo}
        >
          {phone ? '↷' : `↷ ${L.redo}`}
        </Button>
        <Button
          h={TARGET}
          px="xs"
          style={wide ? undefined : { flex: 1 }}
          variant="default"
          color="red"
          onClick={() => commit((m) => ({ ...m, strokes: [], stamps: [], texts: [] }))}
          disabled={!hasContent(model)}
        >
          {L.clear}
        </Button>
      </Flex>
      {penSeen.current && (
        <Switch
          size="md"
          checked={penOnly}
          onChange={(event) => setPenOnly(event.currentTarget.checked)}
          label={L.penOnly}
          description={L.penOnlyHint}
        />
      )}
    </Stack>
  );

  return (
    <Stack gap="sm">
      <Flex gap="sm" wrap="wrap" align="flex-end">
        <Select
          label={L.diagram}
          size="md"
          style={{ flex: '1 1 200px' }}
          allowDeselect={false}
          value={model.bodyPart}
          onChange={(value) => value && changeDiagram(value as BodyDiagramId)}
          data={BODY_DIAGRAM_IDS.map((id) => ({ value: id, label: BODY_DIAGRAMS[id].name[lang] }))}
        />
        <Autocomplete
          label={L.label}
          placeholder={L.labelPlaceholder}
          size="md"
          style={{ flex: '2 1 240px' }}
          maxLength={DRAWING_LIMITS.labelChars}
          value={label}
          onChange={setLabel}
          data={labels}
          required
        />
      </Flex>
      <Flex direction={wide ? 'row' : 'column'} gap="sm" align="stretch">
        {toolbar}
        <Box ref={roomRef} style={{ flex: 1, minWidth: 0 }}>
          <Box
            style={{
              width: size.width,
              maxWidth: '100%',
              margin: '0 auto',
              border: '1px solid var(--mantine-color-gray-4)',
              borderRadius: 8,
              overflow: 'hidden',
              background: '#fff',
            }}
          >
            <svg
              ref={svgRef}
              viewBox={`0 0 ${model.canvas.width} ${model.canvas.height}`}
              width={size.width}
              height={size.height}
              role="img"
              aria-label={`${BODY_DIAGRAMS[model.bodyPart].name[lang]} — ${L.canvasHint}`}
              style={{
                display: 'block',
                touchAction: 'none',
                userSelect: 'none',
                WebkitUserSelect: 'none',
                WebkitTouchCallout: 'none',
                cursor: tool === 'eraser' ? 'cell' : 'crosshair',
              }}
              onPointerDown={onPointerDown}
              onPointerMove={onPointerMove}
              onPointerUp={onPointerUp}
              onPointerCancel={onPointerCancel}
              onContextMenu={(event) => event.preventDefault()}
            >
              <title>{BODY_DIAGRAMS[model.bodyPart].name[lang]}</title>
              <rect x={0} y={0} width={model.canvas.width} height={model.canvas.height} fill="#ffffff" />
              {diagramLayer}
              {strokeLayer}
              {markLayer}
              <path ref={liveRef} d="" pointerEvents="none" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          </Box>
        </Box>
      </Flex>
      {problem && (
        <Alert
          color="red"
          variant="light"
          withCloseButton
          closeButtonLabel={L.close}
          onClose={() => setProblem(null)}
        >
          {problem}
        </Alert>
      )}
      <Group justify="flex-end" gap="sm">
        {onCancel && (
          <Button size="md" variant="default" onClick={onCancel}>
            {L.cancel}
          </Button>
        )}
        <Button size="md" onClick={onSave} loading={preparing || save.isPending} disabled={!label.trim()}>
          {L.save}
        </Button>
      </Group>

      <Modal opened={pendingText !== null} onClose={() => setPendingText(null)} title={L.addText} centered>
        <form onSubmit={addText}>
          <Stack gap="sm">
            <TextInput
              data-autofocus
              size="md"
              maxLength={DRAWING_LIMITS.textChars}
              placeholder={L.textPlaceholder}
              value={textValue}
              onChange={(event) => setTextValue(event.currentTarget.value)}
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setPendingText(null)}>
                {L.cancel}
              </Button>
              <Button type="submit" disabled={!textValue.trim()}>
                {L.add}
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>

      <Modal
        opened={pendingDiagram !== null}
        onClose={() => setPendingDiagram(null)}
        title={L.diagram}
        centered
      >
        <Stack gap="sm">
          <Text size="sm">{L.changeDiagram}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setPendingDiagram(null)}>
              {L.cancel}
            </Button>
            <Button
              color="red"
              onClick={() => {
                if (pendingDiagram) commit(() => emptyDrawing(pendingDiagram));
                setPendingDiagram(null);
              }}
            >
              {L.change}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
