import { afterEach, describe, expect, it } from 'vitest';
import type { OrcaSimulator } from '../simulator/server.js';
import { clientOf, simulator } from '../testing/support.js';
import type { OrcaCheckpoint, OrcaPull } from './pull.js';
import { startPullSchedule } from './schedule.js';

let sim: OrcaSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A clock whose waits are recorded and last a few real milliseconds. */
function quickClock() {
  const waits: number[] = [];
  return {
    waits,
    clock: {
      sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, waits.push(ms) && 5)),
      random: () => 0.5,
    },
  };
}

const until = async (ok: () => boolean) => {
  for (let i = 0; i < 400 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(ok()).toBe(true);
};

describe('the per-tenant schedule', () => {
  it('pulls a tenant again and again from the checkpoint it saved', async () => {
    sim = await simulator({ patients: 2, recorded: false });
    let stored: OrcaCheckpoint | undefined;
    const pulls: OrcaPull[] = [];
    const { clock, waits } = quickClock();
    const schedule = startPullSchedule(
      [
        {
          tenantId: 'clinic-a',
          client: clientOf(sim),
          everyMs: 600_000,
          loadCheckpoint: async () => stored,
          save: async (pull) => {
            pulls.push(pull);
            stored = pull.checkpoint;
          },
        },
      ],
      { clock },
    );
    await until(() => pulls.length >= 3);
    await schedule.stop();
    expect(pulls[0]?.full).toBe(true);
    expect(pulls[1]?.full).toBe(false);
    expect(pulls[1]?.since).toBe(pulls[0]?.checkpoint.since);
    // The first pull waits a random part of a minute at most; then the interval, ±10 %.
    expect(waits[0]).toBe(30_000);
    expect(waits[1]).toBe(600_000);
  });

  it('asks a failing ORCA less and less often, and reports each failure', async () => {
    sim = await simulator({ patients: 1, recorded: false });
    const errors: unknown[] = [];
    const { clock, waits } = quickClock();
    const schedule = startPullSchedule(
      [
        {
          tenantId: 'clinic-b',
          client: clientOf(sim, { password: 'wrong' }),
          everyMs: 1_000,
          loadCheckpoint: async () => undefined,
          save: async () => {},
        },
      ],
      { clock, onError: (_t, e) => errors.push(e), maxIntervalMs: 8_000 },
    );
    await until(() => errors.length >= 4);
    await schedule.stop();
    expect(waits.slice(1, 5)).toEqual([2_000, 4_000, 8_000, 8_000]);
    expect((errors[0] as { code: string }).code).toBe('orca-auth');
  });

  it('runNow joins the pull in progress instead of starting a second one', async () => {
    sim = await simulator({ patients: 1, recorded: false, latencyMs: 20 });
    let saves = 0;
    const schedule = startPullSchedule(
      [
        {
          tenantId: 'c',
          client: clientOf(sim),
          everyMs: 3_600_000,
          loadCheckpoint: async () => undefined,
          save: async () => void saves++,
        },
      ],
      { clock: { sleep: () => new Promise(() => {}) } },
    );
    await Promise.all([schedule.runNow('c'), schedule.runNow('c')]);
    expect(saves).toBe(1);
    await schedule.stop();
  });
});
