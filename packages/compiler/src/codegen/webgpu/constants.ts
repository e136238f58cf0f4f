// Tables the compiler works out once in double precision for the WebGPU kernels: rotary and sinusoidal
// frequencies split so that f32 kernels still get accurate angles at large positions, and ALiBi slopes.

/**
 * A frequency `f` (radians per position) as turns per position split in two f32 numbers, hi + lo,
 * where hi has so few significant bits that `p * hi` is exact in f32 for every position p up to
 * `maxPosition`. A kernel then takes fract(p·hi) + fract(p·lo) as the angle's turns: its error stays
 * near 2⁻²⁴ of a turn instead of growing with p, as p·f in f32 would.
 */
export function splitTurns(frequency: number, maxPosition: number): [number, number] {
  const turns = frequency / (2 * Math.PI);
  const positionBits = Math.max(1, Math.ceil(Math.log2(maxPosition + 1)));
  const bits = 24 - positionBits;
  if (bits < 1 || turns === 0) return [0, Math.fround(turns)];
  const exponent = Math.floor(Math.log2(turns));
  const scale = 2 ** (bits - 1 - exponent);
  const hi = Math.round(turns * scale) / scale;
  return [hi, Math.fround(turns - hi)];
}

/** Rotary frequencies (rad/position of each pair, ir/rope-frequencies.ts), split: [hi₀, lo₀, hi₁, lo₁, …]. */
export function ropeTurns(frequencies: readonly number[], maxPosition: number): number[] {
  return frequencies.flatMap((f) => splitTurns(f, maxPosition));
}

/** Sinusoidal frequencies 1 / base^(2i / width) for the channel pairs (2i, 2i + 1), split likewise. */
export function sinusoidalTurns(base: number, width: number, maxPosition: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < width; i += 2) out.push(...splitTurns(1 / Math.pow(base, i / width), maxPosition));
  return out;
}

