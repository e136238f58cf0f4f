// Comparing and printing tensor types.
import { dimEquals, shapeToString } from './dim.js';
import type { TensorType } from './nodes.js';

export function sameShape(a: TensorType['shape'], b: TensorType['shape']): boolean {
  return a.length === b.length && a.every((d, i) => dimEquals(d, b[i]!));
}

export function sameType(a: TensorType, b: TensorType): boolean {
  return a.dtype === b.dtype && sameShape(a.shape, b.shape);
}

export function typeToString(t: TensorType): string {
  return `${t.dtype}${shapeToString(t.shape)}`;
}
