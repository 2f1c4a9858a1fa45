import { DOMParser } from '@xmldom/xmldom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestCertificates, type TestCertificates } from '../http/test-certificates.js';
import { createTestStore, type TestStore } from '../store/testing.js';
import { AtnaForwarder, atnaAuditMessage } from './atna.js';
import { appendAudit } from './chain.js';
import { AUDIT_MIGRATIONS } from './migration.js';
import { rsyslogAvailable, startTestRsyslog, type TestRsyslog } from './rsyslog-testing.js';
import type { AuditSchema } from './schema.js';

const view = (i: number) => ({
  type: 'view',
  action: 'R' as const,
  outcome: '0' as const,
  source: 'hub',
  agent: {
    userId: `u${i}`,
    name: `医師 ${i}`,
    profession: 'doctor',
    facilityOid: '1.2.392.200284.33.3319800011',
    address: '10.0.0.5',
  },
  patient: { personId: `person-${i}` },
  entities: [`Condition/${i}`],
  purposeOfUse: 'TREAT',
  detail: { what: 'timeline <&>' },
});

describe('the DICOM audit message of an event', () => {
  it('names the event, who, where from, which patient and what, escaped', () => {
    const xml = atnaAuditMessage(
      { seq: 7, recordedAt: '2026-12-07T01:02:03.000Z', record: view(1) },
      { sourceId: 'hub', enterpriseSiteId: '1.2.392.200284' },
    );
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    const one = (tag: string) => doc.getElementsByTagName(tag)[0];
    expect(one('EventIdentification')?.getAttribute('EventActionCode')).toBe('R');
    expect(one('EventID')?.getAttribute('csd-code')).toBe('110110');
    expect(one('ActiveParticipant')?.getAttribute('UserID')).toBe('u1');
    expect(one('ActiveParticipant')?.getAttribute('UserName')).toBe('医師 1');
    expect(one('ActiveParticipant')?.getAttribute('NetworkAccessPointTypeCode')).toBe('2');
    expect(one('AuditSourceIdentification')?.getAttribute('AuditSourceID')).toBe('hub');
    const objects = Array.from(doc.getElementsByTagName('ParticipantObjectIdentification'));
    expect(objects.map((o) => o.getAttribute('ParticipantObjectID'))).toEqual([
      'person-1',
      'Condition/1',
      'audit-event/7',
    ]);
    const detail = doc.getElementsByTagName('ParticipantObjectDetail')[0];
    expect(Buffer.from(detail?.getAttribute('value') ?? '', 'base64').toString()).toBe('timeline <&>');
    // Queries and logins have their own DCM codes.
    const query = atnaAuditMessage(
      {
        seq: 8,
        recordedAt: 'x',
        record: { ...view(2), type: 'mpi', action: 'E', detail: { operation: 'ITI-45' } },
      },
      { sourceId: 'hub' },
    );
    expect(query).toContain('csd-code="110112"');
    expect(query).toContain('csd-code="ITI-45" codeSystemName="IHE Transactions"');
  });
});

describe.skipIf(!rsyslogAvailable && !process.env.CI)('ATNA forwarding to a real rsyslogd over TLS', () => {
  let certs: TestCertificates;
  let rsyslog: TestRsyslog;
  let store: TestStore<AuditSchema>;

  beforeAll(async () => {
    certs = makeTestCertificates();
    rsyslog = await startTestRsyslog(certs);
    store = await createTestStore<AuditSchema>('sqlite', AUDIT_MIGRATIONS);
  }, 30_000);
  afterAll(async () => {
    await rsyslog?.dispose();
    await store?.dispose();
    certs?.dispose();
  });

  const arrived = async (count: number) => {
    for (let i = 0; i < 100 && rsyslog.lines().length < count; i++)
      await new Promise((r) => setTimeout(r, 50));
    return rsyslog.lines();
  };

  it('sends every event in order; an outage of the repository loses nothing', async () => {
    const forwarder = new AtnaForwarder(store, {
      target: {
        host: '127.0.0.1',
        port: rsyslog.tlsPort,
        tls: { ca: certs.pem('ca.crt'), servername: 'localhost' },
        timeoutMs: 1000,
      },
      site: { sourceId: 'hub', enterpriseSiteId: '1.2.392.200284' },
      batch: 3,
    });
    await appendAudit(store, [view(1), view(2), view(3), view(4), view(5)]);
    expect(await forwarder.flush()).toBe(5);
    const first = await arrived(5);
    expect(first).toHaveLength(5);
    expect(first[0]).toMatch(
      /^<85>1 \S+ \S+ hie-atna \d+ IHE\+RFC-3881 - <\?xml version="1.0" encoding="UTF-8"\?><AuditMessage>/,
    );
    expect(await forwarder.cursor()).toBe(5);

    // The repository goes down: events keep being recorded, the cursor waits.
    await rsyslog.stop();
    await appendAudit(store, [view(6), view(7), view(8)]);
    await expect(forwarder.flush()).rejects.toThrow();
    expect(await forwarder.cursor()).toBe(5);
    await rsyslog.start();
    expect(await forwarder.flush()).toBe(3);
    const all = await arrived(8);
    const users = all.map((line) => /UserID="(u\d+)"/.exec(line)?.[1]);
    expect(users).toEqual(['u1', 'u2', 'u3', 'u4', 'u5', 'u6', 'u7', 'u8']);
    expect(await forwarder.flush()).toBe(0);
  });

  it('refuses a repository whose certificate is not of the given CA, and keeps its place', async () => {
    const rogue = makeTestCertificates();
    try {
      const forwarder = new AtnaForwarder(store, {
        name: 'rogue',
        target: {
          host: '127.0.0.1',
          port: rsyslog.tlsPort,
          tls: { ca: rogue.pem('ca.crt'), servername: 'localhost' },
          timeoutMs: 1000,
        },
        site: { sourceId: 'hub' },
      });
      await expect(forwarder.flush()).rejects.toThrow();
      expect(await forwarder.cursor()).toBe(0);
    } finally {
      rogue.dispose();
    }
  });
});
