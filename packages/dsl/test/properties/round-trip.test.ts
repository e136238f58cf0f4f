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
