// Prints expressions canonically: minimal parentheses, spaced operators, long calls broken one argument a line.
import type * as A from '../ast/nodes.js';

/** Lines longer than this are broken at call arguments. */
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

/** A long binary expression keeps its operands inline but lets a call operand break. */
function layoutBinary(e: A.Binary, column: number, indent: string): string {
  const p = PRECEDENCE[e.op];
  const wrapLeft = precedence(e.left) < p || (p === 3 && precedence(e.left) === 3);
  const wrapRight = precedence(e.right) <= p;
  const left = wrapLeft ? `(${flat(e.left)})` : layout(e.left, column, indent);
  const lastLine = left.slice(left.lastIndexOf('\n') + 1);
  const rightColumn = (left.includes('\n') ? lastLine.length : column + left.length) + e.op.length + 2;
  const right = wrapRight ? `(${flat(e.right)})` : layout(e.right, rightColumn, indent);
  return `${left} ${e.op} ${right}`;
}

export function quote(value: string): string {
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}
