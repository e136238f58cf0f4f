// Building plan expressions (see PlanExpr in plan.ts) that stay readable: no `* 1`, no `ceildiv(x, 1)`.
import type { PlanExpr } from '@tdl/runtime/contract/webgpu';

function wrap(a: PlanExpr): PlanExpr {
  return /[+-]/.test(a) ? `(${a})` : a;
}

const isNumber = (a: PlanExpr) => /^\d+$/.test(a);

export function times(a: PlanExpr, n: number): PlanExpr {
  if (isNumber(a)) return String(Number(a) * n);
  return n === 1 ? a : `${wrap(a)} * ${n}`;
}

export function ceildiv(a: PlanExpr, n: number): PlanExpr {
  if (isNumber(a)) return String(Math.ceil(Number(a) / n));
  return n === 1 ? a : `ceildiv(${a}, ${n})`;
}
