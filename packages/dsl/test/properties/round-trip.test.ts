// parse(format(ast)) is ast, up to spans, for generated ASTs of every construct; formatting is a fixed point.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, parse, type Expr, type FileNode } from '@tdl/dsl';
import { NO_SPAN, exprArb, fileArb } from '../helpers/arbitraries.js';
import { stripSpans } from '../helpers/strip.js';

function reparse(text: string): FileNode {
  const result = parse({ name: 'generated.tdl', text });
  if (result.diagnostics.length) {
    const problems = result.diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.message}`);
    throw new Error(`the formatted text does not parse:\n${text}\n${problems.join('\n')}`);
  }
  return result.ast;
}

/** A file holding one model whose one statement is `x = value`. */
function modelAssigning(value: Expr): FileNode {
  const ident = (name: string) => ({ kind: 'Ident' as const, name, span: NO_SPAN });
  return {
    kind: 'File',
    comments: [],
    span: NO_SPAN,
    items: [{ kind: 'Model', name: ident('m'), items: [{ kind: 'Assign', target: ident('x'), value, span: NO_SPAN }], span: NO_SPAN }],
  };
}

/** `value` with every name made 12 characters longer: operator chains and calls too wide for a line. */
function widen(value: Expr): Expr {
  const long = <T extends { name: string }>(n: T): T => ({ ...n, name: n.name + '_'.repeat(12) });
  switch (value.kind) {
    case 'Name':
      return long(value);
    case 'Binary':
      return { ...value, left: widen(value.left), right: widen(value.right) };
    case 'Unary':
      return { ...value, operand: widen(value.operand) };
    case 'IfExpr':
      return { ...value, cond: widen(value.cond), then: widen(value.then), else: widen(value.else) };
    case 'List':
      return { ...value, items: value.items.map(widen) };
    case 'Call':
      return {
        ...value,
        ...(value.label ? { label: long(value.label) } : {}),
        callee: long(value.callee),
        args: value.args.map((a) => ({ ...a, ...(a.name ? { name: long(a.name) } : {}), value: widen(a.value) })),
      };
    default:
      return value;
  }
}

describe('format then parse', () => {
  it('gives back the AST of any generated file', () => {
    fc.assert(
      fc.property(fileArb, (ast) => {
        expect(stripSpans(reparse(format(ast)))).toEqual(stripSpans(ast));
      }),
      { numRuns: 300 },
    );
  });

  it('gives back any generated expression: precedence, associativity and literals survive printing', () => {
    fc.assert(
      fc.property(exprArb, (value) => {
        const ast = modelAssigning(value);
        expect(stripSpans(reparse(format(ast)))).toEqual(stripSpans(ast));
      }),
      { numRuns: 1000 },
    );
  });

  it('gives back expressions too wide for a line, broken at their operators and calls, and formats them to a fixed point', () => {
    fc.assert(
      fc.property(exprArb.map(widen), (value) => {
        const ast = modelAssigning(value);
        const text = format(ast);
        expect(stripSpans(reparse(text))).toEqual(stripSpans(ast));
        expect(format(reparse(text), text)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('is a fixed point: formatting formatted text changes nothing', () => {
    fc.assert(
      fc.property(fileArb, (ast) => {
        const text = format(ast);
        expect(format(reparse(text), text)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});
