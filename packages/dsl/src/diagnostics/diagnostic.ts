// Diagnostics as values: what went wrong in a user's file, where, and what may help.
import type { Span } from '../span.js';
import { DIAGNOSTICS, type DiagnosticCode, type Severity } from './registry.js';

/** A note attached to a diagnostic: extra context, optionally pointing at another place. */
export interface DiagnosticNote {
  readonly message: string;
  readonly span?: Span;
}

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  /** The headline, one line, no trailing period. */
  readonly message: string;
  readonly span: Span;
  /** Printed beside the caret; says what is at the span. */
  readonly label?: string;
  readonly notes: readonly DiagnosticNote[];
}

/** Builds a diagnostic whose severity comes from the registry. */
export function diagnostic(
  code: DiagnosticCode,
  span: Span,
  message: string,
  options: { label?: string; notes?: readonly DiagnosticNote[] } = {},
): Diagnostic {
  return {
    code,
    severity: DIAGNOSTICS[code].severity,
    message,
    span,
    ...(options.label !== undefined ? { label: options.label } : {}),
    notes: options.notes ?? [],
  };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Orders diagnostics by file, then position, then code: stable output for goldens. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.span.file.localeCompare(b.span.file) || a.span.offset - b.span.offset || a.code.localeCompare(b.code),
  );
}

/** Thrown only for a compiler bug: a broken internal invariant, never a user's mistake. */
export class InvariantError extends Error {
  constructor(message: string) {
    super(`internal compiler error: ${message} (this is a bug in tdl, please report it)`);
    this.name = 'InvariantError';
  }
}

export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
