// The renderer: file:line:col, severity and code, the source line, a caret under the span, notes.
import { describe, expect, it } from 'vitest';
import { diagnostic, renderDiagnostic, renderDiagnostics } from '@tdl/dsl';
import { parseText } from '../helpers/parse-text.js';

const TEXT = 'model m {\n  cosnt a = 1\n  x = a +\n}\n';
const sources = (name: string) => (name === 'm.tdl' ? TEXT : undefined);

describe('rendering diagnostics', () => {
  const { diagnostics } = parseText(TEXT, 'm.tdl');

  it('prints where, what, the line, and a caret as wide as the span', () => {
    expect(renderDiagnostics(diagnostics, sources)).toBe(
      [
        "m.tdl:2:3 error[E0110]: 'cosnt' is not a keyword; did you mean 'const'?",
        '  |',
        '2 |   cosnt a = 1',
        "  |   ^~~~~ read as 'const'",
        '',
        "m.tdl:3:9 error[E0104]: expected an expression after '+'",
        '  |',
        '3 |   x = a +',
        '  |         ^ nothing follows it on this line',
      ].join('\n'),
    );
  });

  it('prints notes with their places, and widens the gutter for long line numbers', () => {
    const text = `${'\n'.repeat(99)}  x = (1, 2)\n`;
    const span = { file: 'n.tdl', offset: 101, line: 100, column: 3, length: 1 };
    const d = diagnostic('E0103', span, 'a message', { notes: [{ message: 'see here', span }, { message: 'no place' }] });
    expect(renderDiagnostic(d, () => text)).toBe(
      ['n.tdl:100:3 error[E0103]: a message', '    |', '100 |   x = (1, 2)', '    |   ^', '   = note: see here (n.tdl:100:3)', '   = note: no place'].join('\n'),
    );
  });

  it('prints a caret after the last character for an empty span at the end of a line', () => {
    const d = diagnostic('E0103', { file: 'm.tdl', offset: 23, line: 2, column: 14, length: 0 }, 'at the end');
    expect(renderDiagnostic(d, sources).split('\n').slice(2)).toEqual(['2 |   cosnt a = 1', '  |              ^']);
  });

  it('prints only the headline when the source is not at hand, and colours when asked', () => {
    expect(renderDiagnostic(diagnostics[0]!, () => undefined)).toBe("m.tdl:2:3 error[E0110]: 'cosnt' is not a keyword; did you mean 'const'?");
    expect(renderDiagnostic(diagnostics[0]!, sources, { color: true })).toContain('\x1b[31merror[E0110]\x1b[0m');
  });
});
