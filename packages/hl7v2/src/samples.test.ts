import { describe, expect, it } from 'vitest';
import { parseHl7 } from './index.js';
import { readPid, readSegments } from './segments/readers.js';
import {
  allHl7Samples,
  BROKEN_TWO_BYTES,
  NHO_ADT00,
  NHO_OML11,
  NHO_OMP01,
  readSample,
  sampleFiles,
} from './testing/samples.js';

const files = allHl7Samples();

function parsed(path: string) {
  const r = parseHl7(readSample(path));
  if (!r.ok) throw new Error(`${path}: ${r.error.code} ${r.error.message}`);
  return r;
}

describe('every HL7 v2 sample', () => {
  it('finds the SS-MIX2 trees (19 NHO, 3 broken, 30 synthetic)', () => {
    expect(files.filter((f) => f.startsWith('ssmix2/nho/'))).toHaveLength(19);
    expect(files.filter((f) => f.startsWith('ssmix2/nho-broken/'))).toHaveLength(3);
    expect(files.filter((f) => f.startsWith('ssmix2/synthetic-ssmixtwins/'))).toHaveLength(30);
  });

  it.each(files.filter((f) => f !== BROKEN_TWO_BYTES))('%s parses and re-encodes byte for byte', (path) => {
    const bytes = readSample(path);
    const r = parsed(path);
    expect(r.charset).toBe('ISO-2022-JP');
    expect(r.message.segments[0]!.name).toBe('MSH');
    expect(Buffer.from(r.message.toBytes()).equals(Buffer.from(bytes))).toBe(true);
    // The folder names the data type; MSH-9 must be one of the guideline's message types.
    expect(['ADT', 'PPR', 'OMD', 'RDE', 'RAS', 'OML', 'OUL', 'OMG', 'OMI', 'ORU']).toContain(
      r.message.messageType.code,
    );
    expect(r.warnings.filter((w) => w.code === 'CHARSET_MISMATCH')).toEqual([]);
  });

  it('the 2-byte file (0xFB 0xFC) fails with BAD_ENCODING', () => {
    const r = parseHl7(readSample(BROKEN_TWO_BYTES));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('BAD_ENCODING');
  });

  it('the other broken files parse (their defects are for the validator): PID-3 disagrees with the folder', () => {
    for (const path of sampleFiles('ssmix2/nho-broken').filter((f) => f.includes('/OMP-11/'))) {
      const m = parsed(path).message;
      expect(m.get('PID-3.1')).toBe('9999013');
      expect(m.segments.at(-1)!.fieldCount).toBe(0); // the tail of bare segment names
    }
  });

  it('ssmixtwins files: LF separators tolerated with a warning, no final terminator', () => {
    const synthetic = files.filter((f) => f.includes('synthetic-ssmixtwins'));
    for (const path of synthetic) {
      const r = parsed(path);
      expect(r.warnings.map((w) => w.code)).toContain('SEGMENT_SEPARATOR');
      expect(r.message.toString().endsWith('\n')).toBe(false);
    }
  });
});

describe('values the NHO files say', () => {
  it('ADT-00: names in kanji and kana picked by XPN.8, address with − normalised, phones, MSH-9', () => {
    const m = parsed(NHO_ADT00).message;
    expect(m.messageType).toEqual({ code: 'ADT', event: 'A08', structure: 'ADT_A01' });
    expect(m.controlId).toBe('20111220000001');
    // MSH-18's first repetition is empty (ASCII); the second names JIS X 0208.
    expect(m.get('MSH-18')).toBe('');
    expect(m.get('MSH-18[2]')).toBe('ISO IR87');
    expect(m.segments[0]!.raw(18)).toBe('~ISO IR87');
    expect(m.get('PID-5[1].1')).toBe('患者');
    expect(m.get('PID-5[2].2')).toBe('タロウ');
    const pid = readPid(m)!;
    expect(pid.patientId).toBe('9999013');
    expect(pid.ideographicName).toEqual({
      family: '患者',
      given: '太郎',
      nameType: 'L',
      representation: 'I',
    });
    expect(pid.phoneticName).toMatchObject({ family: 'カンジャ', given: 'タロウ', representation: 'P' });
    expect(pid.birthDate).toBe('19480405');
    expect(pid.sex).toBe('M');
    // The file holds JIS 0x215D; TextDecoder gives U+FF0D, we normalise to U+2212 as iconv does.
    expect(pid.addresses[0]).toMatchObject({
      postalCode: '422-8033',
      country: 'JPN',
      addressType: 'H',
      text: '静岡県静岡市登呂１\u2212３\u2212５',
    });
    expect(pid.homePhones.map((p) => [p.use, p.number])).toEqual([
      ['PRN', '054-000-0000'],
      ['EMR', '03-5999-9999'],
    ]);
    expect(pid.workPhones[0]?.number).toBe('03-3599-9993');
    expect(pid.lastUpdated).toBe('20111219121551');
    const obx = readSegments(m, 'OBX');
    expect(obx.map((o) => o.values[0])).toEqual(['167.8', '63.5', 'A^A^JSHR002']);
    expect(m.get('OBX[3]-5.3')).toBe('JSHR002');
    expect(obx[0]!.observationId).toEqual({ code: '9N001000000000001', text: '身長', system: 'JC10' });
    expect(obx[0]!.units).toEqual({ code: 'cm', text: 'cm', system: 'ISO+' });
    const nk1 = readSegments(m, 'NK1')[0]!;
    expect(nk1.addresses[1]?.text).toBe('東京都港区鹿ノ門６丁目３番３号');
    expect(nk1.relationship).toEqual({ code: 'SEL', text: '本人', system: 'HL70063' });
    expect(readSegments(m, 'PV1')[0]!.attendingDoctors[0]).toEqual({
      id: '220',
      family: '医師',
      given: '一郎',
      nameType: 'L',
      representation: 'I',
    });
  });

  it('OMP-01: TQ1-3 sub-components, RXE-19 CQ with a coded unit, repeating RXE-21', () => {
    const m = parsed(NHO_OMP01).message;
    expect(m.messageType).toEqual({ code: 'RDE', event: 'O11', structure: 'RDE_O11' });
    expect(m.get('TQ1-3.1.1')).toBe('1013044400000000');
    expect(m.get('TQ1-3.1.2')).toBe('内服・経口・１日３回朝昼夕食後');
    expect(m.get('TQ1[3]-3.1.3')).toBe('JAMISDP01');
    expect(m.get('TQ1[3]-3.1.2')).toBe('内服・経口・１日２回朝夕食後');
    expect(m.segmentsNamed('TQ1')).toHaveLength(3);
    const rxe = readSegments(m, 'RXE');
    expect(rxe.map((r) => r.giveCode?.code)).toEqual(['108665201', '110626901', '100607002']);
    expect(rxe[1]!.giveCode?.text).toBe('パンスポリンＴ錠（１００mg)');
    expect(rxe[0]!.totalDailyDose).toEqual({
      quantity: '3',
      unit: { code: 'TAB', text: '錠', system: 'MR9P' },
    });
    expect(rxe[0]!.dispensingInstructions.map((c) => c.code)).toEqual(['OHP', 'OHI']);
    const tq1 = readSegments(m, 'TQ1')[0]!;
    expect(tq1.repeatPatterns[0]).toEqual({
      code: '1013044400000000',
      text: '内服・経口・１日３回朝昼夕食後',
      system: 'JAMISDP01',
    });
    expect(tq1.serviceDuration).toEqual({ quantity: '5', unit: { code: 'd' } });
    expect(readSegments(m, 'ORC')[0]!.placerOrderNumber?.id).toBe('000000011000185');
    expect(readSegments(m, 'RXR')[0]!.route).toEqual({ code: 'PO', text: '口', system: 'HL70162' });
  });

  it('OML-11 (OUL^R22): SPM, OBR, then OBX values, units and ranges', () => {
    const m = parsed(NHO_OML11).message;
    expect(m.messageType.structure).toBe('OUL_R22');
    expect(m.segments.map((s) => s.name)).toEqual([
      'MSH',
      'PID',
      'PV1',
      'SPM',
      'OBR',
      'ORC',
      'OBX',
      'OBX',
      'OBX',
    ]);
    expect(m.get('SPM-17')).toBe('201112191500');
    expect(m.get('SPM-4.2')).toBe('血清');
    expect(m.get('OBX[2]-5')).toBe('7.2');
    expect(m.get('OBX[3]-3.2')).toBe('アルブミン');
    const obx = readSegments(m, 'OBX');
    expect(obx.map((o) => [o.observationId?.code, o.values[0], o.referenceRange])).toEqual([
      ['3A016000002327102', '1.7', '1.2-2.0'],
      ['3A010000002327101', '7.2', '6.70-8.3'],
      ['3A015000002327101', '4.9', '3.7-5.5'],
    ]);
    // OBR-16 writes the doctor's whole name in XCN.2.
    expect(readSegments(m, 'OBR')[0]!.orderingProvider[0]).toMatchObject({ id: '607', family: '医師一郎' });
  });

  it('synthetic set: XPN written one caret short still yields the representation', () => {
    const path = files.find((f) => f.includes('synthetic') && f.includes('/ADT-00/'))!;
    const pid = readPid(parsed(path).message)!;
    expect(pid.ideographicName?.representation).toBe('I');
    expect(pid.phoneticName?.family).toMatch(/^カリ/);
  });
});
