import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagingScenario } from '@hie/ssmix2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoNetwork, startDemoNetwork } from './network.js';

describe('the demo network’s showcase, read from its own stores', () => {
  let dir: string;
  let network: DemoNetwork;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hie-demo-showcase-'));
    // Twelve patients a hospital: the imaging scenario's person is among 岡山大学病院's first ten.
    network = await startDemoNetwork({ dir, patients: 12, hubPort: 0 });
  }, 180_000);
  afterAll(async () => {
    await network?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('names the imaging scenario’s patient: consented everywhere, a 120-slice CT and chest X-rays a year apart', () => {
    const scenario = imagingScenario(2013);
    const truth = network.seed.truth.find(
      (t) => t.personId === scenario?.personId && t.facilityCode === scenario.facilityCode,
    );
    const imaging = network.showcase.imaging;
    expect(truth).toBeDefined();
    expect(imaging?.birthDate.replaceAll('-', '')).toBe(truth?.birthDate);
    expect(imaging?.ct.images).toBe(120);
    const dates = imaging?.cr.map((c) => Date.parse(c.date)) ?? [];
    expect(((dates.at(-1) ?? 0) - (dates[0] ?? 0)) / 86_400_000).toBeGreaterThanOrEqual(330);
    const hospital = network.gateways.find((g) => g.oid === imaging?.imagingFacility);
    expect(hospital?.facility.code).toBe(scenario?.facilityCode);
  });
});
