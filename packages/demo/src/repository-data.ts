// What the demo's small facilities send the repository: a pharmacy system's お薬手帳 data (JAHIS
// 電子版お薬手帳データフォーマット Ver.2.4 records, Shift_JIS, CR LF) and a lab centre's delivery in the
// repository's example CSV layout. Drug and test codes are real (レセ電 / YJ, JLAC10); people made up.
import { encodeHl7Text } from '@hie/hl7v2';

interface Person {
  personId: string;
  truth: {
    familyKanji: string;
    givenKanji: string;
    familyKana: string;
    givenKana: string;
    birthDate: string;
    sex: string;
  };
}

const crlf = (lines: readonly string[]) => `${lines.join('\r\n')}\r\n`;
const ymd = (d: string) => d.replaceAll('-', '');

/** One pharmacy visit of the person: two drugs prescribed by the clinic, with a 服薬指導 note. */
export function notebookFor(
  p: Person,
  at: { name: string; code: string; clinic: string; clinicCode: string },
): Buffer {
  const t = p.truth;
  const lines = [
    'JAHISTC08,1',
    `1,${t.familyKanji} ${t.givenKanji},${t.sex === 'F' ? 2 : 1},${ymd(t.birthDate)},,,,,,,${t.familyKana} ${t.givenKana}`,
    '5,20261102,1',
    `11,${at.name},${at.code.slice(0, 2)},${at.code.slice(2, 3)},${at.code.slice(3)},,,,1`,
    '15,吉備 薫,,1',
    `51,${at.clinic},${at.clinicCode.slice(0, 2)},${at.clinicCode.slice(2, 3)},${at.clinicCode.slice(3)},1`,
    '55,桃井 一郎,内科,1',
    '201,1,ｱﾑﾛｼﾞﾋﾟﾝOD錠5mg「ﾄｰﾜ」,1,錠,2,622224101,1,,,',
    '301,1,【分１ 朝食後服用】,28,日分,1,1,,1',
    '201,2,ランソプラゾールＯＤ錠１５ｍｇ,1,錠,4,2329023F2020,1,,,',
    '301,2,【分１ 朝食後服用】,28,日分,1,1,,1',
    '401,グレープフルーツジュースと一緒に飲まないでください。,1',
    '501,血圧手帳をつけ、次回受診時に持参してください。,1',
  ];
  return Buffer.from(encodeHl7Text(crlf(lines), 'Shift_JIS'));
}

const HEADER =
  '医療機関コード,患者ID,依頼番号,採取日時(YYYYMMDDHHMM),JLAC10,項目コード,項目名,結果値,単位,基準値,異常フラグ';

/** A lab centre's delivery for the clinic: creatinine, HbA1c and LDL of each patient, one order each. */
export function labDelivery(clinicCode: string, patientIds: readonly string[]): Buffer {
  const rows = patientIds.flatMap((id, i) => {
    const order = `MK${String(2611000 + i)}`;
    const at = `2026110${1 + (i % 9)}0930`;
    const cre = (0.62 + (i % 7) * 0.13).toFixed(2);
    const a1c = (5.6 + (i % 5) * 0.6).toFixed(1);
    const ldl = String(96 + (i % 6) * 17);
    return [
      `${clinicCode},${id},${order},${at},3C015000002327101,K0012,クレアチニン,${cre},mg/dL,0.46-1.07,${Number(cre) > 1.07 ? 'H' : ''}`,
      `${clinicCode},${id},${order},${at},3D046000001906202,K0310,HbA1c(NGSP),${a1c},%,4.9-6.0,${Number(a1c) > 6 ? 'H' : ''}`,
      `${clinicCode},${id},${order},${at},3F077000002327101,K0221,LDLコレステロール,${ldl},mg/dL,65-163,${Number(ldl) > 163 ? 'H' : ''}`,
    ];
  });
  return Buffer.from(encodeHl7Text(crlf([HEADER, ...rows]), 'Shift_JIS'));
}
