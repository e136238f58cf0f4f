// Writing numbers as WGSL literals.

/** An f32 literal holding exactly the f32 nearest to `x`: `0.125f`, `1e-7f`, `2.0f`. */
export function f32Literal(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`internal compiler error: ${x} has no WGSL literal`);
  let text = String(Math.fround(x));
  if (!/[.e]/.test(text)) text += '.0';
  return `${text}f`;
}

export function u32Literal(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`internal compiler error: ${n} is no u32`);
  return `${n}u`;
}
