import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv-parse.js';

describe('parseCsv', () => {
  it('splits cells and rows, keeping quoted commas, quotes and line breaks', () => {
    expect(parseCsv('a,"b,1","say ""hi"""\r\n"two\nlines",x\n\nlast,')).toEqual({
      ok: true,
      rows: [
        { line: 1, cells: ['a', 'b,1', 'say "hi"'] },
        { line: 2, cells: ['two\nlines', 'x'] },
        { line: 5, cells: ['last', ''] },
      ],
    });
  });

  it('keeps a quote inside an unquoted cell as written', () => {
    expect(parseCsv('5"3,x')).toEqual({ ok: true, rows: [{ line: 1, cells: ['5"3', 'x'] }] });
  });

  it('refuses text after a closing quote and a quote never closed, at their line', () => {
    expect(parseCsv('a\n"b"c,d')).toMatchObject({ ok: false, line: 2 });
    expect(parseCsv('a\nb,"c\nd')).toMatchObject({
      ok: false,
      line: 2,
      message: 'a quoted cell is never closed',
    });
  });
});
