import { createHash } from 'node:crypto';
import { encodeHl7Text } from '@hie/hl7v2';
import { generateSigningKey, type SigningKey } from '@hie/platform';
import { TEST_ENGINES } from '@hie/record-source/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sendMllp } from '../inbound/client.js';
import { readAck, sampleFiles } from '../inbound/testing.js';
import type { RunningGateway } from './gateway.js';
import {
  type SearchBundle as Bundle,
  LAB_PATIENT,
  signedSearch,
  startTestGateway,
  type TestGateway,
} from './testing.js';

const LAB_TOKEN = 'lab-system-token-0123456789abcdef';
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe.each(TEST_ENGINES)('the gateway process on %s', (engine) => {
  let running: TestGateway | undefined;
  afterEach(async () => {
    await running?.dispose();
    running = undefined;
  });

  async function start(hub: SigningKey): Promise<RunningGateway> {
    running = await startTestGateway(engine, hub, {
      inbound: {
        http: { enabled: true, port: 0 },
        // The NHO samples name their sending facility 'SEND'.
        localFacilityIds: ['SEND'],
        senders: [{ id: 'lab-system', facilities: ['SEND'], tokenSha256: sha256(LAB_TOKEN) }],
      },
    });
    return running.gateway;
  }

  const search = signedSearch;

  it('makes a lab result sent over MLLP visible to a signed FHIR search within 2 s', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    expect(gw.facility.oid).toBe('1.2.392.200284.33.3319800011');
    const before = await search(gw, hub, `/fhir/Observation?patient=${LAB_PATIENT}`);
    expect(before.status).toBe(200);
    expect(before.body.entry ?? []).toHaveLength(0);

    const lab = sampleFiles().find((s) => s.dataType === 'OML-11')!;
    const sentAt = Date.now();
    const [reply] = await sendMllp([lab.bytes], { host: '127.0.0.1', port: gw.mllpPort! });
    expect(reply?.ok && readAck(reply.ack).code).toBe('AA');
    let found: Bundle | undefined;
    while (Date.now() - sentAt < 2000) {
      const r = await search(gw, hub, `/fhir/Observation?patient=${LAB_PATIENT}`);
      if ((r.body.entry?.length ?? 0) > 0) {
        found = r.body;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(Date.now() - sentAt).toBeLessThan(2000);
    expect(found?.resourceType).toBe('Bundle');
    expect(found?.entry?.every((e) => e.resource.resourceType === 'Observation')).toBe(true);
    expect(found?.entry?.length).toBeGreaterThan(0);

    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('hie_gateway_inbound_messages_total{transport="mllp",outcome="stored"} 1');
    const health = await fetch(`${gw.url}/health`);
    expect(health.status).toBe(200);
    expect(await (await fetch(`${gw.url}/health/ready`)).json()).toEqual({ status: 'ready', mllp: true });
  });

  it('takes HL7 over HTTP from a registered sender on its own listener, never on the API port, and stops cleanly', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    const lab = sampleFiles().find((s) => s.dataType === 'OML-11')!;
    const inbound = `http://127.0.0.1:${gw.inboundHttpPort}/hl7/v2`;
    const post = (url: string, body: Uint8Array, token?: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/hl7-v2',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
      });
    // Issue 10, finding 1: the read API takes no writes at all, and the inbound listener no anonymous ones.
    expect((await post(`${gw.url}/hl7/v2`, lab.bytes, LAB_TOKEN)).status).toBe(404);
    expect((await post(inbound, lab.bytes)).status).toBe(401);
    expect((await post(inbound, lab.bytes, 'a-guessed-token-0123456789')).status).toBe(401);
    const response = await post(inbound, lab.bytes, LAB_TOKEN);
    expect(response.status).toBe(200);
    expect(readAck(new Uint8Array(await response.arrayBuffer())).code).toBe('AA');
    const r = await search(gw, hub, `/fhir/Observation?patient=${LAB_PATIENT}`);
    expect(r.body.entry?.length).toBeGreaterThan(0);
    await gw.stop();
    await expect(fetch(`${gw.url}/health`)).rejects.toThrow();
  });

  it('refuses a message whose MSH-4 claims another hospital, over HTTP and MLLP: AR, nothing filed, audited', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    const lab = sampleFiles().find((s) => s.dataType === 'OML-11')!;
    // The same lab result, claiming 倉敷中央病院 as its sending facility.
    const text = new TextDecoder('iso-2022-jp')
      .decode(lab.bytes)
      .replace('|HIS123|SEND|', '|HIS123|3310210012|');
    const forged = encodeHl7Text(text, 'ISO-2022-JP');
    const overHttp = await fetch(`http://127.0.0.1:${gw.inboundHttpPort}/hl7/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/hl7-v2', authorization: `Bearer ${LAB_TOKEN}` },
      body: forged,
    });
    expect(overHttp.status).toBe(403);
    const ack = readAck(new Uint8Array(await overHttp.arrayBuffer()));
    expect([ack.code, ack.errLocation]).toEqual(['AR', 'MSH^1^4']);
    const [overMllp] = await sendMllp([forged], { host: '127.0.0.1', port: gw.mllpPort! });
    expect(overMllp?.ok && readAck(overMllp.ack).code).toBe('AR');
    const r = await search(gw, hub, `/fhir/Observation?patient=${LAB_PATIENT}`);
    expect(r.body.entry ?? []).toEqual([]);
    const audited = await gw.store.db
      .selectFrom('audit_event')
      .select(['outcome', 'user_id'])
      .where('type', '=', 'inbound')
      .execute();
    expect(audited).toEqual([
      { outcome: '4', user_id: 'sender:lab-system' },
      { outcome: '4', user_id: 'sender:local' },
    ]);
  });

  it('lets a sender update or cancel only what it filed: another sender’s update of the record is refused', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    const lab = sampleFiles().find((s) => s.dataType === 'OML-11')!;
    const text = new TextDecoder('iso-2022-jp').decode(lab.bytes);
    // The same record again, as a later message (another MSH-10, so not a duplicate).
    const update = (controlId: string) =>
      encodeHl7Text(text.replace('|20111220131032|P|2.5', `|${controlId}|P|2.5`), 'ISO-2022-JP');
    const filed = await fetch(`http://127.0.0.1:${gw.inboundHttpPort}/hl7/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/hl7-v2', authorization: `Bearer ${LAB_TOKEN}` },
      body: lab.bytes,
    });
    expect(filed.status).toBe(200);
    // The hospital's own system on this host may send for the facility, but this record is the lab's.
    const [other] = await sendMllp([update('LOCAL-1')], { host: '127.0.0.1', port: gw.mllpPort! });
    const otherAck = other?.ok ? readAck(other.ack) : undefined;
    expect([otherAck?.code, otherAck?.errLocation]).toEqual(['AR', '^^']);
    const again = await fetch(`http://127.0.0.1:${gw.inboundHttpPort}/hl7/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/hl7-v2', authorization: `Bearer ${LAB_TOKEN}` },
      body: update('LAB-2'),
    });
    expect(readAck(new Uint8Array(await again.arrayBuffer())).code).toBe('AA');
  });
});
