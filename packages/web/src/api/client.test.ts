import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api } from './client';

const answer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const busy = () =>
  answer(429, {
    error: { code: 'too-many-requests', message: 'at most 6 viewing requests at once per user' },
  });

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe("api: the hub's viewing budget", () => {
  it('a GET refused for too many requests in flight waits its turn and gets its answer', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(busy())
      .mockResolvedValueOnce(busy())
      .mockResolvedValue(answer(200, { visits: [1] }));
    vi.stubGlobal('fetch', fetch);
    vi.useFakeTimers();
    const pending = api<{ visits: number[] }>('/patients/p/visits');
    await vi.runAllTimersAsync();
    await expect(pending).resolves.toEqual({ visits: [1] });
    expect(fetch).toHaveBeenCalledTimes(3);
  });

  it('other refusals, and a POST, are not retried', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(answer(403, { error: { code: 'forbidden', message: 'no' } }))
      .mockResolvedValueOnce(busy());
    vi.stubGlobal('fetch', fetch);
    await expect(api('/patients/p')).rejects.toMatchObject({ status: 403, code: 'forbidden' });
    await expect(api('/consents', { method: 'POST', body: {} })).rejects.toBeInstanceOf(ApiError);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it("gives up after a while, with the hub's refusal", async () => {
    const fetch = vi.fn().mockImplementation(async () => busy());
    vi.stubGlobal('fetch', fetch);
    vi.useFakeTimers();
    const pending = api('/patients/p/visits');
    const settled = pending.catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await settled).toMatchObject({ status: 429, code: 'too-many-requests' });
    expect(fetch).toHaveBeenCalledTimes(9);
  });
});
