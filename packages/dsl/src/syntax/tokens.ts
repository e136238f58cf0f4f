// The lexical structure of tdl: every token type, in the order the lexer tries them.
import { createToken, Lexer, type ITokenConfig, type TokenType } from 'chevrotain';

/**
 * The category of every token that may appear in a stray line the parser skips (all but braces and
 * newlines): the grammar's error production `junk` matches it, so one typo costs one line, not a file.
 */
export const AnyToken = createToken({ name: 'AnyToken', pattern: Lexer.NA });

function token(config: ITokenConfig): TokenType {
  return createToken({ ...config, categories: [AnyToken] });
}

export const Identifier = token({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

function keyword(word: string): TokenType {
  const name = word[0]!.toUpperCase() + word.slice(1);
  return token({ name, pattern: new RegExp(word), longer_alt: Identifier, label: `'${word}'` });
}

export const Model = keyword('model');
export const Block = keyword('block');
export const Const = keyword('const');
export const Input = keyword('input');
export const Output = keyword('output');
export const Repeat = keyword('repeat');
export const As = keyword('as');
export const If = keyword('if');
export const Then = keyword('then');
export const Else = keyword('else');
export const Return = keyword('return');
export const Checkpoint = keyword('checkpoint');

/** Every keyword token. */
export const KEYWORDS = [Model, Block, Const, Input, Output, Repeat, As, If, Then, Else, Return, Checkpoint];
/** The keywords as words, for "did you mean" suggestions and the TextMate grammar. */
export const KEYWORD_NAMES: readonly string[] = KEYWORDS.map((k) => String(k.PATTERN).replace(/\//g, ''));

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r]+/, group: Lexer.SKIPPED });
/** Ends a statement; `terminators.ts` drops the newlines that only continue one. */
export const Newline = createToken({ name: 'Newline', pattern: /\n/, line_breaks: true, label: 'end of line' });
/** `## …` documents the declaration that follows it. */
export const DocComment = createToken({ name: 'DocComment', pattern: /##[^\n]*/, group: 'comments' });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: 'comments' });

export const FloatLiteral = token({
  name: 'FloatLiteral',
  pattern: /\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/,
  label: 'number',
});
export const IntegerLiteral = token({ name: 'IntegerLiteral', pattern: /\d+/, label: 'integer' });
export const StringLiteral = token({ name: 'StringLiteral', pattern: /"(?:[^"\\\n]|\\.)*"/, label: 'string' });
/** A string missing its closing quote; the parser reports it and carries on. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n]|\\.)*/ });

export const Arrow = token({ name: 'Arrow', pattern: /<-/, label: "'<-'" });
export const EqEq = token({ name: 'EqEq', pattern: /==/, label: "'=='" });
export const NotEq = token({ name: 'NotEq', pattern: /!=/, label: "'!='" });
export const LessEq = token({ name: 'LessEq', pattern: /<=/, label: "'<='" });
export const GreaterEq = token({ name: 'GreaterEq', pattern: />=/, label: "'>='" });
export const Less = token({ name: 'Less', pattern: /</, label: "'<'" });
export const Greater = token({ name: 'Greater', pattern: />/, label: "'>'" });
export const AndAnd = token({ name: 'AndAnd', pattern: /&&/, label: "'&&'" });
export const OrOr = token({ name: 'OrOr', pattern: /\|\|/, label: "'||'" });
export const Pipe = token({ name: 'Pipe', pattern: /\|/, label: "'|'" });
export const Bang = token({ name: 'Bang', pattern: /!/, label: "'!'" });
export const Equals = token({ name: 'Equals', pattern: /=/, label: "'='" });
export const Plus = token({ name: 'Plus', pattern: /\+/, label: "'+'" });
export const Minus = token({ name: 'Minus', pattern: /-/, label: "'-'" });
export const Star = token({ name: 'Star', pattern: /\*/, label: "'*'" });
export const Slash = token({ name: 'Slash', pattern: /\//, label: "'/'" });
export const Percent = token({ name: 'Percent', pattern: /%/, label: "'%'" });
export const LCurly = createToken({ name: 'LCurly', pattern: /\{/, label: "'{'" });
export const RCurly = createToken({ name: 'RCurly', pattern: /\}/, label: "'}'" });
export const LParen = token({ name: 'LParen', pattern: /\(/, label: "'('" });
export const RParen = token({ name: 'RParen', pattern: /\)/, label: "')'" });
export const LBracket = token({ name: 'LBracket', pattern: /\[/, label: "'['" });
export const RBracket = token({ name: 'RBracket', pattern: /\]/, label: "']'" });
export const Comma = token({ name: 'Comma', pattern: /,/, label: "','" });
export const Colon = token({ name: 'Colon', pattern: /:/, label: "':'" });
export const Dot = token({ name: 'Dot', pattern: /\./, label: "'.'" });

export const ALL_TOKENS: TokenType[] = [
  WhiteSpace,
  Newline,
  DocComment,
  Comment,
  FloatLiteral,
  IntegerLiteral,
  StringLiteral,
  UnterminatedString,
  ...KEYWORDS,
  Identifier,
  Arrow,
  EqEq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  AndAnd,
  OrOr,
  Pipe,
  Bang,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LCurly,
  RCurly,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Colon,
  Dot,
  AnyToken,
];

/** One lexer, built once and reused. */
export const tdlLexer = new Lexer(ALL_TOKENS, { ensureOptimizations: true, positionTracking: 'full' });
