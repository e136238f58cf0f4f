// Lexing for the parser: tokens with the lexical errors reported and repaired, so parsing goes on past them.
import { createTokenInstance, type IToken, type TokenType } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { SourceFile } from '../span.js';
import type { SpanMaker } from './span-maker.js';
import * as t from './tokens.js';

export interface Lexed {
  /** Every token but comments and spaces; bad strings, numbers and characters stand in as well-formed tokens. */
  readonly tokens: IToken[];
  readonly comments: IToken[];
  readonly diagnostics: Diagnostic[];
}

export function lex(source: SourceFile, spans: SpanMaker): Lexed {
  const lexed = t.tdlLexer.tokenize(source.text);
  const diagnostics: Diagnostic[] = [];
  for (const err of lexed.errors) {
    const chars = source.text.slice(err.offset, err.offset + err.length);
    diagnostics.push(
      diagnostic('E0101', spans.at(err.offset, err.length), `unexpected character${[...chars].length > 1 ? 's' : ''} ${describeChars(chars)}`, {
        notes: charHelp(chars),
      }),
    );
  }
  const repaired = lexed.tokens.map((tok) => {
    if (tok.tokenType === t.UnterminatedString) {
      diagnostics.push(
        diagnostic('E0102', spans.ofToken(tok), 'this string has no closing quote', { label: 'add a " before the end of the line' }),
      );
      return retype(tok, t.StringLiteral);
    }
    if (tok.tokenType === t.MalformedNumber) {
      diagnostics.push(diagnostic('E0107', spans.ofToken(tok), `'${tok.image}' is not a number`, {
        label: source.text[tok.startOffset - 1] === '.' ? 'a path segment is a name or a whole number' : numberHelp(tok.image),
      }));
      return retype(tok, t.IntegerLiteral);
    }
    return tok;
  });
  // A bad character stands in the token stream as a name, so `x = a * $` does not swallow the next line.
  const placeholders = lexed.errors.map((err) => {
    const { line, column } = spans.at(err.offset, err.length);
    const image = source.text.slice(err.offset, err.offset + err.length);
    return createTokenInstance(t.Identifier, image, err.offset, err.offset + err.length - 1, line, line, column, column + err.length - 1);
  });
  const tokens = placeholders.length ? [...repaired, ...placeholders].sort((a, b) => a.startOffset - b.startOffset) : repaired;
  return { tokens, comments: lexed.groups['comments'] ?? [], diagnostics };
}

function retype(token: IToken, type: TokenType): IToken {
  return { ...token, tokenType: type, tokenTypeIdx: type.tokenTypeIdx! };
}

/** Characters of a run of bad ones named in a message; the rest are only counted. */
const MAX_NAMED = 8;

/**
 * `'$'`, or code points for characters that do not print plainly: `U+00A0`. Never a control character
 * itself, which would reach the terminal raw.
 */
function describeChars(chars: string): string {
  const all = [...chars];
  if (all.length > MAX_NAMED) return `${describeChars(all.slice(0, MAX_NAMED).join(''))} and ${(all.length - MAX_NAMED).toLocaleString('en-US')} more`;
  if (/^[\x21-\x7e]+$/.test(chars)) return `'${chars}'`;
  if (/^\p{L}+$/u.test(chars)) return `'${chars}' (${codePoints(chars)})`;
  return codePoints(chars);
}

function codePoints(chars: string): string {
  return [...chars].map((c) => 'U+' + c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')).join(' ');
}

function charHelp(chars: string): { message: string }[] {
  if (chars.startsWith(';')) return [{ message: 'a statement ends at the end of its line; tdl needs no semicolons' }];
  if (chars.startsWith("'")) return [{ message: 'strings take double quotes: "…"' }];
  if (/\p{L}/u.test(chars)) return [{ message: 'names are ASCII letters, digits and _, starting with a letter or _' }];
  if (/\s/u.test(chars)) return [{ message: 'only spaces, tabs and line breaks separate tokens' }];
  return [];
}

function numberHelp(image: string): string {
  const valid = /^(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+)/.exec(image)![0];
  const rest = image.slice(valid.length);
  if (/^\.\d/.test(rest)) return 'a number has at most one decimal point';
  if (/^[eE]$/.test(rest)) return 'an exponent needs digits: 1e-5, 2.5E3';
  if (/^[A-Za-z_]\w*$/.test(rest)) return `did you mean '${valid} * ${rest}'?`;
  return 'a number is digits, an optional .fraction and an optional exponent: 42, 0.02, 1e-5';
}
