// parse(): text → AST plus syntax diagnostics. Never throws on user input.
import type { IRecognitionException } from 'chevrotain';
import { AstBuilder } from './ast/build.js';
import type { FileNode } from './ast/nodes.js';
import { diagnostic, type Diagnostic } from './diagnostics/diagnostic.js';
import type { DiagnosticCode } from './diagnostics/registry.js';
import type { SourceFile, Span } from './span.js';
import { spanAt } from './span.js';
import { tdlParser } from './syntax/parser.js';
import { keepTerminators } from './syntax/terminators.js';
import { tdlLexer, UnterminatedString } from './syntax/tokens.js';

/** At most this many syntax errors are reported for one file; the rest are summarised. */
export const MAX_SYNTAX_ERRORS = 20;

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
  const diagnostics: Diagnostic[] = [];
  const lexed = tdlLexer.tokenize(source.text);
  for (const err of lexed.errors) {
    const char = source.text.slice(err.offset, err.offset + err.length);
    diagnostics.push(
      diagnostic('E0101', spanAt(source, err.offset, err.length), `unexpected character ${JSON.stringify(char.slice(0, 1))}`),
    );
  }
  const tokens = lexed.tokens.filter((tok) => {
    if (tok.tokenType !== UnterminatedString) return true;
    diagnostics.push(
      diagnostic('E0102', spanAt(source, tok.startOffset, tok.image.length), 'this string has no closing quote', {
        label: 'add a " before the end of the line',
      }),
    );
    return false;
  });

  tdlParser.input = keepTerminators(tokens);
  const cst = tdlParser.file();
  for (const err of tdlParser.errors) diagnostics.push(syntaxDiagnostic(source, err));
  const comments = lexed.groups['comments'] ?? [];

  let ast: FileNode;
  try {
    const builder = new AstBuilder(source, comments);
    ast = builder.buildFile(cst);
    diagnostics.push(...builder.diagnostics);
  } catch (error) {
    // A tree left broken by error recovery may not build; the syntax errors already say why.
    if (diagnostics.length === 0) throw error;
    ast = { kind: 'File', items: [], comments: [], span: spanAt(source, 0, source.text.length) };
  }
  return { ast, diagnostics: capErrors(source, diagnostics) };
}

function syntaxDiagnostic(source: SourceFile, err: IRecognitionException): Diagnostic {
  const tok = err.token;
  const atEnd = Number.isNaN(tok.startOffset) || tok.tokenType.name === 'EOF';
  const span: Span = atEnd
    ? spanAt(source, source.text.trimEnd().length, 0)
    : spanAt(source, tok.startOffset, tok.image.length);
  return diagnostic(EXCEPTION_CODES[err.name] ?? 'E0103', span, err.message);
}

function capErrors(source: SourceFile, diagnostics: Diagnostic[]): Diagnostic[] {
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
