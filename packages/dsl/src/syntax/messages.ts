// Parser error messages in tdl's words, with "did you mean" hints for misspelt keywords.
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { closestMatch } from '../suggest.js';
import * as t from './tokens.js';

/** What the user wrote at an error, in words: `name 'x'`, `'}'`, `the end of the line`. */
export function describeToken(token: IToken): string {
  switch (token.tokenType) {
    case EOF:
      return 'the end of the file';
    case t.Newline:
      return 'the end of the line';
    case t.Identifier:
      return `name '${token.image}'`;
    case t.IntegerLiteral:
    case t.FloatLiteral:
    case t.MalformedNumber:
      return `number ${token.image}`;
    case t.StringLiteral:
      return `string ${token.image}`;
    default:
      return `'${token.image}'`;
  }
}

const TYPE_WORDS = new Map<TokenType, string>([
  [EOF, 'the end of the file'],
  [t.Newline, 'the end of the line'],
  [t.Identifier, 'a name'],
  [t.IntegerLiteral, 'an integer'],
  [t.FloatLiteral, 'a number'],
  [t.StringLiteral, 'a string'],
]);

/** What the parser expected, in words: `a name`, `'='`, `'repeat'`. */
export function describeType(type: TokenType): string {
  return TYPE_WORDS.get(type) ?? type.LABEL ?? type.name;
}

function listOf(words: readonly string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return unique.slice(0, -1).join(', ') + ' or ' + unique[unique.length - 1];
}

/** ` (did you mean 'as'?)` when the name found resembles a keyword the parser expected there. */
export function keywordHint(actual: IToken | undefined, expected: readonly TokenType[]): string {
  if (!actual || actual.tokenType !== t.Identifier) return '';
  const keywords = expected.filter((type) => t.KEYWORDS.includes(type)).map((type) => type.LABEL!.slice(1, -1));
  const match = closestMatch(actual.image, keywords);
  return match ? ` (did you mean '${match}'?)` : '';
}

/** Tokens after which an expression must follow: a line ending in one of them dangles. */
export const DANGLING = new Set<TokenType>([
  t.Equals, t.Arrow, t.Pipe, t.Plus, t.Minus, t.Star, t.Slash, t.Percent, t.EqEq, t.NotEq, t.Less, t.LessEq, t.Greater,
  t.GreaterEq, t.AndAnd, t.OrOr, t.Bang, t.Then, t.Else, t.If,
]);

/**
 * Whether an error at `actual` is better shown at the end of `previous`: the line ended after an
 * operator and the parser went looking for its operand on a later line.
 */
export function dangles(actual: IToken, previous: IToken | undefined): previous is IToken {
  if (!previous || !DANGLING.has(previous.tokenType)) return false;
  return actual.tokenType === EOF || Number.isNaN(actual.startLine) || (actual.startLine ?? 0) > (previous.startLine ?? 0);
}

/** "expected X" as it reads after an operator that nothing follows on its line. */
function afterDangling(what: string, previous: IToken): string {
  return `expected ${what} after '${previous.image}'`;
}

const EXPRESSION_RULES = new Set(['expression', 'ifExpression', 'binary', 'arithmetic', 'unary', 'primary']);
/** Rules whose closing bracket could also have been a comma. */
const LIST_RULES = new Set(['call', 'sourceCall', 'transform', 'listLiteral', 'inputDecl', 'patternSegment', 'blockDecl']);

export const tdlErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous, ruleName }) {
    if (expected === EOF) return `expected 'model' or 'block', found ${describeToken(actual)}`;
    const closer = expected === t.RParen || expected === t.RBracket;
    let what = describeType(expected);
    if (closer && LIST_RULES.has(ruleName) && previous.tokenType !== t.LParen && previous.tokenType !== t.LBracket) {
      what = `',' or ${what}`;
    }
    if (expected === t.Arrow) what = "'<-' (a rule reads: parameter <- checkpoint tensor)";
    if (expected === t.Repeat) what = "'repeat' after the label";
    if (expected === t.Return) what = "'return' (a block ends with 'return <value>')";
    if (expected === t.RCurly && ruleName === 'blockDecl') what = "'}' ('return' ends a block)";
    if (dangles(actual, previous)) return afterDangling(what, previous);
    return `expected ${what}, found ${describeToken(actual)}${keywordHint(actual, [expected])}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected the end of the line, found ${describeToken(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    const found = actual[0]!;
    if (ruleName === 'endOfStatement') return `expected the end of the line, found ${describeToken(found)}`;
    const firsts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0])).filter((x): x is TokenType => !!x);
    const what = EXPRESSION_RULES.has(ruleName) ? 'an expression' : listOf(firsts.map(describeType));
    if (dangles(found, previous)) return afterDangling(what, previous);
    return `expected ${what}, found ${describeToken(found)}${keywordHint(found, firsts)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, previous, ruleName }) {
    const found = actual[0]!;
    const firsts = expectedIterationPaths.map((path) => path[0]).filter((x): x is TokenType => !!x);
    const startsExpression = firsts.includes(t.Identifier) && firsts.includes(t.IntegerLiteral) && firsts.includes(t.LParen);
    const what = !startsExpression
      ? listOf(firsts.map(describeType))
      : ruleName === 'inputDecl'
        ? 'a dimension (a length such as T, or a size)'
        : 'an expression';
    if (dangles(found, previous)) return afterDangling(what, previous);
    return `expected ${what}, found ${describeToken(found)}${keywordHint(found, firsts)}`;
  },
};
