/**
 * HPKI card login in a real browser (issue 16): Chromium presents a demo card's client certificate to
 * the hub's card listener (playwright's clientCertificates, the way a card middleware hands the
 * browser the authentication certificate after the PIN). The portal links to the card listener; a
 * bound doctor logs in with the card alone; an unbound card is refused with the reason; a hospital
 * doctor enrols the card after a password login, the office approves, and the card then logs in.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { login, settled } from './browser';
import { skipReason, useHarness } from './harness';

describe.skipIf(skipReason !== null)('HPKI card login', () => {
  const h = useHarness();
  const { screen } = h;
  const contexts: BrowserContext[] = [];

  /** A page on the card listener whose browser holds the demo card of `loginId`. */
  async function withCard(loginId: string): Promise<Page> {
    const cardUrl = h.network.cardUrl;
    if (!cardUrl) throw new Error('the demo has no card listener');
    const card = h.network.cards.find((c) => c.loginId === loginId);
    if (!card) throw new Error(`no demo card for ${loginId}`);
    const context = await h.browser.newContext({
      baseURL: cardUrl,
      viewport: { width: 1280, height: 800 },
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      bypassCSP: true,
      // The demo's card listener has a certificate of the demo PKI, which the browser does not know.
      ignoreHTTPSErrors: true,
      clientCertificates: [
        { origin: new URL(cardUrl).origin, certPath: card.certFile, keyPath: card.keyFile },
      ],
    });
    contexts.push(context);
    return context.newPage();
  }

  it('1. the portal’s login page offers the card, on the card listener’s address', async () => {
    const page = await h.freshPage();
    await page.goto('/login');
    const link = page.getByTestId('card-login-link');
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`${h.network.cardUrl}/login`);
    await settled(page);
    await screen(page, 'hpki-01-portal-login');
  });

  it('2. a bound clinic doctor logs in with the card alone (no password, no one-time code)', async () => {
    const page = await withCard('clinic.doctor');
    await page.goto('/login');
    await page.getByTestId('card-login').waitFor();
    await settled(page);
    await screen(page, 'hpki-02-card-login');
    await page.getByRole('button', { name: 'HPKIカードでログイン' }).click();
    await page.getByTestId('user-name').waitFor();
    expect(await page.getByTestId('user-name').textContent()).toBe(h.user('clinic.doctor').name);
    await page.goto('/cards');
    await page.getByRole('heading', { name: '私のHPKIカード' }).waitFor();
    await page.getByText('有効').first().waitFor();
    // The card in the reader is recognised as already this doctor's: nothing to enrol.
    await page.getByText('リーダーのカードはあなたに登録済みです。').waitFor();
    expect(await page.getByRole('button', { name: 'このカードを登録申請する' }).isDisabled()).toBe(true);
    await settled(page);
    await screen(page, 'hpki-03-my-cards');
  });

  it('3. an unbound card is refused with its reason; enrolled after a password login, approved by the office, it logs in', async () => {
    const page = await withCard('ouh.doctor');
    await page.goto('/login');
    await page.getByRole('button', { name: 'HPKIカードでログイン' }).click();
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('このカードは未登録です');
    await page.getByTestId('card-summary').waitFor();
    await settled(page);
    await screen(page, 'hpki-04-unbound-refused');

    await login(page, h.user('ouh.doctor'));
    await page.goto('/cards');
    await page.getByRole('button', { name: 'このカードを登録申請する' }).click();
    await page.getByText('申請しました').waitFor();
    await page.getByText('承認待ち').first().waitFor();
    await settled(page);
    await screen(page, 'hpki-05-enrolled');

    const office = await h.session('office');
    await office.goto('/cards');
    const row = office.getByRole('row').filter({ hasText: 'OKADA MARIKO' });
    await row.waitFor();
    await settled(office);
    await screen(office, 'hpki-06-office-approves');
    await row.getByRole('button', { name: '承認' }).click();
    await row.waitFor({ state: 'detached' });

    const again = await withCard('ouh.doctor');
    await again.goto('/login');
    await again.getByRole('button', { name: 'HPKIカードでログイン' }).click();
    await again.getByTestId('user-name').waitFor();
    expect(await again.getByTestId('user-name').textContent()).toBe(h.user('ouh.doctor').name);
  });

  it('the card screens pass the accessibility check', async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await h.expectAccessible('hpki', 6);
  });
});
