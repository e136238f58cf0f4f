// Source files and spans: where in a file a node, token or diagnostic sits.

/** A piece of a source file. Lines and columns are 1-based; offset and length count UTF-16 units. */
export interface Span {
  readonly file: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

/** The text of one file, with its name as diagnostics should print it. */
export interface SourceFile {
  readonly name: string;
  readonly text: string;
}

/** A span covering `from` through the end of `to` (both in the same file). */
export function joinSpans(from: Span, to: Span): Span {
  const end = Math.max(from.offset + from.length, to.offset + to.length);
  return { file: from.file, offset: from.offset, line: from.line, column: from.column, length: end - from.offset };
}

/** Line and column (1-based) of a character offset in `text`. */
export function positionAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** A span for `length` characters at `offset` of `file`. */
export function spanAt(file: SourceFile, offset: number, length: number): Span {
  const clamped = Math.max(0, Math.min(offset, file.text.length));
  const { line, column } = positionAt(file.text, clamped);
  return { file: file.name, offset: clamped, line, column, length: Math.max(0, Math.min(length, file.text.length - clamped)) };
}

/** A span that points at nothing in a file: for values that do not come from source. */
export const NO_SPAN: Span = Object.freeze({ file: '<builtin>', offset: 0, line: 1, column: 1, length: 0 });
