// The compiler's diagnostics as an editor shows them: the CLI's codes and messages, label and notes kept.
import type { Analysis, Range } from './document.js';
import { rangeOf } from './document.js';

export interface EditorDiagnostic {
  readonly range: Range;
  readonly severity: 'error' | 'warning';
  readonly code: string;
  /** The CLI's headline, then its caret label and any notes without a place, one per line. */
  readonly message: string;
  /** Notes that point at another place in the same file (`first defined here`). */
  readonly related: readonly { readonly range: Range; readonly message: string }[];
}

export function diagnostics(doc: Analysis): EditorDiagnostic[] {
  return doc.check.diagnostics
    .filter((d) => d.span.file === doc.name)
    .map((d) => {
      const lines = [d.message, ...(d.label ? [d.label] : []), ...d.notes.filter((n) => !n.span || n.span.file !== doc.name).map((n) => `note: ${n.message}`)];
      const range = rangeOf(d.span);
      return {
        // A zero-length span (end of file) still needs a character to underline.
        range: range.to > range.from ? range : { from: range.from, to: Math.min(doc.text.length, range.from + 1) },
        severity: d.severity,
        code: d.code,
        message: lines.join('\n'),
        related: d.notes.flatMap((n) => (n.span && n.span.file === doc.name ? [{ range: rangeOf(n.span), message: n.message }] : [])),
      };
    });
}
