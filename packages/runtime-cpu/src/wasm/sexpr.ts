// Reads WebAssembly text into S-expressions: atoms and parenthesised lists, comments dropped.

export type SExpr = string | SList;

export interface SList {
  readonly items: SExpr[];
  /** 1-based line of the opening parenthesis, for error messages. */
  readonly line: number;
}

const DELIMITERS = new Set([' ', '\t', '\r', '\n', '(', ')']);

export function isList(e: SExpr | undefined): e is SList {
  return typeof e === 'object' && e !== null;
}

/** Parses text holding one or more S-expressions. Throws on unbalanced parentheses. */
export function parseSExprs(text: string): SExpr[] {
  const top: SExpr[] = [];
  const stack: SList[] = [];
  let line = 1;
  let i = 0;
  const push = (e: SExpr) => (stack.length ? stack[stack.length - 1]!.items : top).push(e);
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === ';' && text[i + 1] === ';') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' && text[i + 1] === ';') {
      const end = text.indexOf(';)', i + 2);
      if (end < 0) throw new Error(`wat: unclosed block comment at line ${line}`);
      for (let j = i; j < end; j++) if (text[j] === '\n') line++;
      i = end + 2;
    } else if (c === '(') {
      stack.push({ items: [], line });
      i++;
    } else if (c === ')') {
      const done = stack.pop();
      if (!done) throw new Error(`wat: unexpected ')' at line ${line}`);
      push(done);
      i++;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Error(`wat: unclosed string at line ${line}`);
      push(text.slice(i, end + 1));
      i = end + 1;
    } else {
      let j = i;
      while (j < text.length && !DELIMITERS.has(text[j]!)) j++;
      push(text.slice(i, j));
      i = j;
    }
  }
  if (stack.length) throw new Error(`wat: unclosed '(' from line ${stack[stack.length - 1]!.line}`);
  return top;
}
