/**
 * Single sign-on from the portal into another system (issue 16): the hub is the SAML IdP, and the
 * other system is a real SP — Debian's Apache with mod_auth_mellon, started by this file — whose
 * protected page prints what it received. From the portal's 「連携システム」 (IdP-initiated), and from
 * the other system first (SP-initiated: the hub's login page, then back into it).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type MellonSp, mellonMissing, prepareMellon, startMellon } from '../../hub/src/saml/testing';
import { login, settled } from './browser';
import { skipReason, useHarness } from './harness';

const missing = skipReason ?? mellonMissing();

describe.skipIf(missing !== null)('single sign-on into a SAML service provider (mod_auth_mellon)', () => {
  let sp: Awaited<ReturnType<typeof prepareMellon>> | undefined;
  let spDir = '';
  let mellon: MellonSp | undefined;
  const h = useHarness({
    async prepare(dir) {
      spDir = join(dir, 'mellon');
      await mkdir(spDir, { recursive: true });
      sp = await prepareMellon(spDir, { tls: true });
      return {
        samlServiceProviders: [
          {
            metadata: sp.metadataFile,
            name: '地域画像ビューア（外部）',
            landing: `https://127.0.0.1:${sp.port}/protected/index.shtml`,
          },
        ],
      };
    },
  });
  const { screen } = h;

  const startSp = async () => {
    if (mellon) return mellon;
    if (!sp) throw new Error('the SP was not prepared');
    const metadata = await (await fetch(`${h.network.hubUrl}/saml/idp/metadata`)).text();
    mellon = await startMellon(spDir, sp, metadata);
    return mellon;
  };
  afterAll(async () => {
    await mellon?.stop();
  });

  /** The SP's protected page, as mellon shows it (what it received), or its page and log in the error. */
  const received = async (page: import('playwright-core').Page, peer: MellonSp) => {
    try {
      await page.locator('#nameid').waitFor({ state: 'attached', timeout: 15_000 });
    } catch (e) {
      throw new Error(`${page.url()}: ${(await page.content()).slice(0, 800)}\n${await peer.errorLog()}`, {
        cause: e,
      });
    }
    const text = async (id: string) => ((await page.locator(`#${id}`).textContent()) ?? '').trim();
    return {
      nameId: await text('nameid'),
      name: await text('SUBJECT_NAME'),
      role: await text('ROLE'),
      hcRole: await text('HC_ROLE'),
      organization: await text('ORGANIZATION_ID'),
      purpose: await text('PURPOSE'),
    };
  };

  it('1. from the portal’s 「連携システム」: one click, and the other system knows the doctor, profession, facility and purpose', async () => {
    const peer = await startSp();
    const page = await h.session('ouh.doctor');
    await page.goto('/linked');
    await page.getByRole('heading', { name: '連携システム' }).waitFor();
    await settled(page);
    await screen(page, 'saml-01-linked-systems');
    await page.getByRole('link', { name: '開く' }).click();
    await page.waitForURL(`${peer.url}/**`);
    const got = await received(page, peer);
    expect(got.name).toBe(h.user('ouh.doctor').name);
    expect(got.role).toBe('doctor');
    expect(got.hcRole).toBe('Medical Doctor');
    expect(got.organization).toBe(`urn:oid:${h.user('ouh.doctor').facilityOid}`);
    expect(got.purpose).toBe('TREAT');
    await screen(page, 'saml-03-signed-in-there');
  });

  it('2. from the other system first: the hub asks for the login, then signs the user in there', async () => {
    const peer = await startSp();
    const page = await h.freshPage();
    await page.goto(`${peer.url}/protected/index.shtml`);
    await page.waitForURL(/\/login\?next=/);
    await settled(page);
    await screen(page, 'saml-02-login-for-sso');
    await login(page, h.user('ouh.nurse'), { stay: true });
    await page.waitForURL(`${peer.url}/**`);
    const got = await received(page, peer);
    expect(got.name).toBe(h.user('ouh.nurse').name);
    expect(got.role).toBe('nurse');
  });

  it('the screens pass the accessibility check', async () => {
    await h.expectAccessible('saml', 3);
  });
});
