/**
 * Schema drawings (シェーマ) of the Care Cabinet: a nurse draws a wound on a body diagram with a finger or
 * a pen. What is stored is a JSON model checked by `drawingModelSchema` — never an uploaded SVG, which
 * could carry script. The SVG is rendered from the model by `renderDrawingSvg`, here, the one renderer
 * the hub (which serves it) and the web app (which draws and rasterises a thumbnail) share: every
 * element and attribute it writes is on an allowlist, every colour comes from the palette, every text
 * is escaped. Browser-safe: no Node built-ins.
 */
import { z } from 'zod';

// ── limits ───────────────────────────────────────────────────────────────────────────────────────────

export const DRAWING_LIMITS = {
  /** The model as JSON, UTF-8. */
  modelBytes: 512 * 1024,
  strokes: 2000,
  /** Points of all strokes together. */
  points: 100_000,
  stamps: 300,
  texts: 100,
  textChars: 80,
  labelChars: 60,
  /** The optional PNG thumbnail the client renders. */
  thumbnailBytes: 1024 * 1024,
  canvasMin: 100,
  canvasMax: 4000,
  strokeWidthMin: 0.5,
  strokeWidthMax: 80,
  stampSizeMin: 6,
  stampSizeMax: 60,
  textSizeMin: 8,
  textSizeMax: 64,
} as const;

// ── palette and stamps ───────────────────────────────────────────────────────────────────────────────

export const DRAWING_COLOR_IDS = [
  'red',
  'orange',
  'yellow',
  'green',
  'blue',
  'purple',
  'brown',
  'black',
] as const;
export type DrawingColorId = (typeof DRAWING_COLOR_IDS)[number];

/** The only colours a drawing may use: a model names one by id, the renderer writes its hex. */
export const DRAWING_PALETTE: Readonly<Record<DrawingColorId, { hex: string; ja: string; en: string }>> = {
  red: { hex: '#d32f2f', ja: '赤', en: 'Red' },
  orange: { hex: '#ef6c00', ja: '橙', en: 'Orange' },
  yellow: { hex: '#f9a825', ja: '黄', en: 'Yellow' },
  green: { hex: '#2e7d32', ja: '緑', en: 'Green' },
  blue: { hex: '#1565c0', ja: '青', en: 'Blue' },
  purple: { hex: '#6a1b9a', ja: '紫', en: 'Purple' },
  brown: { hex: '#6d4c41', ja: '茶', en: 'Brown' },
  black: { hex: '#212121', ja: '黒', en: 'Black' },
};

export const DRAWING_STAMP_IDS = [
  'redness',
  'blister',
  'ulcer',
  'pain',
  'edema',
  'bruise',
  'necrosis',
] as const;
export type DrawingStampId = (typeof DRAWING_STAMP_IDS)[number];

/** The marks a nurse places with one tap: symbol (for legends), names, default colour. */
export const DRAWING_STAMPS: Readonly<
  Record<DrawingStampId, { symbol: string; ja: string; en: string; color: DrawingColorId }>
> = {
  redness: { symbol: '●', ja: '発赤', en: 'Redness', color: 'red' },
  blister: { symbol: '▲', ja: '水疱', en: 'Blister', color: 'blue' },
  ulcer: { symbol: '■', ja: '潰瘍', en: 'Ulcer', color: 'brown' },
  pain: { symbol: '✕', ja: '疼痛', en: 'Pain', color: 'orange' },
  edema: { symbol: '◎', ja: '浮腫', en: 'Edema', color: 'green' },
  bruise: { symbol: '◆', ja: '内出血', en: 'Bruise', color: 'purple' },
  necrosis: { symbol: '★', ja: '壊死', en: 'Necrosis', color: 'black' },
};

// ── body diagrams (drawn for this project) ───────────────────────────────────────────────────────────

type Pt = readonly [number, number] | readonly [number, number, 'corner'];

const fmt = (n: number): string => {
  const r = Math.round(n * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
};

/** A smooth curve through the points (Catmull-Rom as cubic Béziers); a 'corner' point stays sharp. */
function curve(points: readonly Pt[], closed: boolean): string {
  const n = points.length;
  const at = (i: number): Pt => points[closed ? (i + n) % n : Math.max(0, Math.min(n - 1, i))] as Pt;
  const first = at(0);
  let d = `M${fmt(first[0])} ${fmt(first[1])}`;
  const segments = closed ? n : n - 1;
  for (let i = 0; i < segments; i++) {
    const [p0, p1, p2, p3] = [at(i - 1), at(i), at(i + 1), at(i + 2)];
    const c1 = p1[2] === 'corner' ? p1 : [p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6];
    const c2 = p2[2] === 'corner' ? p2 : [p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6];
    d += `C${fmt(c1[0])} ${fmt(c1[1])} ${fmt(c2[0])} ${fmt(c2[1])} ${fmt(p2[0])} ${fmt(p2[1])}`;
  }
  return closed ? `${d}Z` : d;
}

/**
 * Points as written in this file: `x,y` pairs separated by spaces; a `!` after a pair keeps that point
 * sharp (a corner) where the curve through the others is smooth.
 */
function pts(spec: string): Pt[] {
  return spec
    .trim()
    .split(/\s+/)
    .map((pair) => {
      const [x, y] = pair.replace('!', '').split(',').map(Number);
      return (pair.endsWith('!') ? [x ?? 0, y ?? 0, 'corner'] : [x ?? 0, y ?? 0]) as Pt;
    });
}

const closedCurve = (points: readonly Pt[]) => curve(points, true);
const openCurve = (points: readonly Pt[]) => curve(points, false);
const mirror = (points: readonly Pt[], cx: number): Pt[] =>
  points.map((p) => (p[2] ? [2 * cx - p[0], p[1], p[2]] : [2 * cx - p[0], p[1]]) as Pt);
const shift = (points: readonly Pt[], dx: number, dy: number): Pt[] =>
  points.map((p) => (p[2] ? [p[0] + dx, p[1] + dy, p[2]] : [p[0] + dx, p[1] + dy]) as Pt);
/** Half a symmetric outline (top on the axis … bottom on the axis) made whole. */
const wholeOf = (half: readonly Pt[], cx: number): Pt[] => [
  ...half,
  ...mirror(half.slice(1, -1), cx).reverse(),
];
const ellipse = (cx: number, cy: number, rx: number, ry: number): string =>
  `M${fmt(cx - rx)} ${fmt(cy)}A${fmt(rx)} ${fmt(ry)} 0 1 0 ${fmt(cx + rx)} ${fmt(cy)}A${fmt(rx)} ${fmt(ry)} 0 1 0 ${fmt(cx - rx)} ${fmt(cy)}Z`;
/** A path and its mirror image about x = cx. */
const both = (points: readonly Pt[], cx: number): string[] => [
  openCurve(points),
  openCurve(mirror(points, cx)),
];

export const BODY_DIAGRAM_IDS = [
  'body-front',
  'body-back',
  'sacral',
  'head-front',
  'head-side',
  'hand-palm',
  'hand-back',
  'foot-sole',
  'foot-top',
] as const;
export type BodyDiagramId = (typeof BODY_DIAGRAM_IDS)[number];

export interface BodyLandmark {
  /** Where the label's text stands. */
  x: number;
  y: number;
  ja: string;
  en: string;
  anchor: 'start' | 'middle' | 'end';
  /** A small dot on the landmark itself, if the text stands beside it. */
  dot: readonly [number, number] | null;
}

/** One body diagram: its own coordinate space (`width` × `height`), lines and landmark labels. */
export interface BodyDiagram {
  id: BodyDiagramId;
  name: { ja: string; en: string };
  width: number;
  height: number;
  /** The body's outline (drawn bold). */
  outline: readonly string[];
  /** Creases and features (drawn thin). */
  details: readonly string[];
  /** Bones under the skin, where pressure sores start (drawn dashed). */
  hidden: readonly string[];
  landmarks: readonly BodyLandmark[];
}

const mark = (
  x: number,
  y: number,
  ja: string,
  en: string,
  anchor: BodyLandmark['anchor'] = 'middle',
  dot: readonly [number, number] | null = null,
): BodyLandmark => ({ x, y, ja, en, anchor, dot });

/** Right and left as the viewer sees them: facing the patient (front) or their back. */
const sides = (width: number, view: 'front' | 'back', y = 34): BodyLandmark[] => {
  const [left, right] =
    view === 'front'
      ? [
          ['右', 'R'],
          ['左', 'L'],
        ]
      : [
          ['左', 'L'],
          ['右', 'R'],
        ];
  return [
    mark(24, y, left?.[0] ?? '', left?.[1] ?? '', 'middle'),
    mark(width - 24, y, right?.[0] ?? '', right?.[1] ?? '', 'middle'),
  ];
};

// The whole body, viewer's left half from the top of the head to the crotch (viewBox 400 × 800).
const BODY_HALF: readonly Pt[] = pts(`
  200,20 180,24 166,38 160,60 161,84 166,104 175,119 185,128 186,142 172,150 148,156
  127,162 114,174 108,196 104,230 100,270 96,310 90,350 84,395 80,430 74,452 70,478 72,500
  80,512 90,508 96,490 100,470 104,452 106,432 112,395 118,350 124,310 130,270 136,232
  140,206! 142,240 146,290 150,325 146,360 138,395 134,430 134,470 138,520 143,570 141,600
  138,640 143,690 150,728 148,750 140,766 142,780 160,785 182,783 188,772 186,750 184,728
  184,690 186,640 190,600 190,570 192,520 195,470 200,448!
`);
const BODY_OUTLINE = closedCurve(wholeOf(BODY_HALF, 200));

const bodyFront: BodyDiagram = {
  id: 'body-front',
  name: { ja: '全身（前面）', en: 'Whole body (front)' },
  width: 400,
  height: 800,
  outline: [BODY_OUTLINE],
  details: [
    ...both(pts('158,166 176,170 192,167'), 200),
    ellipse(172, 228, 3, 3),
    ellipse(228, 228, 3, 3),
    ellipse(200, 332, 3, 4),
    ...both(pts('146,392 172,420 198,446'), 200),
    ...both(pts('158,558 166,552 176,558'), 200),
  ],
  hidden: [],
  landmarks: [...sides(400, 'front')],
};

const bodyBack: BodyDiagram = {
  id: 'body-back',
  name: { ja: '全身（背面）', en: 'Whole body (back)' },
  width: 400,
  height: 800,
  outline: [BODY_OUTLINE],
  details: [
    openCurve(pts('200,404 200,446')),
    ...both(pts('150,436 172,448 196,444'), 200),
    ...both(pts('160,578 174,584 186,580'), 200),
  ],
  hidden: [
    openCurve(pts('200,150 200,250 200,380')),
    ...both(pts('160,190 186,196 180,250 160,190'), 200),
    closedCurve(pts('186,376 214,376 200,404')),
  ],
  landmarks: [
    ...sides(400, 'back'),
    mark(200, 66, '後頭部', 'Occiput', 'middle'),
    mark(132, 214, '肩甲骨', 'Scapula', 'end', [162, 212]),
    mark(86, 314, '肘', 'Elbow', 'end', [96, 312]),
    mark(232, 384, '仙骨', 'Sacrum', 'start', [200, 388]),
    mark(124, 422, '大転子', 'Trochanter', 'end', [136, 418]),
    mark(232, 470, '坐骨', 'Ischium', 'start', [214, 440]),
    mark(124, 776, '踵', 'Heel', 'end', [162, 774]),
    mark(276, 776, '踵', 'Heel', 'start', [238, 774]),
  ],
};

// The sacral and buttock region from behind: waist to upper thighs (viewBox 500 × 440).
const SACRAL_SIDE: readonly Pt[] = pts('152,16 148,60 132,116 116,170 110,220 116,290 126,360 132,430');
const sacral: BodyDiagram = {
  id: 'sacral',
  name: { ja: '仙骨部・臀部', en: 'Sacrum and buttocks' },
  width: 500,
  height: 440,
  outline: [
    ...both(SACRAL_SIDE, 250),
    openCurve(pts('234,432 238,380 244,336 250,318! 256,336 262,380 266,432')),
  ],
  details: [openCurve(pts('250,216 250,268 250,318')), ...both(pts('150,318 196,336 244,330'), 250)],
  hidden: [
    openCurve(pts('250,16 250,90 250,150')),
    closedCurve(pts('214,150! 286,150! 266,196 250,236! 234,196')),
    openCurve(pts('250,236 250,262')),
    ...both(pts('136,118 168,92 200,104 216,144'), 250),
    ellipse(132, 214, 14, 16),
    ellipse(368, 214, 14, 16),
    ellipse(210, 298, 17, 13),
    ellipse(290, 298, 17, 13),
  ],
  landmarks: [
    ...sides(500, 'back'),
    mark(300, 178, '仙骨', 'Sacrum', 'start', [258, 184]),
    mark(300, 258, '尾骨', 'Coccyx', 'start', [254, 256]),
    mark(92, 218, '大転子', 'Trochanter', 'end', [118, 216]),
    mark(408, 218, '大転子', 'Trochanter', 'start', [382, 216]),
    mark(184, 298, '坐骨結節', 'Ischial tuberosity', 'end', [210, 298]),
    mark(150, 72, '腸骨稜', 'Iliac crest', 'end', [166, 92]),
  ],
};

// The head from the front (viewBox 400 × 460): the viewer's left half of the face and neck.
const FACE_HALF: readonly Pt[] = pts(`
  200,40 160,46 132,70 120,110 118,160 120,176! 106,174 100,194 104,222 114,240 124,246!
  130,274 144,306 166,334 200,350
`);
const headFront: BodyDiagram = {
  id: 'head-front',
  name: { ja: '頭部（正面）', en: 'Head (front)' },
  width: 400,
  height: 460,
  outline: [
    closedCurve(wholeOf(FACE_HALF, 200)),
    ...both(pts('160,330 158,380 150,410 110,428 60,442 30,456'), 200),
  ],
  details: [
    ...both(pts('144,188 160,180 178,182 186,190 170,196 152,195 144,188'), 200),
    ...both(pts('140,168 162,160 186,166'), 200),
    openCurve(pts('196,196 192,234 184,252 196,258 204,258 216,252 208,234 204,196')),
    openCurve(pts('176,292 200,298 224,292')),
    ...both(pts('112,190 108,208 116,228'), 200),
  ],
  hidden: [],
  landmarks: [
    ...sides(400, 'front'),
    mark(200, 118, '前額部', 'Forehead'),
    mark(250, 232, '鼻', 'Nose', 'start', [206, 236]),
    mark(92, 204, '耳介', 'Ear', 'end', null),
    mark(308, 204, '耳介', 'Ear', 'start', null),
    mark(146, 272, '頬', 'Cheek', 'middle', null),
    mark(200, 340, '下顎', 'Chin', 'middle', null),
  ],
};

// The head from the side, facing right (viewBox 400 × 460).
const headSide: BodyDiagram = {
  id: 'head-side',
  name: { ja: '頭部（側面）', en: 'Head (side)' },
  width: 400,
  height: 460,
  outline: [
    openCurve(
      pts(`
  250,450 252,400 258,356 284,346 304,338 314,320 312,302 320,290 316,278 320,266 316,254
  332,246 340,236 322,200 314,176 316,154 308,114 290,78 250,48 196,38 144,50 106,82
  90,130 92,182 104,232 124,272 148,302 162,340 164,400 160,450
`),
    ),
    closedCurve(pts('188,176 206,164 222,174 224,204 214,236 198,246 186,232 188,204')),
  ],
  details: [
    openCurve(pts('274,176 290,170 304,176 290,182 274,176')),
    openCurve(pts('270,160 290,154 310,160')),
    openCurve(pts('200,186 212,194 208,216 198,228')),
    openCurve(pts('300,290 316,290')),
    openCurve(pts('226,262 246,300 278,330')),
  ],
  hidden: [],
  landmarks: [
    mark(70, 206, '後頭部', 'Occiput', 'end', [94, 200]),
    mark(204, 272, '耳介', 'Ear', 'middle', null),
    mark(262, 222, '頬骨', 'Cheekbone', 'middle', null),
    mark(200, 118, '側頭部', 'Temple', 'middle', null),
    mark(16, 30, '右側面', 'Right side', 'start', null),
  ],
};

// A right hand seen palm first, fingers up, thumb to the viewer's left (its own 180 × 300 box).
const HAND: readonly Pt[] = pts(`
  58,300! 54,266 42,238 26,212 14,188 11,170 18,160 30,164 44,182 58,200 66,200! 64,160
  62,100 64,74 73,64 82,68 86,82 87,140! 90,70 94,50 102,44 110,48 114,62 115,138! 117,80
  122,64 130,59 137,64 140,78 141,146! 143,110 148,98 155,96 161,104 163,118 163,160
  160,205 154,252 148,300!
`);
const HAND_PALM_LINES: readonly (readonly Pt[])[] = [
  pts('66,204 76,240 84,280'),
  pts('163,176 130,178 100,174 88,166'),
  pts('163,200 126,206 80,210'),
];
/** A nail seen from the back: a small U below the finger's tip. */
const nail = (x: number, y: number, w: number): Pt[] => [
  [x - w, y - 3],
  [x - w, y + 4],
  [x, y + 8],
  [x + w, y + 4],
  [x + w, y - 3],
];
const HAND_BACK_LINES: readonly (readonly Pt[])[] = [
  nail(74, 72, 6),
  nail(102, 52, 6),
  nail(130, 67, 6),
  nail(155, 104, 5),
  nail(19, 170, 5),
  pts('70,150 78,146'),
  pts('96,148 106,146'),
  pts('122,152 132,150'),
  pts('146,158 156,158'),
];
const hands = (view: 'palm' | 'back'): BodyDiagram => {
  const right = (points: readonly Pt[]) => shift(points, 36, 12);
  const left = (points: readonly Pt[]) => mirror(right(points), 230);
  const lines = view === 'palm' ? HAND_PALM_LINES : HAND_BACK_LINES;
  const [first, second] = view === 'palm' ? ['右手', '左手'] : ['左手', '右手'];
  const [firstEn, secondEn] = view === 'palm' ? ['Right hand', 'Left hand'] : ['Left hand', 'Right hand'];
  return {
    id: view === 'palm' ? 'hand-palm' : 'hand-back',
    name:
      view === 'palm' ? { ja: '手（手掌）', en: 'Hands (palm)' } : { ja: '手（手背）', en: 'Hands (back)' },
    width: 460,
    height: 350,
    outline: [closedCurve(right(HAND)), closedCurve(left(HAND))],
    details: lines.flatMap((line) => [openCurve(right(line)), openCurve(left(line))]),
    hidden: [],
    landmarks: [mark(136, 340, first, firstEn), mark(324, 340, second, secondEn)],
  };
};

// A right foot, toes up, big toe to the viewer's right (its own 200 × 420 box).
const FOOT: readonly Pt[] = pts(`
  100,414 80,406 68,384 66,350 70,300 68,250 62,200 62,160 64,140 72,128 82,132 84,140!
  86,120 94,110 102,116 104,126! 106,106 114,96 122,102 124,114! 126,92 136,82 144,88
  146,100! 148,70 160,56 174,60 180,78 178,110 176,140 172,170 162,220 158,270 160,330
  158,370 146,400 126,412
`);
const SOLE_LINE: readonly Pt[] = pts('70,176 110,168 150,160 174,164');
const TOP_LINES: readonly (readonly Pt[])[] = [
  nail(162, 70, 9),
  nail(136, 90, 5),
  nail(115, 104, 5),
  nail(94, 118, 4),
  nail(73, 134, 4),
  pts('72,330 92,316 118,312 142,318 158,330'),
];
const feet = (view: 'sole' | 'top'): BodyDiagram => {
  const right = (points: readonly Pt[]) => shift(points, 4, 4);
  const left = (points: readonly Pt[]) => mirror(right(points), 200);
  const details =
    view === 'sole'
      ? [
          ellipse(116, 374, 30, 26),
          ellipse(284, 374, 30, 26),
          openCurve(right(SOLE_LINE)),
          openCurve(left(SOLE_LINE)),
        ]
      : TOP_LINES.flatMap((line) => [openCurve(right(line)), openCurve(left(line))]);
  return {
    id: view === 'sole' ? 'foot-sole' : 'foot-top',
    name: view === 'sole' ? { ja: '足（足底）', en: 'Feet (sole)' } : { ja: '足（足背）', en: 'Feet (top)' },
    width: 400,
    height: 440,
    outline: [closedCurve(right(FOOT)), closedCurve(left(FOOT))],
    details,
    hidden: [],
    landmarks:
      view === 'sole'
        ? [
            mark(112, 436, '右足', 'Right foot'),
            mark(288, 436, '左足', 'Left foot'),
            mark(48, 380, '踵', 'Heel', 'middle', [104, 380]),
            mark(352, 380, '踵', 'Heel', 'middle', [296, 380]),
            mark(118, 198, '母趾球', 'Ball', 'middle', [158, 176]),
            mark(282, 198, '母趾球', 'Ball', 'middle', [242, 176]),
          ]
        : [
            mark(112, 436, '右足', 'Right foot'),
            mark(288, 436, '左足', 'Left foot'),
            mark(36, 330, '外果', 'Lateral malleolus', 'middle', [74, 330]),
            mark(364, 330, '外果', 'Lateral malleolus', 'middle', [326, 330]),
            mark(118, 240, '足背', 'Dorsum', 'middle', null),
            mark(282, 240, '足背', 'Dorsum', 'middle', null),
          ],
  };
};

export const BODY_DIAGRAMS: Readonly<Record<BodyDiagramId, BodyDiagram>> = {
  'body-front': bodyFront,
  'body-back': bodyBack,
  sacral,
  'head-front': headFront,
  'head-side': headSide,
  'hand-palm': hands('palm'),
  'hand-back': hands('back'),
  'foot-sole': feet('sole'),
  'foot-top': feet('top'),
};

export const bodyDiagram = (id: BodyDiagramId): BodyDiagram => BODY_DIAGRAMS[id];

// ── the model ────────────────────────────────────────────────────────────────────────────────────────

/** Control characters and bidirectional overrides: refused in any text of a drawing. */
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufffe\uffff]/;
const plainText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `at most ${max} characters / ${max}文字以内` })
    .refine((s) => !UNSAFE_TEXT.test(s), {
      error: 'plain text only: no control characters / 制御文字は使えません',
      params: { code: 'control-characters' },
    });

const coordinate = z.number().min(0).max(DRAWING_LIMITS.canvasMax);
const colorId = z.enum(DRAWING_COLOR_IDS);

export const drawingPointSchema = z.tuple([coordinate, coordinate, z.number().min(0).max(1)]);
/** [x, y, pressure 0–1] in the canvas's units. */
export type DrawingPoint = z.infer<typeof drawingPointSchema>;

export const drawingStrokeSchema = z
  .object({
    /** A pen draws; an eraser stroke rubs out (part of) the strokes drawn before it. */
    tool: z.enum(['pen', 'eraser']),
    color: colorId,
    width: z.number().min(DRAWING_LIMITS.strokeWidthMin).max(DRAWING_LIMITS.strokeWidthMax),
    points: z.array(drawingPointSchema).min(1).max(DRAWING_LIMITS.points),
  })
  .strict();
export type DrawingStroke = z.infer<typeof drawingStrokeSchema>;

export const drawingStampSchema = z
  .object({
    kind: z.enum(DRAWING_STAMP_IDS),
    x: coordinate,
    y: coordinate,
    color: colorId.optional(),
    size: z.number().min(DRAWING_LIMITS.stampSizeMin).max(DRAWING_LIMITS.stampSizeMax).optional(),
  })
  .strict();
export type DrawingStamp = z.infer<typeof drawingStampSchema>;

export const drawingTextSchema = z
  .object({
    x: coordinate,
    y: coordinate,
    text: plainText(DRAWING_LIMITS.textChars).pipe(z.string().min(1)),
    color: colorId,
    size: z.number().min(DRAWING_LIMITS.textSizeMin).max(DRAWING_LIMITS.textSizeMax),
  })
  .strict();
export type DrawingText = z.infer<typeof drawingTextSchema>;

export const drawingModelSchema = z
  .object({
    version: z.literal(1),
    bodyPart: z.enum(BODY_DIAGRAM_IDS),
    /** The coordinate space of every point; the body diagram is fitted into it. */
    canvas: z
      .object({
        width: z.number().int().min(DRAWING_LIMITS.canvasMin).max(DRAWING_LIMITS.canvasMax),
        height: z.number().int().min(DRAWING_LIMITS.canvasMin).max(DRAWING_LIMITS.canvasMax),
      })
      .strict(),
    /** The series: one wound over time, e.g. 仙骨部褥瘡. */
    label: plainText(DRAWING_LIMITS.labelChars).pipe(
      z.string().min(1, { error: 'name the drawing / 名称を入力してください' }),
    ),
    strokes: z.array(drawingStrokeSchema).max(DRAWING_LIMITS.strokes).default([]),
    stamps: z.array(drawingStampSchema).max(DRAWING_LIMITS.stamps).default([]),
    texts: z.array(drawingTextSchema).max(DRAWING_LIMITS.texts).default([]),
  })
  .strict()
  .superRefine((model, ctx) => {
    const points = model.strokes.reduce((sum, s) => sum + s.points.length, 0);
    if (points > DRAWING_LIMITS.points) {
      ctx.addIssue({
        code: 'custom',
        path: ['strokes'],
        message: `at most ${DRAWING_LIMITS.points} points in all / 点の数が多すぎます`,
        params: { code: 'too-many-points' },
      });
    }
  });
export type DrawingModel = z.output<typeof drawingModelSchema>;
export type DrawingModelInput = z.input<typeof drawingModelSchema>;

/** A new, empty drawing on a diagram: the canvas is the diagram's own size. */
export function emptyDrawing(bodyPart: BodyDiagramId, label = ''): DrawingModel {
  const diagram = BODY_DIAGRAMS[bodyPart];
  return {
    version: 1,
    bodyPart,
    canvas: { width: diagram.width, height: diagram.height },
    label,
    strokes: [],
    stamps: [],
    texts: [],
  };
}

/** The model's size as stored: JSON, UTF-8 bytes. */
export function drawingModelBytes(model: unknown): number {
  return utf8Length(JSON.stringify(model) ?? '');
}

/** UTF-8 bytes of a string (no TextEncoder: this file runs where the DOM's types are not loaded). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export interface DrawingProblem {
  field: string;
  code: string;
  message: string;
}

const TOO_MANY: Readonly<Record<string, string>> = {
  strokes: 'too-many-strokes',
  stamps: 'too-many-stamps',
  texts: 'too-many-texts',
};

/** The model, or every problem by field with a stable code (`too-many-strokes`, `not-in-palette`, …). */
export function checkDrawingModel(
  raw: unknown,
): { ok: true; model: DrawingModel } | { ok: false; problems: DrawingProblem[] } {
  const parsed = drawingModelSchema.safeParse(raw);
  if (parsed.success) return { ok: true, model: parsed.data };
  const problems = parsed.error.issues.slice(0, 20).map((issue): DrawingProblem => {
    const field = issue.path.map(String).join('.') || 'model';
    const last = String(issue.path.at(-1) ?? '');
    const custom =
      issue.code === 'custom' ? (issue.params as { code?: string } | undefined)?.code : undefined;
    let code = custom ?? 'invalid';
    if (!custom) {
      if (issue.code === 'too_big' && issue.path.length === 1 && TOO_MANY[last]) code = TOO_MANY[last];
      else if (issue.code === 'too_big' && last === 'points') code = 'too-many-points';
      else if (issue.code === 'too_big') code = 'too-large';
      else if (issue.code === 'too_small') code = 'too-small';
      else if (issue.code === 'unrecognized_keys') code = 'unknown-field';
      else if (issue.code === 'invalid_value' && last === 'color') code = 'not-in-palette';
      else if (issue.code === 'invalid_value' && last === 'bodyPart') code = 'unknown-body-part';
      else if (issue.code === 'invalid_value' && last === 'kind') code = 'unknown-stamp';
      else if (issue.code === 'invalid_value' && last === 'tool') code = 'unknown-tool';
    }
    return { field, code, message: issue.message };
  });
  return { ok: false, problems };
}

/** A drawing as the hub lists it (GET /cabinets/:id/drawings). URLs are absolute paths under /api/v1. */
export interface CabinetDrawingSummary {
  id: string;
  bodyPart: BodyDiagramId;
  label: string;
  postId: string | null;
  author: { userId: string; name: string };
  createdAt: string;
  /** The model's size, bytes. */
  size: number;
  url: string;
  thumbnailUrl: string | null;
}

// ── SVG: a tree of allowed elements, serialised with everything escaped ──────────────────────────────

const SVG_TAGS = ['svg', 'title', 'defs', 'mask', 'g', 'path', 'circle', 'rect', 'text'] as const;
export type SvgTag = (typeof SVG_TAGS)[number];
const SVG_ATTRIBUTES = new Set([
  'xmlns',
  'viewBox',
  'width',
  'height',
  'role',
  'id',
  'd',
  'cx',
  'cy',
  'r',
  'x',
  'y',
  'fill',
  'fill-rule',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'transform',
  'mask',
  'maskUnits',
  'font-size',
  'font-family',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'paint-order',
]);
/** Values that must have a fixed form: no `url(...)` but our own fragment, no script, no entity. */
const ATTRIBUTE_FORMS: Readonly<Record<string, RegExp>> = {
  fill: /^(none|#[0-9a-f]{3,8})$/i,
  stroke: /^(none|#[0-9a-f]{3,8})$/i,
  mask: /^url\(#[A-Za-z][\w-]*\)$/,
  id: /^[A-Za-z][\w-]*$/,
  d: /^[MmLlHhVvCcSsQqTtAaZz0-9\s.,-]*$/,
  transform: /^(translate|scale)\([0-9\s.,-]+\)(\s(translate|scale)\([0-9\s.,-]+\))*$/,
  xmlns: /^http:\/\/www\.w3\.org\/2000\/svg$/,
  viewBox: /^[0-9\s.-]+$/,
};

export interface SvgNode {
  tag: SvgTag;
  attrs: Readonly<Record<string, string | number>>;
  children?: readonly (SvgNode | string)[];
}

/** Text as XML character data or an attribute value: the five specials escaped, non-XML characters dropped. */
export function escapeXml(text: string): string {
  return (
    text
      // characters XML 1.0 does not allow, lone surrogates among them
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/gu, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

function attributeValue(name: string, value: string | number): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`svg: ${name} is not a finite number`);
    return fmt(value);
  }
  const form = ATTRIBUTE_FORMS[name];
  if (form && !form.test(value)) throw new Error(`svg: ${name} has a value out of form`);
  return escapeXml(value);
}

/** The tree as SVG text. Throws on an element or attribute that is not allowed (a bug, never input). */
export function serializeSvg(node: SvgNode | string): string {
  if (typeof node === 'string') return escapeXml(node);
  if (!(SVG_TAGS as readonly string[]).includes(node.tag)) throw new Error(`svg: <${node.tag}> not allowed`);
  let out = `<${node.tag}`;
  for (const [name, value] of Object.entries(node.attrs)) {
    if (!SVG_ATTRIBUTES.has(name)) throw new Error(`svg: attribute ${name} not allowed`);
    out += ` ${name}="${attributeValue(name, value)}"`;
  }
  const children = node.children ?? [];
  if (children.length === 0) return `${out}/>`;
  return `${out}>${children.map(serializeSvg).join('')}</${node.tag}>`;
}

// ── strokes ─────────────────────────────────────────────────────────────────────────────────────────

/** How pressure widens a pen line: 0.5 (a finger, a mouse) draws the chosen width. */
export const pressureFactor = (pressure: number): number => 0.25 + 1.5 * Math.min(1, Math.max(0, pressure));

const pt = (x: number, y: number) => `${fmt(x)} ${fmt(y)}`;

/** A smooth line through the points: quadratic curves through the midpoints. */
function centreLine(points: readonly (readonly [number, number])[]): string {
  const first = points[0];
  if (!first) return '';
  let d = `M${pt(first[0], first[1])}`;
  if (points.length === 2) {
    const last = points[1] as readonly [number, number];
    return `${d}L${pt(last[0], last[1])}`;
  }
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b] = [points[i] as readonly [number, number], points[i + 1] as readonly [number, number]];
    d += `Q${pt(a[0], a[1])} ${pt((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)}`;
  }
  const last = points.at(-1) as readonly [number, number];
  return points.length > 1 ? `${d}L${pt(last[0], last[1])}` : d;
}

const circlePath = (x: number, y: number, r: number) =>
  `M${pt(x - r, y)}A${fmt(r)} ${fmt(r)} 0 1 0 ${pt(x + r, y)}A${fmt(r)} ${fmt(r)} 0 1 0 ${pt(x - r, y)}Z`;

export type StrokeGeometry = { d: string; filled: true } | { d: string; filled: false; width: number };

/** Geometry by stroke object: an editor re-renders thousands of unchanged (never mutated) strokes. */
const GEOMETRY = new WeakMap<object, StrokeGeometry>();

/**
 * How one stroke is drawn: a line of one width when the pressure does not change (a finger, a mouse),
 * else a filled outline whose width follows the pen's pressure.
 */
export function strokeGeometry(stroke: Pick<DrawingStroke, 'points' | 'width'>): StrokeGeometry {
  const known = GEOMETRY.get(stroke);
  if (known) return known;
  const geometry = computeGeometry(stroke);
  GEOMETRY.set(stroke, geometry);
  return geometry;
}

function computeGeometry(stroke: Pick<DrawingStroke, 'points' | 'width'>): StrokeGeometry {
  const points: DrawingPoint[] = [];
  for (const p of stroke.points) {
    const prev = points.at(-1);
    if (!prev || Math.hypot(p[0] - prev[0], p[1] - prev[1]) > 0.05) points.push(p);
  }
  const first = points[0] ?? ([0, 0, 0.5] as DrawingPoint);
  if (points.length === 1) {
    return { d: circlePath(first[0], first[1], (stroke.width * pressureFactor(first[2])) / 2), filled: true };
  }
  const uniform = points.every((p) => Math.abs(p[2] - first[2]) < 0.02);
  if (uniform) {
    return {
      d: centreLine(points.map((p) => [p[0], p[1]] as const)),
      filled: false,
      width: stroke.width * pressureFactor(first[2]),
    };
  }
  // Pressure smoothed over neighbours, so one noisy sample does not make a bump.
  const radius = points.map((_, i) => {
    const near = points.slice(Math.max(0, i - 1), i + 2);
    const p = near.reduce((sum, q) => sum + q[2], 0) / near.length;
    return (stroke.width * pressureFactor(p)) / 2;
  });
  const left: [number, number][] = [];
  const right: [number, number][] = [];
  let normal: [number, number] = [0, -1];
  points.forEach((p, i) => {
    const a = points[Math.max(0, i - 1)] as DrawingPoint;
    const b = points[Math.min(points.length - 1, i + 1)] as DrawingPoint;
    const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
    const length = Math.hypot(dx, dy);
    if (length > 1e-6) normal = [-dy / length, dx / length];
    const r = radius[i] ?? 1;
    left.push([p[0] + normal[0] * r, p[1] + normal[1] * r]);
    right.push([p[0] - normal[0] * r, p[1] - normal[1] * r]);
  });
  const rEnd = radius.at(-1) ?? 1;
  const rStart = radius[0] ?? 1;
  const back = right.reverse();
  const [endRight, startLeft] = [back[0] as [number, number], left[0] as [number, number]];
  const d =
    `${centreLine(left)}A${fmt(rEnd)} ${fmt(rEnd)} 0 0 0 ${pt(endRight[0], endRight[1])}` +
    `${centreLine(back).replace(/^M[^A-Za-z]*/, '')}` +
    `A${fmt(rStart)} ${fmt(rStart)} 0 0 0 ${pt(startLeft[0], startLeft[1])}Z`;
  return { d, filled: true };
}

/** A stamp's shape centred on (x, y): filled or stroked in the colour given. */
export function stampNodes(kind: DrawingStampId, x: number, y: number, size: number, hex: string): SvgNode[] {
  const s = size;
  const line = {
    fill: 'none',
    stroke: hex,
    'stroke-width': Math.max(1.5, s * 0.22),
    'stroke-linecap': 'round',
  };
  switch (kind) {
    case 'redness':
      return [{ tag: 'circle', attrs: { cx: x, cy: y, r: s * 0.6, fill: hex } }];
    case 'blister':
      return [
        {
          tag: 'path',
          attrs: {
            d: `M${pt(x, y - s * 0.7)}L${pt(x + s * 0.7, y + s * 0.55)}L${pt(x - s * 0.7, y + s * 0.55)}Z`,
            fill: hex,
          },
        },
      ];
    case 'ulcer':
      return [
        {
          tag: 'rect',
          attrs: { x: x - s * 0.55, y: y - s * 0.55, width: s * 1.1, height: s * 1.1, fill: hex },
        },
      ];
    case 'pain':
      return [
        {
          tag: 'path',
          attrs: {
            d: `M${pt(x - s * 0.55, y - s * 0.55)}L${pt(x + s * 0.55, y + s * 0.55)}M${pt(x + s * 0.55, y - s * 0.55)}L${pt(x - s * 0.55, y + s * 0.55)}`,
            ...line,
          },
        },
      ];
    case 'edema':
      return [
        {
          tag: 'circle',
          attrs: { cx: x, cy: y, r: s * 0.65, ...line, 'stroke-width': Math.max(1.2, s * 0.14) },
        },
        {
          tag: 'circle',
          attrs: { cx: x, cy: y, r: s * 0.3, ...line, 'stroke-width': Math.max(1.2, s * 0.14) },
        },
      ];
    case 'bruise':
      return [
        {
          tag: 'path',
          attrs: {
            d: `M${pt(x, y - s * 0.7)}L${pt(x + s * 0.6, y)}L${pt(x, y + s * 0.7)}L${pt(x - s * 0.6, y)}Z`,
            fill: hex,
          },
        },
      ];
    case 'necrosis': {
      let d = '';
      for (let i = 0; i < 10; i++) {
        const r = i % 2 === 0 ? s * 0.72 : s * 0.3;
        const angle = -Math.PI / 2 + (i * Math.PI) / 5;
        d += `${i === 0 ? 'M' : 'L'}${pt(x + r * Math.cos(angle), y + r * Math.sin(angle))}`;
      }
      return [{ tag: 'path', attrs: { d: `${d}Z`, fill: hex } }];
    }
  }
}

// ── the drawing ─────────────────────────────────────────────────────────────────────────────────────

export const DRAWING_DEFAULT_STAMP_SIZE = 16;
const FONT = 'Hiragino Sans, Noto Sans JP, Yu Gothic, Meiryo, sans-serif';
const INK = { outline: '#4b5563', detail: '#8b95a1', hidden: '#a3adb8', landmark: '#6b7682' };

export interface DrawingSvgOptions {
  /** The language of the diagram's landmark labels (default ja). */
  lang?: 'ja' | 'en';
  /** Prefix of the ids the eraser masks use (several drawings inline on one page). */
  idPrefix?: string;
  /** Leave out the white background (the editor draws its own). */
  transparent?: boolean;
}

/** The body diagram fitted into the canvas, centred: the transform from diagram to canvas units. */
export function diagramPlacement(model: Pick<DrawingModel, 'bodyPart' | 'canvas'>): {
  scale: number;
  dx: number;
  dy: number;
} {
  const diagram = BODY_DIAGRAMS[model.bodyPart];
  const scale = Math.min(model.canvas.width / diagram.width, model.canvas.height / diagram.height);
  return {
    scale,
    dx: (model.canvas.width - diagram.width * scale) / 2,
    dy: (model.canvas.height - diagram.height * scale) / 2,
  };
}

/** The body diagram alone (outline, details, bones, landmarks) in canvas units. */
export function diagramNode(
  model: Pick<DrawingModel, 'bodyPart' | 'canvas'>,
  lang: 'ja' | 'en' = 'ja',
): SvgNode {
  const diagram = BODY_DIAGRAMS[model.bodyPart];
  const { scale, dx, dy } = diagramPlacement(model);
  const lines = (paths: readonly string[], attrs: Record<string, string | number>): SvgNode => ({
    tag: 'g',
    attrs: { fill: 'none', 'stroke-linecap': 'round', 'stroke-linejoin': 'round', ...attrs },
    children: paths.map((d) => ({ tag: 'path', attrs: { d } })),
  });
  return {
    tag: 'g',
    attrs: { transform: `translate(${fmt(dx)} ${fmt(dy)}) scale(${scale.toFixed(4)})` },
    children: [
      lines(diagram.hidden, { stroke: INK.hidden, 'stroke-width': 1.3, 'stroke-dasharray': '5 4' }),
      lines(diagram.details, { stroke: INK.detail, 'stroke-width': 1.4 }),
      lines(diagram.outline, { stroke: INK.outline, 'stroke-width': 2.4 }),
      {
        tag: 'g',
        attrs: { fill: INK.landmark },
        children: diagram.landmarks
          .filter((l) => l.dot)
          .map((l) => ({ tag: 'circle', attrs: { cx: l.dot?.[0] ?? 0, cy: l.dot?.[1] ?? 0, r: 3 } })),
      },
      {
        tag: 'g',
        attrs: { fill: INK.landmark, 'font-size': 13, 'font-family': FONT, 'dominant-baseline': 'middle' },
        children: diagram.landmarks.map(
          (l): SvgNode => ({
            tag: 'text',
            attrs: { x: l.x, y: l.y, 'text-anchor': l.anchor },
            children: [lang === 'en' ? l.en : l.ja],
          }),
        ),
      },
    ],
  };
}

const hexOf = (id: string | undefined, fallback: DrawingColorId = 'black'): string =>
  (DRAWING_PALETTE[id as DrawingColorId] ?? DRAWING_PALETTE[fallback]).hex;

/** One pen stroke as a node (`black` for an eraser's mask). */
export function strokeNode(
  stroke: Pick<DrawingStroke, 'points' | 'width' | 'color'>,
  hex = hexOf(stroke.color),
): SvgNode {
  const geometry = strokeGeometry(stroke);
  return geometry.filled
    ? { tag: 'path', attrs: { d: geometry.d, fill: hex } }
    : {
        tag: 'path',
        attrs: {
          d: geometry.d,
          fill: 'none',
          stroke: hex,
          'stroke-width': geometry.width,
          'stroke-linecap': 'round',
          'stroke-linejoin': 'round',
        },
      };
}

/**
 * The strokes, in order: each eraser stroke masks what was drawn before it (nested groups), never what
 * comes after. Returns the masks (for `<defs>`) and the layer.
 */
export function strokesNodes(
  model: Pick<DrawingModel, 'strokes' | 'canvas'>,
  idPrefix = 'd',
): { masks: SvgNode[]; layer: SvgNode[] } {
  const masks: SvgNode[] = [];
  let layer: SvgNode[] = [];
  model.strokes.forEach((stroke, i) => {
    if (stroke.tool === 'pen') {
      layer.push(strokeNode(stroke));
      return;
    }
    if (layer.length === 0) return;
    const id = `${idPrefix}-erase-${i}`;
    masks.push({
      tag: 'mask',
      attrs: {
        id,
        maskUnits: 'userSpaceOnUse',
        x: 0,
        y: 0,
        width: model.canvas.width,
        height: model.canvas.height,
      },
      children: [
        {
          tag: 'rect',
          attrs: { x: 0, y: 0, width: model.canvas.width, height: model.canvas.height, fill: '#ffffff' },
        },
        strokeNode(stroke, '#000000'),
      ],
    });
    layer = [{ tag: 'g', attrs: { mask: `url(#${id})` }, children: layer }];
  });
  return { masks, layer };
}

export function stampsNode(model: Pick<DrawingModel, 'stamps'>): SvgNode {
  return {
    tag: 'g',
    attrs: {},
    children: model.stamps.flatMap((stamp) =>
      stampNodes(
        stamp.kind,
        stamp.x,
        stamp.y,
        stamp.size ?? DRAWING_DEFAULT_STAMP_SIZE,
        hexOf(stamp.color, DRAWING_STAMPS[stamp.kind]?.color ?? 'black'),
      ),
    ),
  };
}

export function textsNode(model: Pick<DrawingModel, 'texts'>): SvgNode {
  return {
    tag: 'g',
    attrs: {
      'font-family': FONT,
      'font-weight': 'bold',
      'dominant-baseline': 'middle',
      stroke: '#ffffff',
      'stroke-linejoin': 'round',
      'paint-order': 'stroke',
    },
    children: model.texts.map(
      (t): SvgNode => ({
        tag: 'text',
        attrs: {
          x: t.x,
          y: t.y,
          'font-size': t.size,
          fill: hexOf(t.color),
          'stroke-width': Math.max(2, t.size / 5),
        },
        children: [t.text],
      }),
    ),
  };
}

/** The whole drawing as a tree: background, diagram, strokes, stamps, texts. */
export function drawingSvgTree(model: DrawingModel, options: DrawingSvgOptions = {}): SvgNode {
  const { width, height } = model.canvas;
  const { masks, layer } = strokesNodes(model, options.idPrefix ?? 'd');
  const diagram = BODY_DIAGRAMS[model.bodyPart];
  const lang = options.lang ?? 'ja';
  const title = `${model.label} — ${lang === 'en' ? diagram.name.en : diagram.name.ja}`;
  return {
    tag: 'svg',
    attrs: {
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
    },
    children: [
      // The accessible name; user text stands only in text nodes, never in an attribute.
      { tag: 'title', attrs: {}, children: [title] },
      ...(masks.length > 0 ? [{ tag: 'defs', attrs: {}, children: masks } as SvgNode] : []),
      ...(options.transparent
        ? []
        : [{ tag: 'rect', attrs: { x: 0, y: 0, width, height, fill: '#ffffff' } } as SvgNode]),
      diagramNode(model, lang),
      { tag: 'g', attrs: {}, children: layer },
      stampsNode(model),
      textsNode(model),
    ],
  };
}

/**
 * The drawing as SVG text, rendered from a model that is checked first (a bad one throws): the one
 * renderer of schema drawings. Only allowed elements and attributes, colours from the palette, text
 * escaped — no script, no event handler, no link can come out of it.
 */
export function renderDrawingSvg(
  model: DrawingModelInput | DrawingModel,
  options: DrawingSvgOptions = {},
): string {
  return serializeSvg(drawingSvgTree(drawingModelSchema.parse(model), options));
}
