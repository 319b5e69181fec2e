/**
 * How long to wait before the next attempt after `failures` consecutive
 * failures: exponential (base, 2 × base, 4 × base …) up to `capMs`, with
 * "equal jitter" — half the delay fixed, half random — so that endpoints
 * that failed together (a receiver's outage) do not all come back at the same
 * instant, while no retry comes much sooner than planned.
 */
export function retryDelayMs(failures: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const delay = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.round(delay / 2 + random() * (delay / 2));
}

/** Whether `failures` consecutive failures park the endpoint. */
export function shouldPark(failures: number, maxAttempts: number): boolean {
  return failures >= maxAttempts;
}
