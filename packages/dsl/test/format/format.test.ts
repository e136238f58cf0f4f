// The formatter's one canonical layout: spacing, long calls one argument a line, aligned checkpoint
// rules, comments kept where they were written, blank lines kept single.
import { describe, expect, it } from 'vitest';
import { format } from '@tdl/dsl';
import { parseText } from '../helpers/parse-text.js';

function fmt(text: string): string {
  const { ast, diagnostics } = parseText(text);
  expect(diagnostics).toEqual([]);
  const out = format(ast, text);
  // Whatever it prints, printing it again changes nothing.
  expect(format(parseText(out).ast, out)).toBe(out);
  return out;
}

describe('formatter', () => {
  it('spaces operators and commas, indents by two, and drops redundant parentheses', () => {
    expect(fmt('model   m{\nconst a=1,b=(a*2)+1\n    x=f( a ,b=( -1 ),c = ((a+b))*2)\n}')).toBe(
      'model m {\n  const a = 1, b = a * 2 + 1\n  x = f(a, b = -1, c = (a + b) * 2)\n}\n',
    );
  });

  it('keeps the parentheses that precedence and non-chaining comparisons need', () => {
    expect(fmt('model m {\n  x = (a - (b - c)) / (d * e) == (f < g)\n  y = -(a + b) * !(c || d)\n}')).toBe(
      'model m {\n  x = (a - (b - c)) / (d * e) == (f < g)\n  y = -(a + b) * !(c || d)\n}\n',
    );
  });

  it('keeps numbers as written', () => {
    expect(fmt('model m {\n  const eps = 1e-5, std = 0.020, big = 1E+3\n}')).toBe('model m {\n  const eps = 1e-5, std = 0.020, big = 1E+3\n}\n');
  });

  it('breaks a call that does not fit in 100 columns one argument a line, innermost calls kept whole', () => {
    const text =
      'model m {\n  x = x + self_attn: attention(h, heads, kv_heads = kv_heads, pos = rope(theta = theta), bias = false, out = 4096)\n}';
    expect(fmt(text)).toBe(
      [
        'model m {',
        '  x = x + self_attn: attention(',
        '    h,',
        '    heads,',
        '    kv_heads = kv_heads,',
        '    pos = rope(theta = theta),',
        '    bias = false,',
        '    out = 4096',
        '  )',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('breaks a long parallel block before each top-level +, one operand a line, instead of inside a call', () => {
    const text =
      'model m {\n  repeat layers as i {\n    x = x + attn: attention(ln: layer_norm(x), heads, pos = rope(theta = theta)) + mlp: mlp(ln(x), d_ff, act = gelu)\n  }\n}';
    expect(fmt(text)).toBe(
      [
        'model m {',
        '  repeat layers as i {',
        '    x = x',
        '      + attn: attention(ln: layer_norm(x), heads, pos = rope(theta = theta))',
        '      + mlp: mlp(ln(x), d_ff, act = gelu)',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('breaks a sum of two calls at its +, and keeps - and parentheses in the chain', () => {
    const text =
      'model m {\n  x = embed_tokens: embedding(tokens, vocab, d) - embed_positions: embedding(positions(T), context, d) + (a - b)\n}';
    expect(fmt(text)).toBe(
      [
        'model m {',
        '  x = embed_tokens: embedding(tokens, vocab, d)',
        '    - embed_positions: embedding(positions(T), context, d)',
        '    + (a - b)',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('breaks the calls of an operand that is still too long on its own line', () => {
    const long = 'attention(ln_1: layer_norm(x), heads, kv_heads = kv_heads, pos = rope(theta = theta), bias = false)';
    expect(fmt(`model m {\n  x = x + attn: ${long} + mlp: mlp(ln_2: layer_norm(x), 4 * d)\n}`)).toBe(
      [
        'model m {',
        '  x = x',
        '    + attn: attention(',
        '      ln_1: layer_norm(x),',
        '      heads,',
        '      kv_heads = kv_heads,',
        '      pos = rope(theta = theta),',
        '      bias = false',
        '    )',
        '    + mlp: mlp(ln_2: layer_norm(x), 4 * d)',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('joins a call broken over lines when it fits on one', () => {
    expect(fmt('model m {\n  x = f(\n    a,\n    b\n  )\n}')).toBe('model m {\n  x = f(a, b)\n}\n');
  });

  it('fills a long const into lines of at most 100 columns, continuing under the first binding', () => {
    const bindings = Array.from({ length: 9 }, (_, i) => `name_${i} = ${1000 * (i + 1)}`).join(', ');
    expect(fmt(`model m {\n  const ${bindings}\n}`)).toBe(
      [
        'model m {',
        '  const name_0 = 1000, name_1 = 2000, name_2 = 3000, name_3 = 4000, name_4 = 5000, name_5 = 6000,',
        '        name_6 = 7000, name_7 = 8000, name_8 = 9000',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('aligns the arrows of a checkpoint section', () => {
    expect(fmt('model m {\n  checkpoint hf {\n    wte.weight <- "transformer.wte.weight"\n    h.{i}.attn.(q,k,v).weight<-"h.{i}.c_attn.weight"|split(0)|transpose\n  }\n}')).toBe(
      [
        'model m {',
        '  checkpoint hf {',
        '    wte.weight                  <- "transformer.wte.weight"',
        '    h.{i}.attn.(q, k, v).weight <- "h.{i}.c_attn.weight" | split(0) | transpose',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('keeps comments: above a line, trailing it, beside a brace, before a closing brace, at the ends', () => {
    const text = [
      '# header',
      '',
      'model m {  # beside the brace',
      '  # above x',
      '  x = 1    # trailing x',
      '  if a {',
      '    y = 1',
      '    # last in then',
      '  } else {  # beside else',
      '    y = 2',
      '  }',
      '  # before the end',
      '}',
      '# footer',
      '',
    ].join('\n');
    expect(fmt(text)).toBe(text.replace('x = 1    # trailing x', 'x = 1  # trailing x'));
  });

  it('moves comments inside an expression above its statement', () => {
    expect(fmt('model m {\n  ## Doc.\n  x = f(  # why f\n    a,  # why a\n    b\n  )\n}')).toBe(
      'model m {\n  # why f\n  # why a\n  ## Doc.\n  x = f(a, b)\n}\n',
    );
  });

  it('keeps blank lines between items, at most one, and none after an opening brace', () => {
    expect(fmt('model m {\n\n\n  a = 1\n\n\n\n  b = 2\n  c = 3\n\n}\n\n\nblock f() {\n\n  return 1\n}')).toBe(
      'model m {\n  a = 1\n\n  b = 2\n  c = 3\n}\n\nblock f() {\n  return 1\n}\n',
    );
  });

  it('prints doc comments with one space after ##', () => {
    expect(fmt('##Doc\n##   indented\nmodel m {\n}')).toBe('## Doc\n##   indented\nmodel m {\n}\n');
  });

  it('prints else if chains flat', () => {
    expect(fmt('model m {\n  if a {\n  } else {\n    if b {\n      x = 1\n    }\n  }\n}')).toBe('model m {\n  if a {\n  } else if b {\n    x = 1\n  }\n}\n');
  });

  it('parenthesises what an input dimension cannot hold bare', () => {
    const { ast } = parseText('model m {\n  input t: i32[(if a then T else S) <= (a || b), (x < y)]\n}');
    expect(format(ast)).toBe('model m {\n  input t: i32[(if a then T else S) <= (a || b), (x < y)]\n}\n');
  });

  it('prints the AST alone (no source text) without comments or blank lines', () => {
    const { ast } = parseText('# c\nmodel m {\n\n  x = 1  # t\n}');
    expect(format(ast)).toBe('# c\nmodel m {\n  x = 1\n  # t\n}\n');
  });

  it('lays out config sections like checkpoint sections, and presets like constants', () => {
    const text = [
      'model m {',
      '  preset   "small" :d=8,layers = 2',
      '  preset "base"',
      '  ## How config.json gives the sizes.',
      '  config hf( model_type="m",architectures=[ "MForCausalLM" ] ) {',
      '    d<-first_of("n_embd","hidden_size")|default(768)',
      '    # the layer count',
      '    layers <- "n_layer"',
      '    _ <- "act"|expect( "gelu" )',
      '  }',
      '}',
    ].join('\n');
    expect(fmt(text)).toBe(
      [
        'model m {',
        '  preset "small": d = 8, layers = 2',
        '  preset "base"',
        '  ## How config.json gives the sizes.',
        '  config hf(model_type = "m", architectures = ["MForCausalLM"]) {',
        '    d      <- first_of("n_embd", "hidden_size") | default(768)',
        '    # the layer count',
        '    layers <- "n_layer"',
        '    _      <- "act" | expect("gelu")',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('fills a long preset onto lines under its first constant', () => {
    const text = 'model m {\n  preset "llama-3-8b": vocab = 128256, kv_heads = 8, d_ff = 14336, context = 8192, theta = 500000, layers = 32\n}';
    expect(fmt(text)).toBe(
      'model m {\n  preset "llama-3-8b": vocab = 128256, kv_heads = 8, d_ff = 14336, context = 8192, theta = 500000,\n                       layers = 32\n}\n',
    );
  });
});
