// Statistics for noisy measurements: percentiles of one run, then the median and the
// spread (min–max) of a figure over several runs, and ratios of medians.

/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (!samples.length) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export const median = (samples: readonly number[]): number => percentile(samples, 50);

/** A figure over several runs: its median and the smallest and largest run. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function spread(values: readonly number[]): Spread {
  const finite = values.filter(Number.isFinite);
  if (!finite.length) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
  return {
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    runs: finite.length,
  };
}

export const ratio = (a: Spread, b: Spread): number => a.median / b.median;

/** "12.3 (11.0–14.1)": the median with the spread of the runs. */
export function formatSpread(s: Spread, digits = 0, unit = ""): string {
  if (!s.runs) return "n/a";
  const f = (n: number) => n.toFixed(digits);
  return s.runs > 1 && s.min !== s.max
    ? `${f(s.median)}${unit} (${f(s.min)}–${f(s.max)})`
    : `${f(s.median)}${unit}`;
}

export const formatRatio = (r: number): string => (Number.isFinite(r) ? `${r.toFixed(2)}×` : "n/a");
export const formatPercent = (r: number): string =>
  Number.isFinite(r) ? `${(r * 100).toFixed(1)} %` : "n/a";
