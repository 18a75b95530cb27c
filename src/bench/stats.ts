// Order statistics for the benchmark: medians and spreads, never means
// (one descheduled run would drag a mean anywhere).

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

export interface Summary {
  median: number;
  /** Interquartile range: the 25th and 75th percentiles. */
  p25: number;
  p75: number;
  min: number;
  max: number;
  n: number;
}

export function summarize(values: readonly number[]): Summary {
  return { median: median(values), p25: quantile(values, 0.25), p75: quantile(values, 0.75), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** "12.3 ms (11.9–13.0)": the median and the interquartile range. */
export function formatMs(s: Summary, digits = 1): string {
  return `${s.median.toFixed(digits)} ms (${s.p25.toFixed(digits)}–${s.p75.toFixed(digits)})`;
}
