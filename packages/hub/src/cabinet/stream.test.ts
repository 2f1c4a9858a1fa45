import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HubPrincipal } from '../http.js';
import { apiCall, type HubUnderTest, hubUnderTest } from '../testing.js';
import { cabinetRoutes } from './api/routes.js';
import { type CabinetTeam, OIDS, openTeamCabinet, seedCabinetTeam } from './testing.js';

const _today = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 10);

/** Collects a user's Server-Sent Events from a real connection. */
async function listen(base: string, headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(`${base}/api/v1/cabinet-events`, { headers, signal: controller.signal });
  const events: { event: string; data: Record<string, unknown> }[] = [];
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) return;
        buffer += decoder.decode(chunk.value, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (name && data) events.push({ event: name, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    events,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

describe('live cabinet events (SSE)', () => {
  let hub: HubUnderTest;
  let team: CabinetTeam;
  let base: string;
  let cabinetId: string;
  const call = apiCall(() => hub);

  beforeAll(async () => {
    hub = await hubUnderTest('sqlite', [cabinetRoutes]);
    team = await seedCabinetTeam(hub);
    await hub.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(hub.app.server.address() as AddressInfo).port}`;
    cabinetId = await openTeamCabinet(hub, team);
  });
  afterAll(() => hub.dispose());

  const post = (who: HubPrincipal, text: string) =>
    call(who, 'POST', `/cabinets/${cabinetId}/posts`, { kind: 'free', text, mentions: [team.doctor.userId] });

  it('tells readers of a new post (ids only), tells strangers nothing, and stops at once for a removed member', async () => {
    expect((await fetch(`${base}/api/v1/cabinet-events`)).status).toBe(401);
    const doctor = await listen(base, hub.as(team.doctor));
    const careManager = await listen(base, hub.as(team.careManager));
    const outsider = await listen(base, hub.as(team.outsider));
    expect(doctor.status).toBe(200);
    expect(doctor.contentType).toMatch(/^text\/event-stream/);
    const first = await post(team.nurse, '本日訪問しました');
    expect(first.statusCode).toBe(201);
    await settle();
    expect(doctor.events).toEqual([
      {
        event: 'post',
        data: {
          cabinetId,
          postId: first.json().id,
          version: 1,
          urgent: false,
          mentionsMe: true,
          mine: false,
        },
      },
    ]);
    expect(careManager.events.map((e) => e.event)).toEqual(['post']);
    expect(careManager.events[0]?.data.mentionsMe).toBe(false);
    expect(JSON.stringify(doctor.events)).not.toContain('本日訪問');
    expect(outsider.events).toEqual([]);

    await hub.app.inject({
      method: 'DELETE',
      url: `/api/v1/cabinets/${cabinetId}/members/${team.careManager.userId}?facilityOid=${OIDS.care}`,
      headers: hub.as(team.nurse),
    });
    await settle();
    expect(careManager.events.map((e) => e.event)).toEqual(['post', 'cabinet']);
    await post(team.nurse, '二回目');
    await settle();
    expect(careManager.events.map((e) => e.event)).toEqual(['post', 'cabinet']);
    expect(doctor.events.map((e) => e.event)).toEqual(['post', 'cabinet', 'post']);
    expect(outsider.events).toEqual([]);
    await Promise.all([doctor.close(), careManager.close(), outsider.close()]);
  });
});
