// Test support (not built): real SS-MIX2 lab result samples, edited the way a lab centre would send them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Charset, encodeHl7Text, parseHl7 } from '@hie/hl7v2';

const SAMPLES = fileURLToPath(new URL('../../../../../fixtures/samples/ssmix2/', import.meta.url));

/** 国立病院機構 sample: OUL^R22, ISO-2022-JP, patient 0001000052, order 000000011000354, 3 OBX. */
export const NHO_LAB_RESULT =
  'nho/999/901/9999013/20111220/OML-11/9999013_20111220_OML-11_000000011000354_20111220103059000_01_1';
/** SS-MIX twins sample: OUL^R22, two SPM/OBR/ORC groups (血液学 2 OBX, 生化学 4 OBX). */
export const TWINS_LAB_RESULT =
  'synthetic-ssmixtwins/standard_root/860/561/8605612502/20240212/OML-11/8605612502_20240212_OML-11_000205216506810_20240212111422000_105_1';

export const CLINIC = {
  institutionCode: '1312345678',
  oid: '1.2.392.200284.13.1312345678',
  name: '登呂クリニック',
};

export function readLabSample(path: string): Uint8Array {
  return new Uint8Array(readFileSync(`${SAMPLES}${path}`));
}

/** The sample's text (segments separated by CR). */
export function sampleText(path: string): string {
  const parsed = parseHl7(readLabSample(path));
  if (!parsed.ok) throw new Error(`${path}: ${parsed.error.message}`);
  return parsed.message.toString();
}

/** Text → bytes in a charset (ISO-2022-JP as SS-MIX2 writes, Shift_JIS as many lab systems do). */
export function encode(text: string, charset: Charset = 'ISO-2022-JP'): Uint8Array {
  return encodeHl7Text(text, charset);
}

/** Sets field `n` (MSH numbering: MSH-1 is the separator) of the first segment with this name. */
export function setField(text: string, segment: string, n: number, value: string): string {
  const lines = text.split('\r');
  const at = lines.findIndex((l) => l.startsWith(`${segment}|`));
  if (at < 0) throw new Error(`no ${segment}`);
  const fields = lines[at]!.split('|');
  const index = segment === 'MSH' ? n - 1 : n;
  while (fields.length <= index) fields.push('');
  fields[index] = value;
  lines[at] = fields.join('|');
  return lines.join('\r');
}

/** The NHO sample as a lab centre sends it to clinic 1312345678 (MSH-4 the centre, MSH-6 the clinic). */
export function nhoForClinic(charset: Charset = 'ISO-2022-JP'): Uint8Array {
  return encode(labCentreText(NHO_LAB_RESULT), charset);
}

export function labCentreText(path: string): string {
  return setField(setField(sampleText(path), 'MSH', 4, 'KENSA01'), 'MSH', 6, CLINIC.institutionCode);
}

/**
 * A delivery in the example-kensa-v1 layout: two orders of two patients of clinic 1312345678, the rows
 * of order A100 split around B200's.
 */
export const CSV_HEADER =
  '医療機関コード,患者ID,依頼番号,採取日時(YYYYMMDDHHMM),JLAC10,項目コード,項目名,結果値,単位,基準値,異常フラグ';
export const CSV_ROWS: readonly string[] = [
  '1312345678,0001000052,A100,202402120915,3C015000002327101,K0012,クレアチニン,1.50,mg/dL,0.65-1.07,H',
  '1312345678,0001000052,A100,202402120915,3A010000002327101,K0001,総蛋白,6.8,g/dL,6.6～8.1,',
  '1312345678,0002000077,B200,202402121030,,K0900,"尿蛋白, 定性",陰性,,陰性,',
  '1312345678,0001000052,A100,202402120915,5C070000002306101,K0530,CRP,<0.03,mg/dL,<=0.14,',
];

/** The delivery as text, CRLF-separated as Windows writes it. */
export function exampleCsv(rows: readonly string[] = CSV_ROWS): string {
  return `${[CSV_HEADER, ...rows].join('\r\n')}\r\n`;
}
