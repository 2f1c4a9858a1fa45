import { basename } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listFiles, NHO, NHO_BROKEN, TWINS } from '../test-support/samples.js';
import { formatFileName, parseFileName, type Ssmix2FileName, storageKey, timestampKey } from './file-name.js';

const sampleNames = [NHO, NHO_BROKEN, TWINS].flatMap((root) => listFiles(root).map((p) => basename(p)));

describe('parseFileName', () => {
  it('parses every sample file name and formats it back unchanged', () => {
    expect(sampleNames.length).toBe(52);
    for (const name of sampleNames) {
      const r = parseFileName(name);
      expect(r.ok, name).toBe(true);
      if (r.ok) expect(formatFileName(r.value)).toBe(name);
    }
  });

  it('reads the seven fields of an NHO lab result', () => {
    expect(parseFileName('9999013_20111220_OML-11_000000011000354_20111220103059000_01_1')).toEqual({
      ok: true,
      value: {
        patientId: '9999013',
        careDate: '20111220',
        dataType: 'OML-11',
        orderNo: '000000011000354',
        timestamp: '20111220103059000',
        department: '01',
        flag: '1',
      },
    });
  });

  it('accepts the - date, the - department, data types without suffix and 14-digit timestamps', () => {
    const r = parseFileName('1234567890_-_OMD_999999999999999_20240101120000_-_0');
    expect(r.ok && r.value).toMatchObject({ careDate: '-', dataType: 'OMD', department: '-', flag: '0' });
  });

  it.each([
    ['9999013_-_ADT-00_999999999999999_20111220224447339_-', 'FIELD_COUNT'],
    ['1234567890123456_-_ADT-00_999999999999999_20111220224447339_-_1', 'PATIENT_ID'],
    ['9999013_2011122_ADT-00_999999999999999_20111220224447339_-_1', 'CARE_DATE'],
    ['9999013_20110231_ADT-00_999999999999999_20111220224447339_-_1', 'CARE_DATE'],
    ['9999013_-_ADT00_999999999999999_20111220224447339_-_1', 'DATA_TYPE'],
    ['9999013_-_ADT-00_9999999999999999_20111220224447339_-_1', 'ORDER_NO'],
    ['9999013_-_ADT-00_999999999999999_2011122022444_-_1', 'TIMESTAMP'],
    ['9999013_-_ADT-00_999999999999999_201112202244473390_-_1', 'TIMESTAMP'],
    ['9999013_-_ADT-00_999999999999999_20111220254447339_-_1', 'TIMESTAMP'],
    ['9999013_-_ADT-00_999999999999999_20111220224447339_1_1', 'DEPARTMENT'],
    ['9999013_-_ADT-00_999999999999999_20111220224447339_1234_1', 'DEPARTMENT'],
    ['9999013_-_ADT-00_999999999999999_20111220224447339_-_3', 'CONDITION_FLAG'],
  ])('rejects %s with %s', (name, reason) => {
    const r = parseFileName(name);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });

  it('takes fields 5–7 from the right, so a specific key with _ parses in extended mode', () => {
    const r = parseFileName('9999013_20110701_OMP-02_123456789012345_01_001_20110701224603984_01_1', {
      extended: true,
    });
    expect(r.ok && r.value.orderNo).toBe('123456789012345_01_001');
    expect(parseFileName('9999013_20110701_OMP-02_123456789012345_01_001_20110701224603984_01_1').ok).toBe(
      false,
    );
  });
});

const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((a) => a.join(''));
const alnum = (min: number, max: number) =>
  fc
    .array(fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'), {
      minLength: min,
      maxLength: max,
    })
    .map((a) => a.join(''));
const day = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10).replaceAll('-', ''));
const fileName: fc.Arbitrary<Ssmix2FileName> = fc.record({
  patientId: alnum(1, 15),
  careDate: fc.oneof(fc.constant('-'), day),
  dataType: fc.oneof(
    fc.constant('OMD'),
    fc.tuple(fc.constantFrom('ADT', 'OMP', 'OML', 'OMG', 'PPR'), digits(2, 2)).map(([a, b]) => `${a}-${b}`),
  ),
  orderNo: alnum(1, 15),
  timestamp: fc
    .tuple(day, fc.integer({ min: 0, max: 235959 }), digits(0, 3))
    .filter(([, t]) => t % 100 < 60 && Math.floor(t / 100) % 100 < 60)
    .map(([d, t, f]) => `${d}${String(t).padStart(6, '0')}${f}`),
  department: fc.oneof(fc.constant('-'), alnum(2, 3)),
  flag: fc.constantFrom('0', '1', '2'),
});

describe('file-name round trip (property)', () => {
  it('parse(format(n)) = n and format(parse(s)) = s', () => {
    fc.assert(
      fc.property(fileName, (n) => {
        const s = formatFileName(n);
        const r = parseFileName(s);
        expect(r).toEqual({ ok: true, value: n });
        if (r.ok) expect(formatFileName(r.value)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('keys and timestamps', () => {
  it('pads timestamps so 15 and 17 digits compare in time order', () => {
    expect(timestampKey('201112202244473') < timestampKey('20111220224447339')).toBe(true);
    expect(timestampKey('20111220224448')).toBe('20111220224448000');
  });
  it('builds the storage key from the first four fields', () => {
    const r = parseFileName('9999013_20111220_OML-11_000000011000354_20111220103059000_01_1');
    expect(r.ok && storageKey(r.value)).toBe('9999013_20111220_OML-11_000000011000354');
  });
});
