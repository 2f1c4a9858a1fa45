import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ENGINES } from '../../testing/store.js';
import { apiCall, type HubUnderTest, hubUnderTest } from '../../testing.js';
import { type CabinetTeam, OIDS, openTeamCabinet, seedCabinetTeam } from '../testing.js';
import { cabinetRoutes } from './routes.js';

const today = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

describe.each(TEST_ENGINES)('the schedule and the posted drawings as FHIR, on %s', (engine) => {
  let hub: HubUnderTest;
  let team: CabinetTeam;
  let cabinetId: string;
  const call = apiCall(() => hub);

  beforeAll(async () => {
    hub = await hubUnderTest(engine, [cabinetRoutes]);
    team = await seedCabinetTeam(hub);
    cabinetId = await openTeamCabinet(hub, team, { facilities: [OIDS.clinic], invite: ['doctor'] });
  });
  afterAll(() => hub.dispose());

  it('answers a month of the schedule as Appointments, one per occurrence', async () => {
    const month = today().slice(0, 7);
    const entry = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/schedule`, {
      kind: 'home-nursing',
      userId: team.nurse.userId,
      facilityOid: OIDS.nursing,
      date: `${month}-01`,
      startTime: '10:00',
      endTime: '11:00',
      recurrence: { type: 'weekly', weekdays: [1, 4] },
    });
    expect(entry.statusCode, entry.body).toBe(201);
    const res = await call(team.doctor, 'GET', `/cabinets/${cabinetId}/fhir/Appointment?month=${month}`);
    expect(res.statusCode, res.body).toBe(200);
    const appointments = res.json().entry.map((e: { resource: Record<string, unknown> }) => e.resource);
    expect(appointments.length).toBeGreaterThanOrEqual(8);
    expect(appointments[0]).toMatchObject({
      resourceType: 'Appointment',
      status: 'booked',
      serviceType: [{ text: '訪問看護' }],
    });
    expect(String(appointments[0].start)).toMatch(/T10:00:00\+09:00$/);
    for (const a of appointments) expect([1, 4]).toContain(new Date(String(a.start)).getUTCDay());
    expect((await call(team.outsider, 'GET', `/cabinets/${cabinetId}/fhir/Appointment`)).statusCode).toBe(
      404,
    );
    expect(
      (await call(team.doctor, 'GET', `/cabinets/${cabinetId}/fhir/Appointment?month=2026-13`)).statusCode,
    ).toBe(400);
  });

  it('answers posted drawings as DocumentReferences (never a draft)', async () => {
    const model = {
      version: 1,
      bodyPart: 'sacral',
      canvas: { width: 500, height: 440 },
      label: '仙骨部褥瘡',
      strokes: [
        {
          tool: 'pen',
          color: 'red',
          width: 3,
          points: [
            [200, 200, 0.5],
            [260, 230, 0.6],
          ],
        },
      ],
      stamps: [],
      texts: [],
    };
    const posted = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/drawings`, { model });
    expect(posted.statusCode, posted.body).toBe(201);
    const draft = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/drawings`, { model });
    const post = await call(team.nurse, 'POST', `/cabinets/${cabinetId}/posts`, {
      kind: 'free',
      text: '仙骨部の褥瘡。シェーマ参照。',
      attachments: [{ type: 'drawing', id: posted.json().id }],
    });
    expect(post.statusCode, post.body).toBe(201);
    const res = await call(team.doctor, 'GET', `/cabinets/${cabinetId}/fhir/DocumentReference`);
    expect(res.statusCode).toBe(200);
    const docs = res.json().entry.map((e: { resource: Record<string, unknown> }) => e.resource);
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({
      resourceType: 'DocumentReference',
      id: `drawing-${posted.json().id}`,
      type: { text: 'シェーマ' },
      description: '仙骨部褥瘡',
      context: { related: [{ reference: `Communication/${post.json().id}` }] },
      content: [{ attachment: { contentType: 'image/svg+xml' } }],
    });
    expect(JSON.stringify(docs)).not.toContain(draft.json().id);
  });
});
