// Explains a skipped line that starts with a keyword (or `name =`): parses it alone with the rule it
// starts, so the message names the exact token that went wrong (`expected ':', found name 'i32'`).
import { createTokenInstance, EOF, type IToken } from 'chevrotain';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { syntaxDiagnostic } from './errors.js';
import { tdlParser } from './parser.js';
import type { SpanMaker } from './span-maker.js';
import * as t from './tokens.js';

/** The rule each keyword starts. */
const RULE_OF = new Map([
  [t.Model, 'modelDecl'],
  [t.Block, 'blockDecl'],
  [t.Const, 'constDecl'],
  [t.Input, 'inputDecl'],
  [t.Output, 'outputDecl'],
  [t.Repeat, 'repeatStmt'],
  [t.If, 'ifStmt'],
  [t.Checkpoint, 'checkpointDecl'],
  [t.Config, 'configDecl'],
  [t.Preset, 'presetDecl'],
] as const);

/**
 * The syntax errors in `tokens` (one skipped line, with any braces it opened) parsed as the
 * declaration or statement its first tokens begin; empty if that rule accepts the line. Uses the
 * shared parser instance: call only when no other parse is under way.
 */
export function probeLine(tokens: readonly IToken[], text: string, spans: SpanMaker): Diagnostic[] {
  const assigns = tokens[0]!.tokenType === t.Identifier && tokens[1]?.tokenType === t.Equals;
  const rule = assigns ? 'assignment' : RULE_OF.get(tokens[0]!.tokenType as never);
  if (!rule) return [];
  const last = tokens[tokens.length - 1]!;
  const end = last.startOffset + last.image.length;
  const lineEnd = createTokenInstance(t.Newline, '', end, end, last.startLine ?? NaN, last.startLine ?? NaN, NaN, NaN);
  tdlParser.input = [...tokens, lineEnd];
  tdlParser[rule]();
  const context = { tokens, text, spans, end: spans.at(end, 0), isEnd: (tok: IToken) => tok === lineEnd };
  return tdlParser.errors
    // Running out of tokens is the file's business (an unclosed brace is reported once, by the main parse).
    .filter((err) => !(err.name === 'NotAllInputParsedException' && err.token === lineEnd) && err.token.tokenType !== EOF)
    .map((err) => syntaxDiagnostic(err, context));
}
