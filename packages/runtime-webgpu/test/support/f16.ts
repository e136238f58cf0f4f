// f16 helpers for tests, written from the binary16 format's definition (sign, 5-bit exponent with
// bias 15, 10-bit fraction, subnormals below 2⁻¹⁴), independent of the runtime's encoder.
import type { ParamSpec } from '@tdl/runtime';
import { toFloat16Bits } from '../../src/f16.js';

export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** The weights as an f16 plan stores them: matrices rounded to f16, everything else as it is. */
export function roundMatrices(params: readonly ParamSpec[], weights: ReadonlyMap<string, Float32Array>): Map<string, Float32Array> {
  const matrices = new Set(params.filter((p) => p.shape.length === 2).map((p) => p.name));
  return new Map([...weights].map(([name, w]) => [name, matrices.has(name) ? w.map((x) => fromFloat16Bits(toFloat16Bits(x))) : w]));
}
