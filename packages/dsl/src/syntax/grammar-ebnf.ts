// The grammar as EBNF, printed from the parser itself (its GAST), so the language reference cannot drift
// from what the parser accepts. Error productions, which only exist to report mistakes, are left out.
import { Lexer, type TokenType } from 'chevrotain';
import { tdlParser } from './parser.js';
import * as t from './tokens.js';

/** Rules that only swallow mistakes so they can be reported: not part of the language. */
const ERROR_PRODUCTIONS = new Set(['junk', 'strayBrace', 'afterReturn']);

/** How terminals read in the grammar: keywords and punctuation quoted, classes of tokens by name. */
const TERMINAL_NAMES: Record<string, string> = {
  Identifier: 'name',
  IntegerLiteral: 'integer',
  FloatLiteral: 'float',
  StringLiteral: 'string',
  Newline: 'NEWLINE',
  BinaryOperator: 'binaryOperator',
  ArithmeticOperator: 'arithmeticOperator',
};

/** A node of chevrotain's serialized grammar (its GAST), as much of it as printing needs. */
interface Node {
  readonly type: string;
  readonly name?: string;
  readonly label?: string;
  readonly definition?: readonly Node[];
  readonly separator?: Node;
}

function isErrorProduction(node: Node): boolean {
  return node.type === 'NonTerminal' && ERROR_PRODUCTIONS.has(node.name!);
}

function terminal(node: Node): string {
  return TERMINAL_NAMES[node.name!] ?? node.label ?? node.name!;
}

/** A sequence, `null` when it is only an error production. */
function sequence(items: readonly Node[]): string | null {
  const kept = items.filter((n) => !isErrorProduction(n));
  if (items.length > 0 && kept.length === 0) return null;
  return kept.map((n) => render(n)).filter((s) => s !== '').join(' ');
}

function group(body: string): string {
  return /^\S+$/.test(body) || /^\(.*\)$/.test(body) ? body : `( ${body} )`;
}

function alternatives(node: Node): string[] {
  const alts = node.definition!.map((alt) => {
    const items = alt.definition!;
    return items.length === 0 ? "? nothing, before '}' or the end of the file ?" : sequence(items);
  });
  return alts.filter((a): a is string => a !== null);
}

function render(node: Node): string {
  const inner = () => {
    const items = node.definition!;
    // A choice alone in brackets needs no parentheses of its own: `{ a | b }`.
    if (items.length === 1 && items[0]!.type === 'Alternation') return alternatives(items[0]!).join(' | ');
    return sequence(items) ?? '';
  };
  switch (node.type) {
    case 'Terminal':
      return terminal(node);
    case 'NonTerminal':
      return node.name!;
    case 'Option':
      return `[ ${inner()} ]`;
    case 'Repetition':
      return `{ ${inner()} }`;
    case 'RepetitionMandatory':
      return `${group(inner())} { ${inner()} }`;
    case 'RepetitionWithSeparator':
    case 'RepetitionMandatoryWithSeparator': {
      const sep = terminal(node.separator!);
      const body = inner();
      const list = `${group(body)} { ${sep} ${body} }`;
      return node.type === 'RepetitionWithSeparator' ? `[ ${list} ]` : list;
    }
    case 'Alternation': {
      const alts = alternatives(node);
      return alts.length === 1 ? alts[0]! : `( ${alts.join(' | ')} )`;
    }
    default:
      return inner();
  }
}

/** One rule: `name = body ;`, a top-level choice one alternative a line when it is long. */
function renderRule(rule: Node): string {
  const definition = rule.definition!;
  const only = definition.length === 1 ? definition[0]! : undefined;
  const head = `${rule.name} =`;
  if (only?.type === 'Alternation') {
    const alts = alternatives(only);
    const one = `${head} ${alts.join(' | ')} ;`;
    if (one.length <= 100) return one;
    const pad = ' '.repeat(head.length - 1);
    return `${head} ${alts[0]}\n${alts.slice(1).map((a) => `${pad}| ${a}`).join('\n')} ;`;
  }
  return `${head} ${sequence(definition) ?? ''} ;`;
}

/** The operator tokens in a category, as quoted in the grammar. */
function operatorsIn(category: TokenType): TokenType[] {
  return t.ALL_TOKENS.filter((tok) => tok.PATTERN !== Lexer.NA && tok.CATEGORIES?.includes(category));
}

/** The whole grammar of tdl in EBNF, starting from `file`. */
export function grammarEbnf(): string {
  const rules = tdlParser.getSerializedGastProductions() as unknown as Node[];
  const lines = rules.filter((r) => !ERROR_PRODUCTIONS.has(r.name!)).map(renderRule);
  const arithmetic = operatorsIn(t.ArithmeticOperator);
  const others = operatorsIn(t.BinaryOperator).filter((tok) => !arithmetic.includes(tok));
  lines.push(`binaryOperator = ${[...others.map((o) => o.LABEL), 'arithmeticOperator'].join(' | ')} ;`);
  lines.push(`arithmeticOperator = ${arithmetic.map((o) => o.LABEL).join(' | ')} ;`);
  return lines.join('\n');
}
