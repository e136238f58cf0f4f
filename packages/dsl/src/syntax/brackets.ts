// Bracket bookkeeping for error messages: which bracket an error leaves unclosed, and how deep a file nests.
import type { IToken, TokenType } from 'chevrotain';
import * as t from './tokens.js';

const OPENER_OF = new Map<TokenType, TokenType>([
  [t.RParen, t.LParen],
  [t.RBracket, t.LBracket],
  [t.RCurly, t.LCurly],
]);

/** The closing bracket a parser expected, if `type` is one. */
export function isCloser(type: TokenType): boolean {
  return OPENER_OF.has(type);
}

function indentOf(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start, offset))![0].length;
}

/**
 * The opening bracket of `closer`'s kind that is still open at `offset`. For braces, the one most
 * likely missing its `}`: a `}` indented less than the `{` it would close belongs to an outer brace,
 * so that `{` is the one left open.
 */
export function unclosedOpener(tokens: readonly IToken[], text: string, closer: TokenType, offset: number): IToken | undefined {
  const opener = OPENER_OF.get(closer)!;
  const stack: IToken[] = [];
  let suspect: IToken | undefined;
  for (const tok of tokens) {
    if (tok.startOffset >= offset) break;
    if (tok.tokenType === opener) stack.push(tok);
    else if (tok.tokenType === closer && stack.length > 0) {
      const top = stack.pop()!;
      if (opener === t.LCurly && !suspect && indentOf(text, tok.startOffset) < indentOf(text, top.startOffset)) suspect = top;
    }
  }
  if (suspect && stack.length > 0) return suspect;
  return stack[stack.length - 1];
}

/**
 * The first token at which the file nests deeper than `limit`, if one does. Nesting counts open
 * brackets, a run of prefix operators (`- - x`), and the `if`s of the current statement (each
 * `if … then … else` nests the next), so the limit bounds the parser's recursion whatever the stack size.
 */
export function tooDeep(tokens: readonly IToken[], limit: number): IToken | undefined {
  let brackets = 0;
  let prefixRun = 0;
  let ifs = 0;
  for (const tok of tokens) {
    const type = tok.tokenType;
    if (type === t.LParen || type === t.LBracket || type === t.LCurly) brackets++;
    else if (type === t.RParen || type === t.RBracket || type === t.RCurly) brackets = Math.max(0, brackets - 1);
    prefixRun = type === t.Minus || type === t.Bang ? prefixRun + 1 : 0;
    if (type === t.Newline || type === t.LCurly || type === t.RCurly) ifs = 0;
    else if (type === t.If) ifs++;
    if (brackets + prefixRun + ifs > limit) return tok;
  }
  return undefined;
}
