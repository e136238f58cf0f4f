// Renders diagnostics like a modern compiler: file:line:col, the source line, a caret under the span.
import type { Diagnostic } from './diagnostic.js';

export interface RenderOptions {
  /** Colour with ANSI escapes (for terminals). */
  readonly color?: boolean;
}

/** Looks up file texts by name, so the renderer can echo source lines. */
export type SourceLookup = (fileName: string) => string | undefined;

const ansi = { red: '\x1b[31m', yellow: '\x1b[33m', blue: '\x1b[34m', bold: '\x1b[1m', reset: '\x1b[0m' };

export function renderDiagnostic(d: Diagnostic, sources: SourceLookup, options: RenderOptions = {}): string {
  const paint = (code: string, s: string) => (options.color ? code + s + ansi.reset : s);
  const { file, line, column } = d.span;
  const head =
    paint(ansi.bold, `${file}:${line}:${column}`) +
    ' ' +
    paint(d.severity === 'error' ? ansi.red : ansi.yellow, `${d.severity}[${d.code}]`) +
    ': ' +
    d.message;
  const out = [head];
  const text = sources(file);
  if (text !== undefined) out.push(...excerpt(text, d.span.offset, d.span.length, line, d.label ?? '', paint));
  for (const note of d.notes) {
    const where = note.span ? ` (${note.span.file}:${note.span.line}:${note.span.column})` : '';
    out.push(`   = note: ${note.message}${where}`);
  }
  return out.join('\n');
}

export function renderDiagnostics(ds: readonly Diagnostic[], sources: SourceLookup, options: RenderOptions = {}): string {
  return ds.map((d) => renderDiagnostic(d, sources, options)).join('\n\n');
}

/** The source line of a span with a caret line under it; multi-line spans mark their first line. */
function excerpt(
  text: string,
  offset: number,
  length: number,
  line: number,
  label: string,
  paint: (code: string, s: string) => string,
): string[] {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  const lineText = text.slice(start, end).replace(/\r$/, '');
  const column = offset - start;
  const width = Math.max(1, Math.min(length, lineText.length - column));
  const gutter = String(line).length;
  const pad = ' '.repeat(gutter);
  const underline = ' '.repeat(column) + (width > 1 ? '^' + '~'.repeat(width - 1) : '^');
  return [
    `${pad} |`,
    `${paint(ansi.blue, String(line))} | ${lineText}`,
    `${pad} | ${paint(ansi.red, underline)}${label ? ' ' + label : ''}`,
  ];
}
