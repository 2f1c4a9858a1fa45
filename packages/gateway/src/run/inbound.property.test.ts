import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { encodeHl7Text } from '@hie/hl7v2';
import {
  createTestStore,
  makeTestCertificates,
  TEST_ENGINES,
  type TestCertificates,
  type TestStore,
} from '@hie/record-source/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendMllp } from '../inbound/client.js';
import { InboundReceiver } from '../inbound/receiver.js';
import { readAck, sampleFiles } from '../inbound/testing.js';
import { completeGatewayConfig, type GatewayConfig, gatewayConfigSchema } from './config.js';
import { type InboundListeners, senderOwnership, startInboundListeners } from './inbound.js';
import { filesUnder, mllpTlsOn, TEST_FACILITY } from './testing.js';

/**
 * Issue 10: no write lands outside its sender's facility. For random registered senders, each owning
 * random facilities (overlapping or not), the hospital's own systems on loopback, and random HL7 v2
 * messages (every NHO sample type, re-addressed to fresh patients) sent by random senders over every
 * intake path (HTTP with a token, MLLP/TLS with a client certificate, plain MLLP on loopback) with
 * random MSH-4 values (their own facilities, other senders', the gateway's, unknown, empty, one or two
 * components), updates and cancels of records another sender filed first:
 * - a message is filed (AA) iff MSH-4 names one of its sender's facilities AND the record is new or
 *   this sender filed it first; otherwise it is refused (AR);
 * - a refused message changes nothing in the store: no file, no owner; a filed one changes only its
 *   own record's files;
 * - every message, filed or refused, has one audit event naming its authenticated sender.
 */

const OID = '1.2.392.200284.33.3319800011';
/** MSH-4 values senders may be registered for: the gateway's own facility, two others, two labs. */
const FACILITIES = [TEST_FACILITY.institutionCode, OID, '3310210012', '3311610020', 'LAB-A', 'LAB-B'];
/** MSH-4 values nobody is registered for (the samples' own 'SEND' among them). */
const UNKNOWN = ['SEND', '9999999999', '1.2.392.200284.33.9999999999', ''];
const CLAIMS = [...FACILITIES, ...UNKNOWN];
const MAX_SENDERS = 3;
const senderName = (i: number) => `sender${i}`;
const token = (i: number) => `${senderName(i)}-token-0123456789abcdef`;

type Transport = 'http' | 'mllp-tls' | 'mllp';

/** Each sample as text (every data type the receiver files), the template of a record. */
const TEMPLATES = sampleFiles().map((s) => ({
  dataType: s.dataType,
  text: new TextDecoder('iso-2022-jp').decode(s.bytes),
}));

/** The template re-addressed: MSH-4, MSH-10, PID-3.1, and ORC-1 `CA` for a cancel. */
function craft(template: string, m: { msh4: string; controlId: string; patientId: string; cancel: boolean }) {
  const segments = template.split('\r').map((segment) => {
    const fields = segment.split('|');
    if (fields[0] === 'MSH') {
      fields[3] = m.msh4;
      fields[9] = m.controlId;
    } else if (fields[0] === 'PID') {
      fields[3] = (fields[3] ?? '').replace(/^[^^~]*/, m.patientId);
    } else if (fields[0] === 'ORC' && m.cancel) {
      fields[1] = 'CA';
    }
    return fields.join('|');
  });
  return encodeHl7Text(segments.join('\r'), 'ISO-2022-JP');
}

const scenario = fc.record({
  /** The facilities of each registered sender. */
  senders: fc.array(fc.subarray(FACILITIES, { minLength: 1 }), { minLength: 1, maxLength: MAX_SENDERS }),
  /** MSH-4 values the hospital's own systems use besides the institution code and OID. */
  localFacilityIds: fc.subarray(FACILITIES.slice(2), { maxLength: 2 }),
  /** Records: a template each, for a patient of its own. */
  records: fc.array(fc.nat(TEMPLATES.length - 1), { minLength: 1, maxLength: 3 }),
  messages: fc.array(
    fc.record({
      sender: fc.nat(),
      record: fc.nat(),
      /** Claim one of the sender's own facilities (else any value). */
      own: fc.boolean(),
      pick: fc.nat(),
      claim: fc.constantFrom(...CLAIMS),
      /** MSH-4.2 (universal id) beside MSH-4.1. */
      universal: fc.option(fc.constantFrom(...CLAIMS), { nil: undefined }),
      cancel: fc.boolean(),
      overTls: fc.boolean(),
    }),
    { minLength: 1, maxLength: 10 },
  ),
});

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates({ clients: Array.from({ length: MAX_SENDERS }, (_, i) => senderName(i)) });
});
afterAll(() => certs.dispose());

let runs = 0;

describe.each(TEST_ENGINES)('who may write which record, on %s', (engine) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await createTestStore(engine);
  });
  afterAll(() => store.dispose());

  it('files a message iff MSH-4 is its sender’s and the record is new or its own; refusals change nothing; all audited', async () => {
    let filed = 0;
    let refusedForFacility = 0;
    let refusedForOwner = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        const run = ++runs;
        const dir = mkdtempSync(join(tmpdir(), 'hie-inbound-property-'));
        const config = configFor(dir, sc.senders, sc.localFacilityIds);
        const root = config.storage.inbound;
        // fsync off: durability is not what this property is about, and it keeps 2 cores fast.
        const receiver = new InboundReceiver({
          storageRoot: root,
          authorise: senderOwnership(store),
          fsync: false,
        });
        const listeners = await startInboundListeners(config, { receiver, store });
        const senders = [
          ...sc.senders.map((facilities, i) => ({ id: senderName(i), index: i, facilities })),
          {
            id: 'local',
            index: -1,
            facilities: [TEST_FACILITY.institutionCode, OID, ...sc.localFacilityIds],
          },
        ];
        const patientOf = (r: number) => `${String(run).padStart(6, '0')}${String(r).padStart(2, '0')}`;
        const owner = new Map<number, string>();
        const sent: { controlId: string; sender: string; filed: boolean }[] = [];
        const auditedBefore = await lastAuditSeq(store);
        try {
          for (const [i, m] of sc.messages.entries()) {
            const sender = senders[m.sender % senders.length]!;
            const record = m.record % sc.records.length;
            const namespace = m.own ? sender.facilities[m.pick % sender.facilities.length]! : m.claim;
            const claimed = [namespace, m.universal ?? ''].filter((v) => v !== '');
            const controlId = `R${run}M${i}`;
            const message = craft(TEMPLATES[sc.records[record]!]!.text, {
              msh4: m.universal === undefined ? namespace : `${namespace}^${m.universal}^ISO`,
              controlId,
              patientId: patientOf(record),
              cancel: m.cancel,
            });
            const transport: Transport = sender.index < 0 ? 'mllp' : m.overTls ? 'mllp-tls' : 'http';

            // The model: MSH-4 names one of the sender's facilities, and the record is new or its own.
            const forFacility = claimed.some((c) => sender.facilities.includes(c));
            const ownRecord = (owner.get(record) ?? sender.id) === sender.id;
            const expectFiled = forFacility && ownRecord;
            if (expectFiled) owner.set(record, sender.id);

            const filesBefore = snapshot(root);
            const ownerBefore = await ownerOf(store, patientOf(record));
            const code = await send(listeners, transport, sender.index, message);
            expect(code, `${transport} ${sender.id} MSH-4 ${claimed.join('&')} record ${record}`).toBe(
              expectFiled ? 'AA' : 'AR',
            );
            const changed = changedFiles(filesBefore, snapshot(root));
            if (expectFiled) {
              filed++;
              expect(changed.length).toBeGreaterThan(0);
              // Only this record's files: the patient folder is the third level (SS-MIX2 §2).
              expect(changed.every((path) => path.split(sep)[2] === patientOf(record))).toBe(true);
            } else {
              if (forFacility) refusedForOwner++;
              else refusedForFacility++;
              expect(changed).toEqual([]);
              expect(await ownerOf(store, patientOf(record))).toEqual(ownerBefore);
            }
            sent.push({ controlId, sender: sender.id, filed: expectFiled });
          }
        } finally {
          await listeners.close();
          rmSync(dir, { recursive: true, force: true });
        }
        for (const [r] of sc.records.entries()) {
          expect(await ownerOf(store, patientOf(r))).toEqual(owner.get(r));
        }
        const audited = await auditSince(store, auditedBefore);
        expect(audited).toEqual(
          sent.map((s) => ({
            controlId: s.controlId,
            user: `sender:${s.sender}`,
            outcome: s.filed ? '0' : '4',
          })),
        );
      }),
      { numRuns: 60 },
    );
    // The generator reaches every branch of the rule.
    expect(filed).toBeGreaterThan(50);
    expect(refusedForFacility).toBeGreaterThan(25);
    expect(refusedForOwner).toBeGreaterThan(10);
  });
});

function configFor(dir: string, senders: string[][], localFacilityIds: string[]): GatewayConfig {
  return completeGatewayConfig(
    gatewayConfigSchema.parse({
      facility: TEST_FACILITY,
      dataDir: dir,
      mllp: {
        host: '127.0.0.1',
        port: 0,
        tls: mllpTlsOn(certs),
      },
      inbound: {
        http: { enabled: true, host: '127.0.0.1', port: 0 },
        localFacilityIds,
        senders: senders.map((facilities, i) => ({
          id: senderName(i),
          facilities,
          tokenSha256: createHash('sha256').update(token(i)).digest('hex'),
          certificates: [new X509Certificate(certs.pem(`${senderName(i)}.crt`)).fingerprint256],
        })),
      },
    }),
  );
}

/** Sends one message as sender `index` (-1: the hospital's own system on loopback); the ACK code. */
async function send(
  listeners: InboundListeners,
  transport: Transport,
  index: number,
  message: Uint8Array,
): Promise<string> {
  if (transport === 'http') {
    const response = await fetch(`http://127.0.0.1:${listeners.httpPort}/hl7/v2`, {
      method: 'POST',
      headers: { 'content-type': 'application/hl7-v2', authorization: `Bearer ${token(index)}` },
      body: message,
    });
    const code = readAck(new Uint8Array(await response.arrayBuffer())).code;
    expect(response.status).toBe(code === 'AA' ? 200 : 403);
    return code;
  }
  const [reply] = await sendMllp([message], {
    host: '127.0.0.1',
    port: transport === 'mllp' ? listeners.mllpPort! : listeners.mllpTlsPort!,
    timeoutMs: 10_000,
    ...(transport === 'mllp-tls'
      ? {
          tls: {
            ca: certs.pem('ca.crt'),
            servername: 'localhost',
            cert: certs.pem(`${senderName(index)}.crt`),
            key: certs.pem(`${senderName(index)}.key`),
          },
        }
      : {}),
  });
  if (!reply?.ok) throw new Error(`no ACK over ${transport}: ${reply?.message}`);
  return readAck(reply.ack).code;
}

/** Every filed file and its size (names carry the condition flag: a rename shows). */
function snapshot(root: string): Map<string, number> {
  return new Map(filesUnder(root).map((path) => [path, statSync(join(root, path)).size]));
}

function changedFiles(before: Map<string, number>, after: Map<string, number>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((p) => before.get(p) !== after.get(p));
}

/** The sender that owns a patient's record (each patient has one record here). */
async function ownerOf(store: TestStore, patientId: string): Promise<string | undefined> {
  const rows = await store.db
    .selectFrom('gw_inbound_owner')
    .select(['record_key', 'sender_id'])
    .where('record_key', 'like', `${patientId}_%`)
    .execute();
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0]?.sender_id;
}

async function lastAuditSeq(store: TestStore): Promise<number> {
  const row = await store.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

async function auditSince(store: TestStore, seq: number) {
  const rows = await store.db
    .selectFrom('audit_event')
    .select(['user_id', 'outcome', 'event_json', 'type'])
    .where('seq', '>', seq)
    .orderBy('seq')
    .execute();
  return rows.map((r) => {
    expect(r.type).toBe('inbound');
    const event = JSON.parse(r.event_json) as { detail?: { controlId?: string } };
    return { controlId: event.detail?.controlId, user: r.user_id, outcome: r.outcome };
  });
}
