// The values a config section works with: numbers, strings, booleans and null as config.json holds them,
// and the small expressions (`d / heads`, `4 * d`, `"silu"`, `true`) its defaults and expectations write.
import type { Expr } from '@tdl/dsl';

export type ConfigValue = number | string | boolean | null;

/** The words a config expression may use besides the section's own constants. */
export const CONFIG_WORDS: ReadonlyMap<string, ConfigValue> = new Map<string, ConfigValue>([
  ['true', true],
  ['false', false],
  ['null', null],
]);

/** `expr` evaluated over `env`; a string saying why not when it cannot be. */
export function evalConfigExpr(expr: Expr, env: ReadonlyMap<string, number>): ConfigValue | { readonly error: string } {
  switch (expr.kind) {
    case 'Number':
      return expr.value;
    case 'String':
      return expr.value;
    case 'Name': {
      const v = env.get(expr.name);
      if (v !== undefined) return v;
      if (CONFIG_WORDS.has(expr.name)) return CONFIG_WORDS.get(expr.name)!;
      return { error: `'${expr.name}' is not given by an earlier rule of this section` };
    }
    case 'Unary': {
      const v = evalConfigExpr(expr.operand, env);
      if (typeof v === 'object' && v !== null) return v;
      if (expr.op === '-' && typeof v === 'number') return -v;
      if (expr.op === '!' && typeof v === 'boolean') return !v;
      return { error: `'${expr.op}' does not apply to ${JSON.stringify(v)}` };
    }
    case 'Binary': {
      const a = evalConfigExpr(expr.left, env);
      if (typeof a === 'object' && a !== null) return a;
      const b = evalConfigExpr(expr.right, env);
      if (typeof b === 'object' && b !== null) return b;
      if (typeof a !== 'number' || typeof b !== 'number') return { error: `'${expr.op}' takes numbers` };
      return arithmetic(expr.op, a, b);
    }
    case 'Call':
    case 'IfExpr':
    case 'List':
      return { error: 'a config value is a number, a string, true, false, null or arithmetic on earlier constants' };
  }
}

function arithmetic(op: string, a: number, b: number): number | { readonly error: string } {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? { error: 'division by zero' } : a / b;
    case '%':
      return b === 0 ? { error: 'remainder of a division by zero' } : a % b;
    default:
      return { error: `'${op}' makes no number` };
  }
}

/** How a value reads in a message: strings quoted, as config.json writes them. */
export function showValue(v: ConfigValue): string {
  return JSON.stringify(v);
}

/** Two config values are the same setting (numbers compared exactly, as config.json stores them). */
export function sameValue(a: ConfigValue, b: ConfigValue): boolean {
  return a === b;
}
