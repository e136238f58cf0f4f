// Parser error messages in tdl's words, with "did you mean" hints for misspelt keywords.
import { EOF, type IParserErrorMessageProvider, type IToken, type TokenType } from 'chevrotain';
import { closestMatch } from '../suggest.js';
import { Identifier, KEYWORD_NAMES } from './tokens.js';

export function describeToken(token: IToken): string {
  if (token.tokenType === EOF) return 'the end of the file';
  if (token.tokenType === Identifier) return `name '${token.image}'`;
  return `'${token.image}'`;
}

function describeType(type: TokenType): string {
  if (type === EOF) return 'the end of the file';
  if (type === Identifier) return 'a name';
  return type.LABEL ?? type.name;
}

function listOf(words: string[]): string {
  const unique = [...new Set(words)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return unique.slice(0, -1).join(', ') + ' or ' + unique[unique.length - 1];
}

/** A hint when an identifier near the error is a misspelt keyword. */
export function keywordHint(...tokens: (IToken | undefined)[]): string {
  for (const token of tokens) {
    if (!token || token.tokenType !== Identifier) continue;
    const match = closestMatch(token.image, KEYWORD_NAMES);
    if (match) return ` (did you mean '${match}' instead of '${token.image}'?)`;
  }
  return '';
}

const EXPRESSION_RULES = new Set(['expression', 'unary', 'primary']);

export const tdlErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage({ expected, actual, previous }) {
    if (expected === EOF) return `expected 'model' or 'block', found ${describeToken(actual)}${keywordHint(actual)}`;
    return `expected ${describeType(expected)}, found ${describeToken(actual)}${keywordHint(actual, previous)}`;
  },
  buildNotAllInputParsedMessage({ firstRedundant }) {
    return `expected 'model' or 'block', found ${describeToken(firstRedundant)}${keywordHint(firstRedundant)}`;
  },
  buildNoViableAltMessage({ expectedPathsPerAlt, actual, previous, ruleName }) {
    if (EXPRESSION_RULES.has(ruleName)) return `expected an expression, found ${describeToken(actual[0]!)}${keywordHint(actual[0], previous)}`;
    const firsts = expectedPathsPerAlt.flatMap((alt) => alt.map((path) => (path[0] ? describeType(path[0]) : '')));
    return `expected ${listOf(firsts.filter(Boolean))}, found ${describeToken(actual[0]!)}${keywordHint(actual[0], previous)}`;
  },
  buildEarlyExitMessage({ expectedIterationPaths, actual, previous }) {
    const firsts = expectedIterationPaths.map((path) => (path[0] ? describeType(path[0]) : ''));
    return `expected at least one ${listOf(firsts.filter(Boolean))}, found ${describeToken(actual[0]!)}${keywordHint(actual[0], previous)}`;
  },
};
