// Order statistics of repeated measurements: the benchmark reports medians with their range, never
// a single run (the machine is shared and noisy).

export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

export function summarize(values: readonly number[]): Summary | undefined {
  if (values.length === 0) {
    return undefined;
  }
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Element-wise a[i] − b[i] over the common length: paired differences of interleaved samples. */
export function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  const length = Math.min(a.length, b.length);
  return Array.from({ length }, (_, index) => (a[index] ?? 0) - (b[index] ?? 0));
}
