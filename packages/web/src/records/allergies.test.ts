import { describe, expect, it } from 'vitest';
import type { AllergyBannerItem } from '../api/types';
import { mergeAllergies } from './allergies';

const JC10 = 'http://medis.or.jp/CodeSystem/master-JLAC10-17digits';
const OUH = '1.2.392.200119.6.102.13337';
const KCH = '1.2.392.200119.6.102.13338';

function item(facilityOid: string, id: string, o: Partial<AllergyBannerItem>): AllergyBannerItem {
  return {
    facilityOid,
    facilityName: facilityOid === OUH ? '岡山大学病院' : '倉敷中央病院',
    id,
    text: '不明',
    category: [],
    criticality: null,
    reactions: [],
    date: null,
    ...o,
  };
}

describe('allergies across facilities', () => {
  it('merges ハウスダスト with and without a reaction into one line with both sources', () => {
    const rows = mergeAllergies([
      item(OUH, 'a1', {
        text: 'ハウスダスト',
        codes: [{ system: JC10, code: '5A1102700023023' }],
        reactions: ['くしゃみ'],
        category: ['environment'],
      }),
      item(KCH, 'b1', {
        text: 'ハウスダスト',
        codes: [{ system: JC10, code: '5A1102700023023' }],
        reactions: ['記載なし'],
      }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      name: 'ハウスダスト',
      reactions: ['くしゃみ'],
      categories: ['environment'],
    });
    expect(rows[0]?.sources.map((s) => s.facilityName).sort()).toEqual(
      ['倉敷中央病院', '岡山大学病院'].sort(),
    );
  });

  it('joins by code across different writings, and by name where one facility sent no code', () => {
    const rows = mergeAllergies([
      item(OUH, 'a', {
        text: 'ソバ',
        codes: [{ system: JC10, code: '5A1002411023006' }],
        reactions: ['湿疹'],
      }),
      item(KCH, 'b', {
        text: 'そば（蕎麦）',
        codes: [{ system: JC10, code: '5A1002411023006' }],
        reactions: ['蕁麻疹'],
      }),
      item(KCH, 'c', { text: 'ソバ ', reactions: ['湿疹'], criticality: 'high' }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'ソバ', reactions: ['湿疹', '蕁麻疹'], criticality: 'high' });
    expect(rows[0]?.sources).toHaveLength(3);
  });

  it('keeps two facilities’ local codes apart when their names differ, and different allergens apart', () => {
    const local = (oid: string) => `urn:ssmix2:${oid === OUH ? '3310000001' : '3310000002'}:codesystem:99ALG`;
    const rows = mergeAllergies([
      item(OUH, 'a', { text: 'ペニシリン系抗菌薬', codes: [{ system: local(OUH), code: 'D001' }] }),
      item(KCH, 'b', { text: 'ヨード造影剤', codes: [{ system: local(KCH), code: 'D001' }] }),
      item(KCH, 'c', {
        text: 'ペニシリン系抗菌薬',
        codes: [{ system: local(KCH), code: 'D009' }],
        criticality: 'high',
      }),
    ]);
    expect(rows.map((r) => [r.name, r.sources.map((s) => s.id)])).toEqual([
      ['ペニシリン系抗菌薬', ['a', 'c']],
      ['ヨード造影剤', ['b']],
    ]);
    // The most critical first.
    expect(rows[0]?.criticality).toBe('high');
  });

  it('a report sharing the code with one line and the name with another joins both', () => {
    const rows = mergeAllergies([
      item(OUH, 'a', { text: 'スギ', codes: [{ system: JC10, code: '5A1002216023023' }] }),
      item(KCH, 'b', { text: 'スギ花粉' }),
      item(KCH, 'c', { text: 'スギ花粉', codes: [{ system: JC10, code: '5A1002216023023' }] }),
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sources.map((s) => s.id).sort()).toEqual(['a', 'b', 'c']);
  });
});
