// Checks that a span lies inside its text and that its line and column agree with its offset.
import { positionAt, type Span } from '@tdl/dsl';

/** Problems with `span` as a place in `text`, or an empty list. */
export function spanProblems(span: Span, text: string, what: string): string[] {
  const problems: string[] = [];
  const { offset, length, line, column } = span;
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0) {
    problems.push(`${what}: offset ${offset} / length ${length} are not natural numbers`);
  } else if (offset + length > text.length) {
    problems.push(`${what}: ${offset}+${length} runs past the end (${text.length})`);
  } else {
    const at = positionAt(text, offset);
    if (at.line !== line || at.column !== column) {
      problems.push(`${what}: says ${line}:${column}, offset ${offset} is ${at.line}:${at.column}`);
    }
  }
  return problems;
}

/** Every span in an AST (any object with a `span`), with a path for messages. */
export function allSpans(node: unknown, path = 'ast', out: { path: string; span: Span }[] = []): { path: string; span: Span }[] {
  if (Array.isArray(node)) node.forEach((child, i) => allSpans(child, `${path}[${i}]`, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'span') out.push({ path, span: value as Span });
      else allSpans(value, `${path}.${key}`, out);
    }
  }
  return out;
}
