// Error recovery: one run reports every independent syntax error, each at its place, in tdl's words.
import { describe, expect, it } from 'vitest';
import { MAX_SYNTAX_ERRORS } from '@tdl/dsl';
import { errorsOf, parseText } from './helpers/parse-text.js';

describe('error recovery', () => {
  it('reports every independent error of a file in one run', () => {
    const text = [
      'model m {',
      '  const a = 1 +',
      '  input tokens i32[T <= 8]',
      '  x = f(a, b',
      '  h: repeat 2 as i {',
      '    x = x * $',
      '    y = 2d',
      '  }',
      '  output o = "open',
      '}',
    ].join('\n');
    expect(errorsOf(text)).toEqual([
      "2:15 E0104 expected an expression after '+'",
      "3:16 E0103 expected ':', found name 'i32'",
      "4:13 E0103 expected ',' or ')', found the end of the line",
      "6:13 E0101 unexpected character '$'",
      "7:9 E0107 '2d' is not a number",
      '9:14 E0102 this string has no closing quote',
    ]);
  });

  it('reads a misspelt keyword as the keyword, says so once, and checks the rest', () => {
    const text = 'modle m {\n  cosnt a = 1\n  reepat a sa i {\n    x = (\n  }\n  ouptut o = x\n}\nblokc f(x) {\n  retrun x\n}';
    expect(errorsOf(text)).toEqual([
      "1:1 E0110 'modle' is not a keyword; did you mean 'model'?",
      "2:3 E0110 'cosnt' is not a keyword; did you mean 'const'?",
      "3:3 E0110 'reepat' is not a keyword; did you mean 'repeat'?",
      "3:12 E0110 'sa' is not a keyword; did you mean 'as'?",
      "5:3 E0104 expected an expression, found '}'",
      "6:3 E0110 'ouptut' is not a keyword; did you mean 'output'?",
      "8:1 E0110 'blokc' is not a keyword; did you mean 'block'?",
      "9:3 E0110 'retrun' is not a keyword; did you mean 'return'?",
    ]);
  });

  it('says which brace is never closed, judging by indentation', () => {
    expect(errorsOf('model m {\n  repeat 2 as i {\n    x = 1\n\n  y = 2\n}\n')).toEqual(["2:17 E0111 this '{' is never closed"]);
    expect(errorsOf('model m {\n  x = 1\n')).toEqual(["1:9 E0111 this '{' is never closed"]);
  });

  it('ends every statement at its line: a second one on the same line is an error', () => {
    expect(errorsOf('model m { x = 1 }\nmodel n {\n  const a = 1 y = 2\n  if a { y = 1 } else { y = 2 }\n}')).toEqual([
      "3:15 E0103 expected the end of the line, found name 'y'",
    ]);
  });

  it('drops a stray token before the bracket or keyword it hides, and misreads nothing after it', () => {
    expect(errorsOf('model m {\n  repeat 2 as i x {\n    y = 1\n  }\n  output o = y\n}')).toEqual(["2:17 E0103 expected '{', found name 'x'"]);
    expect(errorsOf('model m {\n  repeat 2 x as i {\n  }\n}')).toEqual(["2:12 E0103 expected 'as', found name 'x'"]);
  });

  it('skips a stray closing brace and goes on', () => {
    expect(errorsOf('model m {\n}\n}\nmodel n {\n  x = \n}')).toEqual([
      "3:1 E0103 found '}' with no '{' to close",
      "5:5 E0104 expected an expression after '='",
    ]);
  });

  it('explains lines that are no statement', () => {
    expect(errorsOf('model m {\n  x 3\n  x: linear(x)\n  foo(x)\n  x = 3 4\n  return x\n  42\n}\nx = 1')).toEqual([
      "2:5 E0103 expected '=' after 'x', found number 3",
      "3:6 E0103 expected 'repeat' after the label, found name 'linear'",
      "4:3 E0103 a call to 'foo' on its own does nothing",
      '5:9 E0103 expected the end of the line, found number 4',
      "6:3 E0103 'return' ends a block, and this is not one",
      '7:3 E0103 expected a declaration or a statement, found number 42',
      "9:1 E0103 expected 'model' or 'block', found name 'x'",
    ]);
  });

  it('checks the statements after a block’s return, and says return must come last', () => {
    expect(errorsOf('block f(x) {\n  return x\n  y = (\n}\nblock g(x) {\n  y = x\n}')).toEqual([
      "3:3 E0103 expected '}' after the block's 'return', found more statements",
      "4:1 E0104 expected an expression, found '}'",
      "7:1 E0103 expected 'return' (a block ends with 'return <value>'), found '}'",
    ]);
  });

  it('says what a bad checkpoint rule lacks', () => {
    const text = 'model m {\n  checkpoint hf {\n    a.b "x"\n    a.{i.b <- "x"\n    a.b <- lab: f(x)\n    a.b <- "x" |\n  }\n}';
    expect(errorsOf(text)).toEqual([
      "3:9 E0103 expected '<-' (a rule reads: parameter <- checkpoint tensor), found string \"x\"",
      "4:9 E0103 expected '}', found '.'",
      "5:15 E0103 expected '(', found ':'",
      "6:16 E0103 expected a name after '|'",
    ]);
  });

  it('does not pile parse errors onto a bad character', () => {
    expect(errorsOf('model m {\n  x = 3 $ 4;\n}')).toEqual(["2:9 E0101 unexpected character '$'", "2:12 E0101 unexpected character ';'"]);
  });

  it(`reports at most ${MAX_SYNTAX_ERRORS} errors, then how many more there are`, () => {
    const lines = Array.from({ length: 30 }, (_, i) => `  x${i} = ${i} ${i}`);
    const { diagnostics } = parseText(`model m {\n${lines.join('\n')}\n}`);
    expect(diagnostics.length).toBe(MAX_SYNTAX_ERRORS + 1);
    expect(diagnostics.slice(0, -1).map((d) => d.span.line)).toEqual(Array.from({ length: MAX_SYNTAX_ERRORS }, (_, i) => i + 2));
    const last = diagnostics[MAX_SYNTAX_ERRORS]!;
    expect(last.code).toBe('E0106');
    expect(last.message).toBe('10 more syntax errors not shown');
  });

  it('gives notes and labels that point into the file', () => {
    const { diagnostics } = parseText('model m {\n  x = f(a,\n     b\n  y = 1\n}');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.notes.map((n) => [n.message, n.span?.line, n.span?.column])).toEqual([["to close this '('", 2, 8]]);
  });
});
