import { startOrcaSimulator } from '@hie/orca';
import { makeTestCertificates, type TestCertificates } from '@hie/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RepositoryUnderTest, repositoryUnderTest } from '../testing.js';
import { OrcaPulls } from './schedule.js';

const CLINIC = {
  oid: '1.2.392.200119.6.102.3319990011',
  institutionCode: '3319990011',
  name: 'WebORCAクリニック',
  kind: 'clinic' as const,
};

describe('a clinic whose ORCA asks for a client certificate (WebORCA)', () => {
  let certs: TestCertificates;
  let r: RepositoryUnderTest;
  let sim: Awaited<ReturnType<typeof startOrcaSimulator>>;
  let pulls: OrcaPulls;
  beforeAll(async () => {
    certs = makeTestCertificates({ clients: ['clinic'] });
    sim = await startOrcaSimulator({
      username: 'ormaster',
      password: 'secret',
      patients: 3,
      recorded: false,
      today: '2026-11-30',
      tls: { key: certs.pem('gateway.key'), cert: certs.pem('gateway.crt'), ca: certs.pem('ca.crt') },
    });
    r = await repositoryUnderTest('sqlite');
    pulls = new OrcaPulls(r.tenants);
  });
  afterAll(async () => {
    await pulls?.stop();
    await r?.dispose();
    await sim?.close();
    certs?.dispose();
  });

  it('pulls with the clinic’s certificate, and is refused without it', async () => {
    const url = sim.url.replace('127.0.0.1', 'localhost');
    await r.tenants.create({
      ...CLINIC,
      settings: {
        orca: {
          url,
          username: 'ormaster',
          password: 'secret',
          everyMinutes: 60,
          format: 'json',
          tls: { cert: certs.path('clinic.crt'), key: certs.path('clinic.key'), ca: certs.path('ca.crt') },
        },
      },
    });
    const outcome = await pulls.runNow(CLINIC.oid);
    expect(outcome.patients).toBe(3);
    await r.tenants.update(CLINIC.oid, {
      settings: {
        orca: {
          url,
          username: 'ormaster',
          password: 'secret',
          everyMinutes: 60,
          format: 'json',
          tls: { cert: certs.path('rogue.crt'), key: certs.path('rogue.key'), ca: certs.path('ca.crt') },
        },
      },
    });
    await expect(pulls.runNow(CLINIC.oid)).rejects.toMatchObject({ code: 'orca-failed' });
  });
});
