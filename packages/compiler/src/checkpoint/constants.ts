// Evaluates the arguments of checkpoint transforms: integers and lists of integers written with the
// model's constants (`split(0, [d, kv_heads * head_dim, kv_heads * head_dim])`).
import { diagnostic, type Diagnostic, type Expr } from '@tdl/dsl';

export type ArgValue = { readonly kind: 'int'; readonly value: number } | { readonly kind: 'ints'; readonly values: readonly number[] };

/** The value of `expr`, or a diagnostic pushed to `out` and undefined. */
export function evalArg(expr: Expr, consts: Readonly<Record<string, number>>, out: Diagnostic[]): ArgValue | undefined {
  if (expr.kind === 'List') {
    const values: number[] = [];
    for (const item of expr.items) {
      const v = evalNumber(item, consts, out);
      if (v === undefined) return undefined;
      values.push(v);
    }
    return { kind: 'ints', values };
  }
  const value = evalNumber(expr, consts, out);
  return value === undefined ? undefined : { kind: 'int', value };
}

function evalNumber(expr: Expr, consts: Readonly<Record<string, number>>, out: Diagnostic[]): number | undefined {
  const fail = (message: string, label?: string): undefined => {
    out.push(diagnostic('E0507', expr.span, message, label !== undefined ? { label } : {}));
    return undefined;
  };
  switch (expr.kind) {
    case 'Number':
      return Number.isInteger(expr.value) ? expr.value : fail(`transform arguments are whole numbers, not ${expr.text}`);
    case 'Name': {
      if (!Object.prototype.hasOwnProperty.call(consts, expr.name)) {
        return fail(`'${expr.name}' is not a constant of this model`, `the constants are ${Object.keys(consts).join(', ') || 'none'}`);
      }
      const v = consts[expr.name]!;
      return Number.isInteger(v) ? v : fail(`'${expr.name}' is ${v}, not a whole number`);
    }
    case 'Unary': {
      const v = expr.op === '-' ? evalNumber(expr.operand, consts, out) : fail(`'${expr.op}' makes no number`);
      return v === undefined ? undefined : -v;
    }
    case 'Binary': {
      const a = evalNumber(expr.left, consts, out);
      const b = a === undefined ? undefined : evalNumber(expr.right, consts, out);
      if (a === undefined || b === undefined) return undefined;
      switch (expr.op) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          if (b === 0 || a % b !== 0) return fail(`${a} / ${b} is not a whole number`);
          return a / b;
        case '%':
          return b === 0 ? fail('remainder of a division by zero') : a % b;
        default:
          return fail(`'${expr.op}' makes no number`);
      }
    }
    default:
      return fail('expected a whole number written with the model\'s constants');
  }
}
