import { retryDelayMs, shouldPark } from './retry.policy';

describe('retries', () => {
  it('double from the base up to the cap', () => {
    const fixed = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, 1000, 10_000, fixed))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(retryDelayMs(1000, 1000, 10_000, fixed)).toBe(10_000);
  });

  it('are jittered within the upper half of the delay', () => {
    expect(retryDelayMs(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(retryDelayMs(3, 1000, 60_000, () => 0.5)).toBe(3000);
    const seen = new Set(Array.from({ length: 50 }, () => retryDelayMs(3, 1000, 60_000)));
    expect(seen.size).toBeGreaterThan(1);
    for (const delay of seen) expect(delay).toBeGreaterThanOrEqual(2000), expect(delay).toBeLessThanOrEqual(4000);
  });

  it('park the endpoint at the configured number of consecutive failures', () => {
    expect(shouldPark(7, 8)).toBe(false);
    expect(shouldPark(8, 8)).toBe(true);
  });
});
