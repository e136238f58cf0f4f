// parse(): text → AST plus syntax diagnostics. Never throws on user input.
import { AstBuilder } from './ast/build.js';
import type { FileNode } from './ast/nodes.js';
import { diagnostic, hasErrors, type Diagnostic } from './diagnostics/diagnostic.js';
import type { SourceFile } from './span.js';
import type { IToken } from 'chevrotain';
import { tooDeep, unclosedBrace } from './syntax/brackets.js';
import { syntaxDiagnostic } from './syntax/errors.js';
import { fixKeywordTypos } from './syntax/keyword-typos.js';
import { lex } from './syntax/lex.js';
import { tdlParser } from './syntax/parser.js';
import { SpanMaker } from './syntax/span-maker.js';
import { keepTerminators } from './syntax/terminators.js';

/** At most this many syntax errors are reported for one file; the rest are summarised. */
export const MAX_SYNTAX_ERRORS = 20;
/** Brackets, prefix operators and `if`s may nest this deep; deeper is refused before parsing (it could exhaust the stack). */
export const MAX_NESTING = 64;

export interface ParseResult {
  readonly ast: FileNode;
  readonly diagnostics: readonly Diagnostic[];
}

export function parse(source: SourceFile): ParseResult {
  const spans = new SpanMaker(source);
  const lexed = lex(source, spans);
  const diagnostics = [...lexed.diagnostics];
  const tokens = keepTerminators(lexed.tokens);
  const empty = (): FileNode => ({ kind: 'File', items: [], comments: [], span: spans.at(0, source.text.length) });

  const deep = tooDeep(tokens, MAX_NESTING);
  if (deep) {
    diagnostics.push(
      diagnostic('E0112', spans.ofToken(deep), `this nests more than ${MAX_NESTING} levels deep`, {
        label: 'tdl parses no further',
        notes: [{ message: 'brackets, prefix operators and the `if`s of one statement each count a level' }],
      }),
    );
    return { ast: empty(), diagnostics: capErrors(diagnostics) };
  }

  for (const typo of fixKeywordTypos(tokens)) {
    const span = spans.ofToken(typo.token);
    diagnostics.push(
      typo.resembles
        ? diagnostic('E0110', span, `'${typo.token.image}' is not a keyword; did you mean '${typo.keyword}'?`, { label: `read as '${typo.keyword}'` })
        : diagnostic('E0103', span, `expected 'model' or 'block', found name '${typo.token.image}'`, { label: "read as 'model'" }),
    );
  }

  let ast: FileNode;
  // Error recovery throws and catches an exception per error; their stack traces (a V8 feature) are never read.
  const errors = Error as ErrorConstructor & { stackTraceLimit?: number };
  const traceLimit = errors.stackTraceLimit;
  errors.stackTraceLimit = 0;
  try {
    tdlParser.input = tokens;
    const cst = tdlParser.file();
    const context = { tokens, text: source.text, spans, end: spans.end(), isEnd: () => false };
    tdlParser.errors.forEach((err, i) => diagnostics.push(syntaxDiagnostic(err, context, i)));
    const builder = new AstBuilder(source, lexed.comments, spans);
    ast = builder.buildFile(cst);
    diagnostics.push(...builder.diagnostics);
  } catch (error) {
    // Safety nets (the fuzz tests check neither is ever needed): MAX_NESTING keeps the parser's recursion
    // far from the stack's limit, and a tree left broken by error recovery has errors explaining it.
    if (error instanceof RangeError) diagnostics.push(diagnostic('E0112', spans.at(0, 0), 'this file nests expressions too deeply to parse'));
    else if (!hasErrors(diagnostics)) throw error;
    ast = empty();
  } finally {
    errors.stackTraceLimit = traceLimit;
  }
  return { ast, diagnostics: capErrors(quietMisnested(quietAfterLexErrors(diagnostics), tokens, source.text)) };
}

/**
 * With a `{` left open, the lines from where its body seems to end to the `}` it took from an outer
 * block are parsed at the wrong depth: their parse errors only repeat the missing brace.
 */
function quietMisnested(diagnostics: Diagnostic[], tokens: readonly IToken[], text: string): Diagnostic[] {
  if (!diagnostics.some((d) => d.code === 'E0111')) return diagnostics;
  const brace = unclosedBrace(tokens, text);
  if (!brace?.resumesAt || !brace.borrowedClose) return diagnostics;
  const from = brace.resumesAt.startOffset;
  const to = brace.borrowedClose.startOffset;
  return diagnostics.filter((d) => !PARSE_ERRORS.has(d.code) || d.span.offset < from || d.span.offset > to);
}

/** A parse error on the line of a bad character, after it, is only the parser tripping over the gap. */
function quietAfterLexErrors(diagnostics: Diagnostic[]): Diagnostic[] {
  const firstBadCharacter = new Map<number, number>();
  for (const d of diagnostics) {
    if (d.code === 'E0101' && !(d.span.offset >= (firstBadCharacter.get(d.span.line) ?? Infinity))) firstBadCharacter.set(d.span.line, d.span.offset);
  }
  if (firstBadCharacter.size === 0) return diagnostics;
  return diagnostics.filter((d) => !PARSE_ERRORS.has(d.code) || !(d.span.offset > (firstBadCharacter.get(d.span.line) ?? Infinity)));
}

const PARSE_ERRORS = new Set(['E0103', 'E0104', 'E0105']);

function capErrors(diagnostics: Diagnostic[]): Diagnostic[] {
  const sorted = [...diagnostics].sort((a, b) => a.span.offset - b.span.offset);
  // Recovery can report the same place twice; keep the first message for each offset.
  const unique = sorted.filter((d, i) => i === 0 || sorted[i - 1]!.span.offset !== d.span.offset);
  if (unique.length <= MAX_SYNTAX_ERRORS) return unique;
  const kept = unique.slice(0, MAX_SYNTAX_ERRORS);
  const rest = unique.length - MAX_SYNTAX_ERRORS;
  kept.push(
    diagnostic('E0106', unique[MAX_SYNTAX_ERRORS]!.span, `${rest} more syntax error${rest === 1 ? '' : 's'} not shown`, {
      notes: [{ message: `tdl reports at most ${MAX_SYNTAX_ERRORS} syntax errors per file` }],
    }),
  );
  return kept;
}
