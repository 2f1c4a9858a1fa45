import { describe, expect, it } from 'vitest';
import { identityOf } from './identity.js';

const row = {
  patient_id: '0001',
  name_kanji: '山田 太郎',
  name_kana: 'ヤマダ タロウ',
  birth_date: '1980-04-01',
  sex: 'male',
  postcode: '700-8558',
  address: '岡山県岡山市北区鹿田町',
  phone: '086-223-7151',
};

describe('identityOf', () => {
  it('speaks the hub’s terms: HL7 sex codes, full dates only, nothing empty', () => {
    expect(identityOf(row, '1.2.3')).toEqual({
      facilityOid: '1.2.3',
      localId: '0001',
      nameKanji: '山田 太郎',
      nameKana: 'ヤマダ タロウ',
      birthDate: '1980-04-01',
      sex: 'M',
      postcode: '700-8558',
      address: '岡山県岡山市北区鹿田町',
      phone: '086-223-7151',
    });
    expect(
      identityOf(
        {
          ...row,
          birth_date: '1980-04',
          sex: 'unknown',
          name_kana: null,
          postcode: null,
          address: '',
          phone: null,
        },
        '1.2.3',
      ),
    ).toEqual({ facilityOid: '1.2.3', localId: '0001', nameKanji: '山田 太郎', sex: 'U' });
    expect(identityOf({ ...row, sex: 'female' }, '1.2.3').sex).toBe('F');
    expect(identityOf({ ...row, sex: 'other' }, '1.2.3').sex).toBe('O');
    expect(identityOf({ ...row, sex: null }, '1.2.3')).not.toHaveProperty('sex');
  });
});
