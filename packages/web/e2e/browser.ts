/**
 * Debian's Chromium through playwright-core (`npx playwright install` cannot run here), with the
 * helpers every scenario uses: TOTP login, screenshots at desktop and iPad sizes, axe-core checks.
 */

import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type DemoLogin, totp } from './network';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or null when they can. In CI (CI=true) a missing browser
 * is a failure, not a skip: `.ci/run` installs Debian's `chromium`.
 */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const why = `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true' || process.env.CI === '1') throw new Error(`CI: ${why}`);
  return why;
}
export const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  'ipad-landscape': { width: 1024, height: 768 },
  'ipad-portrait': { width: 768, height: 1024 },
} as const;

/** `extraArgs`: a file's own flags (notebook.e2e.ts: a fake camera showing QR codes). */
export function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=ja-JP', ...extraArgs],
  });
}

export async function newContext(browser: Browser, baseURL: string): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    viewport: VIEWPORTS.desktop,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    acceptDownloads: true,
    // axe-core is injected as an inline script, which the hub's CSP (rightly) forbids.
    bypassCSP: true,
    // Test peers (the SAML SP, the card listener) have certificates of test CAs.
    ignoreHTTPSErrors: true,
  });
}

/** TOTP steps already used per login id: the hub refuses a code twice, so wait for the next step. */
const usedSteps = new Map<string, number>();

async function freshCode(user: DemoLogin): Promise<string> {
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    if (usedSteps.get(user.loginId) !== step) {
      usedSteps.set(user.loginId, step);
      return totp(user.totpSecret);
    }
    await new Promise((r) => setTimeout(r, 30_000 - (Date.now() % 30_000) + 50));
  }
}

/** Password, then the TOTP code (enrolling first if the hub asks), then the first screen. */
export async function login(page: Page, user: DemoLogin, options: { stay?: boolean } = {}): Promise<void> {
  // `stay`: the login page is already open (sent there by another page, which it returns to).
  if (!options.stay) await page.goto('/login');
  await page.getByLabel(/ログインID|Login ID/).fill(user.loginId);
  await page.getByLabel(/^パスワード|^Password/).fill(user.password);
  await page.getByRole('button', { name: /次へ|Next/ }).click();
  const facility = page.getByRole('textbox', { name: /所属施設|Facility/ });
  const code = page.getByRole('textbox', { name: /ワンタイムコード|One-time code/ });
  await code.or(facility).waitFor();
  if (await facility.isVisible()) {
    await facility.click();
    await page.getByRole('option', { name: user.facilityName }).click();
    await page.getByRole('button', { name: /次へ|Next/ }).click();
    await code.waitFor();
  }
  const secret = page.getByTestId('totp-secret');
  const enrolSecret = (await secret.isVisible()) ? (await secret.textContent())?.trim() : null;
  const codeValue = enrolSecret ? totp(enrolSecret) : await freshCode(user);
  await code.fill(codeValue);
  await page.getByRole('button', { name: /^ログイン$|^Log in$/ }).click();
  if (!options.stay) await page.getByTestId('user-name').waitFor();
}

export async function logout(page: Page): Promise<void> {
  await page.getByRole('button', { name: /ログアウト|Log out/ }).click();
  await page.waitForURL(/\/login/);
}

/** Waits until the screen is settled: no loader, fonts loaded, two frames after the last layout. */
export async function settled(page: Page): Promise<void> {
  await page.locator('[data-loading="true"]').first().waitFor({ state: 'detached' });
  await page.evaluate(async () => {
    await document.fonts.ready;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  });
}

/** The same screen at the three sizes, into one folder: `<name>.<viewport>.png`. */
export async function screenshots(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const [size, viewport] of Object.entries(VIEWPORTS)) {
    await page.setViewportSize(viewport);
    await settled(page);
    await page.screenshot({ path: `${SCREENSHOTS}${name}.${size}.png`, fullPage: false });
  }
  if (original) await page.setViewportSize(original);
}

const require = createRequire(import.meta.url);
let axeSource: string | null = null;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core on the current page: the serious and critical violations (the bar is zero). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: AxeViolation[] }> } }
    ).axe;
    const result = await axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Screenshots plus the accessibility check of one main screen. */
export async function checkScreen(page: Page, name: string): Promise<AxeViolation[]> {
  await screenshots(page, name);
  return seriousViolations(page);
}
