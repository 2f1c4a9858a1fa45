import { describe, expect, it } from 'vitest';
import { ORIGINAL_TEXT_EXTENSION, resultValue } from './labs.js';

describe('result values', () => {
  it('shows the text the laboratory sent, and charts the number', () => {
    const sent = (text: string, value: number, comparator?: string) => ({
      valueQuantity: {
        extension: [{ url: ORIGINAL_TEXT_EXTENSION, valueString: text }],
        value,
        ...(comparator ? { comparator } : {}),
      },
    });
    expect(resultValue(sent('10.20', 10.2))).toEqual({ text: '10.20', number: 10.2 });
    expect(resultValue(sent('10.0', 10))).toEqual({ text: '10.0', number: 10 });
    expect(resultValue(sent('<0.03', 0.03, '<'))).toEqual({ text: '<0.03', number: null });
  });
  it('falls back to the number when no text was kept', () => {
    expect(resultValue({ valueQuantity: { value: 7.9 } })).toEqual({ text: '7.9', number: 7.9 });
    expect(resultValue({ valueQuantity: { value: 5, comparator: '>' } })).toEqual({
      text: '>5',
      number: null,
    });
    expect(resultValue({ valueString: '1+' })).toEqual({ text: '1+', number: null });
  });
});
