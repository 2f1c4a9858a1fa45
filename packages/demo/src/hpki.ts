import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { addBinding, createTestHpki, type HubDeps, readCardCertificate } from '@hie/hub';

/** The demo's HPKI card listener port (0 with every other port free). */
export const DEMO_HPKI_PORT = 8143;
/** The password of the demo cards' PKCS#12 files (to import them into a browser). */
export const DEMO_CARD_P12_PASSWORD = 'demo';
const REGENERATE_AFTER_DAYS = 25;
const DAY = 86_400_000;

/** Demo cards: two bound (a clinic doctor, a pharmacist), one to enrol (a hospital doctor). */
const DEMO_CARDS = [
  { loginId: 'clinic.doctor', name: 'MOMOI ICHIRO', role: 'Medical Doctor', bound: true },
  { loginId: 'pharmacist', name: 'KIBI KAORU', role: 'Pharmacist', bound: true },
  { loginId: 'ouh.doctor', name: 'OKADA MARIKO', role: 'Medical Doctor', bound: false },
] as const;

export interface DemoCard {
  loginId: string;
  bound: boolean;
  certFile: string;
  keyFile: string;
  /** PKCS#12 (password DEMO_CARD_P12_PASSWORD) when openssl was there to make it. */
  p12File: string | null;
}

export interface DemoHpki {
  /** The `hpki` section of the hub's configuration. */
  config: {
    port: number;
    host: string;
    tls: { key: string; cert: string };
    anchors: string[];
    crls: string[];
    crlMaxAgeHours: number;
  };
  cards: DemoCard[];
  /** Binds the bound cards to their demo users (after the directory is seeded; idempotent). */
  bind(deps: HubDeps): Promise<void>;
}

/**
 * A test PKI shaped like HPKI for the demo's card login (never a production trust anchor): made in
 * `<dir>/hpki` on the first start and again when it is near its CRLs' 30 days; the cards' certificate
 * and key (PEM, and PKCS#12 to import into a browser) are in `<dir>/hpki/cards`.
 */
export async function prepareDemoHpki(dir: string, host: string, port: number): Promise<DemoHpki> {
  const root = join(dir, 'hpki');
  const files = {
    meta: join(root, 'meta.json'),
    anchors: join(root, 'anchors.pem'),
    rootCrl: join(root, 'root.crl'),
    caCrl: join(root, 'auth-ca.crl'),
    key: join(root, 'server.key'),
    cert: join(root, 'server.crt'),
  };
  const cardFile = (loginId: string, ext: string) => join(root, 'cards', `${loginId}.${ext}`);
  const meta = existsSync(files.meta)
    ? (JSON.parse(await readFile(files.meta, 'utf8')) as { createdAt: string })
    : null;
  const fresh = meta && Date.now() - Date.parse(meta.createdAt) < REGENERATE_AFTER_DAYS * DAY;
  if (!fresh) {
    const now = new Date();
    const pki = await createTestHpki(now);
    await mkdir(join(root, 'cards'), { recursive: true, mode: 0o700 });
    const crls = await pki.crls({ thisUpdate: now, nextUpdate: new Date(now.getTime() + 30 * DAY) });
    const server = await pki.serverTls(host === '0.0.0.0' ? '127.0.0.1' : host);
    await writeFile(files.anchors, pki.anchorsPem);
    await writeFile(files.rootCrl, crls.rootCrlPem);
    await writeFile(files.caCrl, crls.authCaCrlPem);
    await writeFile(files.key, server.key, { mode: 0o600 });
    await writeFile(files.cert, server.cert);
    for (const c of DEMO_CARDS) {
      const card = await pki.issueCard({ name: c.name, role: c.role });
      await writeFile(cardFile(c.loginId, 'crt'), card.certPem);
      await writeFile(cardFile(c.loginId, 'key'), card.keyPem, { mode: 0o600 });
      await toP12(cardFile(c.loginId, 'crt'), cardFile(c.loginId, 'key'), cardFile(c.loginId, 'p12'));
    }
    await writeFile(files.meta, JSON.stringify({ createdAt: now.toISOString() }));
  }
  const cards: DemoCard[] = DEMO_CARDS.map((c) => ({
    loginId: c.loginId,
    bound: c.bound,
    certFile: cardFile(c.loginId, 'crt'),
    keyFile: cardFile(c.loginId, 'key'),
    p12File: existsSync(cardFile(c.loginId, 'p12')) ? cardFile(c.loginId, 'p12') : null,
  }));
  return {
    config: {
      port,
      host,
      tls: { key: files.key, cert: files.cert },
      anchors: [files.anchors],
      crls: [files.rootCrl, files.caCrl],
      crlMaxAgeHours: 31 * 24,
    },
    cards,
    async bind(deps) {
      for (const card of cards.filter((c) => c.bound)) {
        const user = await deps.store.db
          .selectFrom('hub_user')
          .select('id')
          .where('login_id', '=', card.loginId)
          .executeTakeFirst();
        if (!user) continue;
        const read = await readCardCertificate(await readFile(card.certFile, 'utf8'));
        await addBinding(deps.store, {
          userId: user.id,
          kind: 'certificate',
          issuer: read.issuer,
          matchValue: read.serial,
          card: read,
          status: 'active',
          by: 'demo',
          now: new Date(),
        });
      }
    },
  };
}

/** PKCS#12 for a browser's certificate import, when openssl is installed (it is on Debian). */
async function toP12(cert: string, key: string, out: string): Promise<void> {
  await promisify(execFile)('openssl', [
    'pkcs12',
    '-export',
    '-in',
    cert,
    '-inkey',
    key,
    '-out',
    out,
    '-passout',
    `pass:${DEMO_CARD_P12_PASSWORD}`,
  ]).catch(() => undefined);
}
