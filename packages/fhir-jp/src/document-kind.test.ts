import { DOCUMENT_CATEGORIES, DOCUMENT_KINDS } from '@hie/contract';
import { EXTENDED_DATA_TYPES, parseExtendedDataType } from '@hie/ssmix2';
import { describe, expect, it } from 'vitest';
import { type DocumentCategory, documentCategory } from './document-kind.js';

const folder = (name: string) => documentCategory(parseExtendedDataType(name));

describe('documentCategory: the disclosure category of an extended-storage document', () => {
  it('gives each folder the generator writes its own kind', () => {
    const expected: Record<keyof typeof EXTENDED_DATA_TYPES, DocumentCategory> = {
      DSUM: 'document-discharge-summary',
      NSUM: 'document-nursing-summary',
      OPRN: 'document-operative-note',
      PATR: 'document-pathology-report',
      MEDG: 'document-medication-guidance',
      REFL: 'document-referral',
      RADR: 'document-radiology-report',
    };
    expect(Object.keys(EXTENDED_DATA_TYPES).sort()).toEqual(Object.keys(expected).sort());
    for (const [code, kind] of Object.entries(expected)) {
      const t = parseExtendedDataType(EXTENDED_DATA_TYPES[code as keyof typeof expected]);
      expect(documentCategory(t), code).toBe(kind);
      // The same kind from the folder's LOINC code alone (where it has one), and from the local code
      // alone: neither depends on the words of the names.
      if (t.standardCode !== '') {
        expect(t.standardSystem, code).toBe('LN');
        expect(documentCategory({ ...t, localName: '文書', standardName: '' }), code).toBe(kind);
      }
      const bare = { ...t, localName: '文書', standardCode: '', standardName: '', standardSystem: '' };
      expect(documentCategory(bare), code).toBe(kind);
    }
    // 服薬指導記録 has no LOINC document code; all the others carry theirs.
    expect(parseExtendedDataType(EXTENDED_DATA_TYPES.MEDG).standardCode).toBe('');
    expect(parseExtendedDataType(EXTENDED_DATA_TYPES.NSUM).standardCode).toBe('34745-0');
    expect(parseExtendedDataType(EXTENDED_DATA_TYPES.OPRN).standardCode).toBe('11504-8');
    expect(parseExtendedDataType(EXTENDED_DATA_TYPES.PATR).standardCode).toBe('11526-1');
  });

  it('reads every kind the seed discloses separately from the names hospitals give their folders', () => {
    const named: Record<string, string> = {
      'MD01^医師記録（２号用紙）^99XYZ': 'document-physician-note',
      'PN^経過記録^99XYZ': 'document-physician-note',
      'NR^看護記録^99XYZ': 'document-nursing-note',
      'NS^退院時看護サマリー^99XYZ': 'document-nursing-summary',
      'NS2^看護サマリ^99XYZ': 'document-nursing-summary',
      'DS^退院サマリ^99XYZ': 'document-discharge-summary',
      'FS^経過表^99XYZ': 'document-flowsheet',
      'TMP^温度板^99XYZ': 'document-flowsheet',
      'OP^手術記録^99XYZ': 'document-operative-note',
      'OPR^手術レポート^99XYZ': 'document-operative-note',
      'PATH^病理検査レポート^99XYZ': 'document-pathology-report',
      'RR^放射線レポート^99XYZ': 'document-radiology-report',
      'RR2^読影レポート^99XYZ': 'document-radiology-report',
      'MG^服薬指導情報^99XYZ': 'document-medication-guidance',
      'MG2^薬剤管理指導記録^99XYZ': 'document-medication-guidance',
      'RF^診療情報提供書^99XYZ': 'document-referral',
      'RF2^紹介状^99XYZ': 'document-referral',
    };
    for (const [name, kind] of Object.entries(named)) expect(folder(name), name).toBe(kind);
    // Every kind of the contract is reachable (the catch-all aside).
    expect(new Set(Object.values(named))).toEqual(new Set(DOCUMENT_KINDS));
  });

  it('prefers a LOINC document code in the folder over the words of its names', () => {
    expect(folder('X1^文書^99XYZ^18842-5^Discharge summary^LN')).toBe('document-discharge-summary');
    expect(folder('X2^院内文書^99XYZ^57133-1^Referral note^LN')).toBe('document-referral');
    expect(folder('X3^報告書^99XYZ^11526-1^Pathology study^2.16.840.1.113883.6.1')).toBe(
      'document-pathology-report',
    );
    // A code of another system is not read as LOINC.
    expect(folder('X4^報告書^99XYZ^18842-5^?^99ABC')).toBe('document');
  });

  it('puts what matches no kind in the catch-all, never in a kind it might not be', () => {
    expect(folder('L-OBSERVATIONS^OBSERVATIONS^99ZL01')).toBe('document');
    expect(folder('CONSENT^同意書^99XYZ')).toBe('document');
    expect(folder('')).toBe('document');
    for (const f of ['', 'A^B', 'DSUM^退院時サマリ^99ZL01']) expect(DOCUMENT_CATEGORIES).toContain(folder(f));
  });
});
