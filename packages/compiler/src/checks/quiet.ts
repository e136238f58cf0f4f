// Warnings held back while a file has errors: unused things are then mostly consequences of the errors.
import { hasErrors, type Diagnostic, type DiagnosticCode } from '@tdl/dsl';

export const QUIET_AFTER_ERRORS: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>(['W0401', 'W0402', 'W0403', 'W0404']);

/** The diagnostics, without the unused-thing warnings if any of them is an error. */
export function holdBackWarnings(ds: readonly Diagnostic[]): Diagnostic[] {
  return hasErrors(ds) ? ds.filter((d) => !QUIET_AFTER_ERRORS.has(d.code)) : [...ds];
}
