// The lexer: keywords against names, numbers (and malformed ones), strings, comments, operators, lines.
import { describe, expect, it } from 'vitest';
import { KEYWORD_NAMES } from '@tdl/dsl';
import { tdlLexer } from '../../src/syntax/tokens.js';

function lex(text: string) {
  const result = tdlLexer.tokenize(text);
  return {
    tokens: result.tokens.map((t) => [t.tokenType.name, t.image]),
    comments: (result.groups['comments'] ?? []).map((t) => [t.tokenType.name, t.image]),
    errors: result.errors.map((e) => [e.offset, e.length]),
  };
}

describe('lexer', () => {
  it('reads keywords only as whole words, case-sensitively', () => {
    expect(KEYWORD_NAMES).toEqual(['model', 'block', 'const', 'input', 'output', 'repeat', 'as', 'if', 'then', 'else', 'return', 'checkpoint', 'config', 'preset', 'claim']);
    expect(lex('model models Model as ask if iffy _if').tokens).toEqual([
      ['Model', 'model'],
      ['Identifier', 'models'],
      ['Identifier', 'Model'],
      ['As', 'as'],
      ['Identifier', 'ask'],
      ['If', 'if'],
      ['Identifier', 'iffy'],
      ['Identifier', '_if'],
    ]);
  });

  it('reads integers, decimals and exponents, and nothing looser', () => {
    expect(lex('0 42 007 0.02 1e-5 3.5E+2 2e3').tokens).toEqual([
      ['IntegerLiteral', '0'],
      ['IntegerLiteral', '42'],
      ['IntegerLiteral', '007'],
      ['FloatLiteral', '0.02'],
      ['FloatLiteral', '1e-5'],
      ['FloatLiteral', '3.5E+2'],
      ['FloatLiteral', '2e3'],
    ]);
    // No leading or trailing point: `.5` is a dot and 5; `1.` is 1 and a dot.
    expect(lex('.5 1.').tokens).toEqual([
      ['Dot', '.'],
      ['IntegerLiteral', '5'],
      ['IntegerLiteral', '1'],
      ['Dot', '.'],
    ]);
  });

  it('takes a number run into letters or a second point as one malformed number', () => {
    expect(lex('2d 1e 1.2.3 1e5x 3_000').tokens).toEqual([
      ['MalformedNumber', '2d'],
      ['MalformedNumber', '1e'],
      ['MalformedNumber', '1.2.3'],
      ['MalformedNumber', '1e5x'],
      ['MalformedNumber', '3_000'],
    ]);
  });

  it('reads the numbers of a parameter path as integers', () => {
    expect(lex('layers.0.1.weight').tokens).toEqual([
      ['Identifier', 'layers'],
      ['Dot', '.'],
      ['IntegerLiteral', '0'],
      ['Dot', '.'],
      ['IntegerLiteral', '1'],
      ['Dot', '.'],
      ['Identifier', 'weight'],
    ]);
  });

  it('reads strings with escapes, and a string left open to the end of its line', () => {
    expect(lex('"h.{i}.w" "a\\"b" "back\\\\" "open\nx').tokens).toEqual([
      ['StringLiteral', '"h.{i}.w"'],
      ['StringLiteral', '"a\\"b"'],
      ['StringLiteral', '"back\\\\"'],
      ['UnterminatedString', '"open'],
      ['Newline', '\n'],
      ['Identifier', 'x'],
    ]);
  });

  it('keeps comments and doc comments apart from the tokens', () => {
    const r = lex('## doc\nx = 1  # note\n#plain');
    expect(r.tokens).toEqual([
      ['Newline', '\n'],
      ['Identifier', 'x'],
      ['Equals', '='],
      ['IntegerLiteral', '1'],
      ['Newline', '\n'],
    ]);
    expect(r.comments).toEqual([
      ['DocComment', '## doc'],
      ['Comment', '# note'],
      ['Comment', '#plain'],
    ]);
  });

  it('takes the longest operator', () => {
    expect(lex('<= < <- == = != ! && || | >= >').tokens.map(([name]) => name)).toEqual([
      'LessEq', 'Less', 'Arrow', 'EqEq', 'Equals', 'NotEq', 'Bang', 'AndAnd', 'OrOr', 'Pipe', 'GreaterEq', 'Greater',
    ]);
  });

  it('reports characters that start no token, and goes on', () => {
    const r = lex('x $ y ; é');
    expect(r.tokens).toEqual([
      ['Identifier', 'x'],
      ['Identifier', 'y'],
    ]);
    expect(r.errors).toEqual([
      [2, 1],
      [6, 1],
      [8, 1],
    ]);
  });

  it('counts lines at \\n only: a \\r before it is a space', () => {
    const r = tdlLexer.tokenize('a\r\nb\rc\n  d');
    expect(r.tokens.filter((t) => t.image.trim()).map((t) => [t.image, t.startLine, t.startColumn])).toEqual([
      ['a', 1, 1],
      ['b', 2, 1],
      ['c', 2, 3],
      ['d', 3, 3],
    ]);
  });
});
