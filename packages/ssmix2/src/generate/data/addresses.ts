/**
 * Real towns of Okayama (33) and Hiroshima (34) prefectures with their postcodes and telephone
 * area codes. Town and municipality names are real; postcodes follow Japan Post's table for the
 * town (spot-checked, not machine-verified). `weight` is a rough share of patients living there.
 * Street numbers (番地) are synthetic.
 */

export interface Town {
  readonly prefectureCode: '33' | '34';
  readonly prefecture: string;
  readonly city: string;
  readonly town: string;
  readonly postcode: string;
  readonly areaCode: string;
  /** How many digits the local exchange has (086-2xx-xxxx vs 0868-2x-xxxx). */
  readonly exchangeDigits: 2 | 3 | 4;
  readonly weight: number;
}

const ok = (city: string, town: string, postcode: string, areaCode: string, weight: number): Town => ({
  prefectureCode: '33',
  prefecture: '岡山県',
  city,
  town,
  postcode,
  areaCode,
  exchangeDigits: areaCode.length === 3 ? 3 : areaCode.length === 4 ? 2 : 4,
  weight,
});
const hi = (city: string, town: string, postcode: string, areaCode: string, weight: number): Town => ({
  ...ok(city, town, postcode, areaCode, weight),
  prefectureCode: '34',
  prefecture: '広島県',
});

export const TOWNS: readonly Town[] = [
  ok('岡山市北区', '駅元町', '700-0024', '086', 3),
  ok('岡山市北区', '奉還町', '700-0026', '086', 4),
  ok('岡山市北区', '伊福町', '700-0013', '086', 4),
  ok('岡山市北区', '津島中', '700-0082', '086', 4),
  ok('岡山市北区', '鹿田町', '700-0914', '086', 3),
  ok('岡山市北区', '表町', '700-0822', '086', 3),
  ok('岡山市北区', '中山下', '700-0821', '086', 3),
  ok('岡山市北区', '西古松', '700-0927', '086', 4),
  ok('岡山市北区', '今', '700-0975', '086', 4),
  ok('岡山市中区', '門田屋敷', '703-8275', '086', 3),
  ok('岡山市中区', '平井', '703-8282', '086', 4),
  ok('岡山市中区', '浜', '703-8256', '086', 3),
  ok('岡山市南区', '福富西', '702-8031', '086', 4),
  ok('岡山市南区', '西市', '700-0953', '086', 3),
  ok('岡山市東区', '西大寺中', '704-8116', '086', 3),
  ok('倉敷市', '阿知', '710-0055', '086', 4),
  ok('倉敷市', '美和', '710-0052', '086', 3),
  ok('倉敷市', '中央', '710-0046', '086', 3),
  ok('倉敷市', '老松町', '710-0826', '086', 4),
  ok('倉敷市', '連島中央', '712-8014', '086', 3),
  ok('倉敷市', '玉島', '713-8102', '086', 3),
  ok('倉敷市', '児島駅前', '711-0921', '086', 3),
  ok('津山市', '山下', '708-0022', '0868', 3),
  ok('津山市', '山北', '708-0004', '0868', 3),
  ok('津山市', '川崎', '708-0841', '0868', 2),
  ok('総社市', '中央', '719-1131', '0866', 3),
  ok('玉野市', '宇野', '706-0011', '0863', 2),
  ok('笠岡市', '笠岡', '714-0081', '0865', 2),
  ok('井原市', '井原町', '715-0019', '0866', 1),
  ok('新見市', '新見', '718-0011', '0867', 1),
  ok('備前市', '東片上', '705-0022', '0869', 1),
  ok('瀬戸内市', '邑久町尾張', '701-4221', '0869', 1),
  hi('広島市中区', '基町', '730-0011', '082', 3),
  hi('広島市中区', '大手町', '730-0051', '082', 3),
  hi('広島市中区', '紙屋町', '730-0031', '082', 2),
  hi('広島市南区', '松原町', '732-0822', '082', 3),
  hi('広島市南区', '皆実町', '734-0007', '082', 3),
  hi('広島市西区', '中広町', '733-0012', '082', 3),
  hi('広島市安佐南区', '緑井', '731-0103', '082', 3),
  hi('広島市東区', '光町', '732-0052', '082', 2),
  hi('福山市', '東桜町', '720-0065', '084', 3),
  hi('福山市', '三之丸町', '720-0066', '084', 2),
  hi('福山市', '春日町', '721-0907', '084', 3),
  hi('福山市', '三吉町', '720-0031', '084', 3),
  hi('尾道市', '土堂', '722-0035', '0848', 2),
  hi('呉市', '本通', '737-0045', '0823', 2),
  hi('三原市', '城町', '723-0014', '0848', 2),
  hi('府中市', '府中町', '726-0005', '0847', 1),
];

/** Mobile prefixes: about four in ten patients give a mobile number as their main contact. */
export const MOBILE_PREFIXES: readonly string[] = ['090', '080', '070'];
