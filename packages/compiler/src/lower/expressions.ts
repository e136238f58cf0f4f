// Lowers expressions: constant arithmetic is folded, tensor arithmetic becomes IR nodes, calls go to
// operators (ops/), numeric built-ins, or sub-blocks.
import { closestMatch, type Call, type Expr, type Span } from '@tdl/dsl';
import { dimEquals, dimValue } from '../ir/dim.js';
import { OPS } from '../ops/index.js';
import type { OpContext } from '../ops/op.js';
import { bindArgs } from './bind.js';
import type { Lowerer } from './lowerer.js';
import type { Scope } from './scope.js';
import { ERROR, WORDS, describeKind, type Located, type Value } from './values.js';

/** Lowers an expression, recording its value by span for editors. */
export function lowerExpr(lw: Lowerer, e: Expr, scope: Scope): Value {
  const mark = lw.valueMark();
  const value = lowerExprOnly(lw, e, scope);
  lw.recordValue(e.span, value, mark);
  return value;
}

function lowerExprOnly(lw: Lowerer, e: Expr, scope: Scope): Value {
  switch (e.kind) {
    case 'Number':
      return { kind: 'number', value: e.value, isInteger: e.isInteger && Number.isInteger(e.value) };
    case 'String':
      return { kind: 'string', value: e.value };
    case 'List':
      return { kind: 'list', items: e.items.map((i) => lowerExpr(lw, i, scope)) };
    case 'Name':
      return resolveName(lw, e.name, e.span, scope);
    case 'IfExpr': {
      const cond = lowerExpr(lw, e.cond, scope);
      if (lw.everyBranch) {
        const [taken, other] = cond.kind === 'bool' && !cond.value ? [e.else, e.then] : [e.then, e.else];
        lowerExpr(lw, other, scope);
        return lowerExpr(lw, taken, scope);
      }
      if (cond.kind === 'error') return ERROR;
      if (cond.kind !== 'bool') return lw.error('E0206', e.cond.span, 'a condition must be true or false', `this is ${describeKind(cond)}`);
      return lowerExpr(lw, cond.value ? e.then : e.else, scope);
    }
    case 'Unary': {
      const v = lowerExpr(lw, e.operand, scope);
      if (v.kind === 'error') return ERROR;
      if (e.op === '!' && v.kind === 'bool') return { kind: 'bool', value: !v.value };
      if (e.op === '-' && v.kind === 'number') return { ...v, value: -v.value };
      if (e.op === '-' && v.kind === 'tensor') return scaleTensor(lw, v, -1, e.span);
      return lw.error('E0206', e.span, `'${e.op}' cannot apply to ${describeKind(v)}`);
    }
    case 'Binary':
      return lowerBinary(lw, e.op, { value: lowerExpr(lw, e.left, scope), span: e.left.span }, { value: lowerExpr(lw, e.right, scope), span: e.right.span }, e.span);
    case 'Call':
      return lowerCall(lw, e, scope);
  }
}

function resolveName(lw: Lowerer, name: string, span: Span, scope: Scope): Value {
  const binding = scope.lookup(name);
  if (binding) {
    binding.used = true;
    return binding.value;
  }
  if (name === 'true' || name === 'false') return { kind: 'bool', value: name === 'true' };
  if (name === 'alibi') return { kind: 'alibi' };
  if (WORDS.has(name)) return { kind: 'word', word: name };
  const sym = lw.symbols.find((s) => s.name === name);
  if (sym) return { kind: 'dim', name, dim: new Map([[name, 1]]) };
  if (lw.top.param(`${name}.weight`) || lw.list.param(lw.labelPath(name) + '.weight')) return { kind: 'label', path: name };
  const guess = closestMatch(name, [...scope.allNames(), ...lw.symbols.map((s) => s.name), ...WORDS]);
  return lw.error('E0201', span, `unknown name '${name}'`, guess ? `did you mean '${guess}'?` : undefined);
}

function scaleTensor(lw: Lowerer, t: Extract<Value, { kind: 'tensor' }>, factor: number, span: Span): Value {
  return lw.emit({ op: 'scale', x: t.id, factor, span, argSpans: {} });
}

function lowerBinary(lw: Lowerer, op: string, left: Located, right: Located, span: Span): Value {
  const a = left.value;
  const b = right.value;
  if (a.kind === 'error' || b.kind === 'error') return ERROR;
  if (a.kind === 'number' && b.kind === 'number') return foldNumbers(lw, op, a.value, b.value, a.isInteger && b.isInteger, span);
  if (a.kind === 'bool' && b.kind === 'bool' && (op === '&&' || op === '||' || op === '==' || op === '!=')) {
    const value = op === '&&' ? a.value && b.value : op === '||' ? a.value || b.value : op === '==' ? a.value === b.value : a.value !== b.value;
    return { kind: 'bool', value };
  }
  if (a.kind === 'dim' && b.kind === 'dim' && (op === '==' || op === '!=')) return { kind: 'bool', value: dimEquals(a.dim, b.dim) === (op === '==') };
  if (a.kind === 'tensor' && b.kind === 'tensor' && (op === '+' || op === '-' || op === '*')) {
    const kind = op === '+' ? 'add' : op === '-' ? 'sub' : 'mul';
    return lw.emit({ op: kind, a: a.id, b: b.id, span, argSpans: { a: left.span, b: right.span } });
  }
  if (a.kind === 'tensor' && b.kind === 'number' && (op === '*' || op === '/')) {
    if (op === '/' && b.value === 0) return lw.error('E0210', right.span, 'division by zero');
    return scaleTensor(lw, a, op === '*' ? b.value : 1 / b.value, span);
  }
  if (a.kind === 'number' && b.kind === 'tensor' && op === '*') return scaleTensor(lw, b, a.value, span);
  return lw.error('E0206', span, `'${op}' cannot combine ${describeKind(a)} and ${describeKind(b)}`);
}

function foldNumbers(lw: Lowerer, op: string, x: number, y: number, ints: boolean, span: Span): Value {
  const num = (value: number, isInteger = ints && Number.isInteger(value)): Value => ({ kind: 'number', value, isInteger });
  switch (op) {
    case '+':
      return num(x + y);
    case '-':
      return num(x - y);
    case '*':
      return num(x * y);
    case '/':
      if (y === 0) return lw.error('E0210', span, 'division by zero');
      return num(x / y);
    case '%':
      if (y === 0) return lw.error('E0210', span, 'remainder of a division by zero');
      return num(((x % y) + y) % y);
    case '==':
      return { kind: 'bool', value: x === y };
    case '!=':
      return { kind: 'bool', value: x !== y };
    case '<':
      return { kind: 'bool', value: x < y };
    case '<=':
      return { kind: 'bool', value: x <= y };
    case '>':
      return { kind: 'bool', value: x > y };
    case '>=':
      return { kind: 'bool', value: x >= y };
    default:
      return lw.error('E0206', span, `'${op}' cannot combine two numbers`);
  }
}

/** Numeric built-ins, folded at compile time. */
const MATH: Record<string, { arity: number; fn: (...xs: number[]) => number; integer?: (...xs: number[]) => boolean }> = {
  sqrt: { arity: 1, fn: Math.sqrt },
  exp: { arity: 1, fn: Math.exp },
  log: { arity: 1, fn: Math.log },
  abs: { arity: 1, fn: Math.abs },
  floor: { arity: 1, fn: Math.floor, integer: () => true },
  ceil: { arity: 1, fn: Math.ceil, integer: () => true },
  pow: { arity: 2, fn: Math.pow },
  min: { arity: 2, fn: Math.min },
  max: { arity: 2, fn: Math.max },
};

export const BUILTIN_FUNCTIONS = [...Object.keys(MATH), 'width'];

function lowerCall(lw: Lowerer, call: Call, scope: Scope): Value {
  const name = call.callee.name;
  const values: Located[] = call.args.map((a) => ({ value: lowerExpr(lw, a.value, scope), span: a.value.span }));
  const math = MATH[name];
  if (math || name === 'width') return lowerMath(lw, call, values);
  const op = OPS.get(name);
  if (op) {
    const bound = bindArgs(call, `'${name}'`, op.args, values, true);
    lw.report(bound.diagnostics);
    if (bound.diagnostics.length) return ERROR;
    return op.lower(opContext(lw, call, name, bound.args), bound.args);
  }
  const block = lw.blocks.get(name);
  if (block) return lw.hooks.lowerBlockCall(lw, block, call, values);
  const guess = closestMatch(name, [...OPS.keys(), ...lw.blocks.keys(), ...BUILTIN_FUNCTIONS]);
  return lw.error('E0202', call.callee.span, `unknown operator '${name}'`, guess ? `did you mean '${guess}'?` : undefined);
}

function lowerMath(lw: Lowerer, call: Call, values: Located[]): Value {
  const name = call.callee.name;
  if (values.some((v) => v.value.kind === 'error')) return ERROR;
  if (call.args.some((a) => a.name)) return lw.error('E0203', call.span, `'${name}' takes positional arguments only`);
  if (name === 'width') {
    const t = values[0]?.value;
    if (values.length !== 1 || t?.kind !== 'tensor') return lw.error('E0206', call.span, "'width' takes one tensor");
    const w = dimValue(t.type.shape[t.type.shape.length - 1]!);
    if (w === undefined) return lw.error('E0206', call.span, 'this tensor has a symbolic width');
    return { kind: 'number', value: w, isInteger: true };
  }
  const math = MATH[name]!;
  if (values.length !== math.arity) return lw.error('E0212', call.span, `'${name}' takes ${math.arity} argument${math.arity > 1 ? 's' : ''}`);
  const xs: number[] = [];
  for (const v of values) {
    if (v.value.kind !== 'number') return lw.error('E0206', v.span, `'${name}' takes numbers`, `this is ${describeKind(v.value)}`);
    xs.push(v.value.value);
  }
  const value = math.fn(...xs);
  if (!Number.isFinite(value)) return lw.error('E0210', call.span, `${name}(${xs.join(', ')}) is not a finite number`);
  const isInteger = math.integer ? true : ['min', 'max', 'abs'].includes(name) && values.every((v) => v.value.kind === 'number' && v.value.isInteger);
  return { kind: 'number', value, isInteger };
}

function boundSpans(bound: ReadonlyMap<string, Located>): Record<string, Span> {
  return Object.fromEntries([...bound].map(([name, arg]) => [name, arg.span]));
}

function opContext(lw: Lowerer, call: Call, opName: string, bound: ReadonlyMap<string, Located>): OpContext {
  let label: string | undefined;
  const claim = () => (label ??= lw.claimLabel(call.label ? { name: call.label.name, span: call.label.span } : undefined, opName));
  return {
    call,
    get label() {
      return claim();
    },
    // Every argument's span is recorded, so checks can point at any of them (`out`, `mask`, …).
    emit: (node) => lw.emit({ ...node, argSpans: { ...boundSpans(bound), ...node.argSpans } }),
    param(name, shape, init) {
      const full = `${claim()}.${name}`;
      lw.list.addParam({ name: full, shape, init, span: lw.userSpan(call.label?.span ?? call.callee.span) });
      return full;
    },
    tiedWeight(labelArg, paramName) {
      const v = labelArg.value;
      if (v.kind !== 'label') {
        lw.error('E0206', labelArg.span, 'expected the label of an op with a weight');
        return undefined;
      }
      const inList = lw.list.param(lw.labelPath(v.path) + '.' + paramName);
      const name = inList ? lw.labelPath(v.path) + '.' + paramName : `${v.path}.${paramName}`;
      const p = inList ?? lw.top.param(name);
      if (!p) {
        lw.error('E0201', labelArg.span, `'${v.path}' has no parameter '${paramName}'`);
        return undefined;
      }
      return { name, shape: p.shape };
    },
    possibleParam(name) {
      // Inside a repeat, possibleLayerParams already lowers every branch of a layer.
      if (!lw.layer) lw.possibleLayerParams.push({ path: `${claim()}.${name}`, layers: 0 });
    },
    typeOf: lw.typeOf,
    error: (code, span, message, lbl) => lw.error(code, span, message, lbl),
    spanOf: (name) => bound.get(name)?.span ?? call.span,
  };
}
