// bench/mpi's name space: the SS-MIX2 generator's tables (the ~124 most frequent surnames and 16
// given names per sex and birth era) are the head of a realistic distribution, not all of it. Real
// Japan has >100,000 surnames (the top 100 cover about a third of the population, the top 10,000
// about 90 %) and, per sex and birth era, thousands of given names (the most common one rarely
// passes 1–2 %). Names shared by chance (same reading, birth date and sex) drive false links, so a
// bench with too few names measures its own generator, not the matcher.
//
// Here: the generator's head, then a hand-written list of further real surnames (common nationally
// and in Okayama), then a long tail of compounds of real surname parts (山+崎, 松+岡 …) that read
// like real surnames; given names likewise from real heads and endings (健+一, 美+穂 …). Weights
// follow a rank-frequency curve fitted to public surname rankings: w(r) ∝ r^-0.5 up to rank 100,
// then ∝ r^-1.1 (rank 1,000 ≈ 15,000 bearers nationally, rank 10,000 ≈ 1,000). Given names:
// w(r) ∝ r^-0.7 within sex and era, with era taste (…子 common before 1970, rare after 1990).
import { eraOfBirthYear, GIVEN_NAMES, rngFor, SURNAMES } from '@hie/ssmix2';

const split = (text) =>
  text
    .trim()
    .split(/\s+/)
    .map((pair) => {
      const [kanji, kana] = pair.split(':');
      return { kanji, kana };
    });

// Further real surnames with their usual readings (ranks ~125–450 nationally, and Okayama names).
const MORE_SURNAMES = split(`
大西:オオニシ 松下:マツシタ 西田:ニシダ 岩田:イワタ 福井:フクイ 中田:ナカタ 古川:フルカワ 久保田:クボタ
望月:モチヅキ 北村:キタムラ 平田:ヒラタ 東:ヒガシ 川口:カワグチ 辻:ツジ 荒木:アラキ 松岡:マツオカ
大島:オオシマ 桜井:サクライ 安田:ヤスダ 上原:ウエハラ 浅野:アサノ 星野:ホシノ 田口:タグチ 大久保:オオクボ
関:セキ 川村:カワムラ 西川:ニシカワ 松浦:マツウラ 永井:ナガイ 岩本:イワモト 水野:ミズノ 小松:コマツ
内藤:ナイトウ 吉川:ヨシカワ 山内:ヤマウチ 服部:ハットリ 田辺:タナベ 熊谷:クマガイ 桑原:クワバラ 野田:ノダ
本田:ホンダ 秋山:アキヤマ 大谷:オオタニ 杉本:スギモト 中西:ナカニシ 川上:カワカミ 岡崎:オカザキ 樋口:ヒグチ
菊池:キクチ 山中:ヤマナカ 松村:マツムラ 小池:コイケ 黒田:クロダ 尾崎:オザキ 五十嵐:イガラシ 荒井:アライ
高野:タカノ 永田:ナガタ 飯田:イイダ 宮田:ミヤタ 堀:ホリ 須藤:ストウ 石原:イシハラ 小沢:オザワ
吉村:ヨシムラ 大石:オオイシ 西山:ニシヤマ 松原:マツバラ 川崎:カワサキ 土屋:ツチヤ 河合:カワイ 堀内:ホリウチ
早川:ハヤカワ 池田:イケダ 小西:コニシ 篠原:シノハラ 青山:アオヤマ 根本:ネモト 小田:オダ 宮下:ミヤシタ
北川:キタガワ 高山:タカヤマ 中尾:ナカオ 内山:ウチヤマ 岡:オカ 川端:カワバタ 細川:ホソカワ 今村:イマムラ
伊東:イトウ 平井:ヒライ 足立:アダチ 福島:フクシマ 野崎:ノザキ 杉浦:スギウラ 大川:オオカワ 富田:トミタ
小泉:コイズミ 奥村:オクムラ 長田:ナガタ 中谷:ナカタニ 西尾:ニシオ 堀田:ホッタ 川田:カワタ 吉岡:ヨシオカ
今野:コンノ 坂口:サカグチ 大橋:オオハシ 宮川:ミヤガワ 荒川:アラカワ 松永:マツナガ 片岡:カタオカ 川島:カワシマ
三上:ミカミ 浅井:アサイ 南:ミナミ 稲垣:イナガキ 堀江:ホリエ 石橋:イシバシ 関口:セキグチ 梅田:ウメダ
福本:フクモト 鈴村:スズムラ 森本:モリモト 上村:ウエムラ 小谷:コタニ 大山:オオヤマ 西本:ニシモト 森下:モリシタ
田島:タジマ 古田:フルタ 中澤:ナカザワ 矢野:ヤノ 谷:タニ 竹田:タケダ 小森:コモリ 岩井:イワイ
沼田:ヌマタ 松山:マツヤマ 吉野:ヨシノ 山岸:ヤマギシ 白石:シライシ 寺田:テラダ 山根:ヤマネ 林田:ハヤシダ
小倉:オグラ 石塚:イシヅカ 今田:イマダ 松島:マツシマ 宮内:ミヤウチ 新田:ニッタ 田代:タシロ 宇野:ウノ
竹中:タケナカ 木内:キウチ 西野:ニシノ 大平:オオヒラ 中嶋:ナカシマ 冨田:トミタ 辻本:ツジモト 西岡:ニシオカ
大竹:オオタケ 宮原:ミヤハラ 植田:ウエダ 奥田:オクダ 金田:カネダ 岡野:オカノ 三好:ミヨシ 溝口:ミゾグチ
八木:ヤギ 豊田:トヨダ 米田:ヨネダ 堤:ツツミ 羽田:ハタ 北野:キタノ 坂田:サカタ 笠原:カサハラ
西原:ニシハラ 大井:オオイ 畑中:ハタナカ 森山:モリヤマ 成田:ナリタ 安部:アベ 小原:オハラ 福永:フクナガ
高井:タカイ 牧野:マキノ 梶原:カジワラ 柳田:ヤナギダ 木原:キハラ 水谷:ミズタニ 村井:ムライ 内藤:ナイトウ
吉原:ヨシハラ 松川:マツカワ 戸田:トダ 末永:スエナガ 杉田:スギタ 日高:ヒダカ 岩瀬:イワセ 池上:イケガミ
坂井:サカイ 本間:ホンマ 萩原:ハギワラ 栗原:クリハラ 平山:ヒラヤマ 関根:セキネ 横田:ヨコタ 小松原:コマツバラ
岡村:オカムラ 宮井:ミヤイ 三木:ミキ 野上:ノガミ 國安:クニヤス 塩見:シオミ 蜂谷:ハチヤ 草野:クサノ
赤沢:アカザワ 池本:イケモト 石岡:イシオカ 板野:イタノ 井原:イハラ 植木:ウエキ 鵜川:ウカワ 宇垣:ウガキ
大饗:オオアエ 岡部:オカベ 小椋:オグラ 鎌田:カマダ 亀山:カメヤマ 河本:カワモト 神崎:カンザキ 木山:キヤマ
黒住:クロズミ 小坂:コサカ 小橋:コバシ 坂手:サカテ 笹井:ササイ 塩田:シオタ 重松:シゲマツ 新谷:シンタニ
須田:スダ 千田:センダ 高原:タカハラ 武本:タケモト 立石:タテイシ 田淵:タブチ 津田:ツダ 徳田:トクダ
戸川:トガワ 内藤:ナイトウ 仲田:ナカダ 中桐:ナカギリ 那須:ナス 西江:ニシエ 野田:ノダ 則武:ノリタケ
萩野:ハギノ 橋口:ハシグチ 花房:ハナフサ 馬場:ババ 坂東:バンドウ 日笠:ヒガサ 藤沢:フジサワ 藤森:フジモリ
細谷:ホソヤ 槙原:マキハラ 正木:マサキ 松元:マツモト 万代:マンダイ 水島:ミズシマ 光岡:ミツオカ 宮武:ミヤタケ
三村:ミムラ 虫明:ムシアケ 森岡:モリオカ 矢吹:ヤブキ 山形:ヤマガタ 山上:ヤマガミ 行本:ユキモト 横溝:ヨコミゾ
吉永:ヨシナガ 頼定:ヨリサダ 若林:ワカバヤシ 渡部:ワタナベ 和気:ワケ 有森:アリモリ 粟井:アワイ 一色:イッシキ
`);

// Real surname parts: a head and an ending combine into a plausible surname (many are real).
const SURNAME_HEADS = split(`
山:ヤマ 川:カワ 中:ナカ 小:コ 大:オオ 高:タカ 石:イシ 松:マツ 竹:タケ 森:モリ 林:ハヤシ 藤:フジ
岡:オカ 田:タ 村:ムラ 木:キ 井:イ 上:ウエ 下:シモ 西:ニシ 東:ヒガシ 北:キタ 南:ミナミ 野:ノ
原:ハラ 宮:ミヤ 吉:ヨシ 杉:スギ 長:ナガ 浅:アサ 青:アオ 赤:アカ 黒:クロ 白:シラ 金:カネ
今:イマ 平:ヒラ 古:フル 新:ニイ 秋:アキ 春:ハル 梅:ウメ 桜:サクラ 菊:キク 柳:ヤナギ 堀:ホリ
坂:サカ 岩:イワ 池:イケ 島:シマ 沢:サワ 福:フク 富:トミ 安:ヤス 永:ナガ 広:ヒロ 久:ク 三:ミ
石:イシ 角:カド 寺:テラ 宇:ウ 桑:クワ 栗:クリ 稲:イナ 米:ヨネ 芦:アシ 荻:オギ 萩:ハギ 横:ヨコ
`);
const SURNAME_ENDS = split(`
田:ダ 本:モト 口:グチ 崎:ザキ 川:カワ 野:ノ 村:ムラ 井:イ 上:ウエ 下:シタ 島:シマ 原:ハラ
山:ヤマ 木:キ 谷:タニ 沢:サワ 岡:オカ 部:ベ 内:ウチ 尾:オ 藤:フジ 浦:ウラ 宮:ミヤ 江:エ
森:モリ 林:バヤシ 橋:ハシ 池:イケ 松:マツ 瀬:セ 間:マ 坂:サカ 元:モト 城:シロ 倉:クラ 根:ネ
畑:ハタ 塚:ヅカ 戸:ド 垣:ガキ 石:イシ 堀:ボリ 浜:ハマ 越:コシ 家:ヤ 住:ズミ 安:ヤス 房:フサ
`);

// Given-name heads and endings (real names are mostly a head and an ending: 健+一, 和+彦, 美+穂).
const MALE_HEADS = split(`
健:ケン 和:カズ 正:マサ 秀:ヒデ 英:ヒデ 光:ミツ 義:ヨシ 雅:マサ 隆:タカ 孝:タカ 信:ノブ 俊:トシ
幸:ユキ 康:ヤス 浩:ヒロ 弘:ヒロ 博:ヒロ 宏:ヒロ 裕:ユウ 祐:ユウ 勇:ユウ 雄:ユウ 賢:ケン 謙:ケン
達:タツ 竜:リュウ 龍:リュウ 亮:リョウ 良:リョウ 晃:アキ 明:アキ 昭:アキ 哲:テツ 徹:テツ 清:キヨ 茂:シゲ
重:シゲ 勝:カツ 克:カツ 武:タケ 剛:ゴウ 豪:ゴウ 伸:シン 真:シン 慎:シン 進:シン 純:ジュン 淳:ジュン
智:トモ 友:トモ 知:トモ 直:ナオ 尚:ナオ 大:ダイ 拓:タク 卓:タク 敏:トシ 利:トシ 輝:テル 照:テル
悠:ユウ 優:ユウ 翔:ショウ 将:ショウ 正:ショウ 陽:ハル 晴:ハル 春:ハル 航:コウ 浩:コウ 康:コウ 耕:コウ
修:シュウ 秀:シュウ 周:シュウ 晋:シン 恭:キョウ 圭:ケイ 啓:ケイ 敬:ケイ 慶:ケイ 貴:タカ 崇:タカ 嘉:ヨシ
`);
const MALE_ENDS = split(`
一:イチ 二:ジ 三:ゾウ 夫:オ 男:オ 雄:オ 彦:ヒコ 樹:キ 也:ヤ 哉:ヤ 人:ト 斗:ト 介:スケ 輔:スケ
太:タ 平:ヘイ 司:ジ 之:ユキ 行:ユキ 明:アキ 治:ジ 郎:ロウ 一郎:イチロウ 太郎:タロウ 次:ジ 生:オ
史:シ 志:シ 典:ノリ 紀:ノリ 久:ヒサ 信:ノブ 弘:ヒロ 洋:ヒロ 晃:アキ 文:フミ 広:ヒロ 吾:ゴ
`);
const FEMALE_HEADS = split(`
美:ミ 恵:エ 由:ユ 真:マ 智:トモ 久:ク 明:アケ 幸:サチ 京:キョウ 和:カズ 洋:ヨウ 裕:ユウ
直:ナオ 典:ノリ 順:ジュン 純:ジュン 陽:ヨウ 春:ハル 秋:アキ 千:チ 友:トモ 文:フミ 節:セツ 静:シズ
信:ノブ 澄:スミ 弘:ヒロ 貴:タカ 悦:エツ 安:ヤス 佳:ヨシ 喜:キ 則:ノリ 敏:トシ 紀:キ 礼:レイ
麻:マ 沙:サ 紗:サ 早:サ 奈:ナ 菜:ナ 里:リ 莉:リ 優:ユ 結:ユイ 彩:アヤ 綾:アヤ 香:カ 桃:モモ
亜:ア 理:リ 絵:エ 瑞:ミズ 芳:ヨシ 富:トミ 光:ミツ 照:テル 清:キヨ 雪:ユキ 花:ハナ 千代:チヨ
`);
const FEMALE_ENDS = split(`
子:コ 美:ミ 恵:エ 香:カ 代:ヨ 江:エ 奈:ナ 穂:ホ 里:リ 佳:カ 花:カ 菜:ナ 乃:ノ 緒:オ 希:キ 実:ミ
世:ヨ 枝:エ 絵:エ 華:カ 沙:サ 紀:キ 帆:ホ 音:ネ 衣:イ 葉:ハ 那:ナ 織:オリ 歩:ホ 依:イ
`);

const ERAS = ['pre1950', '1950s', '1970s', '1990s', '2010s'];
/** How an ending's popularity changed by birth era (…子 before 1970; …斗, …音 after 1990). */
const ERA_TASTE = {
  子: [6, 5, 1.5, 0.3, 0.15],
  郎: [3, 2, 1, 0.8, 0.6],
  夫: [3, 2, 0.6, 0.2, 0.1],
  男: [3, 2, 0.6, 0.2, 0.1],
  雄: [3, 2, 0.8, 0.3, 0.2],
  代: [3, 2, 0.5, 0.2, 0.2],
  江: [3, 2, 0.6, 0.2, 0.2],
  枝: [3, 1.5, 0.4, 0.1, 0.1],
  斗: [0.1, 0.2, 0.5, 2, 3],
  音: [0.1, 0.2, 0.5, 2, 3],
  菜: [0.2, 0.3, 1, 2, 3],
  那: [0.1, 0.2, 0.5, 1.5, 2],
  翔: [0.1, 0.2, 0.6, 2, 2],
  優: [0.2, 0.3, 0.6, 2, 2],
  悠: [0.2, 0.3, 0.6, 2, 2],
  陽: [0.4, 0.5, 0.8, 1.5, 2.5],
  結: [0.1, 0.2, 0.5, 1.5, 2.5],
};
const taste = (name, era) => {
  const i = ERAS.indexOf(era);
  let t = 1;
  for (const ch of [...name]) t *= ERA_TASTE[ch]?.[i] ?? 1;
  return t;
};

/** A deterministic shuffle (a name's rank in the tail is arbitrary, but fixed). */
function shuffled(items, stream) {
  const rng = rngFor(20261126, 'mpi-names', stream);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function compounds(heads, ends) {
  const out = [];
  for (const h of heads)
    for (const e of ends)
      if (h.kanji !== e.kanji) out.push({ kanji: h.kanji + e.kanji, kana: h.kana + e.kana });
  return out;
}

/** Distinct by written form (the first reading wins: 中島 ナカジマ, not a compound's ナカシマ). */
function distinct(items) {
  const seen = new Set();
  return items.filter((n) => !seen.has(n.kanji) && seen.add(n.kanji));
}

const surnameWeight = (rank) => (rank <= 100 ? 187 * rank ** -0.5 : 18.7 * (rank / 100) ** -1.1);

/** Surnames, most frequent first, with weights (≈ ten-thousands of bearers nationally). */
export const BENCH_SURNAMES = (() => {
  const head = [...SURNAMES].sort((a, b) => b.weight - a.weight);
  const tail = distinct([
    ...head,
    ...MORE_SURNAMES,
    ...shuffled(compounds(SURNAME_HEADS, SURNAME_ENDS), 'surnames'),
  ]);
  return tail.map((n, i) => ({
    kanji: n.kanji,
    kana: n.kana,
    weight: i < head.length ? n.weight : surnameWeight(i + 1),
  }));
})();

/** Given names per sex and era: the generator's list first, then the compounds, Zipf-weighted. */
export const BENCH_GIVEN_NAMES = (() => {
  const out = { M: {}, F: {} };
  for (const sex of ['M', 'F']) {
    const pool = sex === 'M' ? compounds(MALE_HEADS, MALE_ENDS) : compounds(FEMALE_HEADS, FEMALE_ENDS);
    const singles =
      sex === 'M'
        ? MALE_HEADS
        : FEMALE_HEADS.filter((h) => h.kana.length >= 2).map((h) => ({ kanji: h.kanji, kana: h.kana }));
    for (const era of ERAS) {
      const head = [...GIVEN_NAMES[sex][era]].sort((a, b) => b.weight - a.weight);
      const all = distinct([...head, ...shuffled([...pool, ...singles], `${sex}${era}`)]);
      // The head keeps its top ranks; everything else is weighted by rank and era taste.
      out[sex][era] = all.map((n, i) => ({
        kanji: n.kanji,
        kana: n.kana,
        weight: (i + 1) ** -0.7 * (i < head.length ? 1 : taste(n.kanji, era)),
      }));
    }
  }
  return out;
})();

export { eraOfBirthYear };

/** Figures of the name space, printed by the bench: distinct names, head shares, chance two agree. */
export function nameSpaceFigures() {
  const share = (list) => {
    const total = list.reduce((s, n) => s + n.weight, 0);
    return list.map((n) => n.weight / total);
  };
  const collision = (ps) => ps.reduce((s, p) => s + p * p, 0);
  const surnames = share(BENCH_SURNAMES);
  const top = (ps, k) => ps.slice(0, k).reduce((s, p) => s + p, 0);
  const given = [];
  for (const sex of ['M', 'F'])
    for (const era of ERAS) {
      const ps = share(BENCH_GIVEN_NAMES[sex][era]).sort((a, b) => b - a);
      given.push({ sexEra: `${sex}${era}`, names: ps.length, top1: ps[0], collision: collision(ps) });
    }
  const old = share(SURNAMES);
  const oldGiven = ERAS.flatMap((era) => ['M', 'F'].map((sex) => collision(share(GIVEN_NAMES[sex][era]))));
  return {
    surnames: surnames.length,
    surnameTop1: surnames[0],
    surnameTop100: top(surnames, 100),
    surnameCollision: collision(surnames),
    givenPerSexEra: Math.round(given.reduce((s, g) => s + g.names, 0) / given.length),
    givenTop1: Math.max(...given.map((g) => g.top1)),
    givenCollision: given.reduce((s, g) => s + g.collision, 0) / given.length,
    generatorSurnameCollision: collision(old),
    generatorGivenCollision: oldGiven.reduce((s, c) => s + c, 0) / oldGiven.length,
  };
}
