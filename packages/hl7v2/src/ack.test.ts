import { describe, expect, it } from 'vitest';
import { buildAck, parseHl7 } from './index.js';
import { NHO_OMP01, readSample } from './testing/samples.js';

describe('ACK / NAK', () => {
  const original = parseHl7(readSample(NHO_OMP01));
  if (!original.ok) throw new Error('sample must parse');
  const message = original.message;

  it('original mode AA: MSH swaps sender and receiver, MSA echoes MSH-10', () => {
    const ack = parseHl7(buildAck(message, { code: 'AA', dateTime: '20240101120000', controlId: 'A1' }));
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;
    const m = ack.message;
    expect(m.messageType).toEqual({ code: 'ACK', event: 'O11', structure: 'ACK' });
    expect([m.get('MSH-3'), m.get('MSH-4'), m.get('MSH-5'), m.get('MSH-6')]).toEqual([
      'GW',
      'RCV',
      'HIS123',
      'SEND',
    ]);
    expect(m.get('MSH-7')).toBe('20240101120000');
    expect(m.controlId).toBe('A1');
    expect(m.get('MSH-12')).toBe('2.5');
    expect(m.segments[0]!.raw(18)).toBe('~ISO IR87');
    expect([m.get('MSA-1'), m.get('MSA-2')]).toEqual(['AA', '20110701000001']);
    expect(m.segment('ERR')).toBeUndefined();
  });

  it('enhanced mode CR for a message that failed to parse carries the error location in ERR', () => {
    const failed = parseHl7('MSH|^~\\&|A|B|C|D|20240101||ADT^A08|7|P|2.5\rPID|1\rbad line\r');
    expect(failed.ok).toBe(false);
    if (failed.ok) return;
    const nak = parseHl7(buildAck(undefined, { code: 'CR', error: failed.error }));
    expect(nak.ok).toBe(true);
    if (!nak.ok) return;
    const m = nak.message;
    expect(m.get('MSA-1')).toBe('CR');
    expect(m.get('ERR-2.1')).toBe('bad');
    expect(m.get('ERR-2.2')).toBe('3');
    expect(m.get('ERR-3.1')).toBe('100');
    expect(m.get('ERR-4')).toBe('E');
    expect(m.get('ERR-5.1')).toBe('BAD_SEGMENT');
    expect(m.get('ERR-7')).toBe('line 3');
  });

  it('AE with field location and text that needs escaping', () => {
    const nak = parseHl7(
      buildAck(message, {
        code: 'AE',
        text: 'PID-3 | missing ^ here',
        error: { code: 'TRUNCATED', message: 'no PID-3', segment: 'PID', segmentIndex: 2, field: 3 },
      }),
    );
    if (!nak.ok) throw new Error(nak.error.message);
    expect(nak.message.get('MSA-3')).toBe('PID-3 | missing ^ here');
    expect(nak.message.get('ERR-2')).toBe('PID^2^3');
    expect(nak.message.get('ERR-8')).toBe('PID-3 | missing ^ here');
  });
});
