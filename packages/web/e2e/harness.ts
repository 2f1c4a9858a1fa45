/**
 * One demo network, one browser and logged-in pages per user, for a browser-test file: its
 * `beforeAll` starts them and its `afterAll` stops them. Each file (portal, summary, labs, …) gets
 * its own network (fileParallelism is off: one at a time), so files stay independent.
 */
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import {
  type AxeViolation,
  checkScreen,
  chromiumMissing,
  launch,
  login,
  newContext,
  SCREENSHOTS,
  settled,
} from './browser';
import { DEFAULT_PATIENTS } from './global-setup';
import {
  type DemoLogin,
  type DemoNetwork,
  type DemoNetworkOptions,
  type Person,
  type ScenarioPatients,
  scenarioPatients,
  startNetwork,
} from './network';

export const skipReason = chromiumMissing();
if (skipReason) console.warn(`[e2e] skipped: ${skipReason}`);

export interface Harness {
  readonly network: DemoNetwork;
  readonly patients: ScenarioPatients;
  readonly browser: Browser;
  user(loginId: string): DemoLogin;
  /** A new browser context's page, not logged in. */
  freshPage(): Promise<Page>;
  /** One logged-in page per user for the whole file (the hub refuses a TOTP code twice). */
  session(loginId: string): Promise<Page>;
  /** Screenshots at the three sizes and the axe check, kept for `expectAccessible`. */
  screen(page: Page, name: string): Promise<void>;
  /** The file's screens have no serious or critical axe violation (writes `axe-<file>.json`). */
  expectAccessible(file: string, atLeast: number): Promise<void>;
}

export const patientUrl = (p: Person) => `/patients/${encodeURIComponent(p.personId)}`;
/** What a receptionist types: the reading and the birth date. */
export const searchText = (p: Person) => `${p.nameKana} ${p.birthDate.replaceAll('-', '/')}`;

export async function search(page: Page, text: string) {
  await page.goto('/patients');
  await page.getByRole('textbox', { name: '患者検索' }).fill(text);
  await page.getByRole('button', { name: '検索', exact: true }).click();
  await settled(page);
}

/** Registers the file's beforeAll/afterAll; the fields are usable inside tests. */
export function useHarness(
  options: {
    /** Before the network starts (in its folder): options of its own, e.g. a SAML SP's metadata. */
    prepare?: (dir: string) => Promise<Partial<DemoNetworkOptions>>;
  } = {},
): Harness {
  let network: DemoNetwork | undefined;
  let patients: ScenarioPatients | undefined;
  let browser: Browser | undefined;
  let dir: string | undefined;
  const contexts: BrowserContext[] = [];
  const sessions = new Map<string, Page>();
  const a11y: Record<string, AxeViolation[]> = {};

  beforeAll(async () => {
    if (skipReason) return;
    dir = process.env.E2E_DEMO_DIR ?? (await mkdtemp(join(tmpdir(), 'hie-e2e-')));
    const storage = inject('e2eStorage');
    if (storage) await cp(storage, dir, { recursive: true });
    const extra = options.prepare ? await options.prepare(dir) : {};
    network = await startNetwork(dir, Number(process.env.E2E_PATIENTS ?? DEFAULT_PATIENTS), extra);
    patients = await scenarioPatients(network);
    browser = await launch();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await network?.stop();
    if (!process.env.E2E_DEMO_DIR && dir) await rm(dir, { recursive: true, force: true });
  });

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started`);
    return value;
  };
  const harness: Harness = {
    get network() {
      return need(network, 'the network');
    },
    get patients() {
      return need(patients, 'the network');
    },
    get browser() {
      return need(browser, 'the browser');
    },
    user(loginId) {
      const found = harness.network.logins.find((l) => l.loginId === loginId);
      if (!found) throw new Error(`no demo user ${loginId}`);
      return found;
    },
    async freshPage() {
      const context = await newContext(harness.browser, harness.network.hubUrl);
      contexts.push(context);
      return context.newPage();
    },
    async session(loginId) {
      const open = sessions.get(loginId);
      if (open) return open;
      const page = await harness.freshPage();
      await login(page, harness.user(loginId));
      sessions.set(loginId, page);
      return page;
    },
    async screen(page, name) {
      a11y[name] = await checkScreen(page, name);
    },
    async expectAccessible(file, atLeast) {
      await writeFile(join(SCREENSHOTS, `axe-${file}.json`), `${JSON.stringify(a11y, null, 2)}\n`);
      const failing = Object.fromEntries(Object.entries(a11y).filter(([, v]) => v.length > 0));
      expect(failing).toEqual({});
      expect(Object.keys(a11y).length).toBeGreaterThanOrEqual(atLeast);
    },
  };
  return harness;
}
