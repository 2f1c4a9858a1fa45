/**
 * The neighbouring network (issue 16), portal to portal: the demo runs HM-net beside 晴れやかネット —
 * its own hub, hospital, consent and audit — with an interconnection agreement for our clinic and
 * 岡山大学病院. From a patient's page, 「HM-netで開く」 signs the doctor in at HM-net (SAML, our hub
 * the IdP) and lands on the same patient found there by HM-net's own PDQ and consent; a patient whose
 * HM-net consent does not name our clinic is not found there; a facility outside the agreement has no
 * link. And records into our timeline: the border patient's HM-net records appear in our own patient
 * page, named 「備後中央病院 (HM-net)」, asked by our hub with XUA and answered under HM-net's consent.
 */
import { describe, expect, it } from 'vitest';
import { login, newContext, settled } from './browser';
import { skipReason, useHarness } from './harness';

describe.skipIf(skipReason !== null)('HM-net: opening a patient at the neighbouring network', () => {
  const h = useHarness({ prepare: async () => ({ neighbour: true }) });
  const { screen } = h;
  const neighbour = () => {
    const n = h.network.neighbour;
    if (!n) throw new Error('the demo did not start HM-net');
    return n;
  };

  it('1. the clinic doctor opens a border patient at HM-net and lands on the patient there', async () => {
    const n = neighbour();
    const patient = n.borderPatient;
    if (!patient) throw new Error('the demo found no patient of both networks consented to the clinic');
    const page = await h.session('clinic.doctor');
    await page.goto(`/patients/${encodeURIComponent(patient.personId)}`);
    const link = page.getByTestId('partner-links').getByRole('link', { name: 'HM-netで開く' });
    await link.waitFor();
    await settled(page);
    await screen(page, 'hmnet-01-partner-link');
    await link.click();
    await page.waitForURL(`${n.url}/patients/**`, { timeout: 30_000 });
    await expect
      .poll(() => page.getByTestId('patient-name').textContent(), { timeout: 30_000 })
      .toBe(patient.name);
    // Which portal this is, at a glance: HM-net's name, not ours.
    expect(await page.getByRole('banner').getByText('HM-net（広島）').count()).toBeGreaterThan(0);
    // The record is HM-net's hospital's (its ids), shown under HM-net's rules.
    await page
      .getByText(/備後中央病院/)
      .first()
      .waitFor();
    await settled(page);
    await screen(page, 'hmnet-02-landed-at-neighbour');
    // Back home: still logged in to our portal (each portal keeps its own session).
    await page.goto(`${h.network.hubUrl}/patients/${encodeURIComponent(patient.personId)}`);
    await page.getByTestId('patient-name').waitFor();
  });

  it('2. a patient whose HM-net consent names only its own hospital is not found there', async () => {
    const n = neighbour();
    const patient = n.withheldPatient;
    if (!patient) throw new Error('the demo found no withheld patient');
    const page = await h.session('clinic.doctor');
    await page.goto(`/patients/${encodeURIComponent(patient.personId)}`);
    await page.getByTestId('partner-links').getByRole('link', { name: 'HM-netで開く' }).click();
    await page.waitForURL(`${n.url}/patients?**`, { timeout: 30_000 });
    await page
      .getByText(/該当する患者さんはいません/)
      .first()
      .waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('patient-name').count()).toBe(0);
    // The doctor sees why: the patient handed over, searched with the traits shown in the box.
    await page.getByTestId('from-partner').waitFor();
    const born = patient.birthDate.replace(/\D/g, '');
    expect(await page.getByRole('textbox', { name: '患者検索' }).inputValue()).toContain(
      `${born.slice(0, 4)}/${born.slice(4, 6)}/${born.slice(6, 8)}`,
    );
    await settled(page);
    await screen(page, 'hmnet-03-withheld-at-neighbour');
  });

  it('3. a facility outside the agreement sees no HM-net link', async () => {
    const patient = neighbour().borderPatient;
    if (!patient) throw new Error('no border patient');
    const page = await h.session('er.doctor');
    await page.goto(`/patients/${encodeURIComponent(patient.personId)}`);
    await page
      .locator('[data-testid="patient-name"], [data-testid="patient-refused"], main')
      .first()
      .waitFor();
    await settled(page);
    expect(await page.getByTestId('partner-links').count()).toBe(0);
  });

  it('4. HM-net’s office sees our network as a trusted IdP, the facilities it may register users for, and the link it made', async () => {
    const n = neighbour();
    const office = n.logins.find((l) => l.loginId === 'hm.office');
    if (!office) throw new Error('no HM-net office login');
    const page = await (await newContext(h.browser, n.url)).newPage();
    await login(page, { ...office, profession: 'office', facilityName: '', facilityOid: '' });
    await page.goto('/office/federation');
    const idp = page.getByTestId('trusted-idp').filter({ hasText: '晴れやかネット' });
    await idp.waitFor();
    for (const name of ['ももたろう内科クリニック（晴れやかネット）', '岡山大学病院（晴れやかネット）'])
      await idp.getByText(name).waitFor();
    await settled(page);
    await screen(page, 'hmnet-04-office-federation');
    // The clinic doctor made at the first crossing: the link is on the user's page, marked 自動登録.
    await page.goto('/office/users');
    await page
      .getByRole('button', { name: h.user('clinic.doctor').name })
      .first()
      .click();
    const links = page.getByTestId('saml-links');
    await links.getByText('自動登録').waitFor();
    await settled(page);
    await screen(page, 'hmnet-05-office-user-link');
  });

  it('5. HM-net’s records of the border patient appear in our own timeline, named with their source', async () => {
    const n = neighbour();
    const patient = n.borderPatient;
    if (!patient) throw new Error('no border patient');
    const page = await h.session('clinic.doctor');
    await page.goto(`/patients/${encodeURIComponent(patient.personId)}?tab=diagnoses`);
    await page.getByTestId('patient-name').waitFor();
    // HM-net's hospital, named with its network, beside our own facilities' rows.
    await page
      .getByText(/備後中央病院 \(HM-net\)/)
      .first()
      .waitFor({ timeout: 30_000 });
    await settled(page);
    await screen(page, 'hmnet-06-partner-records-in-our-timeline');
    // The patient HM-net's consent does not show to our clinic: a note, and nothing of HM-net.
    const withheld = n.withheldPatient;
    if (!withheld) throw new Error('no withheld patient');
    await page.goto(`/patients/${encodeURIComponent(withheld.personId)}?tab=diagnoses`);
    await page.getByTestId('partner-note').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('partner-note').first().textContent()).toMatch(/HM-net.*見つかりません/);
    expect(await page.getByText(/\(HM-net\)/).count()).toBe(0);
    await settled(page);
    await screen(page, 'hmnet-07-partner-not-found-note');
    // A facility outside the agreement: nothing of HM-net at all.
    const er = await h.session('er.doctor');
    await er.goto(`/patients/${encodeURIComponent(patient.personId)}?tab=diagnoses`);
    await er.locator('[data-testid="patient-name"], [data-testid="not-visible"]').first().waitFor();
    await settled(er);
    expect(await er.getByText(/HM-net/).count()).toBe(0);
  });

  it('6. our office registers HM-net’s portal as an identity provider from its screen, then removes it', async () => {
    const n = neighbour();
    const page = await h.session('office');
    await page.goto('/office/federation');
    const form = page.getByTestId('partner-register');
    await form.waitFor();
    // HM-net as a partner service (the demo's agreement), listed with its facilities and records URL.
    await page.getByTestId('partner-table').first().getByText('HM-net').first().waitFor();
    const idpXml = await (await fetch(`${n.url}/saml/idp/metadata`)).text();
    await form.getByText('認証基盤（IdP）').click();
    await form.getByLabel('名称').fill('HM-net（広島）');
    await form.getByLabel('メタデータ（XML）').fill(idpXml);
    await form.getByRole('button', { name: '登録', exact: true }).click();
    await form.getByText(/を登録しました/).waitFor();
    await page.getByText('事務局が登録').first().waitFor();
    await settled(page);
    await screen(page, 'hmnet-08-office-registers-partner');
    // Our login page offers it at once.
    const anonymous = await (await newContext(h.browser, h.network.hubUrl)).newPage();
    await anonymous.goto('/login');
    await anonymous.getByText('HM-net（広島）でログイン').waitFor();
    await page.getByRole('button', { name: '削除' }).first().click();
    await expect.poll(() => page.getByText('事務局が登録').count(), { timeout: 10_000 }).toBe(0);
  });

  it('the screens pass the accessibility check', async () => {
    await h.expectAccessible('federation', 5);
  });
});
