/**
 * お薬手帳 QR codes for the browser tests, made as a pharmacy system prints them: the JAHIS text in
 * Shift_JIS, double-byte characters in QR Kanji mode and the rest (ASCII, half-width kana) as Shift_JIS
 * bytes in byte mode (the `qrcode` package, already the web app's). As a PNG (a photo of the print) and
 * as a Y4M video for Chromium's fake camera (`--use-file-for-fake-video-capture`): planar YUV 4:2:0
 * frames drawn from the codes' modules, no ffmpeg needed.
 */
import { writeFile } from 'node:fs/promises';
import QRCode, { type QRCodeSegment } from 'qrcode';

/** Shift_JIS bytes of each character, read backwards from the platform's decoder (Node has no encoder). */
const SJIS: ReadonlyMap<string, readonly number[]> = (() => {
  const table = new Map<string, number[]>();
  const decoder = new TextDecoder('shift_jis');
  for (let b = 0xa1; b <= 0xdf; b++) table.set(decoder.decode(Uint8Array.of(b)), [b]);
  const leads = [
    ...Array.from({ length: 0x1f }, (_, i) => 0x81 + i),
    ...Array.from({ length: 0x1d }, (_, i) => 0xe0 + i),
  ];
  for (const lead of leads)
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      if (trail === 0x7f) continue;
      const ch = decoder.decode(Uint8Array.of(lead, trail));
      if (ch.length === 1 && ch !== '\uFFFD' && !table.has(ch)) table.set(ch, [lead, trail]);
    }
  return table;
})();

function sjis(text: string): Uint8Array {
  const bytes: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) bytes.push(code);
    else {
      const found = SJIS.get(ch);
      if (!found) throw new Error(`no Shift_JIS for ${ch}`);
      bytes.push(...found);
    }
  }
  return Uint8Array.from(bytes);
}

/** A double-byte Shift_JIS character QR Kanji mode can hold (0x8140–0x9FFC, 0xE040–0xEBBF). */
function kanjiCode(ch: string): number | null {
  const b = sjis(ch);
  if (b.length !== 2) return null;
  const code = (b[0]! << 8) | b[1]!;
  return (code >= 0x8140 && code <= 0x9ffc) || (code >= 0xe040 && code <= 0xebbf) ? code : null;
}

/** The text as a pharmacy printer's segments: runs of Kanji-mode characters, runs of Shift_JIS bytes. */
export function sjisSegments(text: string): QRCodeSegment[] {
  const segments: QRCodeSegment[] = [];
  let run = '';
  let kanji = false;
  const flush = () => {
    if (run === '') return;
    segments.push(kanji ? { mode: 'kanji', data: run } : { mode: 'byte', data: sjis(run) });
    run = '';
  };
  for (const ch of text) {
    const isKanji = kanjiCode(ch) !== null;
    if (run !== '' && isKanji !== kanji) flush();
    kanji = isKanji;
    run += ch;
  }
  flush();
  return segments;
}

const options = {
  errorCorrectionLevel: 'M' as const,
  toSJISFunc: (ch: string) => kanjiCode(ch) ?? 0,
};

/** The code's modules: size × size, true = dark. */
export function qrModules(text: string): { size: number; dark: (x: number, y: number) => boolean } {
  const { modules } = QRCode.create(sjisSegments(text), options);
  return { size: modules.size, dark: (x, y) => modules.get(y, x) === 1 };
}

/** A PNG of the code, as a photo of the print would give (plain: white margin, 6 px a module). */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(sjisSegments(text), { ...options, type: 'png', scale: 6, margin: 4 });
}

/** A picture of the camera video: these codes side by side on paper, this many frames long. */
export interface Scene {
  codes: readonly string[];
  frames: number;
}

/**
 * A Y4M video (`YUV4MPEG2` header, then `FRAME` + Y + U + V per frame, 4:2:0) of the scenes one after
 * the other; Chromium's fake camera plays it in a loop.
 */
export async function writeY4m(
  path: string,
  scenes: readonly Scene[],
  { width = 640, height = 480, fps = 5 } = {},
): Promise<void> {
  const PAPER = 235;
  const INK = 16;
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128);
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (const scene of scenes) {
    const luma = Buffer.alloc(width * height, PAPER);
    const codes = scene.codes.map(qrModules);
    const quiet = 4;
    const widest = Math.max(...codes.map((c) => c.size + 2 * quiet));
    // As large as the frame allows, whole pixels per module.
    const scale = Math.max(1, Math.floor(Math.min(width / (widest * codes.length), height / widest)));
    const slot = width / codes.length;
    codes.forEach((code, i) => {
      const side = code.size * scale;
      const left = Math.round(slot * i + (slot - side) / 2);
      const top = Math.round((height - side) / 2);
      for (let y = 0; y < code.size; y++)
        for (let x = 0; x < code.size; x++) {
          if (!code.dark(x, y)) continue;
          for (let dy = 0; dy < scale; dy++)
            luma.fill(
              INK,
              (top + y * scale + dy) * width + left + x * scale,
              (top + y * scale + dy) * width + left + (x + 1) * scale,
            );
        }
    });
    for (let f = 0; f < scene.frames; f++) parts.push(Buffer.from('FRAME\n'), luma, chroma);
  }
  await writeFile(path, Buffer.concat(parts));
}
