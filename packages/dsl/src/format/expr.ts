// Prints expressions canonically: minimal parentheses, spaced operators, long operator chains broken one
// operand a line, long calls one argument a line.
import type * as A from '../ast/nodes.js';

/** Lines longer than this are broken: long operator chains before their operators, long calls at their arguments. */
export const LINE_WIDTH = 100;

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

function precedence(e: A.Expr): number {
  switch (e.kind) {
    case 'IfExpr':
      return 0;
    case 'Binary':
      return PRECEDENCE[e.op];
    case 'Unary':
      return 6;
    default:
      return 7;
  }
}

/** The expression on one line. */
export function flat(e: A.Expr): string {
  switch (e.kind) {
    case 'Number':
      return e.text;
    case 'String':
      return quote(e.value);
    case 'Name':
      return e.name;
    case 'List':
      return '[' + e.items.map(flat).join(', ') + ']';
    case 'IfExpr':
      return `if ${flat(e.cond)} then ${flat(e.then)} else ${flat(e.else)}`;
    case 'Unary': {
      const inner = flat(e.operand);
      return e.op + (precedence(e.operand) < 6 ? `(${inner})` : inner);
    }
    case 'Binary': {
      const p = PRECEDENCE[e.op];
      const left = precedence(e.left) < p || (p === 3 && precedence(e.left) === 3) ? `(${flat(e.left)})` : flat(e.left);
      const right = precedence(e.right) <= p ? `(${flat(e.right)})` : flat(e.right);
      return `${left} ${e.op} ${right}`;
    }
    case 'Call':
      return callHead(e) + '(' + e.args.map(flatArg).join(', ') + ')';
  }
}

function callHead(e: A.Call): string {
  return (e.label ? `${e.label.name}: ` : '') + e.callee.name;
}

function flatArg(a: A.Arg): string {
  return (a.name ? `${a.name.name} = ` : '') + flat(a.value);
}

/**
 * The expression laid out from column `column` at indentation `indent`: on one line when it fits,
 * otherwise with the outermost long call's arguments one per line.
 */
export function layout(e: A.Expr, column: number, indent: string): string {
  const one = flat(e);
  if (column + one.length <= LINE_WIDTH || e.kind !== 'Call' || e.args.length === 0) {
    if (column + one.length > LINE_WIDTH && e.kind === 'Binary') return layoutBinary(e, column, indent);
    return one;
  }
  const inner = indent + '  ';
  const args = e.args.map((a) => {
    const head = a.name ? `${a.name.name} = ` : '';
    return inner + head + layout(a.value, inner.length + head.length, inner);
  });
  return callHead(e) + '(\n' + args.join(',\n') + '\n' + indent + ')';
}

/**
 * A long binary expression. A residual `x + f(…)` (two operands, the first a name) stays on its line
 * and lets the call break. A longer chain at one precedence (a parallel block, `x + attn(…) + mlp(…)`)
 * breaks before each operator, one operand a line, indented; an operand that is still too long breaks
 * its own calls.
 */
function layoutBinary(e: A.Binary, column: number, indent: string): string {
  const [first, ...rest] = chainOf(e);
  const head = operand(first!.expr, first!.wrap, column, indent);
  if (rest.length === 1 && first!.expr.kind === 'Name' && column + head.length + rest[0]!.op.length + 2 < LINE_WIDTH) {
    const { op, expr, wrap } = rest[0]!;
    return `${head} ${op} ${operand(expr, wrap, column + head.length + op.length + 2, indent)}`;
  }
  const cont = indent + '  ';
  return head + rest.map(({ op, expr, wrap }) => `\n${cont}${op} ${operand(expr, wrap, cont.length + op.length + 1, cont)}`).join('');
}

interface ChainLink {
  /** The operator before this operand (none before the first). */
  readonly op: string;
  readonly expr: A.Expr;
  /** Printed in parentheses, which precedence needs. */
  readonly wrap: boolean;
}

/** `a + b - c` → a, + b, - c: the operands of a left-leaning chain of operators of one precedence. */
function chainOf(e: A.Binary): ChainLink[] {
  const p = PRECEDENCE[e.op];
  const links: ChainLink[] = [];
  let left: A.Expr = e;
  // Comparisons do not chain: `a == b == c` needs parentheses, so the walk stops at one.
  while (left.kind === 'Binary' && PRECEDENCE[left.op] === p && (p !== 3 || left === e)) {
    links.unshift({ op: left.op, expr: left.right, wrap: precedence(left.right) <= p });
    left = left.left;
  }
  links.unshift({ op: '', expr: left, wrap: precedence(left) < p || (p === 3 && precedence(left) === 3) });
  return links;
}

function operand(e: A.Expr, wrap: boolean, column: number, indent: string): string {
  return wrap ? `(${layout(e, column + 1, indent)})` : layout(e, column, indent);
}

export function quote(value: string): string {
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}
