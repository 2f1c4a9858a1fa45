import { X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { frameMllp, MllpDeframer, type MllpServer, parseHl7 } from '@hie/hl7v2';
import { makeTestCertificates, TEST_ENGINES, type TestCertificates } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encode, labCentreText, NHO_LAB_RESULT, nhoForClinic, setField } from '../intake/lab/testing.js';
import { addSenderCertificate } from '../tenants/senders.js';
import { startLabMllp } from './lab-mllp.js';
import { type LabRepository, labRepository, observationsOf } from './testing.js';

/**
 * MLLP/TLS for lab centres, written as the attacks and the mistakes: a certificate nobody registered, a
 * message for another lab centre's code, a result for a patient the clinic does not have.
 */

let certs: TestCertificates;
beforeAll(() => {
  // 'kensa' is registered to the lab centre; 'stranger' holds a network certificate nobody registered.
  certs = makeTestCertificates({ clients: ['kensa', 'stranger', 'unlinked'] });
});
afterAll(() => certs.dispose());

const fingerprint = (name: string) => new X509Certificate(certs.pem(`${name}.crt`)).fingerprint256;

interface Ack {
  code: string;
  text: string;
  charset: string;
  err?: { code: string; message: string; location: string };
}

/** Sends messages on one TLS connection as `client`, then half-closes; the ACKs until the server closes. */
function send(port: number, client: string, messages: Uint8Array[]): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(
      {
        host: '127.0.0.1',
        port,
        ca: certs.pem('ca.crt'),
        cert: certs.pem(`${client}.crt`),
        key: certs.pem(`${client}.key`),
        servername: 'localhost',
      },
      () => {
        for (const m of messages) socket.write(frameMllp(m));
        socket.end();
      },
    );
    const deframer = new MllpDeframer();
    const acks: Ack[] = [];
    socket.on('data', (chunk: Buffer) => {
      for (const e of deframer.push(chunk)) if (e.type === 'frame') acks.push(readAck(e.frame));
    });
    socket.on('close', () => resolve(acks));
    socket.on('error', reject);
  });
}

function readAck(bytes: Uint8Array): Ack {
  const parsed = parseHl7(bytes);
  if (!parsed.ok) throw new Error(parsed.error.message);
  const m = parsed.message;
  const err = m.segment('ERR');
  return {
    code: m.get('MSA-1') ?? '',
    text: m.get('MSA-3') ?? '',
    charset: m.charset,
    ...(err
      ? {
          err: {
            code: err.get(5, 1, 1) ?? '',
            message: err.get(5, 1, 2) ?? '',
            location: [err.get(2, 1, 1), err.get(2, 1, 3)].join('-'),
          },
        }
      : {}),
  };
}

describe.each(TEST_ENGINES)('MLLP over TLS for lab centres (%s)', (engine) => {
  let lab: LabRepository;
  let server: MllpServer;

  beforeAll(async () => {
    lab = await labRepository(engine);
    await addSenderCertificate(lab.r.store, lab.lab.id, fingerprint('kensa'));
    await addSenderCertificate(lab.r.store, lab.otherLab.id, fingerprint('unlinked'));
    server = await startLabMllp(lab.r.intake, {
      host: '127.0.0.1',
      port: 0,
      tls: { key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt'), ca: certs.pem('ca.crt') },
    });
  });
  afterAll(async () => {
    await server?.close();
    await lab?.r.dispose();
  });

  it('a registered certificate: AA, the result readable at the clinic; sent again, AA and written once', async () => {
    const acks = await send(server.port, 'kensa', [nhoForClinic(), nhoForClinic()]);
    expect(acks.map((a) => a.code)).toEqual(['AA', 'AA']);
    expect(acks[1]!.text).toMatch(/^already imported as /);
    expect(await observationsOf(lab.r, lab.patientId)).toBeGreaterThan(0);
    const intakes = await lab.r.tenants
      .storeOf('1.2.392.200284.13.1312345678')
      .db.selectFrom('rp_intake')
      .select('id')
      .where('kind', '=', 'lab')
      .execute();
    expect(intakes).toHaveLength(1);
  });

  it('a certificate nobody registered: closed before any message, and audited', async () => {
    expect(await send(server.port, 'stranger', [nhoForClinic()])).toEqual([]);
    const sha256 = fingerprint('stranger').replaceAll(':', '').toLowerCase();
    await expect
      .poll(async () => {
        const events = await lab.r.store.db
          .selectFrom('audit_event')
          .select('event_json')
          .where('type', '=', 'intake')
          .execute();
        return events.some((e) => e.event_json.includes(sha256));
      })
      .toBe(true);
  });

  it('MSH-4 of another lab centre: AR, with the field', async () => {
    const forged = encode(setField(labCentreText(NHO_LAB_RESULT), 'MSH', 4, 'KENSA99'));
    const [ack] = await send(server.port, 'kensa', [forged]);
    expect(ack).toMatchObject({ code: 'AR', err: { code: 'lab-sender-mismatch', location: 'MSH-4' } });
    expect(ack!.text).toMatch(/^sender-other-facility: /);
  });

  it('a lab centre the clinic has not linked: AR', async () => {
    const text = setField(labCentreText(NHO_LAB_RESULT), 'MSH', 4, 'KENSA99');
    const [ack] = await send(server.port, 'unlinked', [encode(text)]);
    expect(ack).toMatchObject({ code: 'AR', err: { code: 'lab-not-linked' } });
  });

  it('a patient the clinic does not have: AE with lab-unknown-patient at PID-3, in the message’s charset', async () => {
    const unknown = encode(setField(labCentreText(NHO_LAB_RESULT), 'PID', 3, 'NOBODY'));
    const [ack] = await send(server.port, 'kensa', [unknown]);
    expect(ack).toMatchObject({
      code: 'AE',
      charset: 'ISO-2022-JP',
      err: { code: 'lab-unknown-patient', location: 'PID-3' },
    });
    expect(ack!.text).toMatch(/^rejected: /);
  });

  it('something that is not HL7: AE, and the connection goes on', async () => {
    const acks = await send(server.port, 'kensa', [new TextEncoder().encode('hello'), nhoForClinic()]);
    expect(acks.map((a) => a.code)).toEqual(['AE', 'AA']);
  });
});
