// ALiBi's per-head slopes (Press et al. 2022), declared once for the compiler's renderers: the schedule's
// attention steps carry them. runtime-cpu computes the same slopes at run time (kernels/attention.ts,
// alibiSlopes): it may not import the compiler, and the compiler may only import types from the runtime;
// packages/cli/test/alibi-slopes.test.ts holds the two equal.

/**
 * Slopes for `heads` heads, as f32 values: a geometric sequence starting at 2^(-8/n) for the largest
 * power of two n ≤ heads; further heads take every other slope of the sequence for 2n (BLOOM's layout).
 */
export function alibiSlopes(heads: number): number[] {
  const closest = 2 ** Math.floor(Math.log2(heads));
  const start = (n: number) => 2 ** (-8 / n);
  const slopes = Array.from({ length: closest }, (_, i) => start(closest) ** (i + 1));
  for (let i = 0; i < heads - closest; i++) slopes.push(start(2 * closest) ** (2 * i + 1));
  return slopes.map(Math.fround);
}
