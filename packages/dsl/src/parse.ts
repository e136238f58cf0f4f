// parse(): text → AST plus syntax diagnostics. Never throws on user input.
import { EOF, type IRecognitionException, type IToken } from 'chevrotain';
import { AstBuilder } from './ast/build.js';
import type { FileNode } from './ast/nodes.js';
import { diagnostic, type Diagnostic } from './diagnostics/diagnostic.js';
import type { DiagnosticCode } from './diagnostics/registry.js';
import type { SourceFile } from './span.js';
import { tooDeep, unclosedOpener } from './syntax/brackets.js';
import { fixKeywordTypos } from './syntax/keyword-typos.js';
import { lex } from './syntax/lex.js';
import { dangles } from './syntax/messages.js';
import { tdlParser } from './syntax/parser.js';
import { SpanMaker } from './syntax/span-maker.js';
import { keepTerminators } from './syntax/terminators.js';
import * as t from './syntax/tokens.js';

/** At most this many syntax errors are reported for one file; the rest are summarised. */
export const MAX_SYNTAX_ERRORS = 20;
/** Brackets may nest this deep; deeper nesting is refused before parsing (it would exhaust the stack). */
export const MAX_NESTING = 64;

export interface ParseResult {
  readonly ast: FileNode;
  readonly diagnostics: readonly Diagnostic[];
}

const EXCEPTION_CODES: Record<string, DiagnosticCode> = {
  MismatchedTokenException: 'E0103',
  NotAllInputParsedException: 'E0103',
  NoViableAltException: 'E0104',
  EarlyExitException: 'E0105',
};

export function parse(source: SourceFile): ParseResult {
  const spans = new SpanMaker(source);
  const lexed = lex(source, spans);
  const diagnostics = [...lexed.diagnostics];
  const tokens = keepTerminators(lexed.tokens);
  const empty = (): FileNode => ({ kind: 'File', items: [], comments: [], span: spans.at(0, source.text.length) });

  const deep = tooDeep(tokens, MAX_NESTING);
  if (deep) {
    diagnostics.push(diagnostic('E0112', spans.ofToken(deep), `brackets nest more than ${MAX_NESTING} deep here`, { label: 'tdl parses no further' }));
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
  try {
    tdlParser.input = tokens;
    const cst = tdlParser.file();
    for (const err of tdlParser.errors) diagnostics.push(syntaxDiagnostic(err, tokens, source, spans));
    const builder = new AstBuilder(source, lexed.comments, spans);
    ast = builder.buildFile(cst);
    diagnostics.push(...builder.diagnostics);
  } catch (error) {
    // Nesting the bracket limit does not catch (thousands of `-` or `if … then`) can exhaust the stack.
    if (!(error instanceof RangeError)) throw error;
    diagnostics.push(diagnostic('E0112', spans.at(0, 0), 'this file nests expressions too deeply to parse'));
    ast = empty();
  }
  return { ast, diagnostics: capErrors(quietAfterLexErrors(diagnostics)) };
}

function syntaxDiagnostic(err: IRecognitionException, tokens: readonly IToken[], source: SourceFile, spans: SpanMaker): Diagnostic {
  const tok = err.token;
  const previous = (err as { previousToken?: IToken }).previousToken;
  const atEnd = tok.tokenType === EOF || Number.isNaN(tok.startOffset);
  if (atEnd) {
    const brace = unclosedOpener(tokens, source.text, t.RCurly, Infinity);
    if (brace && /^expected '}'/.test(err.message)) {
      return diagnostic('E0111', spans.ofToken(brace), "this '{' is never closed", {
        label: "the file ends before its '}'",
      });
    }
  }
  if (dangles(tok, previous)) return diagnostic(EXCEPTION_CODES[err.name] ?? 'E0103', spans.ofToken(previous), err.message, { label: 'nothing follows it on this line' });
  const span = atEnd ? spans.end() : spans.ofToken(tok);
  const closer = /^expected (?:',' or )?'([)\]}])'/.exec(err.message)?.[1];
  const closerType = closer === ')' ? t.RParen : closer === ']' ? t.RBracket : closer === '}' ? t.RCurly : undefined;
  const opener = closerType && unclosedOpener(tokens, source.text, closerType, atEnd ? Infinity : tok.startOffset);
  const notes = opener ? [{ message: `to close this '${opener.image}'`, span: spans.ofToken(opener) }] : [];
  return diagnostic(EXCEPTION_CODES[err.name] ?? 'E0103', span, err.message, { notes });
}

/** A parse error on the line of a bad character, after it, is only the parser tripping over the gap. */
function quietAfterLexErrors(diagnostics: Diagnostic[]): Diagnostic[] {
  const lexical = diagnostics.filter((d) => d.code === 'E0101');
  return diagnostics.filter(
    (d) => !['E0103', 'E0104', 'E0105'].includes(d.code) || !lexical.some((l) => l.span.line === d.span.line && l.span.offset < d.span.offset),
  );
}

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
