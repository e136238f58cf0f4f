// The values a config section works with: numbers, strings, booleans, null and lists of numbers as
// config.json holds them, and the small expressions (`d / heads`, `"silu"`, `true`, `[1]`) its defaults,
// expectations and presets write.
import type { Expr } from '@tdl/dsl';
import type { ConstantValue } from '../lower/model.js';

export type ConfigValue = number | string | boolean | null | readonly number[];

/** The words a config expression may use besides the section's own constants. */
export const CONFIG_WORDS: ReadonlyMap<string, ConfigValue> = new Map<string, ConfigValue>([
  ['true', true],
  ['false', false],
  ['null', null],
]);

/** `expr` evaluated over `env`; a string saying why not when it cannot be. */
export function evalConfigExpr(expr: Expr, env: ReadonlyMap<string, ConstantValue>): ConfigValue | { readonly error: string } {
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
      if (isError(v)) return v;
      if (expr.op === '-' && typeof v === 'number') return -v;
      if (expr.op === '!' && typeof v === 'boolean') return !v;
      return { error: `'${expr.op}' does not apply to ${JSON.stringify(v)}` };
    }
    case 'Binary': {
      const a = evalConfigExpr(expr.left, env);
      if (isError(a)) return a;
      const b = evalConfigExpr(expr.right, env);
      if (isError(b)) return b;
      if (typeof a !== 'number' || typeof b !== 'number') return { error: `'${expr.op}' takes numbers` };
      return arithmetic(expr.op, a, b);
    }
    case 'List': {
      const items: number[] = [];
      for (const item of expr.items) {
        const v = evalConfigExpr(item, env);
        if (isError(v)) return v;
        if (typeof v !== 'number') return { error: 'a list in a config section holds numbers' };
        items.push(v);
      }
      return items;
    }
    case 'Call':
    case 'IfExpr':
      return { error: 'a config value is a number, a string, true, false, null, a list of numbers or arithmetic on earlier constants' };
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

/** Whether an evaluation failed (a list of numbers is a value, not a failure). */
export function isError(v: ConfigValue | { readonly error: string }): v is { readonly error: string } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The constant a config value gives: numbers, strings and number lists as they are, booleans as 0 and 1. */
export function asConstant(v: ConfigValue): ConstantValue | undefined {
  if (typeof v === 'boolean') return Number(v);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (v === null) return undefined;
  return v;
}

/** How a value reads in a message: strings quoted, as config.json writes them. */
export function showValue(v: ConfigValue): string {
  return JSON.stringify(v);
}

/** Two config values are the same setting (numbers compared exactly, as config.json stores them). */
export function sameValue(a: ConfigValue, b: ConfigValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
