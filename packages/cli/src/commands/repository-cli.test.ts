import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '@hie/platform';
import { makeTestCertificates } from '@hie/platform/testing';
import { type RepositorySchema, senderOfCertificate } from '@hie/repository';
import { type RepositoryUnderTest, repositoryUnderTest, UKE_CLINIC } from '@hie/repository/testing';
import { fixtureBytes } from '@hie/uke/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../main.js';

// In-process through main(), so exit codes are mapped exactly as `hie` maps them; stdout and stderr
// are captured while it runs.
async function hie(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  process.exitCode = undefined;
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** A port nothing listens on: one the system gave out and took back. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const CLINIC = {
  oid: '1.2.392.200119.6.102.1330000001',
  code: '1330000001',
  name: 'さくら内科クリニック',
};

describe('hie repository tenant and sender (local store)', () => {
  let dir: string;
  let db: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hie-cli-repository-'));
    db = ['--db', `sqlite:${join(dir, 'repository.db')}`];
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const addClinic = (...extra: string[]) =>
    hie(
      'repository',
      'tenant',
      'add',
      ...db,
      '--oid',
      CLINIC.oid,
      '--code',
      CLINIC.code,
      '--name',
      CLINIC.name,
      '--kind',
      'clinic',
      ...extra,
    );

  it('refuses to read a store that is not there (exit 2)', async () => {
    const r = await hie('repository', 'tenant', 'list', '--db', `sqlite:${join(dir, 'none.db')}`);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no repository store there');
  });

  it('adds a tenant with its ORCA password from the environment, and prints its URL path', async () => {
    process.env.TEST_ORCA_PASSWORD = 'orca-secret';
    try {
      const r = await addClinic(
        '--orca-url',
        'http://orca.local:8000',
        '--orca-user',
        'ormaster',
        '--orca-password-env',
        'TEST_ORCA_PASSWORD',
      );
      expect(r.stderr).not.toContain('hie:');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`tenant added: ${CLINIC.oid} ${CLINIC.name}`);
      expect(r.stdout).toContain(`URL path: /t/${CLINIC.oid}`);
      expect(r.stdout).toContain('ORCA: http://orca.local:8000 as ormaster, every 15 min');
      expect(r.stdout).not.toContain('orca-secret');
    } finally {
      delete process.env.TEST_ORCA_PASSWORD;
    }
  });

  it('refuses a second tenant with the same institution code, naming the holder', async () => {
    const r = await hie(
      'repository',
      'tenant',
      'add',
      ...db,
      '--oid',
      '1.2.392.200119.6.102.1330000099',
      '--code',
      CLINIC.code,
      '--name',
      '別の医院',
      '--kind',
      'clinic',
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`tenant-code-taken: ${CLINIC.code} is already tenant ${CLINIC.oid}`);
  });

  it('refuses an ORCA password given without its variable set, and an unknown kind (exit 2)', async () => {
    const other = ['--oid', '1.2.3.4', '--code', '1330000002', '--name', 'x'];
    const unset = await hie(
      'repository',
      'tenant',
      'add',
      ...db,
      ...other,
      '--kind',
      'clinic',
      '--orca-url',
      'http://orca.local',
      '--orca-user',
      'u',
      '--orca-password-env',
      'HIE_TEST_UNSET_VARIABLE',
    );
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('HIE_TEST_UNSET_VARIABLE: that environment variable is not set');
    expect((await hie('repository', 'tenant', 'add', ...db, ...other, '--kind', 'school')).code).toBe(2);
  });

  it('lists the tenants as a table', async () => {
    const r = await hie('repository', 'tenant', 'list', ...db);
    expect(r.code).toBe(0);
    const [header, row, ...rest] = r.stdout.trimEnd().split('\n');
    expect(header?.split(/\s+/)).toEqual(['OID', 'code', 'name', 'kind', 'status', 'ORCA', 'feed']);
    expect(row?.split(/\s+/)).toEqual([
      CLINIC.oid,
      CLINIC.code,
      CLINIC.name,
      'clinic',
      'active',
      'yes',
      'no',
    ]);
    expect(rest).toEqual([]);
  });

  it('issues a sender credential once, lists it, and refuses one for an unknown tenant', async () => {
    const r = await hie('repository', 'sender', 'add', ...db, '--tenant', CLINIC.oid, '--name', '受付PC');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^token: hie_rp_\S+$/m);
    expect(r.stderr).toContain('shown once');
    const listed = await hie('repository', 'sender', 'list', ...db, '--tenant', CLINIC.oid, '--json');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ kind: 'tenant', tenant: CLINIC.oid, name: '受付PC' }),
    ]);
    const unknown = await hie('repository', 'sender', 'add', ...db, '--tenant', '1.2.3.9', '--name', 'x');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('tenant-unknown');
  });

  it('adds a lab centre, links it to the clinic, and revokes a sender', async () => {
    const lab = await hie(
      'repository',
      'lab-centre',
      'add',
      ...db,
      '--name',
      '岡山臨床検査センター',
      '--facility-code',
      'LAB01',
    );
    expect(lab.code).toBe(0);
    expect(lab.stdout).toMatch(/^token: hie_rp_/m);
    const id = /^sender (\S+) /.exec(lab.stdout)?.[1] ?? '';
    const link = await hie('repository', 'lab-centre', 'link', id, ...db, '--tenant', CLINIC.oid);
    expect(link.code).toBe(0);
    const status = await hie('repository', 'tenant', 'status', CLINIC.oid, ...db, '--json');
    expect(JSON.parse(status.stdout).labCentres).toEqual([
      { id, name: '岡山臨床検査センター', facilityCode: 'LAB01' },
    ]);
    expect((await hie('repository', 'sender', 'revoke', id, ...db)).code).toBe(0);
    expect((await hie('repository', 'sender', 'revoke', id, ...db)).code).toBe(2);
  });

  it('shows a tenant’s status: counts, ORCA, intakes, senders', async () => {
    const r = await hie('repository', 'tenant', 'status', CLINIC.oid, ...db);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`tenant ${CLINIC.oid} ${CLINIC.name} (${CLINIC.code}, clinic): active`);
    expect(r.stdout).toContain('0 patients, 0 resources');
    expect(r.stdout).toContain('ORCA: http://orca.local:8000 as ormaster, every 15 min; last pull never');
    expect(r.stdout).toContain('no intakes');
    expect(r.stdout).toMatch(/^senders:\n {2}\S+ 受付PC$/m);
    expect((await hie('repository', 'tenant', 'status', '1.2.3.9', ...db)).code).toBe(2);
  });

  it('suspends and resumes a tenant', async () => {
    const suspended = await hie('repository', 'tenant', 'suspend', CLINIC.oid, ...db);
    expect(suspended.code).toBe(0);
    expect(suspended.stdout).toContain(`${CLINIC.oid} ${CLINIC.name}: suspended`);
    const listed = await hie('repository', 'tenant', 'list', ...db, '--json');
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ oid: CLINIC.oid, status: 'suspended' });
    expect(listed.stdout).not.toContain('orca-secret');
    const resumed = await hie('repository', 'tenant', 'resume', CLINIC.oid, ...db);
    expect(resumed.stdout).toContain(`${CLINIC.oid} ${CLINIC.name}: active`);
    expect((await hie('repository', 'tenant', 'suspend', '1.2.3.9', ...db)).code).toBe(2);
  });

  it('registers a lab centre’s client certificates for MLLP/TLS, each for one lab centre only', async () => {
    const certs = makeTestCertificates({ clients: ['kensa'] });
    try {
      const sha256 = (name: string) =>
        new X509Certificate(certs.pem(`${name}.crt`)).fingerprint256.replaceAll(':', '').toLowerCase();
      const added = await hie(
        'repository',
        'lab-centre',
        'add',
        ...db,
        '--name',
        '登呂検査センター',
        '--facility-code',
        'LAB02',
        '--cert',
        certs.path('kensa.crt'),
      );
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toContain(`certificate sha256 ${sha256('kensa')}`);
      const id = /^sender (\S+) /.exec(added.stdout)?.[1] ?? '';
      const later = await hie(
        'repository',
        'lab-centre',
        'certificate',
        id,
        ...db,
        '--cert',
        certs.path('hub.crt'),
      );
      expect(later.code, later.stderr).toBe(0);
      const store = await openStore<RepositorySchema>(db[1]!);
      try {
        for (const name of ['kensa', 'hub'])
          expect((await senderOfCertificate(store, sha256(name)))?.id).toBe(id);
      } finally {
        await store.close();
      }
      // Another lab centre claiming the same certificate: refused, and not half made.
      const taken = await hie(
        'repository',
        'lab-centre',
        'add',
        ...db,
        '--name',
        '別の検査センター',
        '--facility-code',
        'LAB03',
        '--cert',
        certs.path('kensa.crt'),
      );
      expect(taken.code).toBe(2);
      expect(taken.stderr).toContain('registered to another sender');
      expect(taken.stdout).not.toContain('token:');
      const listed = await hie('repository', 'sender', 'list', ...db, '--json');
      expect(listed.stdout).not.toContain('LAB03');
      const key = await hie(
        'repository',
        'lab-centre',
        'certificate',
        id,
        ...db,
        '--cert',
        certs.path('kensa.key'),
      );
      expect(key.code).toBe(2);
      expect(key.stderr).toContain('not a PEM certificate');
      const nobody = await hie(
        'repository',
        'lab-centre',
        'certificate',
        'nobody',
        ...db,
        '--cert',
        certs.path('ca.crt'),
      );
      expect(nobody.code).toBe(2);
      expect(nobody.stderr).toContain('no lab centre sender nobody');
    } finally {
      certs.dispose();
    }
  });

  it('refuses a run configuration with only one of the UKE masters (exit 2, before starting)', async () => {
    const r = await hie('repository', 'run', ...db, '--uke-disease-master', join(dir, 'b.csv'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('uke.modifierMaster');
  });
});

describe('hie repository upload (to a running repository)', () => {
  let repo: RepositoryUnderTest;
  let base: string;
  let clinic: { oid: string; token: string };
  let dir: string;
  let uke: string;
  beforeAll(async () => {
    repo = await repositoryUnderTest('sqlite');
    clinic = await repo.addTenant(UKE_CLINIC);
    base = await repo.app.listen({ port: 0, host: '127.0.0.1' });
    dir = mkdtempSync(join(tmpdir(), 'hie-cli-upload-'));
    uke = join(dir, 'RECEIPTC.UKE');
    writeFileSync(uke, fixtureBytes());
  });
  afterAll(async () => {
    await repo?.dispose();
    rmSync(dir, { recursive: true, force: true });
    delete process.env.TEST_SENDER_TOKEN;
  });

  const uploadUke = (...extra: string[]) =>
    hie(
      'repository',
      'upload',
      'uke',
      uke,
      '--url',
      base,
      '--tenant',
      clinic.oid,
      '--token-env',
      'TEST_SENDER_TOKEN',
      ...extra,
    );

  it('uploads a UKE file as the clinic’s sender and prints what was imported', async () => {
    process.env.TEST_SENDER_TOKEN = clinic.token;
    const r = await uploadUke();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^.*RECEIPTC\.UKE: imported as intake \S+: \d+ resources, \d+ patients, .*3 claims/,
    );
  });

  it('exits 1 with the refusal printed when the token is wrong', async () => {
    process.env.TEST_SENDER_TOKEN = 'hie_rp_not-a-real-token';
    const r = await uploadUke();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused (HTTP 401 sender-unknown)');
  });

  it('prints every issue of a refused file as file:line field code message', async () => {
    process.env.TEST_SENDER_TOKEN = clinic.token;
    const bad = join(dir, 'BROKEN.UKE');
    writeFileSync(bad, 'not a claim file\r\n');
    const r = await hie(
      'repository',
      'upload',
      'uke',
      bad,
      '--url',
      base,
      '--tenant',
      clinic.oid,
      '--token-env',
      'TEST_SENDER_TOKEN',
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused (HTTP 422 rejected)');
    expect(r.stdout).toMatch(/^BROKEN\.UKE(:\d+)? \S+ uke-\S+ .+$/m);
  });

  it('exits 1 when the repository cannot be reached, 2 when the token variable is not set', async () => {
    process.env.TEST_SENDER_TOKEN = clinic.token;
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const closed = await hie(
      'repository',
      'orca-pull',
      '--url',
      nobody,
      '--tenant',
      clinic.oid,
      '--token-env',
      'TEST_SENDER_TOKEN',
    );
    expect(closed.code).toBe(1);
    expect(closed.stderr).toContain(`cannot reach the repository at ${nobody}: connect ECONNREFUSED`);
    delete process.env.TEST_SENDER_TOKEN;
    const unset = await uploadUke();
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('TEST_SENDER_TOKEN: that environment variable is not set');
  });
});
