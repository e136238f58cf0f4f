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

/** The innermost opening bracket of `closer`'s kind still open at `offset`. */
export function unclosedOpener(tokens: readonly IToken[], closer: TokenType, offset: number): IToken | undefined {
  const opener = OPENER_OF.get(closer)!;
  const stack: IToken[] = [];
  for (const tok of tokens) {
    if (tok.startOffset >= offset) break;
    if (tok.tokenType === opener) stack.push(tok);
    else if (tok.tokenType === closer) stack.pop();
  }
  return stack[stack.length - 1];
}

/** A `{` left without its `}` at the end of the file, and where its body seems to end. */
export interface UnclosedBrace {
  readonly opener: IToken;
  /** The first token indented no deeper than the opener's line: where the `}` seems to be missing. */
  readonly resumesAt?: IToken;
  /** The `}` the opener was matched with instead (which belongs to an outer brace). */
  readonly borrowedClose?: IToken;
}

/**
 * The `{` most likely missing its `}` when the file ends with braces open: a `}` indented less than
 * the `{` it closes belongs to an outer brace, so that `{` is the one left open; otherwise the innermost.
 */
export function unclosedBrace(tokens: readonly IToken[], text: string): UnclosedBrace | undefined {
  const stack: IToken[] = [];
  let suspect: UnclosedBrace | undefined;
  for (const tok of tokens) {
    if (tok.tokenType === t.LCurly) stack.push(tok);
    else if (tok.tokenType === t.RCurly && stack.length > 0) {
      const top = stack.pop()!;
      if (!suspect && indentOf(text, tok.startOffset) < indentOf(text, top.startOffset)) suspect = { opener: top, borrowedClose: tok };
    }
  }
  if (stack.length === 0) return undefined;
  if (!suspect) return { opener: stack[stack.length - 1]! };
  const indent = indentOf(text, suspect.opener.startOffset);
  const resumesAt = tokens.find(
    (tok) =>
      tok.startOffset > suspect!.opener.startOffset &&
      tok.startLine! > suspect!.opener.startLine! &&
      tok.tokenType !== t.Newline &&
      startsItsLine(text, tok.startOffset) &&
      indentOf(text, tok.startOffset) <= indent,
  );
  return resumesAt ? { ...suspect, resumesAt } : suspect;
}

function startsItsLine(text: string, offset: number): boolean {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return text.slice(start, offset).trim() === '';
}

/**
 * The first token at which the file nests deeper than `limit`, if one does (`tokens` as the parser
 * gets them, newlines that end statements only). Nesting counts open brackets, a run of prefix operators (`- - x`), and the `if`s of the current statement (each
 * `if … then … else` nests the next), so the limit bounds the parser's recursion whatever the stack size.
 */
export function tooDeep(tokens: readonly IToken[], limit: number): IToken | undefined {
  let braces = 0;
  // Parentheses and square brackets close at the end of their statement, as keepTerminators reads them.
  let brackets = 0;
  let prefixRun = 0;
  let ifs = 0;
  for (const tok of tokens) {
    const type = tok.tokenType;
    if (type === t.LParen || type === t.LBracket) brackets++;
    else if (type === t.RParen || type === t.RBracket) brackets = Math.max(0, brackets - 1);
    else if (type === t.LCurly) braces++;
    else if (type === t.RCurly) braces = Math.max(0, braces - 1);
    if (type === t.Newline || type === t.LCurly || type === t.RCurly) {
      brackets = 0;
      ifs = 0;
    }
    prefixRun = type === t.Minus || type === t.Bang ? prefixRun + 1 : 0;
    if (type === t.If) ifs++;
    if (braces + brackets + prefixRun + ifs > limit) return tok;
  }
  return undefined;
}
