/**
 * What a printout says: a page printed to PDF by Chromium (`page.pdf`, the print media and the
 * page's own @page rules) read back as text by poppler's pdftotext, one PDF page at a time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { skipReason } from './harness';

/** Why PDFs cannot be read here, or null. In CI a missing pdftotext fails (`.ci/run` installs poppler-utils). */
export function pdfToolsMissing(): string | null {
  const found = spawnSync('pdftotext', ['-v'], { encoding: 'utf8' });
  if (!found.error) return null;
  const why = 'pdftotext not found (apt-get install poppler-utils)';
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`CI: ${why}`);
  return why;
}

export interface PrintedPdf {
  bytes: Buffer;
  /** The text of each page, in layout order (pdftotext -layout). */
  pages: string[];
}

/** Prints the page as the browser would (A4, the page's CSS) and reads every page's text. */
export async function printToPdf(page: Page): Promise<PrintedPdf> {
  // Background graphics off, as a browser's print dialog starts: the page's own colours must hold.
  // As a browser's print dialog does: `beforeprint` before the pages are laid out (lists that show a
  // page of rows print them all), `afterprint` after.
  await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
  const bytes = await page.pdf({ preferCSSPageSize: true, printBackground: false });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  const dir = await mkdtemp(join(tmpdir(), 'hie-pdf-'));
  try {
    const file = join(dir, 'print.pdf');
    await writeFile(file, bytes);
    const run = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`pdftotext failed: ${run.stderr}`);
    // pdftotext ends every page with a form feed.
    const pages = run.stdout.split('\f');
    if (pages.at(-1)?.trim() === '') pages.pop();
    return { bytes, pages };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let tools: { checked: boolean; missing: string | null } = { checked: false, missing: null };

/**
 * Keeps a printout for a person to look at (E2E_PDF_DIR), and gives its text; null where PDFs
 * cannot be read here (never in CI).
 */
export async function printed(page: Page, name: string): Promise<PrintedPdf | null> {
  if (!tools.checked) {
    tools = { checked: true, missing: skipReason ? null : pdfToolsMissing() };
    if (tools.missing) console.warn(`[e2e] printouts not read back: ${tools.missing}`);
  }
  if (tools.missing) return null;
  const pdf = await printToPdf(page);
  if (process.env.E2E_PDF_DIR) await writeFile(join(process.env.E2E_PDF_DIR, `${name}.pdf`), pdf.bytes);
  return pdf;
}
