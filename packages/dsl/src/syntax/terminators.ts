// Newlines end statements, except where a line plainly continues: inside ( ) or [ ], after an
// operator or comma, before `else`, `then`, `|`, `<-` or an operator. The parser re-syncs at them.
import type { IToken, TokenType } from 'chevrotain';
import * as t from './tokens.js';

/** Tokens after which a line cannot end a statement. */
export const CONTINUES_AFTER = new Set<TokenType>([
  t.LCurly, t.LParen, t.LBracket, t.Comma, t.Equals, t.Colon, t.Arrow, t.Pipe, t.Plus, t.Minus, t.Star, t.Slash,
  t.Percent, t.EqEq, t.NotEq, t.Less, t.LessEq, t.Greater, t.GreaterEq, t.AndAnd, t.OrOr, t.Bang, t.Then, t.Else,
  t.If, t.Dot, t.Newline,
]);

/** Tokens before which a newline does not end the statement. */
export const CONTINUES_BEFORE = new Set<TokenType>([
  t.Else, t.Then, t.Pipe, t.Arrow, t.Plus, t.Minus, t.Star, t.Slash, t.Percent, t.EqEq, t.NotEq, t.Less, t.LessEq,
  t.Greater, t.GreaterEq, t.AndAnd, t.OrOr, t.RParen, t.RBracket, t.Comma, t.Dot, t.Newline,
]);

interface OpenBracket {
  /** The line holds nothing after the bracket: arguments follow one a line. */
  readonly endsLine: boolean;
}

/**
 * Keeps only the newlines that end a statement. Inside `( )` and `[ ]` a line break continues the
 * statement, with one exception that keeps an unclosed bracket from swallowing the lines after it: a
 * line that ends in a complete operand, inside a bracket opened mid-line (`f(a, b`), followed by a line
 * that does not continue it, ends the statement; the parser then reports the missing `)` at the line end.
 */
export function keepTerminators(tokens: readonly IToken[]): IToken[] {
  const out: IToken[] = [];
  const open: OpenBracket[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const type = tok.tokenType;
    if (type === t.LParen || type === t.LBracket) open.push({ endsLine: tokens[i + 1]?.tokenType === t.Newline });
    else if (type === t.RParen || type === t.RBracket) open.pop();
    else if (type === t.LCurly || type === t.RCurly) open.length = 0;
    if (type !== t.Newline) {
      out.push(tok);
      continue;
    }
    const prev = out[out.length - 1];
    const next = tokens[i + 1];
    if (!prev || !next || CONTINUES_AFTER.has(prev.tokenType) || CONTINUES_BEFORE.has(next.tokenType)) continue;
    if (open.length > 0) {
      if (open[open.length - 1]!.endsLine) continue;
      open.length = 0;
    }
    out.push(tok);
  }
  return out;
}
