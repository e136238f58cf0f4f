// The parser and AST builder on every construct: what each piece of syntax becomes.
import { describe, expect, it } from 'vitest';
import { stripSpans } from './helpers/strip.js';
import { errorsOf, modelItems, parseText } from './helpers/parse-text.js';

const n = (text: string) => ({ kind: 'Number', value: Number(text), text, isInteger: /^-?\d+$/.test(text) });
const name = (x: string) => ({ kind: 'Name', name: x });
const id = (x: string) => ({ kind: 'Ident', name: x });
const bin = (op: string, left: object, right: object) => ({ kind: 'Binary', op, left, right });

/** The value of `x = <expr>` in a model. */
function expr(text: string): unknown {
  const [item] = modelItems(`  x = ${text}`);
  return item!.kind === 'Assign' ? item!.value : undefined;
}

describe('declarations', () => {
  it('a file holds models and blocks', () => {
    const { ast, diagnostics } = parseText('block f(x) {\n  return x\n}\n\nmodel a {\n}\nmodel b {\n}\n');
    expect(diagnostics).toEqual([]);
    expect(ast.items.map((i) => [i.kind, i.name.name])).toEqual([
      ['Block', 'f'],
      ['Model', 'a'],
      ['Model', 'b'],
    ]);
  });

  it('const binds one or more names, with arithmetic', () => {
    expect(modelItems('  const a = 1, b = a * 2 + 1, eps = 1e-5')).toEqual([
      {
        kind: 'Const',
        bindings: [
          { name: id('a'), value: n('1') },
          { name: id('b'), value: bin('+', bin('*', name('a'), n('2')), n('1')) },
          { name: id('eps'), value: n('1e-5') },
        ],
      },
    ]);
  });

  it('input: a dtype and dimensions, symbolic or sized, with optional bounds', () => {
    expect(modelItems('  input tokens: i32[T <= context]\n  input memory: f32[S, d_mem * 2]')).toEqual([
      { kind: 'Input', name: id('tokens'), dtype: id('i32'), dims: [{ size: name('T'), bound: name('context') }] },
      { kind: 'Input', name: id('memory'), dtype: id('f32'), dims: [{ size: name('S') }, { size: bin('*', name('d_mem'), n('2')) }] },
    ]);
  });

  it('output names a value', () => {
    expect(modelItems('  output logits = head: linear(x, vocab)')).toEqual([
      {
        kind: 'Output',
        name: id('logits'),
        value: { kind: 'Call', label: id('head'), callee: id('linear'), args: [{ value: name('x') }, { value: name('vocab') }] },
      },
    ]);
  });

  it('block: parameters with defaults, statements, and a final return', () => {
    const { ast } = parseText('block mlp(x, hidden, act = relu) {\n  h = up: linear(x, hidden)\n  return act(h)\n}');
    expect(stripSpans(ast.items[0])).toEqual({
      kind: 'Block',
      name: id('mlp'),
      params: [{ name: id('x') }, { name: id('hidden') }, { name: id('act'), default: name('relu') }],
      body: [{ kind: 'Assign', target: id('h'), value: { kind: 'Call', label: id('up'), callee: id('linear'), args: [{ value: name('x') }, { value: name('hidden') }] } }],
      result: { kind: 'Call', callee: id('act'), args: [{ value: name('h') }] },
    });
  });

  it('a block may sit inside a model, and take no parameters', () => {
    expect(modelItems('  block one() {\n    return 1\n  }')).toEqual([{ kind: 'Block', name: id('one'), params: [], body: [], result: n('1') }]);
  });
});

describe('statements', () => {
  it('repeat, with and without a label', () => {
    expect(modelItems('  h: repeat layers as i {\n    x = x\n  }\n  repeat 2 as j {\n  }')).toEqual([
      { kind: 'Repeat', label: id('h'), count: name('layers'), index: id('i'), body: [{ kind: 'Assign', target: id('x'), value: name('x') }] },
      { kind: 'Repeat', count: n('2'), index: id('j'), body: [] },
    ]);
  });

  it('if, else if and else; a nested if is the one statement of the else branch', () => {
    expect(modelItems('  if i % 2 == 0 {\n    a = 1\n  } else if i > 3 {\n    a = 2\n  } else {\n    a = 3\n  }')).toEqual([
      {
        kind: 'If',
        cond: bin('==', bin('%', name('i'), n('2')), n('0')),
        then: [{ kind: 'Assign', target: id('a'), value: n('1') }],
        else: [
          {
            kind: 'If',
            cond: bin('>', name('i'), n('3')),
            then: [{ kind: 'Assign', target: id('a'), value: n('2') }],
            else: [{ kind: 'Assign', target: id('a'), value: n('3') }],
          },
        ],
      },
    ]);
  });

  it('a checkpoint section: patterns, sources and transforms', () => {
    const [item] = modelItems(
      '  checkpoint hf {\n    layers.{i}.attn.(q, k, v).weight <- "h.{i}.attn.c_attn.weight" | split(0) | transpose\n    wte.weight <- concat(0, "a", "b")\n    h.0.w <- "x"\n  }',
    );
    expect(item).toEqual({
      kind: 'Checkpoint',
      name: id('hf'),
      rules: [
        {
          target: {
            segments: [
              { kind: 'Name', name: 'layers' },
              { kind: 'Bind', name: 'i' },
              { kind: 'Name', name: 'attn' },
              { kind: 'Alt', names: [id('q'), id('k'), id('v')] },
              { kind: 'Name', name: 'weight' },
            ],
          },
          source: { kind: 'String', value: 'h.{i}.attn.c_attn.weight' },
          transforms: [
            { name: id('split'), args: [{ value: n('0') }] },
            { name: id('transpose'), args: [] },
          ],
        },
        {
          target: { segments: [{ kind: 'Name', name: 'wte' }, { kind: 'Name', name: 'weight' }] },
          source: { kind: 'Call', callee: id('concat'), args: [{ value: n('0') }, { value: { kind: 'String', value: 'a' } }, { value: { kind: 'String', value: 'b' } }] },
          transforms: [],
        },
        {
          target: { segments: [{ kind: 'Name', name: 'h' }, { kind: 'Index', value: 0 }, { kind: 'Name', name: 'w' }] },
          source: { kind: 'String', value: 'x' },
          transforms: [],
        },
      ],
    });
  });
});

describe('expressions', () => {
  it('binary operators by precedence, all left-associative', () => {
    expect(expr('a || b && c == d + e * f')).toEqual(bin('||', name('a'), bin('&&', name('b'), bin('==', name('c'), bin('+', name('d'), bin('*', name('e'), name('f')))))));
    expect(expr('a - b - c')).toEqual(bin('-', bin('-', name('a'), name('b')), name('c')));
    expect(expr('a / b % c * d')).toEqual(bin('*', bin('%', bin('/', name('a'), name('b')), name('c')), name('d')));
    expect(expr('(a + b) * c')).toEqual(bin('*', bin('+', name('a'), name('b')), name('c')));
  });

  it('comparisons do not chain', () => {
    expect(errorsOf('model m {\n  x = a < b < c\n  y = a == b != c\n  z = (a < b) == c\n}')).toEqual([
      "2:13 E0103 comparisons do not chain: found '<' after another comparison",
      "3:14 E0103 comparisons do not chain: found '!=' after another comparison",
    ]);
  });

  it('prefix operators; a minus sign before a number is part of the number', () => {
    expect(expr('-1')).toEqual(n('-1'));
    expect(expr('-x')).toEqual({ kind: 'Unary', op: '-', operand: name('x') });
    expect(expr('!a && b')).toEqual(bin('&&', { kind: 'Unary', op: '!', operand: name('a') }, name('b')));
    expect(expr('--1')).toEqual({ kind: 'Unary', op: '-', operand: n('-1') });
    expect(expr('2 - -1.5')).toEqual(bin('-', n('2'), n('-1.5')));
  });

  it('if … then … else, strings, lists and calls with positional, named and labelled arguments', () => {
    expect(expr('if i % 2 == 0 then causal else sliding(128)')).toEqual({
      kind: 'IfExpr',
      cond: bin('==', bin('%', name('i'), n('2')), n('0')),
      then: name('causal'),
      else: { kind: 'Call', callee: id('sliding'), args: [{ value: n('128') }] },
    });
    expect(expr('["a\\"b", [], [1, 2.5]]')).toEqual({
      kind: 'List',
      items: [{ kind: 'String', value: 'a"b' }, { kind: 'List', items: [] }, { kind: 'List', items: [n('1'), n('2.5')] }],
    });
    expect(expr('attn: attention(n: rms_norm(x), heads, mask = causal, pos = rope())')).toEqual({
      kind: 'Call',
      label: id('attn'),
      callee: id('attention'),
      args: [
        { value: { kind: 'Call', label: id('n'), callee: id('rms_norm'), args: [{ value: name('x') }] } },
        { value: name('heads') },
        { name: id('mask'), value: name('causal') },
        { name: id('pos'), value: { kind: 'Call', callee: id('rope'), args: [] } },
      ],
    });
  });

  it('a long expression may continue over lines', () => {
    expect(expr('f(\n    a,\n    b = 2\n  ) +\n  1')).toEqual(bin('+', { kind: 'Call', callee: id('f'), args: [{ value: name('a') }, { name: id('b'), value: n('2') }] }, n('1')));
  });
});
