import { describe, expect, it } from 'vitest';
import { readLabMessage } from './hl7.js';
import { CLINIC, encode, labCentreText, NHO_LAB_RESULT, nhoForClinic, setField } from './testing.js';

const sourceName = 'kensa-20111220.hl7';
const read = (text: string) => readLabMessage(encode(text), { sourceName });
const issuesOf = (text: string) => {
  const r = read(text);
  if (r.ok) throw new Error('expected a refusal');
  return r.issues;
};

describe('readLabMessage', () => {
  it('reads the NHO OUL^R22 sample (ISO-2022-JP) sent to a clinic', () => {
    const r = readLabMessage(nhoForClinic(), { sourceName });
    expect(r).toMatchObject({
      ok: true,
      sourceName,
      controlId: '20111220131032',
      sendingFacility: 'KENSA01',
      clinicCode: CLINIC.institutionCode,
      patientId: '0001000052',
    });
    if (r.ok) expect(r.message.segmentsNamed('OBX')).toHaveLength(3);
  });

  it('reads the same message in Shift_JIS and UTF-8', () => {
    for (const charset of ['Shift_JIS', 'UTF-8'] as const) {
      const r = readLabMessage(nhoForClinic(charset), { sourceName });
      expect(r.ok && r.message.get('OBX[3]-3.2')).toBe('アルブミン');
    }
  });

  it('refuses garbage as lab-unparsable, with where it failed', () => {
    const r = readLabMessage(new TextEncoder().encode('%PDF-1.4 not a message'), { sourceName });
    expect(r).toEqual({
      ok: false,
      issues: [expect.objectContaining({ code: 'lab-unparsable', file: sourceName, line: 1 })],
    });
  });

  it('refuses bytes valid in no charset as lab-unparsable', () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('MSH|^~\\&|A|B|C|D|20240101||OUL^R22|1|P|2.5\rPID|1||'),
      0xff,
      0xfe,
    ]);
    const r = readLabMessage(bytes, { sourceName });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ code: 'lab-unparsable', file: sourceName });
  });

  it('refuses another message type as lab-not-a-result at MSH-9', () => {
    const text = setField(labCentreText(NHO_LAB_RESULT), 'MSH', 9, 'ADT^A08^ADT_A01');
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({ code: 'lab-not-a-result', file: sourceName, line: 1, field: 'MSH-9' }),
    ]);
  });

  it('refuses a message without PID-3 as lab-no-patient', () => {
    const text = setField(labCentreText(NHO_LAB_RESULT), 'PID', 3, '');
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({ code: 'lab-no-patient', line: 2, field: 'PID-3' }),
    ]);
  });

  it('refuses a message about several patients', () => {
    const text = labCentreText(NHO_LAB_RESULT).replace(/\r(PV1)/, '\rPID|0002||0001000099\r$1');
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({ code: 'lab-several-patients', line: 3, field: 'PID-3' }),
    ]);
  });

  it('refuses a message without MSH-6 or ORC-21.10 as lab-no-clinic at MSH-6', () => {
    const text = setField(labCentreText(NHO_LAB_RESULT), 'MSH', 6, '');
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({ code: 'lab-no-clinic', file: sourceName, line: 1, field: 'MSH-6' }),
    ]);
  });

  it('refuses an MSH-6 that is not a 10-digit code (the SS-MIX2 samples write RCV) rather than guess', () => {
    const text = setField(labCentreText(NHO_LAB_RESULT), 'MSH', 6, 'RCV');
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ code: 'lab-no-clinic', field: 'MSH-6' });
    expect(issue?.message).toContain("'RCV'");
  });

  it('falls back to ORC-21.10 when MSH-6 is empty', () => {
    let text = setField(labCentreText(NHO_LAB_RESULT), 'MSH', 6, '');
    text = setField(text, 'ORC', 21, '登呂クリニック^^^^^^^^^1312345678');
    const r = read(text);
    expect(r.ok && r.clinicCode).toBe('1312345678');
  });

  it('refuses an ORC-21.10 that names another clinic than MSH-6', () => {
    const text = setField(labCentreText(NHO_LAB_RESULT), 'ORC', 21, '別院^^^^^^^^^1398765432');
    expect(issuesOf(text)).toEqual([
      expect.objectContaining({ code: 'lab-clinic-mismatch', line: 6, field: 'ORC-21' }),
    ]);
  });

  it('refuses a message without MSH-4 (the record key names the lab centre)', () => {
    const text = setField(labCentreText(NHO_LAB_RESULT), 'MSH', 4, '');
    expect(issuesOf(text)).toEqual([expect.objectContaining({ code: 'lab-no-sender', field: 'MSH-4' })]);
  });

  it('reports every problem of a message at once', () => {
    let text = setField(labCentreText(NHO_LAB_RESULT), 'MSH', 6, '');
    text = setField(text, 'PID', 3, '');
    expect(issuesOf(text).map((i) => i.code)).toEqual(['lab-no-patient', 'lab-no-clinic']);
  });

  it('keeps parser warnings (LF separators) with the read message', () => {
    const r = readLabMessage(encode(labCentreText(NHO_LAB_RESULT).replaceAll('\r', '\n')), { sourceName });
    expect(r.ok && r.warnings.map((w) => w.code)).toEqual(['lab-hl7-segment-separator']);
  });
});
