/**
 * Helpers of the Care Cabinet browser test (cabinet.e2e.ts): opening a cabinet from the list, the
 * composer, Mantine's selects and chips, a screenshot at phone size.
 */
import { mkdir } from 'node:fs/promises';
import type { Locator, Page } from 'playwright-core';
import { SCREENSHOTS, settled, VIEWPORTS } from './browser';
import type { Harness } from './harness';

/** ケアキャビネット from the main menu, then the patient's cabinet; returns its URL. */
export async function openCabinet(page: Page, patient: string): Promise<string> {
  await page.goto('/');
  await page
    .getByRole('navigation', { name: 'メインメニュー' })
    .getByRole('link', { name: 'ケアキャビネット' })
    .click();
  await page.getByRole('heading', { name: 'ケアキャビネット', level: 1 }).waitFor();
  await page.getByTestId('cabinet-link').filter({ hasText: patient }).click();
  await page.getByTestId('cabinet-header').or(page.getByTestId('cabinet-refused')).first().waitFor();
  await settled(page);
  return new URL(page.url()).pathname;
}

/** The cabinet's tab (タイムライン, 予定表, シェーマ, メンバー・同意 …). */
export async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name, exact: true }).click();
  await settled(page);
}

/** 投稿する: the composer's form, open. */
export async function openComposer(page: Page): Promise<Locator> {
  await page.getByTestId('cabinet-write').click();
  const form = page.getByTestId('composer');
  await form.waitFor();
  return form;
}

/** A Mantine Select's input by its label (not a radio or a check of the same words). */
export const selectInput = (scope: Locator, label: string): Locator =>
  scope
    .locator('input:not([type="radio"]):not([type="checkbox"])')
    .and(scope.getByLabel(new RegExp(`^${label}(\\s*\\*)?$`)));

/** A Mantine Select: open it by its label and pick the option. */
export async function choose(page: Page, scope: Locator, label: string, option: string | RegExp) {
  await selectInput(scope, label).click();
  await page.getByRole('option', { name: option }).first().click();
}

/** A segment of a Mantine SegmentedControl (SOAP / 自由記載 …), by its words. */
export async function segment(scope: Locator, name: string) {
  await scope
    .locator('label')
    .filter({ hasText: new RegExp(`^${name}$`) })
    .first()
    .click();
}

/** A Mantine Chip (its input is visually hidden): set by clicking its label. */
export async function setChip(page: Page, input: Locator, checked: boolean) {
  if ((await input.isChecked()) === checked) return;
  const id = await input.getAttribute('id');
  await page.locator(`label[for="${id}"]`).click();
}

/** The screen as it stands, at the three sizes and through axe, without transitions. */
export async function shoot(h: Harness, page: Page, name: string, top = true) {
  await page.addStyleTag({ content: '*, *::before, *::after { transition: none !important; }' });
  if (top) await page.evaluate(() => window.scrollTo(0, 0));
  await settled(page);
  await h.screen(page, name);
}

/** One screenshot at a phone's size (390×844), the page then back at the desktop size. */
export async function phoneShot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = `${SCREENSHOTS}${name}.phone.png`;
  await page.setViewportSize({ width: 390, height: 844 });
  await settled(page);
  await page.screenshot({ path, fullPage: false });
  await page.setViewportSize(VIEWPORTS.desktop);
  await settled(page);
  return path;
}
