import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { TEST_ENGINES } from '../testing/store.js';
import { apiCall, type HubUnderTest, hubUnderTest } from '../testing.js';
import { cabinetRoutes } from './api/routes.js';
import { type CabinetTeam, OIDS, openTeamCabinet, PATIENT, seedCabinetTeam } from './testing.js';

const today = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

describe.each(TEST_ENGINES)('the Care Cabinet on %s', (engine) => {
  let hub: HubUnderTest;
  let team: CabinetTeam;
  const call = apiCall(() => hub);
  const del = (who: HubPrincipal, url: string) =>
    hub.app.inject({ method: 'DELETE', url: `/api/v1${url}`, headers: hub.as(who) });
  let cabinetId: string;

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [cabinetRoutes]);
    team = await seedCabinetTeam(hub);
    cabinetId = await openTeamCabinet(hub, team, {
      invite: ['doctor', 'careManager', 'pharmacist'],
      accept: [],
    });
  });
  afterAll(() => hub.dispose());

  it('opens a cabinet: the opener owns it, the invited see the patient only when the consent covers their facility', async () => {
    const mine = (await call(team.nurse, 'GET', `/cabinets/${cabinetId}`)).json();
    expect(mine.myRole).toBe('owner');
    expect(mine.patient.name).toBe(PATIENT.name);
    expect(mine.consent.facilities.map((f: { oid: string }) => f.oid).sort()).toEqual(
      [OIDS.clinic, OIDS.care, OIDS.nursing].sort(),
    );
    const doctorView = await call(team.doctor, 'GET', `/cabinets/${cabinetId}`);
    expect(doctorView.statusCode).toBe(200);
    expect(doctorView.json().myStatus).toBe('invited');
    expect(doctorView.json().patient.name).toBe(PATIENT.name);
    // The pharmacy was invited, but the consent does not cover it: no name.
    const pharmacyView = (await call(team.pharmacist, 'GET', `/cabinets/${cabinetId}`)).json();
    expect(pharmacyView.patient).toBeNull();
    expect(pharmacyView.access.reason).toBe('invitation-pending');
  });

  it('refuses before acceptance, and reads after it', async () => {
    const before = await call(team.doctor, 'GET', `/cabinets/${cabinetId}/posts`);
    expect(before.statusCode).toBe(403);
    expect(before.json().error.code).toBe('invitation-pending');
    expect((await call(team.doctor, 'POST', `/cabinets/${cabinetId}/accept`)).statusCode).toBe(200);
    expect((await call(team.careManager, 'POST', `/cabinets/${cabinetId}/accept`)).statusCode).toBe(200);
    expect((await call(team.doctor, 'GET', `/cabinets/${cabinetId}/posts`)).statusCode).toBe(200);
  });

  it('refuses the unauthenticated (401), strangers and the office (404: unknown and forbidden look alike)', async () => {
    expect((await call(null, 'GET', `/cabinets/${cabinetId}`)).statusCode).toBe(401);
    expect(
      (await call(null, 'POST', `/cabinets/${cabinetId}/posts`, { kind: 'free', text: 'x' })).statusCode,
    ).toBe(401);
    for (const who of [team.outsider, team.office]) {
      for (const [method, url, body] of [
        ['GET', `/cabinets/${cabinetId}`],
        ['GET', `/cabinets/${cabinetId}/posts`],
        ['POST', `/cabinets/${cabinetId}/posts`, { kind: 'free', text: '見せて' }],
        ['GET', `/cabinets/${cabinetId}/vitals`],
        ['POST', `/cabinets/${cabinetId}/members`, { userId: who.userId, facilityOid: who.facilityOid }],
        ['POST', `/cabinets/${cabinetId}/consent/withdraw`, { reason: 'x' }],
      ] as const) {
        const res = await call(who, method, url, body as object | undefined);
        expect(res.statusCode, `${method} ${url}`).toBe(404);
      }
    }
    // The doctor acting for another facility is not the member invited for the clinic.
    const elsewhere = { ...team.doctor, facilityOid: OIDS.outside };
    expect((await call(elsewhere, 'GET', `/cabinets/${cabinetId}/posts`)).statusCode).toBe(404);
    expect((await call(team.outsider, 'GET', '/cabinets')).json().cabinets).toEqual([]);
  });

  it('posts a SOAP note with vitals from a template; values keep their precision; HTML stays text', async () => {
    const res = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'soap',
      templateId: 'visiting-nursing',
      soap: {
        s: '夜間よく眠れたとのこと。',
        o: '<script>alert(1)</script> 仙骨部発赤なし。',
        a: '',
        p: '主治医へ報告する。',
      },
      inputs: { temperature: '36.0', 'bp-systolic': '132', 'bp-diastolic': '78', spo2: '97', bowel: true },
      mentions: [team.doctor.userId],
      urgent: true,
    });
    expect(res.statusCode, res.body).toBe(201);
    const post = res.json();
    expect(post.column).toBe('nursing');
    expect(post.soap.o).toBe('<script>alert(1)</script> 仙骨部発赤なし。');
    const temp = post.inputs.find((i: { fieldId: string }) => i.fieldId === 'temperature');
    expect(temp).toMatchObject({ value: '36.0', display: '36.0 ℃', vital: 'temperature', unit: 'Cel' });
    expect(post.mentions).toEqual([{ userId: team.doctor.userId, name: '岡山 太郎' }]);
    expect(post.template.name.ja).toBe('訪問看護記録');
    const vitals = (await call(team.doctor, 'GET', `/cabinets/${cabinetId}/vitals`)).json();
    expect(vitals.series.find((s: { code: string }) => s.code === 'temperature').points[0].value).toBe(
      '36.0',
    );
    // The feed's search finds the words and the inputs as shown, never the stored form's keys.
    const search = async (q: string) =>
      (await call(team.nurse, 'GET', `/cabinets/${cabinetId}/posts?q=${encodeURIComponent(q)}`)).json().posts
        .length;
    expect(await search('仙骨部発赤')).toBe(1);
    expect(await search('36.0 ℃')).toBe(1);
    expect(await search('soap')).toBe(0);
    expect(await search('fieldId')).toBe(0);
  });

  it('refuses bad input with every problem, by field, and keeps nothing of it', async () => {
    const before = (await call(team.nurse, 'GET', `/cabinets/${cabinetId}/posts`)).json().posts.length;
    const res = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'soap',
      templateId: 'visiting-nursing',
      soap: { s: 'x', o: '', a: '', p: '' },
      inputs: { temperature: '36.05', spo2: '120', pulse: 'abc', nonsense: '1' },
    });
    expect(res.statusCode).toBe(422);
    const fields = res
      .json()
      .error.details.map((d: { field: string; code: string }) => `${d.field}:${d.code}`)
      .sort();
    expect(fields).toEqual([
      'inputs.nonsense:unknown-field',
      'inputs.pulse:not-a-number',
      'inputs.spo2:out-of-range',
      'inputs.temperature:too-precise',
    ]);
    const stranger = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'free',
      text: 'x',
      mentions: [team.outsider.userId],
    });
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json().error.details[0].field).toBe('mentions');
    expect(
      (await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, { kind: 'free', text: '   ' }))
        .statusCode,
    ).toBe(422);
    expect((await call(team.nurse, 'GET', `/cabinets/${cabinetId}/posts`)).json().posts.length).toBe(before);
  });

  it('replies, read receipts, notifications and unread counts', async () => {
    const root = (await call(team.nurse, 'GET', `/cabinets/${cabinetId}/posts`)).json().posts[0];
    const unread = (await call(team.careManager, 'GET', '/cabinet-notifications')).json();
    expect(unread.unread).toBeGreaterThanOrEqual(1);
    const doctorBell = (await call(team.doctor, 'GET', '/cabinet-notifications')).json();
    expect(doctorBell.items.find((i: { postId: string }) => i.postId === root.id)).toMatchObject({
      urgent: true,
      mentionsMe: true,
    });
    const page = (await call(team.doctor, 'GET', `/cabinets/${cabinetId}/posts`)).json();
    expect(page.posts[0].readBy.map((r: { userId: string }) => r.userId)).toContain(team.nurse.userId);
    expect((await call(team.doctor, 'GET', '/cabinet-notifications')).json().unread).toBe(0);
    expect((await call(team.doctor, 'GET', '/cabinet-notifications/count')).json()).toEqual({ unread: 0 });
    expect(
      (await call(team.careManager, 'GET', '/cabinet-notifications/count')).json().unread,
    ).toBeGreaterThanOrEqual(1);
    expect((await call(null, 'GET', '/cabinet-notifications/count')).statusCode).toBe(401);
    const reply = await call(team.doctor, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'free',
      text: '了解しました。次回訪問時に診察します。',
      replyTo: root.id,
    });
    expect(reply.statusCode, reply.body).toBe(201);
    expect(reply.json()).toMatchObject({ replyTo: root.id, column: 'doctor' });
    const nurseView = (await call(team.nurse, 'GET', `/cabinets/${cabinetId}/posts?column=nursing`)).json();
    expect(nurseView.posts.every((p: { column: string }) => p.column === 'nursing')).toBe(true);
    const withReadBy = (await call(team.nurse, 'GET', `/cabinets/${cabinetId}/posts`))
      .json()
      .posts.find((p: { id: string }) => p.id === root.id);
    expect(withReadBy.readBy.map((r: { userId: string }) => r.userId)).toContain(team.doctor.userId);
    expect(withReadBy.replyCount).toBe(1);
  });

  it('an edit makes a new version; the author only; what was read is kept', async () => {
    const root = (await call(team.nurse, 'GET', `/cabinets/${cabinetId}/posts?kind=soap`)).json().posts[0];
    const body = {
      kind: 'soap',
      templateId: 'visiting-nursing',
      soap: { ...root.soap, a: '脱水傾向あり、経過観察が必要。' },
      inputs: { temperature: '37.4' },
      urgent: true,
    };
    expect((await call(team.doctor, 'PUT', `/cabinets/${cabinetId}/posts/${root.id}`, body)).statusCode).toBe(
      403,
    );
    const edited = await call(team.nurse, 'PUT', `/cabinets/${cabinetId}/posts/${root.id}`, body);
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, edited: true });
    const versions = (
      await call(team.doctor, 'GET', `/cabinets/${cabinetId}/posts/${root.id}/versions`)
    ).json().versions;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions[1].inputs.find((i: { fieldId: string }) => i.fieldId === 'temperature').value).toBe(
      '36.0',
    );
    // The doctor read version 1: the receipt says so until they see version 2.
    const receipts = (await call(team.nurse, 'GET', `/cabinets/${cabinetId}/posts?kind=soap`)).json().posts[0]
      .readBy;
    expect(receipts.find((r: { userId: string }) => r.userId === team.doctor.userId).version).toBe(1);
    expect((await call(team.doctor, 'GET', '/cabinet-notifications')).json().unread).toBe(1);
    const vitals = (await call(team.doctor, 'GET', `/cabinets/${cabinetId}/vitals`)).json().series;
    expect(
      vitals
        .find((s: { code: string }) => s.code === 'temperature')
        .points.map((p: { value: string }) => p.value),
    ).toEqual(['37.4']);
  });

  it('exports the cabinet as CSV and as FHIR (CareTeam, Communication, vital-sign Observations keeping the typed precision)', async () => {
    const vitals = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'soap',
      templateId: 'visiting-nursing',
      soap: { s: '', o: '=HYPERLINK("http://x")', a: '', p: '' },
      inputs: { 'bp-systolic': '132', 'bp-diastolic': '78', temperature: '36.0' },
    });
    expect(vitals.statusCode, vitals.body).toBe(201);
    const csv = await call(team.doctor, 'GET', `/cabinets/${cabinetId}/export.csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.startsWith('\uFEFF日時,記入者,職種')).toBe(true);
    expect(csv.body).toContain('了解しました。次回訪問時に診察します。');
    // A cell that Excel would run as a formula is escaped.
    expect(csv.body).not.toContain(',=HYPERLINK');
    const team_ = (await call(team.doctor, 'GET', `/cabinets/${cabinetId}/fhir/CareTeam`)).json();
    expect(team_.entry[0].resource.participant.length).toBeGreaterThanOrEqual(3);
    expect(team_.entry[0].resource.contained[0].name[1].extension[0].valueCode).toBe('SYL');
    const comms = (await call(team.doctor, 'GET', `/cabinets/${cabinetId}/fhir/Communication`)).json();
    expect(
      comms.entry.some((e: { resource: { priority: string } }) => e.resource.priority === 'urgent'),
    ).toBe(true);
    const obs = await call(team.doctor, 'GET', `/cabinets/${cabinetId}/fhir/Observation`);
    expect(obs.headers['content-type']).toMatch(/application\/fhir\+json/);
    const resources = obs.json().entry.map((e: { resource: object }) => e.resource);
    const bp = resources.find(
      (r: { code: { coding: { code: string }[] } }) => r.code.coding[0]?.code === '85354-9',
    );
    expect(bp.component.map((c: { valueQuantity: { value: number } }) => c.valueQuantity.value)).toEqual([
      132, 78,
    ]);
    const temperatures = resources.filter(
      (r: { code: { coding: { code: string }[] } }) => r.code.coding[0]?.code === '8310-5',
    );
    expect(temperatures.map((t: { valueQuantity: { value: number } }) => t.valueQuantity.value)).toEqual([
      37.4, 36,
    ]);
    // 36.0 as typed: a JSON number cannot say it, the original text does.
    expect(temperatures[1].valueQuantity).toMatchObject({
      code: 'Cel',
      system: 'http://unitsofmeasure.org',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/originalText', valueString: '36.0' }],
    });
    expect((await call(team.outsider, 'GET', `/cabinets/${cabinetId}/fhir/Communication`)).statusCode).toBe(
      404,
    );
    expect((await call(team.outsider, 'GET', `/cabinets/${cabinetId}/export.csv`)).statusCode).toBe(404);
  });

  it('a removed member reads nothing at once; only the owner removes or invites', async () => {
    expect(
      (
        await call(team.doctor, 'POST', `/cabinets/${cabinetId}/members`, {
          userId: team.pharmacist.userId,
          facilityOid: OIDS.pharmacy,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await call(team.nurse, 'POST', `/cabinets/${cabinetId}/members`, {
          userId: team.outsider.userId,
          facilityOid: OIDS.outside,
        })
      ).statusCode,
    ).toBe(422);
    const removed = await del(
      team.nurse,
      `/cabinets/${cabinetId}/members/${team.careManager.userId}?facilityOid=${OIDS.care}`,
    );
    expect(removed.statusCode, removed.body).toBe(200);
    const after = await call(team.careManager, 'GET', `/cabinets/${cabinetId}/posts`);
    expect(after.statusCode).toBe(403);
    expect(after.json().error.code).toBe('membership-ended');
    expect((await call(team.careManager, 'GET', '/cabinet-notifications')).json().unread).toBe(0);
    expect((await call(team.careManager, 'GET', '/cabinets')).json().cabinets).toEqual([]);
  });

  it('a withdrawn consent closes the cabinet to every read at once; a new consent opens it again', async () => {
    const withdrawn = await call(team.doctor, 'POST', `/cabinets/${cabinetId}/consent/withdraw`, {
      reason: '本人より撤回の申し出',
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
    for (const who of [team.nurse, team.doctor]) {
      const res = await call(who, 'GET', `/cabinets/${cabinetId}/posts`);
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('consent-withdrawn');
      expect(
        (await call(who, 'POST', `/cabinets/${cabinetId}/posts`, { kind: 'free', text: 'x' })).statusCode,
      ).toBe(403);
      expect((await call(who, 'GET', '/cabinet-notifications')).json().items).toEqual([]);
    }
    const list = (await call(team.doctor, 'GET', '/cabinets')).json().cabinets;
    expect(list[0]).toMatchObject({ patient: null, access: { read: false, reason: 'consent-withdrawn' } });
    expect(
      (
        await call(team.doctor, 'POST', `/cabinets/${cabinetId}/consent`, {
          startDate: today(),
          facilities: [OIDS.clinic],
        })
      ).statusCode,
    ).toBe(403);
    const again = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/consent`, {
      startDate: today(),
      facilities: [OIDS.clinic],
    });
    expect(again.statusCode, again.body).toBe(200);
    expect((await call(team.doctor, 'GET', `/cabinets/${cabinetId}/posts`)).statusCode).toBe(200);
  });

  it('a closed cabinet is read only', async () => {
    expect(
      (await call(team.doctor, 'POST', `/cabinets/${cabinetId}/close`, { reason: 'x' })).statusCode,
    ).toBe(403);
    const closed = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/close`, { reason: '入院のため' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json().retentionUntil).toMatch(/^\d{4}-/);
    expect((await call(team.doctor, 'GET', `/cabinets/${cabinetId}/posts`)).statusCode).toBe(200);
    const write = await call(team.doctor, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'free',
      text: 'x',
    });
    expect(write.statusCode).toBe(403);
    expect(write.json().error.code).toBe('cabinet-closed');
  });

  it('the office sees metadata only; groups are the office’s to change', async () => {
    const office = (await call(team.office, 'GET', '/office/cabinets')).json().cabinets;
    expect(office[0]).toMatchObject({ groupName: 'もも脳ネット', status: 'closed' });
    expect(JSON.stringify(office)).not.toContain(PATIENT.name);
    expect((await call(team.nurse, 'GET', '/office/cabinets')).statusCode).toBe(403);
    expect(
      (await call(team.nurse, 'POST', '/cabinet-groups', { id: 'x', name: 'x', facilities: [] })).statusCode,
    ).toBe(403);
    const made = await call(team.office, 'POST', '/cabinet-groups', {
      id: 'kibi',
      name: 'きびきび',
      area: '総社市',
      facilities: [OIDS.outside],
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(
      (await call(team.outsider, 'GET', '/cabinet-groups')).json().groups.map((g: { id: string }) => g.id),
    ).toEqual(['kibi']);
    expect((await call(team.outsider, 'GET', '/cabinet-groups/momo/people')).statusCode).toBe(404);
    expect(
      (
        await call(team.outsider, 'POST', '/cabinets', {
          groupId: 'momo',
          patient: PATIENT,
          consent: { startDate: today() },
        })
      ).statusCode,
    ).toBe(403);
  });

  it('audits reads and writes in the hash chain', async () => {
    const rows = await hub.store.db
      .selectFrom('audit_event')
      .select(['type', 'action', 'outcome'])
      .where('type', '=', 'cabinet')
      .execute();
    expect(rows.some((r) => r.action === 'C' && r.outcome === '0')).toBe(true);
    expect(rows.some((r) => r.action === 'R' && r.outcome === '4')).toBe(true);
  });
});
