import type { ScheduleEntryView, ScheduleImportReport, ScheduleMonthView } from '@hie/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeShiftJis } from '../../directory/testing.js';
import type { HubPrincipal } from '../../http.js';
import { TEST_ENGINES } from '../../testing/store.js';
import { apiCall, type HubUnderTest, hubUnderTest, seedFacility } from '../../testing.js';
import { cabinetRoutes } from '../api/routes.js';
import { type CabinetTeam, OIDS, openTeamCabinet, seedCabinetTeam } from '../testing.js';

const _today = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);
const DAY_SERVICE = '1.2.392.200284.33.3370000205';
const MONTH = '2026-03';

type Occ = ScheduleMonthView['occurrences'][number];

describe.each(TEST_ENGINES)('the cabinet’s schedule on %s', (engine) => {
  let hub: HubUnderTest;
  let team: CabinetTeam;
  const call = apiCall(() => hub);
  const send = (
    who: HubPrincipal | null,
    method: 'DELETE' | 'POST',
    url: string,
    body?: string | Buffer,
    contentType = 'text/csv',
  ) =>
    hub.app.inject({
      method,
      url: `/api/v1${url}`,
      headers: {
        ...(who ? hub.as(who) : {}),
        ...(body !== undefined ? { 'content-type': contentType } : {}),
      },
      ...(body !== undefined ? { payload: body } : {}),
    });
  let cabinetId: string;
  const ids: Record<string, string> = {};

  const open = () =>
    openTeamCabinet(hub, team, {
      invite: ['doctor', 'careManager', 'pharmacist'],
      accept: ['doctor', 'careManager'],
    });
  const month = async (who: HubPrincipal, m = MONTH, id = cabinetId): Promise<ScheduleMonthView> => {
    const res = await call(who, 'GET', `/cabinets/${id}/schedule?month=${m}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const create = async (who: HubPrincipal, body: object, id = cabinetId): Promise<ScheduleEntryView> => {
    const res = await call(who, 'POST', `/cabinets/${id}/schedule`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const find = (view: ScheduleMonthView, entryId: string, date: string) =>
    view.occurrences.find((o) => o.entryId === entryId && o.date === date);
  const flagged = (o: Occ | undefined) =>
    (o?.conflicts ?? []).map((c) => `${c.entryId}:${c.reasons.join('+')}`);
  const details = (res: {
    json(): { error: { code: string; details: { field: string; code: string }[] } };
  }) =>
    res
      .json()
      .error.details.map((d) => `${d.field}:${d.code}`)
      .sort();

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [cabinetRoutes]);
    team = await seedCabinetTeam(hub);
    await seedFacility(hub.store, {
      oid: DAY_SERVICE,
      type: 'care-facility',
      discloses: false,
      name: 'デイサービスさくら',
    });
    await hub.store.db
      .insertInto('hub_cabinet_group_facility')
      .values({ group_id: 'momo', facility_oid: DAY_SERVICE })
      .execute();
    cabinetId = await open();
  });
  afterAll(() => hub.dispose());

  it('expands weekly, every-2-weeks and 2nd/4th-weekday rules into the month, with conflicts on both sides', async () => {
    ids.day = (
      await create(team.careManager, {
        kind: 'day-service',
        facilityOid: DAY_SERVICE,
        date: '2026-03-01',
        startTime: '09:30',
        endTime: '16:00',
        recurrence: { type: 'weekly', weekdays: [4, 1] },
      })
    ).id;
    const doctor = await create(team.doctor, {
      kind: 'home-medical',
      userId: team.doctor.userId,
      facilityOid: OIDS.clinic,
      date: '2026-01-01',
      startTime: '14:00',
      endTime: '14:30',
      note: '定期訪問診療',
      recurrence: { type: 'monthly', weekdays: [2], nths: [2, 4] },
    });
    ids.doctor = doctor.id;
    expect(doctor).toMatchObject({
      kind: 'home-medical',
      person: { userId: team.doctor.userId, name: '岡山 太郎', active: true },
      facility: { oid: OIDS.clinic, name: 'ももたろう内科クリニック' },
      zone: 'Asia/Tokyo',
      recurrence: { type: 'monthly', weekdays: [2], nths: [2, 4], interval: 1, until: null, count: null },
    });
    ids.nurse = (
      await create(team.nurse, {
        kind: 'home-nursing',
        userId: team.nurse.userId,
        facilityOid: OIDS.nursing,
        date: '2026-03-10',
        startTime: '14:15',
        endTime: '15:00',
        recurrence: { type: 'weekly', weekdays: [2], interval: 2, until: '2026-06-30' },
      })
    ).id;
    ids.once = (
      await create(team.nurse, {
        kind: 'home-nursing',
        userId: team.nurse.userId,
        facilityOid: OIDS.nursing,
        date: '2026-03-12',
        startTime: '10:00',
        endTime: '11:00',
      })
    ).id;
    // The nurse at a meeting (not with the patient) while on her visit: the same person twice.
    ids.meeting = (
      await create(team.nurse, {
        kind: 'other',
        userId: team.nurse.userId,
        facilityOid: OIDS.nursing,
        date: '2026-03-24',
        startTime: '14:45',
        endTime: '15:30',
        note: 'サービス担当者会議',
      })
    ).id;

    const view = await month(team.doctor);
    expect(view).toMatchObject({ month: MONTH, zone: 'Asia/Tokyo' });
    const dates = (entryId: string) =>
      view.occurrences.filter((o) => o.entryId === entryId).map((o) => o.date);
    expect(dates(ids.day!)).toEqual([
      '2026-03-02',
      '2026-03-05',
      '2026-03-09',
      '2026-03-12',
      '2026-03-16',
      '2026-03-19',
      '2026-03-23',
      '2026-03-26',
      '2026-03-30',
    ]);
    expect(dates(ids.doctor!)).toEqual(['2026-03-10', '2026-03-24']);
    expect(dates(ids.nurse!)).toEqual(['2026-03-10', '2026-03-24']);
    expect(find(view, ids.doctor!, '2026-03-10')).toMatchObject({
      start: '2026-03-10T14:00:00+09:00',
      end: '2026-03-10T14:30:00+09:00',
      status: 'scheduled',
      recurring: true,
      person: { name: '岡山 太郎' },
    });
    expect(flagged(find(view, ids.doctor!, '2026-03-10'))).toEqual([`${ids.nurse}:patient`]);
    expect(flagged(find(view, ids.nurse!, '2026-03-10'))).toEqual([`${ids.doctor}:patient`]);
    expect(flagged(find(view, ids.once!, '2026-03-12'))).toEqual([`${ids.day}:patient`]);
    expect(flagged(find(view, ids.day!, '2026-03-12'))).toEqual([`${ids.once}:patient`]);
    expect(flagged(find(view, ids.meeting!, '2026-03-24'))).toEqual([`${ids.nurse}:same-person`]);
    expect(flagged(find(view, ids.nurse!, '2026-03-24')).sort()).toEqual(
      [`${ids.doctor}:patient`, `${ids.meeting}:same-person`].sort(),
    );
    expect(flagged(find(view, ids.day!, '2026-03-05'))).toEqual([]);
    expect(view.conflicts).toBe(7);
    expect(view.entries.map((e) => e.id).sort()).toEqual(Object.values(ids).sort());

    // February: only the doctor's series had begun (and February has no 5th Tuesday to worry about).
    const february = await month(team.nurse, '2026-02');
    expect(february.occurrences.map((o) => `${o.entryId === ids.doctor}:${o.date}`)).toEqual([
      'true:2026-02-10',
      'true:2026-02-24',
    ]);
  });

  it('cancels one occurrence and moves another; refuses a day the entry does not fall on; restores', async () => {
    const cancel = await call(
      team.doctor,
      'POST',
      `/cabinets/${cabinetId}/schedule/${ids.nurse}/exceptions`,
      {
        date: '2026-03-24',
        cancel: true,
      },
    );
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(cancel.json().exceptions).toEqual([
      { date: '2026-03-24', action: 'cancel', moveTo: null, note: null },
    ]);
    const move = await call(
      team.careManager,
      'POST',
      `/cabinets/${cabinetId}/schedule/${ids.day}/exceptions`,
      {
        date: '2026-03-12',
        moveTo: { date: '2026-03-13', startTime: '09:30', endTime: '16:00' },
        note: '祝日振替',
      },
    );
    expect(move.statusCode, move.body).toBe(200);
    let view = await month(team.nurse);
    expect(find(view, ids.nurse!, '2026-03-24')).toMatchObject({ status: 'cancelled', conflicts: [] });
    expect(flagged(find(view, ids.doctor!, '2026-03-24'))).toEqual([]);
    expect(find(view, ids.day!, '2026-03-12')).toBeUndefined();
    expect(find(view, ids.day!, '2026-03-13')).toMatchObject({ status: 'moved', originalDate: '2026-03-12' });
    expect(flagged(find(view, ids.once!, '2026-03-12'))).toEqual([]);

    const wrongDay = await call(
      team.careManager,
      'POST',
      `/cabinets/${cabinetId}/schedule/${ids.day}/exceptions`,
      {
        date: '2026-03-11',
        cancel: true,
      },
    );
    expect(wrongDay.statusCode).toBe(422);
    expect(details(wrongDay)).toEqual(['date:not-an-occurrence']);
    const both = await call(
      team.careManager,
      'POST',
      `/cabinets/${cabinetId}/schedule/${ids.day}/exceptions`,
      {
        date: '2026-03-16',
      },
    );
    expect(details(both)).toEqual(['cancel:cancel-or-move']);

    const restored = await send(
      team.nurse,
      'DELETE',
      `/cabinets/${cabinetId}/schedule/${ids.nurse}/exceptions/2026-03-24`,
    );
    expect(restored.statusCode, restored.body).toBe(200);
    view = await month(team.nurse);
    expect(find(view, ids.nurse!, '2026-03-24')?.status).toBe('scheduled');
  });

  it('changes an entry (its rule too) and deletes one', async () => {
    const changed = await call(team.nurse, 'PUT', `/cabinets/${cabinetId}/schedule/${ids.meeting}`, {
      kind: 'other',
      userId: team.nurse.userId,
      facilityOid: OIDS.nursing,
      date: '2026-03-24',
      startTime: '16:00',
      endTime: '16:30',
      note: 'サービス担当者会議（時間変更）',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ startTime: '16:00', note: 'サービス担当者会議（時間変更）' });
    let view = await month(team.nurse);
    expect(flagged(find(view, ids.meeting!, '2026-03-24'))).toEqual([]);
    const removed = await send(team.nurse, 'DELETE', `/cabinets/${cabinetId}/schedule/${ids.meeting}`);
    expect(removed.statusCode, removed.body).toBe(200);
    view = await month(team.nurse);
    expect(view.occurrences.some((o) => o.entryId === ids.meeting)).toBe(false);
    delete ids.meeting;
    expect(
      (await send(team.nurse, 'DELETE', `/cabinets/${cabinetId}/schedule/${ids.meeting ?? 'gone'}`))
        .statusCode,
    ).toBe(404);
  });

  it('refuses bad input with 422 invalid-input, by field; a person must be an active member', async () => {
    const base = {
      kind: 'home-nursing',
      userId: team.nurse.userId,
      facilityOid: OIDS.nursing,
      date: '2026-03-03',
      startTime: '10:00',
      endTime: '11:00',
    };
    const post = (body: object) => call(team.nurse, 'POST', `/cabinets/${cabinetId}/schedule`, body);
    let res = await post({ ...base, endTime: '09:00' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('invalid-input');
    expect(details(res)).toEqual(['endTime:end-before-start']);
    expect(details(await post({ ...base, kind: 'massage', startTime: '25:00' }))).toEqual([
      'kind:invalid-value',
      'startTime:invalid-format',
    ]);
    expect(details(await post({ ...base, date: '2026-02-30' }))).toEqual(['date:invalid-date']);
    expect(
      details(
        await post({
          ...base,
          recurrence: { type: 'monthly', weekdays: [2], nths: [0], until: '2026-01-01', count: 3 },
        }),
      ),
    ).toEqual(['recurrence.nths.0:custom']);
    expect(
      details(
        await post({ ...base, recurrence: { type: 'weekly', weekdays: [2], until: '2026-01-01', count: 3 } }),
      ),
    ).toEqual(['recurrence.count:until-and-count', 'recurrence.until:until-before-start']);
    expect(
      details(await post({ ...base, recurrence: { type: 'weekly', weekdays: [5], until: '2026-03-05' } })),
    ).toEqual(['recurrence:no-occurrence']);
    expect(details(await post({ ...base, colour: 'red' }))).toEqual(['colour:unknown-field']);
    // Someone outside the team, the invited pharmacist (not active yet), the doctor for a facility not his.
    res = await post({ ...base, userId: team.outsider.userId, facilityOid: OIDS.outside });
    expect(res.statusCode).toBe(422);
    expect(details(res)).toEqual(['userId:not-a-member']);
    expect(
      details(await post({ ...base, userId: team.pharmacist.userId, facilityOid: OIDS.pharmacy })),
    ).toEqual(['userId:not-a-member']);
    expect(details(await post({ ...base, userId: team.doctor.userId, facilityOid: OIDS.nursing }))).toEqual([
      'userId:not-a-member',
    ]);
    // A service names a facility of the group.
    expect(details(await post({ ...base, userId: null, facilityOid: OIDS.outside }))).toEqual([
      'facilityOid:not-in-group',
    ]);
    expect(details(await call(team.nurse, 'GET', `/cabinets/${cabinetId}/schedule?month=2026-13`))).toEqual([
      'month:invalid-month',
    ]);
  });

  it('refuses the unauthenticated (401) and strangers (404) on every route', async () => {
    const entry = `/cabinets/${cabinetId}/schedule/${ids.day}`;
    expect((await call(null, 'GET', `/cabinets/${cabinetId}/schedule?month=${MONTH}`)).statusCode).toBe(401);
    expect((await call(null, 'POST', `/cabinets/${cabinetId}/schedule`, { kind: 'other' })).statusCode).toBe(
      401,
    );
    expect(
      (await send(null, 'POST', `/cabinets/${cabinetId}/schedule/import?month=${MONTH}`, 'x')).statusCode,
    ).toBe(401);
    for (const who of [team.outsider, team.office]) {
      for (const [method, url, body] of [
        ['GET', `/cabinets/${cabinetId}/schedule?month=${MONTH}`],
        ['GET', `/cabinets/${cabinetId}/schedule.csv?month=${MONTH}`],
        ['POST', `/cabinets/${cabinetId}/schedule`, { kind: 'other' }],
        ['PUT', entry, { kind: 'other' }],
        ['POST', `${entry}/exceptions`, { date: '2026-03-16', cancel: true }],
      ] as const) {
        const res = await call(who, method, url, body as object | undefined);
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
      expect((await send(who, 'DELETE', entry)).statusCode).toBe(404);
      expect(
        (await send(who, 'POST', `/cabinets/${cabinetId}/schedule/import?month=${MONTH}`, '日付\r\n'))
          .statusCode,
      ).toBe(404);
    }
    // An entry of another cabinet is not found through this one.
    const other = await open();
    const valid = {
      kind: 'day-service',
      facilityOid: DAY_SERVICE,
      date: '2026-03-01',
      startTime: '09:30',
      endTime: '16:00',
    };
    expect((await call(team.nurse, 'PUT', `/cabinets/${other}/schedule/${ids.day}`, valid)).statusCode).toBe(
      404,
    );
  });

  it('exports the month as CSV and imports it back (a round trip); a second import skips every row', async () => {
    const exported = await call(team.doctor, 'GET', `/cabinets/${cabinetId}/schedule.csv?month=${MONTH}`);
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.headers['content-type']).toContain('text/csv');
    expect(exported.headers['content-disposition']).toContain(`schedule-${MONTH}.csv`);
    const text = exported.body;
    expect(text.startsWith('\uFEFF日付,開始,終了,種別,担当施設,担当者,メモ,泊数,重複\r\n')).toBe(true);
    expect(text).toContain(
      '2026/03/10,14:00,14:30,訪問診療,ももたろう内科クリニック,岡山 太郎,定期訪問診療,,重複',
    );
    expect(text).toContain('2026/03/13,09:30,16:00,デイサービス,デイサービスさくら,,,,');
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(1 + 9 + 2 + 2 + 1);

    const copy = await open();
    const imported = await send(
      team.careManager,
      'POST',
      `/cabinets/${copy}/schedule/import?month=${MONTH}`,
      Buffer.from(text),
    );
    expect(imported.statusCode, imported.body).toBe(200);
    const report: ScheduleImportReport = imported.json();
    expect(report.refused).toEqual([]);
    expect(report.imported).toHaveLength(lines.length - 1);
    expect(report.imported[0]).toMatchObject({ line: 2 });
    const again = (await call(team.doctor, 'GET', `/cabinets/${copy}/schedule.csv?month=${MONTH}`)).body;
    const sorted = (csv: string) =>
      csv
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n')
        .sort();
    expect(sorted(again)).toEqual(sorted(text));

    const twice: ScheduleImportReport = (
      await send(
        team.careManager,
        'POST',
        `/cabinets/${copy}/schedule/import?month=${MONTH}`,
        Buffer.from(text),
      )
    ).json();
    expect(twice.imported).toEqual([]);
    expect(twice.skipped).toHaveLength(lines.length - 1);
    expect(twice.skipped[0]).toMatchObject({ line: 2, code: 'duplicate' });
  });

  it('imports the good rows of a 提供票 and refuses each bad row alone, with its line and column (Shift_JIS too)', async () => {
    const csv = [
      '日付,開始,終了,種別,担当施設,担当者,メモ',
      '2026/4/2,10:00,11:00,訪問看護,きびだんご訪問看護ステーション,吉備 花子,',
      '2026/4/3,10:00,11:00,エステ,きびだんご訪問看護ステーション,吉備 花子,',
      '2026/4/6,9:30,16:00,通所介護,デイサービスさくら,,送迎あり',
      '2026/5/1,10:00,11:00,訪問看護,きびだんご訪問看護ステーション,鬼 一郎,',
      '2026/4/9,14:00,14:30,訪問診療,ももたろう内科クリニック,岡山 太郎,"往診、""臨時"""',
    ].join('\r\n');
    const res = await send(
      team.careManager,
      'POST',
      `/cabinets/${cabinetId}/schedule/import?month=2026-04`,
      encodeShiftJis(csv),
    );
    expect(res.statusCode, res.body).toBe(200);
    const report: ScheduleImportReport = res.json();
    expect(report.imported.map((r) => r.line)).toEqual([2, 4, 6]);
    expect(report.refused.map((r) => `${r.line}:${r.field}:${r.code}`)).toEqual([
      '3:種別:unknown-kind',
      '5:日付:outside-month',
      '5:担当者:not-a-member',
    ]);
    const april = await month(team.nurse, '2026-04');
    const imported = april.occurrences.filter((o) => report.imported.some((r) => r.entryId === o.entryId));
    expect(
      imported.map((o) => `${o.date} ${o.kind} ${o.person?.name ?? o.facility.name} ${o.note ?? ''}`),
    ).toEqual([
      '2026-04-02 home-nursing 吉備 花子 ',
      '2026-04-06 day-service デイサービスさくら 送迎あり',
      '2026-04-09 home-medical 岡山 太郎 往診、"臨時"',
    ]);
    // A header the importer cannot read refuses the file as a whole; so does a missing month.
    const header = await send(
      team.careManager,
      'POST',
      `/cabinets/${cabinetId}/schedule/import?month=2026-04`,
      'いつ,なに\r\n1,2\r\n',
    );
    expect(header.statusCode).toBe(400);
    expect(header.json().error.code).toBe('csv-header');
    expect(
      (await send(team.careManager, 'POST', `/cabinets/${cabinetId}/schedule/import`, csv)).statusCode,
    ).toBe(422);
  });

  it('a removed member reads nothing (403); a closed cabinet is read only (403 on writes)', async () => {
    const removed = await send(
      team.nurse,
      'DELETE',
      `/cabinets/${cabinetId}/members/${team.careManager.userId}?facilityOid=${OIDS.care}`,
    );
    expect(removed.statusCode, removed.body).toBe(200);
    const read = await call(team.careManager, 'GET', `/cabinets/${cabinetId}/schedule?month=${MONTH}`);
    expect(read.statusCode).toBe(403);
    expect(read.json().error.code).toBe('membership-ended');
    expect(
      (await call(team.careManager, 'POST', `/cabinets/${cabinetId}/schedule`, { kind: 'other' })).statusCode,
    ).toBe(403);
    // Their entries stay, the person shown as no longer active; they may no longer be scheduled.
    const view = await month(team.nurse);
    expect(view.occurrences.length).toBeGreaterThan(0);

    expect(
      (await call(team.nurse, 'POST', `/cabinets/${cabinetId}/close`, { reason: '入院のため' })).statusCode,
    ).toBe(200);
    expect(
      (await call(team.doctor, 'GET', `/cabinets/${cabinetId}/schedule?month=${MONTH}`)).statusCode,
    ).toBe(200);
    expect(
      (await call(team.doctor, 'GET', `/cabinets/${cabinetId}/schedule.csv?month=${MONTH}`)).statusCode,
    ).toBe(200);
    for (const res of [
      await call(team.nurse, 'POST', `/cabinets/${cabinetId}/schedule`, { kind: 'other' }),
      await call(team.nurse, 'POST', `/cabinets/${cabinetId}/schedule/${ids.day}/exceptions`, {
        date: '2026-03-16',
        cancel: true,
      }),
      await send(team.nurse, 'DELETE', `/cabinets/${cabinetId}/schedule/${ids.day}`),
      await send(team.nurse, 'POST', `/cabinets/${cabinetId}/schedule/import?month=${MONTH}`, '日付\r\n'),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('cabinet-closed');
    }
  });

  it('audits every read and change of the schedule', async () => {
    const rows = await hub.store.db
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'event_json'])
      .where('type', '=', 'cabinet')
      .execute();
    const whats = new Set(
      rows.map((r) => {
        const event = JSON.parse(r.event_json) as { detail?: { what?: string } };
        return `${r.action}:${r.outcome}:${event.detail?.what}`;
      }),
    );
    for (const expected of [
      'R:0:schedule',
      'R:0:schedule-export',
      'C:0:schedule-create',
      'U:0:schedule-update',
      'D:0:schedule-delete',
      'U:0:schedule-exception',
      'U:0:schedule-exception-remove',
      'C:0:schedule-import',
      'R:4:schedule',
      'U:4:schedule-create',
    ])
      expect(whats, expected).toContain(expected);
  });
});
