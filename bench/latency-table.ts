/** Nearest rank: the smallest latency that at least `q` of the samples did not exceed. */
export function quantile(sorted: number[], q: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] : NaN;
}

/** One row of a commit-to-send table: the poll interval, the counts, p50, p95, p99 and max (ms), and what never arrived. */
export function latencyRow(pollMs: number, counts: number[], latencies: number[], missing: number): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const ms = (value: number) => value.toFixed(0);
  return [pollMs, ...counts, ms(quantile(sorted, 0.5)), ms(quantile(sorted, 0.95)), ms(quantile(sorted, 0.99)), ms(sorted.at(-1) ?? NaN), missing].join(' | ');
}

/** Runs a benchmark's main and exits with its outcome (its pools and servers are closed by then). */
export function runBenchmark(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
