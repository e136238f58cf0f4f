// Finds braces in source text, stepping over strings and comments: where a header's `{` and its `}` sit,
// so the formatter can keep a comment on the line it was written on.

/** The offset of the first `{` at or after `from` outside parentheses, strings and comments, or -1. */
export function openBraceAfter(text: string, from: number): number {
  let parens = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i);
    else if (c === '#') i = lineEnd(text, i);
    else if (c === '(' || c === '[') parens++;
    else if (c === ')' || c === ']') parens = Math.max(0, parens - 1);
    else if (c === '{' && parens === 0) return i;
  }
  return -1;
}

/** The offset of the `}` matching the `{` at `open`, or -1. */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i);
    else if (c === '#') i = lineEnd(text, i);
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function stringEnd(text: string, quote: number): number {
  for (let i = quote + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"' || text[i] === '\n') return i;
  }
  return text.length;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end < 0 ? text.length : end - 1;
}
