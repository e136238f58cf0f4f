// f16 and bf16 helpers for tests, written from the formats' definitions (f16: sign, 5-bit exponent with
// bias 15, 10-bit fraction, subnormals below 2⁻¹⁴; bf16: f32's exponent, 8 significant bits),
// independent of the runtime's encoders (used only to round).
import type { ParamSpec } from '@tdl/runtime';
import { floatToHalf } from '@tdl/runtime';

export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** x rounded to 8 significant bits, ties to even (a finite f32 in bf16's range). */
export function roundToBf16(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const ulp = 2 ** (Math.max(Math.floor(Math.log2(Math.abs(x))), -126) - 7);
  const q = x / ulp;
  const tie = Math.abs(q - Math.trunc(q)) === 0.5;
  return (tie ? 2 * Math.round(q / 2) : Math.round(q)) * ulp;
}

/** The weights as a 16-bit plan stores them: matrices rounded to the format, everything else as it is. */
export function roundMatrices(params: readonly ParamSpec[], weights: ReadonlyMap<string, Float32Array>, format: 'f16' | 'bf16' = 'f16'): Map<string, Float32Array> {
  const matrices = new Set(params.filter((p) => p.shape.length === 2).map((p) => p.name));
  const round = format === 'f16' ? (x: number) => fromFloat16Bits(floatToHalf(x)) : roundToBf16;
  return new Map([...weights].map(([name, w]) => [name, matrices.has(name) ? w.map(round) : w]));
}
