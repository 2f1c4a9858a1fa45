/** The running header and footer of printed pages, as CSS (layout/Print.tsx puts it on the page). */

/** A CSS string literal (for `content:`): quotes, backslashes and line breaks escaped. */
export function cssString(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/[\r\n]+/g, ' ')}"`;
}

/**
 * The page-margin boxes of a printed page (CSS Paged Media; Chromium ≥ 131): on every sheet the
 * patient (name, reading, birth date) at the top left, the facility, the person printing and the
 * time at the top right, the document's title at the bottom left and "page / pages" at the bottom
 * right. Being in the margin, they repeat on every sheet and never cover a table row.
 */
export function printPageCss(parts: {
  patient: string;
  printedBy: string;
  title: string;
  pageLabel: string;
}): string {
  const box =
    'font-size: 7.5pt; color: #222; white-space: nowrap; font-family: "Noto Sans JP", "IPAGothic", sans-serif;';
  return `@media print {
  @page {
    @top-left { content: ${cssString(parts.patient || parts.title)}; ${box} }
    @top-right { content: ${cssString(parts.printedBy)}; ${box} }
    @bottom-left { content: ${cssString(parts.patient ? parts.title : '')}; ${box} }
    @bottom-right { content: counter(page) " / " counter(pages) ${cssString(parts.pageLabel)}; ${box} }
  }
}`;
}
