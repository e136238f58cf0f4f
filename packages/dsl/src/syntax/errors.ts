// Turns chevrotain's recognition errors into diagnostics: the right place (the dangling operator, the
// end of the line), the code for the kind of error, and a note pointing at an unclosed bracket.
import { EOF, type IRecognitionException, type IToken } from 'chevrotain';
import { diagnostic, type Diagnostic } from '../diagnostics/diagnostic.js';
import type { DiagnosticCode } from '../diagnostics/registry.js';
import type { Span } from '../span.js';
import { unclosedBrace, unclosedOpener } from './brackets.js';
import { dangles } from './messages.js';
import type { SpanMaker } from './span-maker.js';
import * as t from './tokens.js';

const EXCEPTION_CODES: Record<string, DiagnosticCode> = {
  MismatchedTokenException: 'E0103',
  NotAllInputParsedException: 'E0103',
  NoViableAltException: 'E0104',
  EarlyExitException: 'E0105',
};

/** Past this many errors, notes about unclosed brackets are not looked for (each look scans the file). */
const NOTED_ERRORS = 50;

/** What a label may stand before, for a `name: op(…)` line. */
export const LABEL_NOTE = 'a labelled call is a value: `name = label: op(…)`; a statement may carry a label only before `repeat`';

export interface ErrorContext {
  /** The tokens that were parsed, for finding unclosed brackets. */
  readonly tokens: readonly IToken[];
  readonly text: string;
  readonly spans: SpanMaker;
  /** Where input ran out: the end of the file, or of the one line probed. */
  readonly end: Span;
  /** Whether `token` stands for the end of the input (EOF, or a probe's line end). */
  isEnd(token: IToken): boolean;
}

/** The diagnostic for the `index`-th recognition error of a parse. */
export function syntaxDiagnostic(err: IRecognitionException, ctx: ErrorContext, index = 0): Diagnostic {
  const tok = err.token;
  const code = EXCEPTION_CODES[err.name] ?? 'E0103';
  const previous = (err as { previousToken?: IToken }).previousToken;
  const atEnd = tok.tokenType === EOF || Number.isNaN(tok.startOffset) || ctx.isEnd(tok);
  if (tok.tokenType === EOF && /^expected '}'/.test(err.message)) {
    const brace = unclosedBrace(ctx.tokens, ctx.text);
    if (brace) {
      const notes = brace.resumesAt
        ? [{ message: `line ${brace.resumesAt.startLine} is indented as if the block ended before it`, span: ctx.spans.ofToken(brace.resumesAt) }]
        : [];
      return diagnostic('E0111', ctx.spans.ofToken(brace.opener), "this '{' is never closed", { label: "the file ends before its '}'", notes });
    }
  }
  if (dangles(tok, previous)) return diagnostic(code, ctx.spans.ofToken(previous), err.message, { label: 'nothing follows it on this line' });
  const span = atEnd ? ctx.end : ctx.spans.ofToken(tok);
  const closer = /^expected (?:',' or )?'([)\]}])'/.exec(err.message)?.[1];
  const closerType = closer === ')' ? t.RParen : closer === ']' ? t.RBracket : closer === '}' ? t.RCurly : undefined;
  const opener = closerType && index < NOTED_ERRORS && unclosedOpener(ctx.tokens, closerType, atEnd ? Infinity : tok.startOffset);
  const notes: { message: string; span?: Span }[] = opener ? [{ message: `to close this '${opener.image}'`, span: ctx.spans.ofToken(opener) }] : [];
  if (err.message.startsWith("expected 'repeat' after the label")) notes.push({ message: LABEL_NOTE });
  return diagnostic(code, span, err.message, { notes });
}
