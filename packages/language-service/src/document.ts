// One open model file and what the compiler knows about it, computed once per text.
import { checkSource, type CheckOptions, type CheckResult } from '@tdl/compiler';
import type { Span } from '@tdl/dsl';

/** A range of a document in UTF-16 offsets, end exclusive (what CodeMirror uses; LSP converts). */
export interface Range {
  readonly from: number;
  readonly to: number;
}

export interface Analysis {
  readonly name: string;
  readonly text: string;
  /** The compiler's result: AST, graph, diagnostics and the value of every expression by span. */
  readonly check: CheckResult;
}

/** Parses, lowers and checks a document's text with the compiler (never throws on user input). */
export function analyze(name: string, text: string, options: CheckOptions = {}): Analysis {
  return { name, text, check: checkSource({ name, text }, options) };
}

export function rangeOf(span: Span): Range {
  return { from: span.offset, to: span.offset + span.length };
}

export function holds(span: Span, offset: number): boolean {
  return offset >= span.offset && offset <= span.offset + span.length;
}
