import { describe, expect, it } from 'vitest';
import { cssString, printPageCss } from './print';

describe('the running header and footer of a printout', () => {
  it('quotes any name safely: a quote or backslash in a name cannot end the CSS string', () => {
    expect(cssString('山田 太郎')).toBe('"山田 太郎"');
    expect(cssString('a"b\\c\nd')).toBe('"a\\"b\\\\c d"');
    // What a hostile name would need to break out of the rule stays inside the string.
    const css = printPageCss({
      patient: '"; } body { display: none } @page { x: "',
      printedBy: 'p',
      title: 't',
      pageLabel: ' ページ',
    });
    expect(css).toContain('content: "\\"; } body { display: none } @page { x: \\""');
    expect(css.match(/\{/g)?.length).toBe(css.match(/\}/g)?.length);
  });

  it('puts the patient, who printed and when, the title and "page / pages" in the page margins', () => {
    const css = printPageCss({
      patient: '中島 洋平（ナカジマ ヨウヘイ） 1979/01/27生',
      printedBy: 'ももたろう内科クリニック　桃井 一郎　印刷 2025/06/15 10:00',
      title: '受診歴',
      pageLabel: ' ページ',
    });
    expect(css).toMatch(/@media print \{\s+@page \{/);
    expect(css).toContain('@top-left { content: "中島 洋平（ナカジマ ヨウヘイ） 1979/01/27生";');
    expect(css).toContain(
      '@top-right { content: "ももたろう内科クリニック　桃井 一郎　印刷 2025/06/15 10:00";',
    );
    expect(css).toContain('@bottom-left { content: "受診歴";');
    expect(css).toContain('@bottom-right { content: counter(page) " / " counter(pages) " ページ";');
    // Without a patient (an office list) the title takes the top left.
    const plain = printPageCss({ patient: '', printedBy: 'x', title: '利用統計', pageLabel: '' });
    expect(plain).toContain('@top-left { content: "利用統計";');
    expect(plain).toContain('@bottom-left { content: "";');
  });
});
