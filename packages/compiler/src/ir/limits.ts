// The sizes tdl accepts: past them no backend could hold the model, or counts would stop being exact.

/**
 * Whole numbers up to 2^53 − 1 are exact in a double; past it, sizes and counts are refused. No machine
 * holds a tensor of that many elements (it would take 32 PiB at f32).
 */
export const MAX_EXACT = Number.MAX_SAFE_INTEGER;

/** `2^53 − 1 = 9,007,199,254,740,991`, as messages name the limit. */
export const MAX_EXACT_TEXT = `2^53 − 1 = ${MAX_EXACT.toLocaleString('en-US')}`;

/**
 * The most layers one repeat may have: ten times the deepest published decoder (DeepNet's 1,000).
 * Lowering takes about 1.5 ms and 60 KB a layer, so this bound keeps a check under half a minute.
 */
export const MAX_LAYERS = 10_000;

/** A whole number as a message shows it: `12,288` while exact, `1e+300` past 2^53 − 1. */
export function describeWhole(n: number | bigint): string {
  if (typeof n === 'bigint') return n.toLocaleString('en-US');
  return Number.isSafeInteger(n) ? n.toLocaleString('en-US') : String(n);
}

/** Why a whole number cannot be a size: past 2^53 − 1 it is not exact. Undefined when it can. */
export function inexactWhole(n: number): string | undefined {
  return Number.isInteger(n) && !Number.isSafeInteger(n) ? `whole numbers past ${MAX_EXACT_TEXT} are not exact` : undefined;
}
