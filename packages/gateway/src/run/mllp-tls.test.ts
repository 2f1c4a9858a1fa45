import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { encodeHl7Text } from '@hie/hl7v2';
import { generateSigningKey, type SigningKey } from '@hie/platform';
import { makeTestCertificates, TEST_ENGINES, type TestCertificates } from '@hie/record-source/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendMllp } from '../inbound/client.js';
import { readAck, sampleFiles } from '../inbound/testing.js';
import type { RunningGateway } from './gateway.js';
import {
  filesUnder,
  LAB_PATIENT,
  mllpTlsOn,
  signedSearch,
  startTestGateway,
  type TestGateway,
} from './testing.js';

/**
 * Issue 10, finding 1: MLLP from remote systems over TLS, each system known by its client certificate.
 * Written as the attacks: no certificate, a certificate from another CA, a network certificate nobody
 * registered, a registered system writing for another hospital.
 */

let certs: TestCertificates;
beforeAll(() => {
  // 'lab-system' is registered at the gateway; 'clinic' holds a network certificate nobody registered.
  certs = makeTestCertificates({ clients: ['lab-system', 'clinic'] });
});
afterAll(() => certs.dispose());

/** As `openssl x509 -fingerprint -sha256` and Node print it: upper case with colons. */
const fingerprint = (name: string) => new X509Certificate(certs.pem(`${name}.crt`)).fingerprint256;

const lab = () => sampleFiles().find((s) => s.dataType === 'OML-11')!;

describe.each(TEST_ENGINES)('MLLP over TLS with client certificates on %s', (engine) => {
  let running: TestGateway | undefined;
  afterEach(async () => {
    await running?.dispose();
    running = undefined;
  });

  async function start(hub: SigningKey): Promise<RunningGateway> {
    running = await startTestGateway(engine, hub, {
      mllp: {
        port: 0,
        tls: mllpTlsOn(certs),
      },
      inbound: {
        senders: [
          // The NHO samples name their sending facility 'SEND'.
          { id: 'lab-system', facilities: ['SEND'], certificates: [fingerprint('lab-system')] },
          // Registered by mistake for a certificate of another CA: the handshake still refuses it.
          { id: 'misregistered', facilities: ['SEND'], certificates: [fingerprint('rogue')] },
        ],
      },
    });
    return running.gateway;
  }

  /** The ACK code the gateway answered, or 'refused' when the connection ended without one. */
  async function sendAs(gw: RunningGateway, client: string | null, message: Uint8Array): Promise<string> {
    try {
      const [reply] = await sendMllp([message], {
        host: '127.0.0.1',
        port: gw.mllpTlsPort!,
        timeoutMs: 10_000,
        tls: {
          ca: certs.pem('ca.crt'),
          servername: 'localhost',
          ...(client ? { cert: certs.pem(`${client}.crt`), key: certs.pem(`${client}.key`) } : {}),
        },
      });
      return reply?.ok ? readAck(reply.ack).code : 'refused';
    } catch {
      return 'refused';
    }
  }

  const inboundAudit = async (gw: RunningGateway) =>
    (
      await gw.store.db
        .selectFrom('audit_event')
        .select(['outcome', 'user_id', 'event_json'])
        .where('type', '=', 'inbound')
        .orderBy('seq')
        .execute()
    ).map((e) => ({ outcome: e.outcome, user_id: e.user_id, event: JSON.parse(e.event_json) }));

  const nothingFiled = async (gw: RunningGateway, hub: SigningKey) => {
    expect(filesUnder(gw.receiver.storageRoot)).toEqual([]);
    const r = await signedSearch(gw, hub, `/fhir/Observation?patient=${LAB_PATIENT}`);
    expect(r.body.entry ?? []).toEqual([]);
  };

  it('files a message from a registered sender’s certificate (AA), visible to a signed search; the port closes on stop', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    expect(gw.mllpTlsPort).toBeGreaterThan(0);
    expect(await sendAs(gw, 'lab-system', lab().bytes)).toBe('AA');
    let found = 0;
    for (const until = Date.now() + 2000; found === 0 && Date.now() < until; ) {
      found =
        (await signedSearch(gw, hub, `/fhir/Observation?patient=${LAB_PATIENT}`)).body.entry?.length ?? 0;
      if (found === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(found).toBeGreaterThan(0);
    expect((await inboundAudit(gw)).map((e) => [e.outcome, e.user_id])).toEqual([['0', 'sender:lab-system']]);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toContain('hie_gateway_inbound_messages_total{transport="mllp-tls",outcome="stored"} 1');

    const port = gw.mllpTlsPort!;
    await running!.dispose();
    running = undefined;
    await expect(
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, ca: certs.pem('ca.crt'), servername: 'localhost' });
        socket.once('secureConnect', () => resolve(socket.destroy()));
        socket.once('error', reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses a client without a certificate in the handshake: nothing filed', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    expect(await sendAs(gw, null, lab().bytes)).toBe('refused');
    await nothingFiled(gw, hub);
  });

  it('refuses a certificate from another CA, even one whose fingerprint is registered: nothing filed', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    expect(await sendAs(gw, 'rogue', lab().bytes)).toBe('refused');
    await nothingFiled(gw, hub);
  });

  it('refuses a valid network certificate no sender registered: connection closed, audited, nothing filed', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    expect(await sendAs(gw, 'clinic', lab().bytes)).toBe('refused');
    await nothingFiled(gw, hub);
    // The refusal is audited as the connection closes: wait for it briefly.
    let audited = await inboundAudit(gw);
    for (const until = Date.now() + 2000; audited.length === 0 && Date.now() < until; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      audited = await inboundAudit(gw);
    }
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      outcome: '4',
      user_id: 'sender:unknown',
      event: {
        detail: {
          outcome: 'refused-connection',
          transport: 'mllp-tls',
          certificateSha256: fingerprint('clinic').replaceAll(':', '').toLowerCase(),
          certificateSubject: 'clinic',
        },
      },
    });
  });

  it('answers AR to a registered sender whose MSH-4 claims another hospital: nothing filed, audited with its name', async () => {
    const hub = await generateSigningKey();
    const gw = await start(hub);
    // The same lab result, claiming 倉敷中央病院 as its sending facility.
    const text = new TextDecoder('iso-2022-jp')
      .decode(lab().bytes)
      .replace('|HIS123|SEND|', '|HIS123|3310210012|');
    expect(await sendAs(gw, 'lab-system', encodeHl7Text(text, 'ISO-2022-JP'))).toBe('AR');
    await nothingFiled(gw, hub);
    expect((await inboundAudit(gw)).map((e) => [e.outcome, e.user_id])).toEqual([['4', 'sender:lab-system']]);
  });
});
