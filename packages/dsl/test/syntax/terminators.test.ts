// Which newlines end a statement: a line continues inside brackets, after an operator, before one.
import { describe, expect, it } from 'vitest';
import { keepTerminators } from '../../src/syntax/terminators.js';
import { tdlLexer } from '../../src/syntax/tokens.js';

/** The tokens the parser sees, newlines shown as `;`. */
function seen(text: string): string {
  return keepTerminators(tdlLexer.tokenize(text).tokens)
    .map((t) => (t.tokenType.name === 'Newline' ? ';' : t.image))
    .join(' ');
}

describe('statement terminators', () => {
  it('ends a statement at the end of its line', () => {
    expect(seen('a = 1\nb = 2\n')).toBe('a = 1 ; b = 2');
  });

  it('drops blank lines and newlines at the start and end', () => {
    expect(seen('\n\na = 1\n\n\nb = 2\n\n')).toBe('a = 1 ; b = 2');
  });

  it('continues after an operator, a comma, `=`, `:`, `<-`, `|`, `then`, `else` or an open bracket', () => {
    expect(seen('a = b +\n  c')).toBe('a = b + c');
    expect(seen('a =\n  b')).toBe('a = b');
    expect(seen('a = f(\n  x,\n  y\n)')).toBe('a = f ( x , y )');
    expect(seen('w <-\n  "x" |\n  t')).toBe('w <- "x" | t');
    expect(seen('a = if c then\n  1 else\n  2')).toBe('a = if c then 1 else 2');
  });

  it('continues before an operator, `else`, `then`, `|`, `<-`, a comma or a closing bracket', () => {
    expect(seen('a = b\n  + c\n  * d')).toBe('a = b + c * d');
    expect(seen('if c {\n}\nelse {\n}')).toBe('if c { } else { }');
    expect(seen('w <- "x"\n  | t')).toBe('w <- "x" | t');
    expect(seen('a = [1\n, 2\n]')).toBe('a = [ 1 , 2 ]');
  });

  it('ends the line of a bracket opened mid-line and never closed, so the next line is parsed on its own', () => {
    expect(seen('a = f(x, y\nb = 2')).toBe('a = f ( x , y ; b = 2');
    expect(seen('input t: i32[T\noutput o = t')).toBe('input t : i32 [ T ; output o = t');
  });

  it('keeps a bracket whose arguments go one a line open across a missing comma', () => {
    expect(seen('a = f(\n  x\n  y\n)')).toBe('a = f ( x y )');
  });

  it('ends the statement before a closing brace, never after an opening one', () => {
    expect(seen('model m {\n  x = 1\n}\n')).toBe('model m { x = 1 ; }');
  });
});
