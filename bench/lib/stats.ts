/** Latency figures in milliseconds, rounded for a readable results.json. */
export interface LatencySummary {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  samples: number;
}

/**
 * The q-quantile (0..1) of a sample by the nearest-rank method, so every
 * figure is a time that was really observed, not an interpolation.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Rounds to `digits` decimals; benchmarks do not have more precision than that. */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function summarize(values: readonly number[]): LatencySummary {
  return {
    p50Ms: round(quantile(values, 0.5)),
    p90Ms: round(quantile(values, 0.9)),
    p99Ms: round(quantile(values, 0.99)),
    samples: values.length,
  };
}
