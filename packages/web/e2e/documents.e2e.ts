/**
 * The 文書 tab (issue 11, part "documents"): documents grouped by kind and titled by kind and date, a
 * CDA document read as text with its section headings, and document kinds as separate disclosure
 * categories — a hospital that withholds one kind makes exactly that kind disappear for the clinic.
 * Real hub and gateways (one demo network), Debian Chromium; screenshots at three sizes, axe 0 serious.
 */
import { CATEGORY_LABELS, type Category } from '@hie/contract';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { settled } from './browser';
import { patientUrl, skipReason, useHarness } from './harness';

interface HeldDocument {
  facility: string;
  kind: string;
}

describe.skipIf(skipReason !== null)('documents in the browser', () => {
  const h = useHarness();
  const { session, screen } = h;

  /** The patient's current documents as the hospitals' gateways hold them: facility name and kind. */
  async function heldDocuments(): Promise<HeldDocument[]> {
    const patient = h.patients.consented;
    const held: HeldDocument[] = [];
    for (const { gateway, facility } of h.network.gateways) {
      const localId = patient.localIds[facility.key];
      if (!localId) continue;
      const rows = await gateway.store.db
        .selectFrom('gw_resource')
        .select(['category', 'json'])
        .where('resource_type', '=', 'DocumentReference')
        .where('patient_id', '=', localId)
        .execute();
      for (const r of rows) {
        if ((JSON.parse(r.json) as { status?: string }).status === 'entered-in-error') continue;
        held.push({ facility: facility.name, kind: r.category });
      }
    }
    return held;
  }

  /** What the clinic's screen lists: per group (kind), its rows' titles and facilities. */
  async function shownDocuments(page: Page) {
    await page.goto(`${patientUrl(h.patients.consented)}?tab=documents&period=all`);
    await page.getByTestId('tab-documents').click();
    await page.getByRole('tabpanel').waitFor();
    await page.locator('[data-testid^="doc-group-"]').first().waitFor();
    await settled(page);
    return page.locator('[data-testid^="doc-group-"]').evaluateAll((groups) =>
      groups.map((g) => ({
        kind: (g.getAttribute('data-testid') ?? '').replace('doc-group-', ''),
        rows: Array.from(g.querySelectorAll('[data-testid="doc-row"]')).map((row) => ({
          title: row.querySelector('[data-testid="doc-title"]')?.textContent ?? '',
          facility: row.querySelectorAll('td')[2]?.textContent ?? '',
        })),
      })),
    );
  }

  const count = (docs: readonly { kind: string; facility: string }[]) => {
    const by: Record<string, number> = {};
    for (const d of docs) by[`${d.kind}|${d.facility}`] = (by[`${d.kind}|${d.facility}`] ?? 0) + 1;
    return by;
  };

  let withheld: HeldDocument | undefined;

  it('groups every document of every hospital by kind, titled by kind and date, newest first', async () => {
    const held = await heldDocuments();
    const kinds = [...new Set(held.map((d) => d.kind))];
    // The generated hospitals write 退院時サマリ, 読影レポート and some 診療情報提供書.
    expect(kinds.length).toBeGreaterThanOrEqual(2);
    expect(kinds.every((k) => k.startsWith('document-'))).toBe(true);

    const page = await session('clinic.doctor');
    const groups = await shownDocuments(page);
    expect(groups.map((g) => g.kind).sort()).toEqual(kinds.sort());
    const shown = groups.flatMap((g) => g.rows.map((r) => ({ kind: g.kind, facility: r.facility })));
    expect(count(shown)).toEqual(count(held));
    for (const g of groups) {
      const label = CATEGORY_LABELS[g.kind as Category].ja;
      const dates = g.rows.map((r) => {
        // Titled by kind and date, never by a file name.
        expect(r.title).toMatch(new RegExp(`^${label} \\d{4}/\\d{2}/\\d{2}$`));
        return r.title.slice(label.length + 1);
      });
      expect(dates).toEqual([...dates].sort().reverse());
    }
    const text = (await page.getByRole('tabpanel').textContent()) ?? '';
    expect(text).not.toMatch(/main_document|document\.pdf|\.xml/);
    await screen(page, 'documents-01-groups');

    // A group folds away and opens again (long lists by kind).
    const firstLabel = CATEGORY_LABELS[groups[0]!.kind as Category].ja;
    const first = page.getByRole('button', { name: new RegExp(`^${firstLabel} \\d+件$`) });
    await first.click();
    await expect.poll(() => first.getAttribute('aria-expanded')).toBe('false');
    await first.click();
    await expect.poll(() => first.getAttribute('aria-expanded')).toBe('true');

    // The English switch: the same groups and rows, English kinds; the dates unchanged.
    await page.locator('label', { hasText: 'English' }).click();
    const firstEn = CATEGORY_LABELS[groups[0]!.kind as Category].en;
    await page.getByRole('button', { name: new RegExp(`^${firstEn} \\d+$`) }).waitFor();
    const english = await page.getByTestId('doc-title').allTextContents();
    expect(english.length).toBe(shown.length);
    // Titled by one document's kind in English, then the same date.
    for (const title of english) expect(title).toMatch(/^[A-Z][a-z]+( [a-z]+)* \d{4}\/\d{2}\/\d{2}$/);
    await screen(page, 'documents-01b-groups-en');
    await page.locator('label', { hasText: '日本語' }).click();
    await page.getByRole('button', { name: new RegExp(`^${firstLabel} \\d+件$`) }).waitFor();

    // The facility whose radiology reports (or else the first kind) will be withheld in the last test.
    const byKind = held.filter((d) => d.kind === 'document-radiology-report');
    withheld = byKind[0] ?? held[0];
  });

  it('opens a CDA discharge summary as readable text with its header and section headings', async () => {
    const page = await session('clinic.doctor');
    const held = await heldDocuments();
    const kind = held.some((d) => d.kind === 'document-discharge-summary')
      ? 'document-discharge-summary'
      : held[0]!.kind;
    const label = CATEGORY_LABELS[kind as Category].ja;
    await page
      .getByRole('button', { name: new RegExp(`^本文 ${label} \\d{4}/\\d{2}/\\d{2}$`) })
      .first()
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('cda-document').waitFor();
    await settled(page);
    await expect
      .poll(() => dialog.getByRole('heading', { level: 2 }).first().textContent())
      .toMatch(new RegExp(`^${label} \\d{4}/\\d{2}/\\d{2}　(岡山大学病院|倉敷中央病院|岡山赤十字病院)$`));
    // The patient named in the document is the patient on screen.
    const header = (await dialog.getByRole('region', { name: '文書の情報' }).textContent()) ?? '';
    expect(header.replace(/\s/g, '')).toContain(h.patients.consented.nameKanji.replace(/\s/g, ''));
    expect(header).toMatch(/作成日時/);
    expect(header).toMatch(/作成者/);
    const headings = await dialog.getByRole('heading', { level: 3 }).allTextContents();
    if (kind === 'document-discharge-summary') {
      expect(headings).toEqual(
        expect.arrayContaining(['退院時サマリ', '入院時診断', '入院経過', '退院時処方']),
      );
    } else {
      expect(headings.length).toBeGreaterThan(1);
    }
    // Text, not a "cannot be shown" notice; no frame, no script from the document.
    expect(await dialog.getByTestId('cda-unreadable').count()).toBe(0);
    expect(await dialog.locator('iframe, script, a[href]').count()).toBe(0);
    await screen(page, 'documents-02-cda');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows the document kinds in the office matrix and the disclosure settings', async () => {
    const office = await session('office');
    await office.goto('/office/matrix');
    await office.getByRole('checkbox', { name: '医師 × 退院時サマリ', exact: true }).waitFor();
    await settled(office);
    expect(
      await office.getByRole('checkbox', { name: '薬剤師 × 退院時サマリ', exact: true }).isChecked(),
    ).toBe(false);
    expect(await office.getByRole('checkbox', { name: '医師 × 読影レポート', exact: true }).isChecked()).toBe(
      true,
    );
    await screen(office, 'documents-03-matrix');
  });

  it('a hospital that withholds one kind makes exactly that kind disappear for the clinic', async () => {
    const target = withheld!;
    const kindLabel = CATEGORY_LABELS[target.kind as Category].ja;
    const office = await session('office');
    await office.goto('/office/disclosure');
    await office.getByLabel('施設を選択').first().click();
    await office.getByRole('option', { name: target.facility }).click();
    const box = office.getByRole('checkbox', { name: kindLabel, exact: true });
    await box.waitFor();
    expect(await box.isChecked()).toBe(true);
    await box.uncheck();
    await office.getByRole('button', { name: '保存', exact: true }).first().click();
    await office.getByText('保存しました').waitFor();
    await settled(office);
    await screen(office, 'documents-04-disclosure');

    const held = await heldDocuments();
    const expected = held.filter((d) => !(d.kind === target.kind && d.facility === target.facility));
    const page = await session('clinic.doctor');
    const groups = await shownDocuments(page);
    const shown = groups.flatMap((g) => g.rows.map((r) => ({ kind: g.kind, facility: r.facility })));
    expect(count(shown)).toEqual(count(expected));
    expect(shown.some((d) => d.kind === target.kind && d.facility === target.facility)).toBe(false);
    await screen(page, 'documents-05-withheld');

    await h.expectAccessible('documents', 6);
  });
});
