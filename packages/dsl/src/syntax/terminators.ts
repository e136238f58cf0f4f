// Newlines end statements, except where a line plainly continues: inside ( ) or [ ], after an
// operator or comma, before `else`, `then`, `|`, `<-` or an operator. The parser re-syncs at them.
import type { IToken, TokenType } from 'chevrotain';
import * as t from './tokens.js';

/** Tokens after which a line cannot end a statement. */
const CONTINUES_AFTER = new Set<TokenType>([
  t.LCurly, t.LParen, t.LBracket, t.Comma, t.Equals, t.Colon, t.Arrow, t.Pipe, t.Plus, t.Minus, t.Star, t.Slash,
  t.Percent, t.EqEq, t.NotEq, t.Less, t.LessEq, t.Greater, t.GreaterEq, t.AndAnd, t.OrOr, t.Bang, t.Then, t.Else,
  t.If, t.Dot, t.Newline,
]);

/** Tokens before which a newline does not end the statement. */
const CONTINUES_BEFORE = new Set<TokenType>([
  t.Else, t.Then, t.Pipe, t.Arrow, t.Plus, t.Minus, t.Star, t.Slash, t.Percent, t.EqEq, t.NotEq, t.Less, t.LessEq,
  t.Greater, t.GreaterEq, t.AndAnd, t.OrOr, t.RParen, t.RBracket, t.Comma, t.Dot, t.Newline,
]);

/** Keeps only the newlines that end a statement. */
export function keepTerminators(tokens: readonly IToken[]): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    const type = tok.tokenType;
    if (type === t.LParen || type === t.LBracket) depth++;
    else if ((type === t.RParen || type === t.RBracket) && depth > 0) depth--;
    else if (type === t.LCurly || type === t.RCurly) depth = 0;
    if (type !== t.Newline) {
      out.push(tok);
      continue;
    }
    const prev = out[out.length - 1];
    const next = tokens[i + 1];
    if (depth > 0 || !prev || CONTINUES_AFTER.has(prev.tokenType)) continue;
    if (!next || CONTINUES_BEFORE.has(next.tokenType)) continue;
    out.push(tok);
  }
  return out;
}
