/**
 * Drugs with HOT9 codes (MEDIS standard drug master). `verified: true` codes were checked against
 * a public source: the SS-MIX2 guideline samples (ダーゼン, パンスポリン, ソリタ－Ｔ３号, アドナ,
 * セルシン, キシロカイン, インジゴカルミン) or the JP FHIR terminology package (ノルバスク, ロキソニン,
 * ムコスタ, マグミット). The others are ILLUSTRATIVE: real product names with placeholder codes in a
 * `99…` range that no HOT9 code uses, so they cannot be mistaken for a different real drug.
 * Units and forms are MERIT-9 codes (MR9P).
 */

export type DrugKey = string;

export interface OralDrug {
  readonly key: DrugKey;
  readonly hot9: string;
  readonly name: string;
  /** MR9P unit of one dose, e.g. TAB 錠, CAP カプセル, G グラム. */
  readonly unit: readonly [code: string, name: string];
  /** MR9P dosage form when the guideline writes one (powders): RXE-6. */
  readonly form?: readonly [code: string, name: string];
  readonly dose: number;
  readonly usage: UsageKey;
  readonly verified: boolean;
}

/** JAMI standard usage codes (JAMISDP01) seen in the guideline samples and JP Core examples. */
export const USAGES = {
  morning: { code: '1011000400000000', text: '内服・経口・１日１回朝食後', timesPerDay: 1 },
  twice: { code: '1012040400000000', text: '内服・経口・１日２回朝夕食後', timesPerDay: 2 },
  thrice: { code: '1013044400000000', text: '内服・経口・１日３回朝昼夕食後', timesPerDay: 3 },
} as const;
export type UsageKey = keyof typeof USAGES;

const TAB = ['TAB', '錠'] as const;
const CAP = ['CAP', 'カプセル'] as const;

const oral = (
  key: DrugKey,
  hot9: string,
  name: string,
  dose: number,
  usage: UsageKey,
  verified = false,
  unit: readonly [string, string] = TAB,
): OralDrug => ({ key, hot9, name, unit, dose, usage, verified });

export const ORAL_DRUGS: Readonly<Record<DrugKey, OralDrug>> = Object.fromEntries(
  [
    oral('amlodipine', '103299401', 'ノルバスク錠５ｍｇ', 1, 'morning', true),
    oral('loxoprofen', '100988001', 'ロキソニン錠６０ｍｇ', 1, 'thrice', true),
    oral('rebamipide', '104528401', 'ムコスタ錠１００ｍｇ', 1, 'thrice', true),
    oral('magnesium', '114778001', 'マグミット錠３３０ｍｇ', 1, 'twice', true),
    oral('cefotiam', '110626901', 'パンスポリンＴ錠１００　１００ｍｇ', 2, 'thrice', true),
    oral('serrapeptase', '108665201', 'ダーゼン５ｍｇ錠', 1, 'thrice', true),
    oral('metformin', '990000101', 'メトグルコ錠２５０ｍｇ', 1, 'twice'),
    oral('sitagliptin', '990000201', 'ジャヌビア錠５０ｍｇ', 1, 'morning'),
    oral('glimepiride', '990000301', 'アマリール１ｍｇ錠', 1, 'morning'),
    oral('atorvastatin', '990000401', 'リピトール錠１０ｍｇ', 1, 'morning'),
    oral('rosuvastatin', '990000501', 'クレストール錠２．５ｍｇ', 1, 'morning'),
    oral('candesartan', '990000601', 'ブロプレス錠８　８ｍｇ', 1, 'morning'),
    oral('olmesartan', '990000701', 'オルメテック錠２０ｍｇ', 1, 'morning'),
    oral('febuxostat', '990000801', 'フェブリク錠２０ｍｇ', 1, 'morning'),
    oral('vonoprazan', '990000901', 'タケキャブ錠２０ｍｇ', 1, 'morning'),
    oral('esomeprazole', '990001001', 'ネキシウムカプセル２０ｍｇ', 1, 'morning', false, CAP),
    oral('apixaban', '990001101', 'エリキュース錠５ｍｇ', 1, 'twice'),
    oral('furosemide', '990001201', 'ラシックス錠２０ｍｇ', 1, 'morning'),
    oral('carvedilol', '990001301', 'アーチスト錠２．５ｍｇ', 1, 'twice'),
    oral('aspirin', '990001401', 'バイアスピリン錠１００ｍｇ', 1, 'morning'),
    oral('montelukast', '990001501', 'シングレア錠１０ｍｇ', 1, 'morning'),
    oral('fexofenadine', '990001601', 'アレグラ錠６０ｍｇ', 1, 'twice'),
    oral('acetaminophen', '990001701', 'カロナール錠２００　２００ｍｇ', 2, 'thrice'),
    oral('levofloxacin', '990001801', 'クラビット錠５００ｍｇ', 1, 'morning'),
    oral('cefcapene', '990001901', 'フロモックス錠１００ｍｇ', 1, 'thrice'),
    oral('oseltamivir', '990002001', 'タミフルカプセル７５', 1, 'twice', false, CAP),
    oral('valacyclovir', '990002101', 'バルトレックス錠５００　５００ｍｇ', 2, 'thrice'),
    oral('levothyroxine', '990002201', 'チラーヂンＳ錠５０μｇ', 1, 'morning'),
    oral('tamsulosin', '990002301', 'ハルナールＤ錠０．２ｍｇ', 1, 'morning'),
    oral('donepezil', '990002401', 'アリセプト錠５ｍｇ', 1, 'morning'),
    oral('zolpidem', '990002501', 'マイスリー錠５ｍｇ', 1, 'morning'),
    oral('eldecalcitol', '990002601', 'エディロールカプセル０．７５μｇ', 1, 'morning', false, CAP),
    oral('ferrous', '990002701', 'フェロミア錠５０ｍｇ', 1, 'twice'),
    oral('levodopa', '990002801', 'ネオドパストン配合錠Ｌ１００', 1, 'thrice'),
    oral('sertraline', '990002901', 'ジェイゾロフト錠２５ｍｇ', 1, 'morning'),
    oral('limaprost', '990003001', 'オパルモン錠５μｇ', 1, 'thrice'),
    oral('celecoxib', '990003101', 'セレコックス錠１００ｍｇ', 1, 'twice'),
    oral('nitroglycerin', '990003201', 'ニトロペン舌下錠０．３ｍｇ', 1, 'morning'),
    oral('tiotropium', '990003301', 'スピリーバ吸入用カプセル１８μｇ', 1, 'morning', false, CAP),
    oral('bisoprolol', '990003401', 'メインテート錠２．５ｍｇ', 1, 'morning'),
    oral('probiotic', '990003501', 'ビオフェルミン錠剤', 3, 'thrice'),
    oral('betahistine', '990003601', 'メリスロン錠６ｍｇ', 2, 'thrice'),
  ].map((d) => [d.key, d]),
);

/** Injectable drugs for OMP-02 / OMP-12 (RXC components). */
export interface InjectionDrug {
  readonly key: string;
  readonly hot9: string;
  readonly name: string;
  readonly unit: readonly [code: string, name: string];
  /** Volume in mL one unit adds to the bag. */
  readonly volumeMl: number;
  readonly verified: boolean;
}

const inj = (
  key: string,
  hot9: string,
  name: string,
  unit: readonly [string, string],
  volumeMl: number,
  verified = false,
): InjectionDrug => ({ key, hot9, name, unit, volumeMl, verified });

const HON = ['HON', '本'] as const;
const AMP = ['AMP', 'アンプル'] as const;
const VIL = ['VIL', 'バイアル'] as const;

export const INJECTION_DRUGS: Readonly<Record<string, InjectionDrug>> = Object.fromEntries(
  [
    inj('solitaT3', '620007329', 'ソリタ－Ｔ３号輸液５００ｍＬ', HON, 500, true),
    inj('adona', '620002559', 'アドナ注（静脈用）５０ｍｇ', AMP, 10, true),
    inj('saline100', '990100101', '大塚生食注１００ｍＬ', HON, 100),
    inj('ceftriaxone', '990100201', 'セフトリアキソンナトリウム静注用１ｇ', VIL, 0),
    inj('ampicillinSulbactam', '990100301', 'ユナシン－Ｓ静注用１．５ｇ', VIL, 0),
    inj('furosemideInj', '990100401', 'ラシックス注２０ｍｇ', AMP, 2),
    inj('vitaminB1', '990100501', 'ビタメジン静注用', VIL, 0),
  ].map((d) => [d.key, d]),
);

/** Drugs recorded during an endoscopy (OMG-12 OBX ZRD), verified from the guideline sample. */
export const ENDOSCOPY_DRUGS: readonly { hot9: string; name: string; amount: string }[] = [
  { hot9: '101682602', name: 'キシロカインスプレー', amount: '1^KAI&回&JSHR' },
  { hot9: '100555401', name: 'セルシン５ｍｇ', amount: '1^AMP&管&MR9P' },
  { hot9: '111963301', name: 'インジゴカルミン', amount: '1^KAI&回&JSHR' },
];
