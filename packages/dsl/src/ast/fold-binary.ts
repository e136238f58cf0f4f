// Binary operators by precedence: the parser reads operands and operators flat, this folds them into a tree.
import type { Span } from '../span.js';
import type * as A from './nodes.js';

const PRECEDENCE: Record<A.BinaryOp, number> = {
  '||': 1,
  '&&': 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
};
const COMPARISON = 3;

/**
 * Folds `e0 op0 e1 op1 e2 …` into a tree by precedence climbing, every operator left-associative.
 * Comparisons do not chain (`a < b < c`): `chained(i)` is told of each operator `i` that tries to.
 */
export function foldBinary(operands: readonly A.Expr[], ops: readonly A.BinaryOp[], chained: (i: number) => void): A.Expr {
  let next = 0;
  const climb = (minPrecedence: number): A.Expr => {
    let left = operands[next]!;
    let comparedAt = -1;
    while (next < ops.length && PRECEDENCE[ops[next]!] >= minPrecedence) {
      const i = next++;
      const op = ops[i]!;
      const p = PRECEDENCE[op];
      if (p === COMPARISON) {
        if (comparedAt >= 0) chained(i);
        comparedAt = i;
      }
      const right = climb(p + 1);
      left = { kind: 'Binary', op, left, right, span: spanBetween(left.span, right.span) };
    }
    return left;
  };
  return climb(0);
}

/** The span from the start of the earlier span to the end of the later. */
export function spanBetween(a: Span, b: Span): Span {
  const start = Math.min(a.offset, b.offset);
  const end = Math.max(a.offset + a.length, b.offset + b.length);
  const first = a.offset <= b.offset ? a : b;
  return { file: a.file, offset: start, line: first.line, column: first.column, length: end - start };
}

