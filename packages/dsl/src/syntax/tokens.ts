// The lexical structure of tdl: every token type, in the order the lexer tries them.
import { createToken, Lexer, type ILexerConfig, type ITokenConfig, type TokenType } from 'chevrotain';

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
export const Config = keyword('config');
export const Preset = keyword('preset');
export const Claim = keyword('claim');

/** Every keyword token. */
export const KEYWORDS = [Model, Block, Const, Input, Output, Repeat, As, If, Then, Else, Return, Checkpoint, Config, Preset, Claim];
/** The keywords as words, for "did you mean" suggestions and the TextMate grammar. */
export const KEYWORD_NAMES: readonly string[] = KEYWORDS.map((k) => String(k.PATTERN).replace(/\//g, ''));

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\r]+/, group: Lexer.SKIPPED });
/** Ends a statement; `terminators.ts` drops the newlines that only continue one. */
export const Newline = createToken({ name: 'Newline', pattern: /\n/, line_breaks: true, label: 'end of line' });
/** `## …` documents the declaration that follows it. */
export const DocComment = createToken({ name: 'DocComment', pattern: /##[^\n]*/, group: 'comments' });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: 'comments' });

/** A valid number: `12`, `0.02`, `1e-5`, `3.5E+2`. */
const NUMBER = /\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+/y;
const FLOAT = /\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+/y;
const INTEGER = /\d+/y;
/** What may follow a malformed number's valid start: letters, digits, `_`, and `.` before a digit. */
const NUMBER_TAIL = /(?:[A-Za-z0-9_]|\.\d)*/y;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Right after a `.` only integers are read, so the path `layers.0.1.weight` is not the number 0.1. */
function afterDot(text: string, offset: number): boolean {
  return text.charCodeAt(offset - 1) === 46;
}

function matchAt(re: RegExp, text: string, offset: number): RegExpExecArray | null {
  re.lastIndex = offset;
  return re.exec(text);
}

/**
 * A number run into letters or a second decimal point (`2d`, `1e`, `1.2.3`). Matched whole, so the
 * parser sees one bad number (reported once) instead of a number and a stray name. A number followed by
 * `.name` (`layers.0.attn`) is a valid number and a path.
 */
export const MalformedNumber = createToken({
  name: 'MalformedNumber',
  pattern: {
    exec(text: string, offset: number) {
      const path = afterDot(text, offset);
      const valid = matchAt(path ? INTEGER : NUMBER, text, offset);
      if (!valid) return null;
      const end = offset + valid[0].length;
      const intoName = /[A-Za-z_]/.test(text[end] ?? '');
      const secondPoint = !path && text.charCodeAt(end) === 46 && /\d/.test(text[end + 1] ?? '');
      if (!intoName && !secondPoint) return null;
      const tail = matchAt(NUMBER_TAIL, text, end)![0];
      return [text.slice(offset, end + tail.length)] as unknown as RegExpExecArray;
    },
  },
  start_chars_hint: DIGITS,
  line_breaks: false,
  label: 'number',
});

export const FloatLiteral = token({
  name: 'FloatLiteral',
  pattern: { exec: (text: string, offset: number) => (afterDot(text, offset) ? null : matchAt(FLOAT, text, offset)) },
  start_chars_hint: DIGITS,
  line_breaks: false,
  label: 'number',
});
export const IntegerLiteral = token({ name: 'IntegerLiteral', pattern: /\d+/, label: 'integer' });
export const StringLiteral = token({ name: 'StringLiteral', pattern: /"(?:[^"\\\n]|\\.)*"/, label: 'string' });
/** A string missing its closing quote; `parse` reports it and hands the parser a string in its place. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /"(?:[^"\\\n]|\\.)*/ });

/** Every binary operator; the AST builder gives each its precedence. */
export const BinaryOperator = createToken({ name: 'BinaryOperator', pattern: Lexer.NA, label: 'an operator' });
/** The arithmetic operators `+ - * / %`, the only ones allowed in an input's dimensions. */
export const ArithmeticOperator = createToken({
  name: 'ArithmeticOperator',
  pattern: Lexer.NA,
  categories: [BinaryOperator],
  label: 'an arithmetic operator',
});

function operator(config: ITokenConfig, arithmetic = false): TokenType {
  return createToken({ ...config, categories: [AnyToken, arithmetic ? ArithmeticOperator : BinaryOperator] });
}

export const Arrow = token({ name: 'Arrow', pattern: /<-/, label: "'<-'" });
export const EqEq = operator({ name: 'EqEq', pattern: /==/, label: "'=='" });
export const NotEq = operator({ name: 'NotEq', pattern: /!=/, label: "'!='" });
export const LessEq = operator({ name: 'LessEq', pattern: /<=/, label: "'<='" });
export const GreaterEq = operator({ name: 'GreaterEq', pattern: />=/, label: "'>='" });
export const Less = operator({ name: 'Less', pattern: /</, label: "'<'" });
export const Greater = operator({ name: 'Greater', pattern: />/, label: "'>'" });
export const AndAnd = operator({ name: 'AndAnd', pattern: /&&/, label: "'&&'" });
export const OrOr = operator({ name: 'OrOr', pattern: /\|\|/, label: "'||'" });
export const Pipe = token({ name: 'Pipe', pattern: /\|/, label: "'|'" });
export const Bang = token({ name: 'Bang', pattern: /!/, label: "'!'" });
export const Equals = token({ name: 'Equals', pattern: /=/, label: "'='" });
export const Plus = operator({ name: 'Plus', pattern: /\+/, label: "'+'" }, true);
export const Minus = operator({ name: 'Minus', pattern: /-/, label: "'-'" }, true);
export const Star = operator({ name: 'Star', pattern: /\*/, label: "'*'" }, true);
export const Slash = operator({ name: 'Slash', pattern: /\//, label: "'/'" }, true);
export const Percent = operator({ name: 'Percent', pattern: /%/, label: "'%'" }, true);
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
  MalformedNumber,
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
  BinaryOperator,
  ArithmeticOperator,
];

/** The lexer's settings; `validate` checks the token definitions (done by a test, skipped for speed). */
export function lexerConfig(validate: boolean): ILexerConfig {
  return {
    ensureOptimizations: true,
    skipValidations: !validate,
    positionTracking: 'full',
    // Only \n ends a line (a \r before it is a space), as in positionAt and the renderer.
    lineTerminatorsPattern: /\n/g,
    lineTerminatorCharacters: ['\n'],
  };
}

/** One lexer, built once and reused. */
export const tdlLexer = new Lexer(ALL_TOKENS, lexerConfig(false));

