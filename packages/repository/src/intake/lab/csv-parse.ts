// CSV text → rows (RFC 4180 as Excel writes it): `,` between cells, `"` around a cell that holds a
// comma, quote or line break, `""` for a quote inside one. Each row keeps the line it starts on, so a
// refused row can be named the way the lab centre sees the file in a text editor.

export interface CsvRow {
  /** 1-based line the row starts on. */
  line: number;
  cells: string[];
}

export type CsvParse = { ok: true; rows: CsvRow[] } | { ok: false; line: number; message: string };

/** Rows of the text; blank lines are skipped. A cell is returned as written (not trimmed). */
export function parseCsv(text: string): CsvParse {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let quoteLine = 0;
  /** The cell was quoted and its closing quote read: only `,` or a line end may follow. */
  let closed = false;
  const endRow = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') rows.push({ line: rowLine, cells });
    cells = [];
    cell = '';
    closed = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
        closed = true;
      } else {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        cell += c;
      }
      continue;
    }
    if (c === ',') {
      cells.push(cell);
      cell = '';
      closed = false;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else if (closed) {
      return { ok: false, line, message: `'${c}' after the closing quote of a cell` };
    } else if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
    } else {
      // A quote inside an unquoted cell is kept as written (Excel does the same).
      cell += c;
    }
  }
  if (quoted) return { ok: false, line: quoteLine, message: 'a quoted cell is never closed' };
  if (cell !== '' || cells.length > 0 || closed) endRow();
  return { ok: true, rows };
}
