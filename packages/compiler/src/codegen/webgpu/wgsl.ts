// Writing numbers as WGSL literals.

/** An f32 literal for the f32 nearest to `x`, in the fewest digits that give that f32: `0.125f`, `1e-5f`, `2.0f`. */
export function f32Literal(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`internal compiler error: ${x} has no WGSL literal`);
  const target = Math.fround(x);
  let text = String(target);
  for (let digits = 1; digits <= 9; digits++) {
    const shorter = String(Number(target.toPrecision(digits)));
    if (Math.fround(Number(shorter)) === target) {
      text = shorter;
      break;
    }
  }
  if (!/[.e]/.test(text)) text += '.0';
  return `${text}f`;
}

export function u32Literal(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`internal compiler error: ${n} is no u32`);
  return `${n}u`;
}
