/**
 * The eight scenarios in Debian's Chromium against the real hub and gateways (one demo
 * network, generated data), with screenshots of every main screen at 1280×800, 1024×768 and
 * 768×1024 and an axe-core check (0 serious/critical) on each. See README.md in this folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { login, logout, settled } from './browser';
import { patientUrl, search, searchText, skipReason, useHarness } from './harness';

describe.skipIf(skipReason !== null)('portal in the browser', () => {
  const h = useHarness();
  const { session, screen, user, freshPage } = h;

  it('1. logs in with password and TOTP, and out', async () => {
    const page = await freshPage();
    await page.goto('/login');
    await screen(page, '01-login');
    await login(page, user('ouh.nurse'));
    await expect.poll(() => page.url()).toMatch(/\/patients$/);
    await screen(page, '02-patient-list');
    await logout(page);
    await page.getByText(/ログアウトしました/).waitFor();
    // The session is gone at the hub too: a protected screen sends back to the login.
    await page.goto('/patients');
    await page.waitForURL(/\/login/);
  });

  it('2. a clinic doctor finds a consented patient and opens the HbA1c chart', async () => {
    const page = await session('clinic.doctor');
    const patient = h.patients.consented;
    await search(page, searchText(patient));
    await screen(page, '03-patient-search');
    await page.getByRole('link', { name: patient.nameKanji }).click();
    await page.getByTestId('patient-name').waitFor();
    // The record opens on the summary (概要, summary.e2e.ts); the visit list is one click away.
    await page.getByTestId('tab-visits').click();
    await page.getByRole('tabpanel').waitFor();
    await screen(page, '04-patient-visits');
    await page.getByTestId('tab-labs').click();
    await page.getByTestId('lab-test-3D046000001906202').first().click();
    const chart = page.locator('[data-testid="lab-chart"][data-rendered="true"]').first();
    await chart.waitFor();
    expect(await chart.getAttribute('aria-label')).toMatch(/HbA1c/);
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
    await screen(page, '05-patient-labs');
    for (const tab of ['diagnoses', 'medications', 'imaging', 'documents', 'orders', 'admissions'] as const) {
      const handle = page.getByTestId(`tab-${tab}`);
      if ((await handle.count()) === 0) continue;
      await handle.click();
      await page.getByRole('tabpanel').waitFor();
      await screen(page, `06-patient-${tab}`);
    }
  });

  it('3. a pharmacist sees only diagnoses, allergies and prescriptions', async () => {
    const page = await session('pharmacist');
    await page.goto(patientUrl(h.patients.consented));
    await page.getByTestId('patient-name').waitFor();
    await page.getByRole('tab').first().waitFor();
    await settled(page);
    const tabs = await page
      .locator('[data-testid^="tab-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(tabs).toContain('tab-diagnoses');
    expect(tabs).toContain('tab-medications');
    // The summary shows what of it the pharmacist may see (problems, allergies, medications).
    for (const tab of tabs) expect(['tab-summary', 'tab-diagnoses', 'tab-medications']).toContain(tab);
    // No hint of what is hidden: no lab, visit or document words anywhere on the screen.
    const text = (await page.locator('main').textContent()) ?? '';
    for (const word of ['検査', '受診歴', '文書', '画像', '入退院', 'オーダ'])
      expect(text).not.toContain(word);
    await page.locator('[data-testid="allergy-banner"], [data-testid="allergy-none"]').first().waitFor();
    await screen(page, '07-pharmacist-view');
  });

  it('4. a user of a non-consented facility cannot find the patient, nor open it by URL', async () => {
    const page = await session('clinic.doctor');
    const patient = h.patients.unconsented;
    await search(page, searchText(patient));
    await page.getByText(/該当する患者さんはいません/).waitFor();
    await page.goto(patientUrl(patient));
    await page.getByTestId('not-visible').waitFor();
    expect(await page.getByTestId('patient-name').count()).toBe(0);
    await screen(page, '08-not-visible');
  });

  it('5. consent registered, then withdrawn, changes what the clinic sees', async () => {
    const patient = h.patients.unconsented;
    const hospital = patient.localIds.ouh ? 'ouh' : 'kch';
    const localId = patient.localIds[hospital]!;
    const clerk = await session(`${hospital}.clerk`);
    await clerk.goto(`/consents?localId=${encodeURIComponent(localId)}`);
    await clerk.getByRole('button', { name: '同意を登録' }).click();
    await clerk.getByTestId('card-number').first().waitFor();
    await screen(clerk, '09-consent');
    const card = (await clerk.getByTestId('card-number').first().textContent())?.trim();
    expect(card).toMatch(/\d/);

    await clerk.getByRole('link', { name: '患者カードを印刷' }).first().click();
    await clerk.getByTestId('card-qr').waitFor();
    await screen(clerk, '10-patient-card');
    await clerk.goBack();
    await clerk.getByRole('link', { name: '同意書を印刷' }).first().click();
    await clerk.getByTestId('consent-form').waitFor();
    await screen(clerk, '11-consent-form');
    await clerk.goBack();

    const doctor = await session('clinic.doctor');
    await search(doctor, searchText(patient));
    await doctor.getByRole('link', { name: patient.nameKanji }).click();
    await doctor.getByTestId('patient-name').waitFor();

    await clerk.getByRole('button', { name: '同意を撤回' }).first().click();
    await clerk.getByRole('textbox', { name: '撤回の理由' }).fill('患者さんの申し出による撤回（E2E）');
    await clerk.getByRole('dialog').getByRole('button', { name: '同意を撤回' }).click();
    await clerk.getByText('撤回済み').first().waitFor();

    await doctor.reload();
    await doctor.getByTestId('not-visible').waitFor();
    await search(doctor, searchText(patient));
    await doctor.getByText(/該当する患者さんはいません/).waitFor();
  });

  it('6. the office links two records from the review queue', async () => {
    const patient = h.patients.consented;
    const token = h.network.seed.feedTokens.get('ouh');
    const oid = h.network.seed.oids.get('ouh');
    if (!token || !oid) throw new Error('no feed token for ouh');
    // The same person registered again at 岡山大学病院 under a new id, the name written a little
    // differently and no address: the index should ask a person to decide.
    const [family, given] = patient.nameKanji.split(/\s+/);
    const variants = [
      { nameKana: patient.nameKana, birthDate: patient.birthDate, nameKanji: `${family}` },
      { nameKana: patient.nameKana.split(/\s+/)[0], birthDate: patient.birthDate, nameKanji: given },
      { nameKana: patient.nameKana, birthDate: `${patient.birthDate.slice(0, 8)}01` },
    ];
    const outcomes: string[] = [];
    for (const [i, variant] of variants.entries()) {
      const response = await fetch(`${h.network.hubUrl}/api/v1/internal/mpi/feed`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ identities: [{ facilityOid: oid, localId: `E2E-REVIEW-${i}`, ...variant }] }),
      });
      const body = (await response.json()) as { outcomes?: { outcome: string }[] };
      outcomes.push(body.outcomes?.[0]?.outcome ?? `http-${response.status}:${JSON.stringify(body)}`);
      if (outcomes.at(-1) === 'review') break;
    }
    expect(outcomes, `feed outcomes ${outcomes.join(',')}`).toContain('review');

    const office = await session('office');
    await office.goto('/office/reviews');
    await office.getByTestId('review-item').first().waitFor();
    await settled(office);
    await screen(office, '12-office-reviews');
    const before = await office.getByTestId('review-item').count();
    await office.getByRole('button', { name: '同一人物として連結' }).click();
    await expect.poll(() => office.getByTestId('review-item').count()).toBeLessThan(before);
  });

  it('7. the "who viewed" report lists the views just made', async () => {
    const office = await session('office');
    await office.goto(`${patientUrl(h.patients.consented)}/access-report`);
    await office.getByRole('table').waitFor();
    await office
      .getByRole('cell', { name: user('clinic.doctor').name })
      .first()
      .waitFor();
    await office
      .getByRole('cell', { name: user('pharmacist').name })
      .first()
      .waitFor();
    await screen(office, '13-access-report');
  });

  it('8. break-the-glass with a reason shows a banner and appears in the office review list', async () => {
    const reason = '救急搬送、意識障害のため既往歴と処方の確認が必要（E2E）';
    const doctor = await session('er.doctor');
    await doctor.goto(patientUrl(h.patients.unconsented2));
    await doctor.getByTestId('not-visible').waitFor();
    await doctor.getByRole('button', { name: '緊急時アクセス' }).click();
    await doctor.getByRole('textbox', { name: '理由' }).fill(reason);
    await screen(doctor, '14-break-glass-dialog');
    await doctor.getByRole('button', { name: '理由を記録して閲覧する' }).click();
    await doctor.getByTestId('break-glass-banner').waitFor();
    await doctor.getByTestId('patient-name').waitFor();
    expect(await doctor.getByTestId('break-glass-banner').textContent()).toContain(reason);
    await screen(doctor, '15-break-glass-record');

    const office = await session('office');
    await office.goto('/office/break-glass');
    await office.getByText(reason).first().waitFor();
    await screen(office, '16-office-break-glass');
  });

  it('9. a gateway move proposed by the office waits for the hospital’s administrator, who rejects it', async () => {
    const ouh = h.network.gateways.find((g) => g.facility.key === 'ouh')!;
    const before = await h.network.hub.store.db
      .selectFrom('hub_facility')
      .select('gateway_url')
      .where('oid', '=', ouh.oid)
      .executeTakeFirstOrThrow();
    const office = await session('office');
    await office.goto('/office/disclosure');
    await office.getByLabel('施設を選択').first().click();
    await office.getByRole('option', { name: ouh.facility.name }).click();
    await office.getByRole('heading', { name: 'ゲートウェイ接続（2名で変更）' }).waitFor();
    await office.getByRole('textbox', { name: 'ゲートウェイURL' }).fill('https://listener.example.jp:8443');
    await office.getByRole('button', { name: '変更を提案' }).click();
    await office.getByText('承認待ち').first().waitFor();
    await settled(office);
    await screen(office, '22-gateway-change-proposed');

    const admin = await session('ouh.doctor');
    await admin.goto('/office/disclosure');
    await admin.getByRole('button', { name: '承認して反映' }).waitFor();
    await screen(admin, '23-gateway-change-to-confirm');
    await admin.getByRole('button', { name: '却下' }).click();
    await admin.getByText('却下').first().waitFor();
    const after = await h.network.hub.store.db
      .selectFrom('hub_facility')
      .select('gateway_url')
      .where('oid', '=', ouh.oid)
      .executeTakeFirstOrThrow();
    expect(after.gateway_url).toBe(before.gateway_url);
  });

  it('10. the office registers a hospital EHR’s client certificate and its PIX Consumer (IHE)', async () => {
    // A network CA and an EHR's certificate from it, as the office would receive them.
    const dir = await mkdtemp(join(tmpdir(), 'hie-ihe-cert-'));
    try {
      const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
      openssl(
        'req',
        '-x509',
        ...ec,
        '-keyout',
        'ca.key',
        '-out',
        'ca.crt',
        '-subj',
        '/CN=晴れやかネット CA',
        '-days',
        '30',
      );
      openssl(
        'req',
        '-utf8',
        ...ec,
        '-keyout',
        'ehr.key',
        '-out',
        'ehr.csr',
        '-subj',
        '/O=岡山大学病院/CN=ouh-ehr',
      );
      openssl(
        'x509',
        '-req',
        '-in',
        'ehr.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        'ehr.crt',
        '-days',
        '30',
      );
      const pem = await readFile(join(dir, 'ehr.crt'), 'utf8');
      const ouh = h.network.gateways.find((g) => g.facility.key === 'ouh')!;
      const office = await session('office');
      await office.goto('/office/facilities');
      await office.getByRole('button', { name: ouh.facility.name, exact: true }).click();
      const ihe = office.getByTestId('ihe-connection');
      await ihe.getByText('登録された証明書はありません。').waitFor();
      await ihe.getByRole('textbox', { name: '証明書を追加（PEM）' }).fill(pem);
      await ihe.getByRole('button', { name: '証明書を登録' }).click();
      await ihe.getByText(/CN=ouh-ehr/).waitFor();
      expect(await ihe.getByText(/CN=ouh-ehr/).textContent()).toContain('O=岡山大学病院');
      const pix = ihe.getByTestId('pix-consumer');
      await pix.getByRole('textbox', { name: '送信先URL' }).fill('https://ehr.ouh.example.jp/pix-consumer');
      await pix.getByRole('button', { name: '送信先を保存' }).click();
      await ihe.getByTestId('pix-consumer-status').waitFor();
      expect(await ihe.getByTestId('pix-consumer-status').textContent()).toContain('送信中');
      // The demo subscribed the hospital's gateway to the directory (ITI-59): delivered, nothing pending.
      const hpd = ihe.getByTestId('hpd-subscriber-status');
      await hpd.getByText(/配信済み [1-9]\d* 件/).waitFor();
      await hpd.getByText('未送信の変更 0 件').waitFor();
      expect(await hpd.textContent()).not.toMatch(/unreachable|refused/);
      await ihe.scrollIntoViewIfNeeded();
      await settled(office);
      await screen(office, '24-office-ihe');
      const registered = await h.network.hub.store.db
        .selectFrom('hub_node_cert')
        .select(['facility_oid', 'subject'])
        .executeTakeFirstOrThrow();
      expect(registered.facility_oid).toBe(ouh.oid);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('office screens render (screenshots and accessibility)', async () => {
    const office = await session('office');
    for (const [path, name] of [
      ['/office/facilities', '17-office-facilities'],
      ['/office/users', '18-office-users'],
      ['/office/matrix', '19-office-matrix'],
      ['/office/disclosure', '20-office-disclosure'],
      ['/office/stats', '21-office-stats'],
    ] as const) {
      await office.goto(path);
      await office.getByRole('heading', { level: 1 }).waitFor();
      await settled(office);
      await screen(office, name);
    }
  });

  it('every main screen has no serious or critical axe violation', async () => {
    await h.expectAccessible('portal', 23);
  });
});
