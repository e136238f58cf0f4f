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

describe('rendering what a terminal must not see raw', () => {
  /** C0 but tab and the line breaks between output lines, DEL, C1: what moves the cursor or starts an escape. */
  const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
  const at = (text: string, offset: number, length = 1) => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { file: 'c.tdl', offset, line, column: offset - before.lastIndexOf('\n'), length };
  };

  it('shows control characters in the source line as one visible column each, the caret still under its character', () => {
    const text = 'model m {\n  x\x00 = \x1b[31m\r\x7f\x85 + $\n}\n';
    const d = diagnostic('E0101', at(text, text.indexOf('$')), "unexpected character '$'");
    const [, , source = '', caret = ''] = renderDiagnostic(d, () => text).split('\n');
    expect(source).toBe('2 |   x\u2400 = \u241b[31m\u240d\u2421\ufffd + $');
    expect(caret).toBe('  |                   ^');
    expect(source.indexOf('$')).toBe(caret.indexOf('^'));
  });

  it('never prints a control character from the message, label, notes or file name', () => {
    const text = 'model m {\n  x = 1\n}\n';
    const d = diagnostic('E0103', { ...at(text, 12), file: 'bad\x1b]0;name\x07.tdl' }, 'found "\x1b[2J"', {
      label: 'the \x9b label',
      notes: [{ message: 'a \x00 note', span: { ...at(text, 12), file: '\x7f.tdl' } }],
    });
    const out = renderDiagnostic(d, () => text);
    expect(out).not.toMatch(CONTROL);
    expect(out.split('\n')[0]).toBe('bad\u241b]0;name\u2407.tdl:2:3 error[E0103]: found "\u241b[2J"');
  });

  it('keeps tabs before the caret, so it lines up whatever a tab is wide', () => {
    const text = 'model m {\n\tx = \t$\n}\n';
    const d = diagnostic('E0101', at(text, text.indexOf('$')), "unexpected character '$'");
    expect(renderDiagnostic(d, () => text).split('\n').slice(2)).toEqual(['2 | \tx = \t$', '  | \t    \t^']);
  });

  it('echoes a very long line as a window around the span, cut with …', () => {
    const line = 'a'.repeat(50_000) + ' $$$ ' + 'b'.repeat(50_000);
    const text = `model m {\n${line}\n}\n`;
    const d = diagnostic('E0101', at(text, text.indexOf('$'), 3), "unexpected characters '$$$'");
    const out = renderDiagnostic(d, () => text);
    expect(out.length).toBeLessThan(400);
    const [, , source = '', caret = ''] = out.split('\n');
    expect(source).toMatch(/^2 \| …a+ \$\$\$ b+…$/);
    expect(source.indexOf('$$$')).toBe(caret.indexOf('^~~'));
    expect(caret.endsWith('^~~')).toBe(true);
    // A span at the very start or end keeps that end of the line, uncut.
    const first = renderDiagnostic(diagnostic('E0101', at(text, 10), 'first'), () => text).split('\n')[2]!;
    expect(first).toMatch(/^2 \| a{160}…$/);
    const last = renderDiagnostic(diagnostic('E0101', at(text, 10 + line.length - 1), 'last'), () => text).split('\n');
    expect(last[2]).toMatch(/^2 \| …b{160}$/);
    expect(last[3]!.indexOf('^')).toBe(last[2]!.length - 1);
  });

  it('renders a binary file in a few short lines per error, naming bad characters by code point only', () => {
    const binary = '\x7fELF\x02\x01\x01' + '\x00'.repeat(2_000) + '\x1b[31m' + '\x00\x01\x02'.repeat(30_000);
    const { diagnostics } = parseText(binary, 'b.bin');
    const out = renderDiagnostics(diagnostics, () => binary);
    expect(out).not.toMatch(CONTROL);
    expect(diagnostics[0]!.message).toBe('unexpected character U+007F');
    expect(diagnostics.every((d) => d.message.length < 120)).toBe(true);
    expect(out.length).toBeLessThan(diagnostics.length * 600);
  });
});
