import { type CabinetPostInput, scheduleEntryInputSchema } from '@hie/contract';
import type { HubDeps, HubPrincipal } from '@hie/hub';
import {
  CABINET_ATTACHMENT_KINDS,
  CabinetEvents,
  changeOwnMembership,
  createEntry,
  createPost,
  loadCabinet,
  openCabinet,
  saveDrawing,
  saveGroup,
} from '@hie/hub';
import { DEMO_USERS } from './facilities.js';
import { demoPrincipal } from './seed-consents.js';

/**
 * The Care Cabinet's demo (issue 14): the seed's seven district groups, and in もも脳ネット three home-care
 * patients with their teams and a realistic month of posts — a visiting nurse's SOAP notes with vital
 * signs twice a week, the home-visit doctor every other Tuesday, the therapist, the pharmacist, the
 * helpers' care records, the care manager; a fever flagged urgent and answered; one invitation pending.
 * Written through the same functions the API uses (audited), then dated back over the month.
 */

/** The seed's groups (ケアキャビネット参加状況, 平成30年3月31日現在) and which demo facilities join each. */
const GROUPS = [
  {
    id: 'momo-no-net',
    name: 'もも脳ネット',
    area: '岡山市',
    facilities: ['clinic', 'nursing', 'careplan', 'carehome', 'pharmacy', 'ouh'],
  },
  { id: 'musubi-no-wa', name: 'むすびの和', area: '井笠地域', facilities: ['kch'] },
  { id: 'yamaboushi', name: 'やまぼうし', area: '高梁市', facilities: [] },
  { id: 'kibikibi', name: 'きびきび', area: '総社市', facilities: ['orc'] },
  { id: 'green-glass', name: 'グリーングラス', area: '備前市', facilities: [] },
  { id: 'perionet', name: 'PERIOnet', area: '岡山市', facilities: ['dental', 'clinic'] },
  { id: 'mebaru-net', name: 'めばるネット', area: '玉野市', facilities: [] },
] as const;

/** A small deterministic generator: the same demo at every fresh start. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface Planned {
  at: Date;
  by: string;
  input: CabinetPostInput;
  /** Index of the planned post this one answers. */
  replyTo?: number;
}

const jst = (day: Date, hh: number, mm: number) =>
  new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hh - 9, mm));

/** A month of one patient's posts, oldest first. */
function planMonth(
  seed: number,
  today: Date,
  team: {
    nurse: string;
    doctor: string;
    therapist?: string;
    pharmacist?: string;
    care: string;
    manager: string;
  },
  feverDay: number,
): Planned[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const between = (lo: number, hi: number, decimals = 0) => (lo + rnd() * (hi - lo)).toFixed(decimals);
  const plan: Planned[] = [];
  let tuesdays = 0;
  for (let back = 30; back >= 0; back--) {
    const day = new Date(today.getTime() - back * 86_400_000);
    const weekday = day.getUTCDay();
    const fever = back === feverDay;
    if (weekday === 1 || weekday === 4 || fever) {
      const temperature = fever ? '38.2' : between(36.0, 36.9, 1);
      plan.push({
        at: jst(day, 10, 15 + Math.floor(rnd() * 30)),
        by: team.nurse,
        input: {
          kind: 'soap',
          templateId: 'visiting-nursing',
          urgent: fever,
          soap: fever
            ? {
                s: '昨夜から寒気があるとのこと。食事は半分程度。',
                o: '体温38.2℃、咳嗽あり、右下肺野で水泡音を聴取。仙骨部発赤なし。',
                a: '誤嚥性肺炎の疑い。',
                p: '主治医へ報告する。水分摂取を促し、夕方に再訪問。',
              }
            : {
                s: pick([
                  '特に変わりないとのこと。',
                  '夜間よく眠れたとのこと。',
                  '膝の痛みが少しあるとのこと。',
                ]),
                o: pick([
                  '表情穏やか。下肢浮腫なし。',
                  '仙骨部発赤なし。皮膚状態良好。',
                  '下肢に軽度浮腫あり。',
                ]),
                a: pick(['全身状態は安定している。', '浮腫は前回と同程度。']),
                p: pick(['次回訪問時にバイタル確認を継続。', '服薬状況を薬剤師と共有する。']),
              },
          inputs: {
            temperature,
            'bp-systolic': between(124, 148),
            'bp-diastolic': between(70, 88),
            pulse: fever ? '96' : between(64, 84),
            spo2: fever ? '93' : between(95, 98),
            'respiratory-rate': fever ? '24' : between(14, 18),
            pain: between(0, 3),
            bowel: rnd() > 0.3,
          },
          mentions: fever ? [team.doctor] : [],
        },
      });
      if (fever) {
        plan.push({
          at: jst(day, 12, 5),
          by: team.doctor,
          replyTo: plan.length - 1,
          input: {
            kind: 'free',
            text: '報告ありがとうございます。本日午後に臨時往診します。抗菌薬を処方予定です。',
          },
        });
      }
    }
    if (weekday === 2 && ++tuesdays % 2 === 0) {
      plan.push({
        at: jst(day, 14, 0),
        by: team.doctor,
        input: {
          kind: 'soap',
          templateId: 'home-visit',
          soap: {
            s: '体調は変わりないとのこと。',
            o: '胸部聴診異常なし。腹部平坦・軟。',
            a: '状態安定。',
            p: '処方継続。次回訪問は2週間後。',
          },
          inputs: {
            'bp-systolic': between(126, 142),
            'bp-diastolic': between(72, 84),
            pulse: between(66, 80),
            weight: between(41, 43, 1),
          },
        },
      });
    }
    if (weekday === 4 && team.therapist) {
      plan.push({
        at: jst(day, 15, 30),
        by: team.therapist,
        input: {
          kind: 'soap',
          templateId: 'rehab-assessment',
          soap: {
            s: '歩くのが楽になったとのこと。',
            o: '杖歩行にて屋内移動自立。',
            a: '転倒リスクあり。',
            p: '下肢筋力訓練を継続。',
          },
          inputs: {
            'adl-walking': 'supervision',
            'adl-transfer': 'independent',
            'adl-toilet': 'supervision',
            'walk-distance': between(20, 60),
          },
        },
      });
    }
    if (weekday === 5 && back % 14 < 7 && team.pharmacist) {
      plan.push({
        at: jst(day, 16, 45),
        by: team.pharmacist,
        input: {
          kind: 'soap',
          templateId: 'medication-status',
          soap: {
            s: '薬は飲めているとのこと。',
            o: '残薬を確認した。',
            a: '服薬アドヒアランスは良好。',
            p: '一包化を継続。',
          },
          inputs: {
            adherence: rnd() > 0.2 ? 'good' : 'some-missed',
            'leftover-days': between(0, 4),
            calendar: true,
          },
        },
      });
    }
    if (weekday >= 1 && weekday <= 5 && rnd() > 0.4) {
      plan.push({
        at: jst(day, 8, 40),
        by: team.care,
        input: {
          kind: 'free',
          templateId: 'care-record',
          text: pick([
            '入浴介助を行った。特変なし。',
            '朝食介助。ほぼ全量摂取。',
            '排泄介助。皮膚トラブルなし。',
          ]),
          inputs: {
            'meal-amount': pick(['all', 'all', 'half']),
            'adl-eating': 'supervision',
            bowel: rnd() > 0.5,
          },
        },
      });
    }
    if (back === 27 || back === 3) {
      plan.push({
        at: jst(day, 17, 30),
        by: team.manager,
        input: {
          kind: 'free',
          text:
            back === 27
              ? '今月のケアプランを更新しました。デイサービスを週2回（月・木）に増やしています。ご家族の希望で、入浴はデイサービスで行います。'
              : 'サービス担当者会議を来週水曜日14時にご自宅で予定しています。ご参加の可否をお知らせください。',
        },
      });
    }
  }
  return plan;
}

const spec = (loginId: string) => {
  const found = DEMO_USERS.find((u) => u.loginId === loginId);
  if (!found) throw new Error(`demo: no user ${loginId}`);
  return found;
};

/** Seeds the groups and the cabinets once (an empty hub's first start); returns the number of posts. */
export async function seedDemoCabinets(
  deps: HubDeps,
  oids: ReadonlyMap<string, string>,
  now = new Date(),
): Promise<number> {
  const existing = await deps.store.db.selectFrom('hub_cabinet_group').select('id').limit(1).execute();
  if (existing.length > 0) return 0;
  const office = await demoPrincipal(deps, spec('office'), oids);
  for (const group of GROUPS) {
    await saveGroup(
      deps,
      office,
      { ...group, facilities: group.facilities.map((k) => oids.get(k)!) },
      'create',
    );
  }
  const events = new CabinetEvents();
  const cabinetDeps = { ...deps, events, attachments: CABINET_ATTACHMENT_KINDS };
  const who = new Map<string, HubPrincipal>();
  for (const login of [
    'vn.nurse',
    'vn.therapist',
    'clinic.doctor',
    'caremanager',
    'pharmacist',
    'helper',
    'careworker',
  ]) {
    who.set(login, await demoPrincipal(deps, spec(login), oids));
  }
  const p = (login: string) => who.get(login)!;
  const member = (login: string) => ({ userId: p(login).userId, facilityOid: p(login).facilityOid });
  const startDate = new Date(now.getTime() - 40 * 86_400_000).toISOString().slice(0, 10);
  const patients = [
    {
      owner: 'vn.nurse',
      patient: {
        name: '桃山 ウメ',
        kana: 'モモヤマ ウメ',
        birthDate: '1939-03-08',
        sex: 'female' as const,
        address: '岡山市北区天神町',
      },
      invite: ['clinic.doctor', 'caremanager', 'pharmacist', 'vn.therapist', 'helper'],
      team: {
        nurse: 'vn.nurse',
        doctor: 'clinic.doctor',
        therapist: 'vn.therapist',
        pharmacist: 'pharmacist',
        care: 'helper',
        manager: 'caremanager',
      },
      feverDay: 6,
      pending: [] as string[],
    },
    {
      owner: 'caremanager',
      patient: {
        name: '吉備津 源三',
        kana: 'キビツ ゲンゾウ',
        birthDate: '1946-11-23',
        sex: 'male' as const,
        address: '岡山市北区吉備津',
      },
      invite: ['clinic.doctor', 'vn.nurse', 'pharmacist', 'careworker'],
      team: {
        nurse: 'vn.nurse',
        doctor: 'clinic.doctor',
        pharmacist: 'pharmacist',
        care: 'careworker',
        manager: 'caremanager',
      },
      feverDay: 13,
      pending: [] as string[],
    },
    {
      owner: 'clinic.doctor',
      patient: {
        name: '旭 ハル',
        kana: 'アサヒ ハル',
        birthDate: '1933-05-30',
        sex: 'female' as const,
        address: '岡山市中区旭東町',
      },
      invite: ['vn.nurse', 'caremanager', 'helper', 'pharmacist'],
      team: { nurse: 'vn.nurse', doctor: 'clinic.doctor', care: 'helper', manager: 'caremanager' },
      feverDay: -1,
      // The pharmacist has not answered the invitation yet: it shows as pending.
      pending: ['pharmacist'],
    },
  ];
  let posts = 0;
  for (const [i, plan] of patients.entries()) {
    const owner = p(plan.owner);
    const invited = plan.invite.map(member);
    const id = await openCabinet(cabinetDeps, owner, {
      groupId: 'momo-no-net',
      patient: plan.patient,
      consent: {
        startDate,
        facilities: [...new Set(invited.map((m) => m.facilityOid))],
        note: 'デモ: 本人・家族より同意書受領済み',
      },
      invite: invited,
    });
    for (const login of plan.invite.filter((l) => !plan.pending.includes(l))) {
      const context = await loadCabinet(deps, p(login), id);
      if (context) await changeOwnMembership(cabinetDeps, p(login), context, 'accept');
    }
    // Nothing dated after now: a start in the morning has no afternoon visits yet.
    const planned = planMonth(2013 + i, now, plan.team, plan.feverDay).filter((post) => post.at <= now);
    const ids = new Map<number, string>();
    for (const [index, post] of planned.entries()) {
      const author = p(post.by);
      const context = await loadCabinet(deps, author, id);
      if (!context?.access.write) continue;
      const replyTo = post.replyTo !== undefined ? ids.get(post.replyTo) : undefined;
      const { id: postId } = await createPost(cabinetDeps, author, context, {
        ...post.input,
        // The plan names people by login; a post mentions user ids.
        mentions: (post.input.mentions ?? []).map((login) => p(login).userId),
        ...(replyTo ? { replyTo } : {}),
      });
      ids.set(index, postId);
      const at = post.at.toISOString();
      await deps.store.db
        .updateTable('hub_cabinet_post')
        .set({ created_at: at, updated_at: at })
        .where('id', '=', postId)
        .execute();
      await deps.store.db
        .updateTable('hub_cabinet_post_version')
        .set({ edited_at: at })
        .where('post_id', '=', postId)
        .execute();
      await deps.store.db
        .updateTable('hub_cabinet_vital')
        .set({ observed_at: at })
        .where('post_id', '=', postId)
        .execute();
      // The team read what is older than two days; the last days stay unread for the demo's badges.
      if (now.getTime() - post.at.getTime() > 2 * 86_400_000) {
        const readers = [plan.owner, ...plan.invite.filter((l) => !plan.pending.includes(l))]
          .map((l) => p(l).userId)
          .filter((u) => u !== author.userId);
        if (readers.length > 0)
          await deps.store.db
            .insertInto('hub_cabinet_read')
            .values(readers.map((userId) => ({ post_id: postId, user_id: userId, version: 1, read_at: at })))
            .onConflict((oc) => oc.columns(['post_id', 'user_id']).doNothing())
            .execute();
      }
      posts++;
    }
    const last = planned.at(-1)?.at.toISOString() ?? null;
    await deps.store.db.updateTable('hub_cabinet').set({ last_post_at: last }).where('id', '=', id).execute();
    // Members joined when the cabinet opened, before the month of posts.
    await deps.store.db
      .updateTable('hub_cabinet_member')
      .set({
        joined_at: new Date(now.getTime() - 35 * 86_400_000).toISOString(),
        invited_at: new Date(now.getTime() - 36 * 86_400_000).toISOString(),
      })
      .where('cabinet_id', '=', id)
      .where('status', '=', 'active')
      .execute();
    if (i === 0) posts += await seedScheduleAndDrawings(cabinetDeps, id, p, now);
    await deps.store.db
      .updateTable('hub_cabinet')
      .set({ opened_at: new Date(now.getTime() - 36 * 86_400_000).toISOString() })
      .where('id', '=', id)
      .execute();
  }
  return posts;
}

const day = (d: Date) => new Date(d.getTime() + 9 * 3600_000).toISOString().slice(0, 10);

/** A sacral pressure sore drawn twice, a week apart (a ring that shrinks), for the comparison view. */
function soreModel(radius: number, stage: string) {
  const ring = Array.from({ length: 25 }, (_, k) => {
    const a = (k / 24) * 2 * Math.PI;
    return [250 + radius * Math.cos(a), 250 + radius * 0.8 * Math.sin(a), 0.6] as [number, number, number];
  });
  return {
    version: 1 as const,
    bodyPart: 'sacral' as const,
    canvas: { width: 500, height: 440 },
    label: '仙骨部褥瘡',
    strokes: [{ tool: 'pen' as const, color: 'red' as const, width: 3, points: ring }],
    stamps: [{ kind: 'ulcer' as const, x: 250, y: 250, size: 14 }],
    texts: [{ x: 300, y: 200, text: stage, color: 'black' as const, size: 16 }],
  };
}

/** The first patient's month: the visits and services as a schedule, and two drawings of one sore. */
async function seedScheduleAndDrawings(
  deps: Parameters<typeof createPost>[0] & HubDeps,
  cabinetId: string,
  p: (login: string) => HubPrincipal,
  now: Date,
): Promise<number> {
  const nurse = p('vn.nurse');
  const context = await loadCabinet(deps, nurse, cabinetId);
  if (!context) return 0;
  const monthStart = `${day(now).slice(0, 7)}-01`;
  const entries = [
    {
      kind: 'home-medical',
      who: 'clinic.doctor',
      startTime: '14:00',
      endTime: '14:30',
      recurrence: { type: 'monthly', weekdays: [2], nths: [2, 4] },
      note: '定期訪問診療',
    },
    {
      kind: 'home-nursing',
      who: 'vn.nurse',
      startTime: '10:00',
      endTime: '11:00',
      recurrence: { type: 'weekly', weekdays: [1, 4] },
      note: null,
    },
    {
      kind: 'home-rehab',
      who: 'vn.therapist',
      startTime: '15:30',
      endTime: '16:10',
      recurrence: { type: 'weekly', weekdays: [4] },
      note: null,
    },
    {
      kind: 'home-care',
      who: 'helper',
      startTime: '08:00',
      endTime: '08:45',
      recurrence: { type: 'weekly', weekdays: [1, 2, 3, 4, 5] },
      note: '朝の身支度・朝食介助',
    },
    {
      kind: 'home-pharmacy',
      who: 'pharmacist',
      startTime: '16:30',
      endTime: '17:00',
      recurrence: { type: 'weekly', weekdays: [5], interval: 2 },
      note: null,
    },
    {
      kind: 'day-service',
      who: null,
      facility: 'helper',
      startTime: '09:30',
      endTime: '16:00',
      recurrence: { type: 'weekly', weekdays: [3, 6] },
      note: 'デイサービス（入浴あり）',
    },
  ] as const;
  for (const e of entries) {
    const owner = p(e.who ?? ('facility' in e ? e.facility : 'helper'));
    await createEntry(
      deps,
      nurse,
      context,
      scheduleEntryInputSchema.parse({
        kind: e.kind,
        userId: e.who ? owner.userId : null,
        facilityOid: owner.facilityOid,
        date: monthStart,
        startTime: e.startTime,
        endTime: e.endTime,
        note: e.note,
        recurrence: e.recurrence,
      }),
    );
  }
  let posts = 0;
  for (const [back, radius, stage, text] of [
    [
      10,
      38,
      'd2 2.5×2.0cm',
      '仙骨部に発赤と浅い潰瘍あり。シェーマに記載。エアマットへの変更をケアマネに相談。',
    ],
    [3, 26, 'd1 1.6×1.3cm', '仙骨部の潰瘍は縮小傾向。前回のシェーマと比較してください。'],
  ] as const) {
    const drawing = await saveDrawing(deps, nurse, context, { model: soreModel(radius, stage) });
    // 11:30 in Japan, `back` Japanese calendar days before today: the comparison counts Japan days,
    // so the gap stays `back` days whatever the hour the demo starts.
    const at = new Date(Date.parse(`${day(now)}T11:30:00+09:00`) - back * 86_400_000);
    const post = await createPost(deps, nurse, context, {
      kind: 'free',
      text,
      attachments: [{ type: 'drawing', id: drawing.id }],
      mentions: [p('caremanager').userId],
    });
    const iso = at.toISOString();
    await deps.store.db
      .updateTable('hub_cabinet_post')
      .set({ created_at: iso, updated_at: iso })
      .where('id', '=', post.id)
      .execute();
    await deps.store.db
      .updateTable('hub_cabinet_drawing')
      .set({ created_at: iso })
      .where('id', '=', drawing.id)
      .execute();
    posts++;
  }
  return posts;
}
