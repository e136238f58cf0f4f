// Misspelt keywords (`reepat`, `ouptut`, `esle`): read as the keyword they resemble, so the rest of the
// statement and any block it opens are still parsed, and the misspelling is reported once.
import type { IToken, TokenType } from 'chevrotain';
import { closestMatch } from '../suggest.js';
import * as t from './tokens.js';

/** A name the parser will read as a keyword, and why. */
export interface KeywordTypo {
  readonly token: IToken;
  /** The keyword it is read as. */
  readonly keyword: string;
  /** True when the name resembles the keyword; false for any name in place of `model` or `block`. */
  readonly resembles: boolean;
}

const AT_TOP_LEVEL = [t.Model, t.Block];
const IN_A_BODY = [t.Block, t.Const, t.Input, t.Output, t.Repeat, t.If, t.Return, t.Checkpoint, t.Config, t.Preset];
const AFTER_A_LABEL = [t.Repeat];

/** Tokens that may follow a statement's first keyword: a name, a literal, an operand's start. */
const AFTER_KEYWORD = new Set<TokenType>([
  t.Identifier, t.IntegerLiteral, t.FloatLiteral, t.MalformedNumber, t.StringLiteral, t.LParen, t.LBracket, t.Minus,
  t.Bang, ...t.KEYWORDS,
]);

function wordOf(type: TokenType): string {
  return String(type.PATTERN).replace(/\//g, '');
}

function retype(token: IToken, type: TokenType): IToken {
  return { ...token, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! };
}

/** Tokens that end an operand: two operands in a row never parse, so a name between two is a misplaced word. */
const ENDS_OPERAND = new Set<TokenType>([t.Identifier, t.IntegerLiteral, t.FloatLiteral, t.MalformedNumber, t.StringLiteral, t.RParen, t.RBracket]);
const STARTS_OPERAND = new Set<TokenType>([
  t.Identifier, t.IntegerLiteral, t.FloatLiteral, t.MalformedNumber, t.StringLiteral, t.LParen, t.LBracket, t.Minus, t.Bang, t.If,
]);

/** The keywords a statement still waits for: `as` after `repeat`, `then` after `if`, `else` after `then`. */
class Pending {
  repeat = false;
  then = 0;
  else = 0;

  reset() {
    this.repeat = false;
    this.then = 0;
    this.else = 0;
  }

  see(type: TokenType) {
    if (type === t.Newline || type === t.LCurly || type === t.RCurly) this.reset();
    else if (type === t.Repeat) this.repeat = true;
    else if (type === t.As) this.repeat = false;
    else if (type === t.If) this.then++;
    else if (type === t.Then) {
      this.then = Math.max(0, this.then - 1);
      this.else++;
    } else if (type === t.Else) this.else = Math.max(0, this.else - 1);
  }

  keywords(): TokenType[] {
    return [...(this.repeat ? [t.As] : []), ...(this.then > 0 ? [t.Then] : []), ...(this.else > 0 ? [t.Else] : [])];
  }
}

/**
 * Rewrites, in `tokens` (terminators already chosen), every name that stands where a keyword must
 * and resembles one. A statement never starts with a name followed by another name or a literal, so a
 * name there that is close to a keyword is a misspelling; so is a name between two operands that
 * resembles a keyword the statement still waits for (`repeat n sa i`, `if c thne a`), and a name after
 * `}` that resembles `else` followed by `{` or `if`. At the top level, any name followed by a name and
 * `{` is read as `model`.
 */
export function fixKeywordTypos(tokens: IToken[]): KeywordTypo[] {
  const typos: KeywordTypo[] = [];
  const pending = new Pending();
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.tokenType === t.LCurly) depth++;
    else if (tok.tokenType === t.RCurly) depth = Math.max(0, depth - 1);
    if (tok.tokenType !== t.Identifier) {
      pending.see(tok.tokenType);
      continue;
    }
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (!next) continue;
    const startsStatement = !prev || prev.tokenType === t.Newline || prev.tokenType === t.LCurly;
    const afterLabel =
      prev?.tokenType === t.Colon &&
      tokens[i - 2]?.tokenType === t.Identifier &&
      [undefined, t.Newline, t.LCurly].includes(tokens[i - 3]?.tokenType);
    let candidates: TokenType[] = [];
    if (startsStatement && AFTER_KEYWORD.has(next.tokenType)) candidates = depth === 0 ? AT_TOP_LEVEL : IN_A_BODY;
    else if (afterLabel && AFTER_KEYWORD.has(next.tokenType)) candidates = AFTER_A_LABEL;
    else if (prev?.tokenType === t.RCurly && (next.tokenType === t.LCurly || next.tokenType === t.If)) candidates = [t.Else];
    else if (prev && ENDS_OPERAND.has(prev.tokenType) && STARTS_OPERAND.has(next.tokenType)) candidates = pending.keywords();
    if (candidates.length === 0) continue;
    const match = closestMatch(tok.image, candidates.map(wordOf));
    const type = candidates.find((c) => wordOf(c) === match);
    if (type) {
      tokens[i] = retype(tok, type);
      typos.push({ token: tok, keyword: match!, resembles: true });
      pending.see(type);
    } else if (depth === 0 && startsStatement && next.tokenType === t.Identifier && tokens[i + 2]?.tokenType === t.LCurly) {
      tokens[i] = retype(tok, t.Model);
      typos.push({ token: tok, keyword: 'model', resembles: false });
    }
  }
  return typos;
}
