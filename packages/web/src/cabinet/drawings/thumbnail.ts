/**
 * The PNG thumbnail sent with a drawing: the contract's SVG (the same the hub serves) drawn on an
 * offscreen canvas. Best effort: where a browser will not (an old Safari taints the canvas), none is
 * sent and the hub shows the SVG instead.
 */
import { DRAWING_LIMITS, type DrawingModel, renderDrawingSvg } from '@hie/contract';

/** The thumbnail's longer side, px. */
export const THUMBNAIL_SIZE = 360;

export async function renderThumbnail(model: DrawingModel, lang: 'ja' | 'en'): Promise<string | null> {
  try {
    const svg = renderDrawingSvg(model, { lang });
    const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
    try {
      const image = new Image();
      image.decoding = 'async';
      image.src = url;
      await image.decode();
      const scale = THUMBNAIL_SIZE / Math.max(model.canvas.width, model.canvas.height);
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(model.canvas.width * scale));
      canvas.height = Math.max(1, Math.round(model.canvas.height * scale));
      const context = canvas.getContext('2d');
      if (!context) return null;
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      const dataUrl = canvas.toDataURL('image/png');
      const base64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
      return dataUrl.startsWith('data:image/png') && (base64.length * 3) / 4 <= DRAWING_LIMITS.thumbnailBytes
        ? base64
        : null;
    } finally {
      URL.revokeObjectURL(url);
    }
  } catch {
    return null;
  }
}
