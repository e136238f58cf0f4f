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
    paint(ansi.bold, `${printable(file)}:${line}:${column}`) +
    ' ' +
    paint(d.severity === 'error' ? ansi.red : ansi.yellow, `${d.severity}[${d.code}]`) +
    ': ' +
    printable(d.message);
  const out = [head];
  const text = sources(file);
  if (text !== undefined) out.push(...excerpt(text, d.span.offset, d.span.length, line, printable(d.label ?? ''), paint));
  for (const note of d.notes) {
    const where = note.span ? ` (${printable(note.span.file)}:${note.span.line}:${note.span.column})` : '';
    out.push(`   = note: ${printable(note.message)}${where}`);
  }
  return out.join('\n');
}

export function renderDiagnostics(ds: readonly Diagnostic[], sources: SourceLookup, options: RenderOptions = {}): string {
  return ds.map((d) => renderDiagnostic(d, sources, options)).join('\n\n');
}

/** C0 controls but tab, DEL and C1 controls: echoed raw they move the cursor or start a terminal escape. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;

/**
 * `text` with each control character shown as one visible character in its place, so columns stay
 * where they were: C0 as its Control Picture (U+2400 + code: ␀, ␛, ␍), DEL as ␡, C1 as U+FFFD.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : code === 0x7f ? '\u2421' : '\ufffd';
  });
}

/** Lines up to this many columns are echoed whole (formatted models stay under 100)… */
const ECHO_WHOLE = 200;
/** …longer ones (minified or binary input) as a window this wide around the span… */
const ECHO_WINDOW = 160;
/** …that starts this many columns before the span where it can. */
const ECHO_BEFORE = 60;

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
  const shown = visibleWindow(text.slice(start, end).replace(/\r$/, ''), offset - start);
  const lineText = printable(shown.text);
  const column = shown.column;
  const width = Math.max(1, Math.min(length, shown.room));
  const gutter = String(line).length;
  const pad = ' '.repeat(gutter);
  // Tabs before the caret are kept, so it lines up whatever width the terminal gives a tab.
  const indent = lineText.slice(0, column).replace(/[^\t]/g, ' ');
  const underline = indent + (width > 1 ? '^' + '~'.repeat(width - 1) : '^');
  return [
    `${pad} |`,
    `${paint(ansi.blue, String(line))} | ${lineText}`,
    `${pad} | ${paint(ansi.red, underline)}${label ? ' ' + label : ''}`,
  ];
}

/**
 * A line too long to echo cut to a window around `column`, with `…` where it was cut; the span's column
 * in it, and the room from there to the end of the source shown.
 */
function visibleWindow(lineText: string, column: number): { text: string; column: number; room: number } {
  if (lineText.length <= ECHO_WHOLE) return { text: lineText, column, room: lineText.length - column };
  let from = Math.max(0, Math.min(column - ECHO_BEFORE, lineText.length - ECHO_WINDOW));
  if (isLowSurrogate(lineText, from)) from++;
  let to = Math.min(lineText.length, from + ECHO_WINDOW);
  if (isLowSurrogate(lineText, to)) to--;
  const before = from > 0 ? '…' : '';
  const after = to < lineText.length ? '…' : '';
  return { text: before + lineText.slice(from, to) + after, column: column - from + before.length, room: to - column };
}

function isLowSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
}
