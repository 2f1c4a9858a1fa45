/**
 * The consent counter, printing and the record's screen state (issue 11): the clerk's menu and name
 * search, the consent card and form printed with the patient's name, the whole "who viewed" report
 * on paper with page numbers, the record printed with its running header, the sticky patient header,
 * the loading state of a tab switch, and Japanese date fields. Printouts are checked as PDF
 * (Chromium's print to PDF, read back with pdftotext).
 */
import { describe, expect, it } from 'vitest';
import { settled } from './browser';
import { patientUrl, skipReason, useHarness } from './harness';
import type { Person } from './network';
import { printed } from './pdf';

const slashed = (day: string) => day.replaceAll('-', '/');

describe.skipIf(skipReason !== null)('consent counter, printing and screen state', () => {
  const h = useHarness();
  const { session, screen, user } = h;

  /** The clerk's hospital for a patient, and a person of another hospital the clerk must never find. */
  async function counterCase(patient: Person) {
    const key = patient.localIds.ouh ? 'ouh' : 'kch';
    const own = h.network.gateways.find((g) => g.facility.key === key)!.oid;
    const db = h.network.hub.store.db;
    const ownPersons = new Set(
      (await db.selectFrom('mpi_record').select('person_id').where('facility_oid', '=', own).execute()).map(
        (r) => r.person_id,
      ),
    );
    const foreign = (
      await db
        .selectFrom('mpi_record')
        .select(['person_id', 'name_kana', 'name_kanji', 'birth_date', 'local_id'])
        .where('facility_oid', '!=', own)
        .orderBy('person_id')
        .execute()
    ).find((r) => !ownPersons.has(r.person_id) && r.name_kana && r.birth_date);
    if (!foreign) throw new Error('every patient of the network is at the clerk’s hospital');
    return { key, foreign };
  }

  it('1. the menu offers only what the user can do: a clerk gets the consent desk, a facility without patients no desk', async () => {
    const clerk = await session('ouh.clerk');
    // The login lands where a clerk works: the patient search would never show a clerk a patient.
    await expect.poll(() => clerk.url()).toMatch(/\/consents$/);
    const nav = clerk.getByRole('navigation', { name: 'メインメニュー' });
    await nav.getByRole('link', { name: '同意登録' }).waitFor();
    expect(await nav.getByRole('link', { name: '患者一覧' }).count()).toBe(0);
    await settled(clerk);
    await screen(clerk, 'counter-01-clerk-desk');

    // The dental clinic has no patients of its own in the network: no consent desk, but the patient list.
    const dentist = await session('dentist');
    const dentistNav = dentist.getByRole('navigation', { name: 'メインメニュー' });
    await dentistNav.getByRole('link', { name: '患者一覧' }).waitFor();
    expect(await dentistNav.getByRole('link', { name: '同意登録' }).count()).toBe(0);
    // The medical clinic publishes through the repository (issue 13): its own patients, so a desk too.
    const doctor = await session('clinic.doctor');
    const doctorNav = doctor.getByRole('navigation', { name: 'メインメニュー' });
    await doctorNav.getByRole('link', { name: '同意登録' }).waitFor();
  });

  it("2. a clerk finds the hospital's own patient by name and birth date, never another hospital's", async () => {
    const patient = h.patients.unconsented;
    const { key, foreign } = await counterCase(patient);
    const clerk = await session(`${key}.clerk`);
    await clerk.goto('/consents');
    const box = clerk.getByRole('textbox', { name: '氏名・生年月日で探す' });
    await box.fill(`${patient.nameKana} ${slashed(patient.birthDate)}`);
    await clerk.getByRole('button', { name: '探す', exact: true }).click();
    const results = clerk.getByTestId('name-search-results');
    await results.waitFor();
    await settled(clerk);
    await expect.poll(() => results.textContent()).toContain(patient.localIds[key]!);
    await screen(clerk, 'counter-02-name-search');

    // Another hospital's patient, by exact name and birth date, kana or kanji: not one of ours.
    for (const text of [
      `${foreign.name_kana} ${slashed(foreign.birth_date!)}`,
      `${foreign.name_kanji ?? foreign.name_kana} ${slashed(foreign.birth_date!)}`,
    ]) {
      await box.fill(text);
      await clerk.getByRole('button', { name: '探す', exact: true }).click();
      await clerk.getByTestId('name-search-none').waitFor();
      expect(await clerk.locator('main').textContent()).not.toContain(foreign.local_id);
    }

    // Chosen from the list, the patient opens as by the id.
    await box.fill(`${patient.nameKana} ${slashed(patient.birthDate)}`);
    await clerk.getByRole('button', { name: '探す', exact: true }).click();
    await clerk.getByRole('button', { name: `選ぶ: ${patient.nameKanji}` }).click();
    await expect.poll(() => clerk.getByTestId('consent-patient-name').textContent()).toBe(patient.nameKanji);
    expect(clerk.url()).toContain(`localId=${encodeURIComponent(patient.localIds[key]!)}`);
  });

  it('3. dates are typed and shown as YYYY/MM/DD (wareki accepted); the printed card and form name the patient', async () => {
    const patient = h.patients.unconsented;
    const { key } = await counterCase(patient);
    const clerk = await session(`${key}.clerk`);
    await clerk.goto(`/consents?localId=${encodeURIComponent(patient.localIds[key]!)}`);
    const start = clerk.getByRole('textbox', { name: '同意日' });
    await start.waitFor();
    expect(await start.inputValue()).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
    const end = clerk.getByRole('textbox', { name: '有効期限（任意）' });
    await end.fill('R20.3.31');
    await end.blur();
    expect(await end.inputValue()).toBe('2038/03/31');
    await clerk.getByText('令和20年3月31日').waitFor();
    await end.fill('3/31/2038');
    await end.blur();
    await clerk.getByText(/日付は YYYY\/MM\/DD で入力してください/).waitFor();
    await end.fill('2038/03/31');
    await clerk.getByRole('button', { name: '同意を登録' }).click();
    await clerk.getByTestId('card-number').first().waitFor();
    await screen(clerk, 'counter-03-consent-registered');

    await clerk.getByRole('link', { name: '患者カードを印刷' }).first().click();
    await clerk.getByTestId('patient-card').getByText(patient.nameKanji).waitFor();
    await settled(clerk);
    await screen(clerk, 'counter-04-patient-card');
    const card = await printed(clerk, 'counter-patient-card');
    if (card) {
      expect(card.pages).toHaveLength(1);
      const text = card.pages[0]!.replace(/\s+/g, '');
      expect(text).toContain(patient.nameKanji.replace(/\s+/g, ''));
      expect(text).toContain(slashed(patient.birthDate));
      expect(text).not.toContain('戻る'); // no link or button on paper
    }

    await clerk.goBack();
    await clerk.getByRole('link', { name: '同意書を印刷' }).first().click();
    await clerk.getByTestId('consent-form').getByText(patient.nameKanji).waitFor();
    await settled(clerk);
    await screen(clerk, 'counter-05-consent-form');
    const form = await printed(clerk, 'counter-consent-form');
    if (form) {
      const text = form.pages.join('').replace(/\s+/g, '');
      expect(text).toContain(patient.nameKanji.replace(/\s+/g, ''));
      expect(text).toContain(patient.nameKana.replace(/\s+/g, ''));
      expect(text).toContain(slashed(patient.birthDate));
    }
  });

  it('4. the patient header stays on screen over a long tab; a tab switch shows the new tab at once', async () => {
    const doctor = await session('clinic.doctor');
    const patient = h.patients.consented;
    await doctor.setViewportSize({ width: 768, height: 1024 });
    try {
      await doctor.goto(`${patientUrl(patient)}?tab=visits`);
      await doctor.getByTestId('patient-name').waitFor();
      await doctor.getByRole('tabpanel').waitFor();
      await settled(doctor);
      await doctor.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
      await doctor.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      expect(await doctor.evaluate(() => window.scrollY)).toBeGreaterThan(300);
      const identity = await doctor.getByTestId('patient-identity').boundingBox();
      expect(identity).not.toBeNull();
      // Just under the app's header (56 px), whatever the scroll.
      expect(identity!.y).toBeGreaterThanOrEqual(50);
      expect(identity!.y).toBeLessThan(80);
      await screen(doctor, 'counter-06-sticky-header');
    } finally {
      await doctor.setViewportSize({ width: 1280, height: 800 });
    }

    // Every frame after the click is sampled: from the first one on, the new tab is the chosen one and
    // the old tab's list is gone (a loading state until the new list is drawn) — the router's
    // transition used to keep the old list on screen, under the new tab's name, for seconds.
    await doctor.evaluate(() => window.scrollTo(0, 0));
    const target = (await doctor.getByTestId('tab-medications').count()) > 0 ? 'medications' : 'diagnoses';
    await doctor.evaluate((tab) => {
      const w = window as unknown as { frames_: unknown[]; clicked_: number | null };
      w.frames_ = [];
      w.clicked_ = null;
      const handle = document.querySelector(`[data-testid="tab-${tab}"]`);
      handle?.addEventListener('click', () => (w.clicked_ = performance.now()), { capture: true });
      const sample = () => {
        if (w.clicked_ !== null) {
          const panels = Array.from(document.querySelectorAll<HTMLElement>("[role='tabpanel']"));
          w.frames_.push({
            selected: handle?.getAttribute('aria-selected') === 'true',
            oldList: panels.some((p) => p.id.endsWith('visits') && p.offsetParent !== null),
            loading: panels.some((p) => p.querySelector('[data-loading="true"]') !== null),
          });
        }
        if (w.frames_.length < 2000) requestAnimationFrame(sample);
      };
      requestAnimationFrame(sample);
    }, target);
    await doctor.getByTestId(`tab-${target}`).click();
    await doctor.getByRole('tabpanel').waitFor();
    await settled(doctor);
    const frames = await doctor.evaluate(
      () =>
        (window as unknown as { frames_: { selected: boolean; oldList: boolean; loading: boolean }[] })
          .frames_,
    );
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.filter((f) => f.oldList)).toEqual([]);
    expect(frames.every((f) => f.selected)).toBe(true);
    await doctor.getByRole('tabpanel').waitFor();
    await settled(doctor);
  });

  it('5. the period is typed as YYYY/MM/DD, and the record prints with who, when and page numbers', async () => {
    const doctor = await session('clinic.doctor');
    const patient = h.patients.consented;
    await doctor.goto(`${patientUrl(patient)}?tab=visits`);
    await doctor.getByTestId('patient-name').waitFor();
    await doctor.getByText('開始日–終了日', { exact: true }).click();
    const from = doctor.getByRole('textbox', { name: '開始日' });
    await from.fill('H30.1.1');
    await from.blur();
    expect(await from.inputValue()).toBe('2018/01/01');
    const to = doctor.getByRole('textbox', { name: '終了日' });
    await to.fill(`${new Date().getFullYear()}1231`);
    await to.blur();
    expect(await to.inputValue()).toBe(`${new Date().getFullYear()}/12/31`);
    await doctor.getByRole('tabpanel').waitFor();
    await settled(doctor);
    await screen(doctor, 'counter-07-period');

    const pdf = await printed(doctor, 'counter-record-visits');
    if (pdf) {
      const name = patient.nameKanji.replace(/\s+/g, '');
      const doctorName = user('clinic.doctor').name.replace(/\s+/g, '');
      pdf.pages.forEach((text, i) => {
        const flat = text.replace(/\s+/g, '');
        // The running header and footer of every sheet: patient, born, who printed, where, page i / n.
        expect(flat).toContain(name);
        expect(flat).toContain(`${slashed(patient.birthDate)}生`);
        expect(flat).toContain(doctorName);
        expect(flat).toContain(`${i + 1}/${pdf.pages.length}ページ`);
        // Nothing of the screen's controls or spinners.
        expect(flat).not.toContain('読み込み中');
        expect(flat).not.toContain('さらに表示');
        expect(flat).not.toContain('閲覧履歴');
      });
    }
  });

  it('6. the "who viewed" report prints every event, on numbered pages', async () => {
    const patient = h.patients.consented;
    // Views by two users in turn: each one its own row of the report (more than a screen page of 100).
    const doctor = await session('clinic.doctor');
    const pharmacist = await session('pharmacist');
    for (let i = 0; i < 60; i++) {
      for (const page of [doctor, pharmacist]) {
        const answer = await page.request.get(`/api/v1${patientUrl(patient)}`);
        expect(answer.status()).toBe(200);
      }
    }
    const office = await session('office');
    await office.goto(`${patientUrl(patient)}/access-report`);
    const totalText = await office.getByTestId('report-total').textContent();
    const [, total, rows] = /全(\d+)件（(\d+)行/.exec(totalText ?? '') ?? [];
    expect(Number(rows)).toBeGreaterThan(100);
    expect(Number(total)).toBeGreaterThanOrEqual(120);
    // The screen shows a page of 100 rows; paper gets them all.
    expect(await office.getByRole('table').getByRole('row').count()).toBe(101);
    await settled(office);
    await screen(office, 'counter-08-access-report');

    const pdf = await printed(office, 'counter-access-report');
    if (pdf) {
      expect(pdf.pages.length).toBeGreaterThan(2);
      let events = 0;
      let printedRows = 0;
      pdf.pages.forEach((text, i) => {
        const flat = text.replace(/\s+/g, '');
        expect(flat).toContain(patient.nameKanji.replace(/\s+/g, ''));
        expect(flat).toContain(user('office').name.replace(/\s+/g, ''));
        expect(flat).toContain(`${i + 1}/${pdf.pages.length}ページ`);
        for (const line of text.split('\n')) {
          if (!/^\s*\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}/.test(line)) continue;
          printedRows += 1;
          events += Number(/×(\d+)/.exec(line)?.[1] ?? 1);
        }
      });
      expect(printedRows).toBe(Number(rows));
      expect(events).toBe(Number(total));
    }
  });

  it('7. the screens pass axe', async () => {
    await h.expectAccessible('counter', 8);
  });
});
