// The AST builder: every node's span points at its own text; doc comments attach to what follows them.
import { describe, expect, it } from 'vitest';
import type { Span } from '@tdl/dsl';
import { allSpans, spanProblems } from '../helpers/spans.js';
import { parseText } from '../helpers/parse-text.js';

const TEXT = `## The model.
## Second line.
model m {
  const a = 1, b = -2.5
  input tokens: i32[T <= 64]
  # a plain comment
  ## A labelled stack.
  h: repeat a as i {
    x = attn: attention(x, heads = 4) + 1
  }
  output logits = x
  checkpoint hf {
    ## A rule.
    h.{i}.w <- "x.{i}" | transpose
  }
}
`;

const textOf = (span: Span) => TEXT.slice(span.offset, span.offset + span.length);

describe('spans', () => {
  const { ast, diagnostics } = parseText(TEXT);

  it('every span lies inside the file with the right line and column', () => {
    expect(diagnostics).toEqual([]);
    const spans = allSpans(ast);
    expect(spans.length).toBeGreaterThan(40);
    expect(spans.flatMap(({ path, span }) => spanProblems(span, TEXT, path))).toEqual([]);
  });

  it('covers exactly the text of each node', () => {
    const model = ast.items[0]!;
    if (model.kind !== 'Model') throw new Error('expected a model');
    const [konst, input, repeat, output, checkpoint] = model.items;
    expect(textOf(model.span)).toMatch(/^model m \{[\s\S]*\}$/);
    expect(textOf(model.name.span)).toBe('m');
    expect(textOf(konst!.span)).toBe('const a = 1, b = -2.5');
    if (konst?.kind !== 'Const') throw new Error('expected const');
    expect(textOf(konst.bindings[1]!.value.span)).toBe('-2.5');
    expect(textOf(input!.span)).toBe('input tokens: i32[T <= 64]');
    if (input?.kind !== 'Input') throw new Error('expected input');
    expect(textOf(input.dims[0]!.span)).toBe('T <= 64');
    expect(textOf(input.dims[0]!.bound!.span)).toBe('64');
    expect(textOf(repeat!.span)).toMatch(/^h: repeat a as i \{[\s\S]*\}$/);
    if (repeat?.kind !== 'Repeat') throw new Error('expected repeat');
    const assign = repeat.body[0]!;
    if (assign.kind !== 'Assign' || assign.value.kind !== 'Binary') throw new Error('expected x = … + 1');
    expect(textOf(assign.value.span)).toBe('attn: attention(x, heads = 4) + 1');
    const call = assign.value.left;
    if (call.kind !== 'Call') throw new Error('expected a call');
    expect(textOf(call.label!.span)).toBe('attn');
    expect(textOf(call.callee.span)).toBe('attention');
    expect(textOf(call.args[1]!.span)).toBe('heads = 4');
    expect(textOf(output!.span)).toBe('output logits = x');
    if (checkpoint?.kind !== 'Checkpoint') throw new Error('expected checkpoint');
    expect(textOf(checkpoint.rules[0]!.span)).toBe('h.{i}.w <- "x.{i}" | transpose');
    expect(textOf(checkpoint.rules[0]!.target.segments[1]!.span)).toBe('{i}');
  });

  it('gives the file a span over all of it', () => {
    expect(ast.span).toEqual({ file: 'test.tdl', offset: 0, line: 1, column: 1, length: TEXT.length });
  });
});

describe('doc comments', () => {
  const { ast } = parseText(TEXT);
  const model = ast.items[0]!;

  it('attach to the declaration or statement right below them, one line each', () => {
    expect(model.doc).toBe('The model.\nSecond line.');
    if (model.kind !== 'Model') throw new Error('expected a model');
    expect(model.items.map((i) => i.doc)).toEqual([undefined, undefined, 'A labelled stack.', undefined, undefined]);
    const checkpoint = model.items[4]!;
    if (checkpoint.kind !== 'Checkpoint') throw new Error('expected checkpoint');
    expect(checkpoint.rules[0]!.doc).toBe('A rule.');
  });

  it('leave the file’s comments with the plain comments only', () => {
    expect(ast.comments.map((c) => [c.text, c.doc])).toEqual([['# a plain comment', false]]);
  });

  it('do not attach across a plain comment, nor when no declaration follows', () => {
    const { ast: a } = parseText('## dangling\n# plain\nmodel m {\n  x = 1\n  ## at the end\n}\n');
    expect(a.items[0]!.doc).toBeUndefined();
    expect(a.comments.map((c) => [c.text, c.doc])).toEqual([
      ['## dangling', true],
      ['# plain', false],
      ['## at the end', true],
    ]);
  });

  it('keep the text after `## ` as written, blank doc lines included', () => {
    const { ast: a } = parseText('##   indented\n##\n##no space\nmodel m {\n}\n');
    expect(a.items[0]!.doc).toBe('  indented\n\nno space');
  });

  it('a blank line between a doc comment and its declaration still attaches it', () => {
    const { ast: a } = parseText('## doc\n\nmodel m {\n}\n');
    expect(a.items[0]!.doc).toBe('doc');
  });
});
