// Inlay hints: the shape an assignment or output leaves, shown at the end of its line.
import { typeToString } from '@tdl/compiler';
import type { Span } from '@tdl/dsl';
import type { Analysis } from './document.js';
import { walkFile } from './walk.js';

export interface InlayHint {
  /** Where the hint sits: the end of the statement. */
  readonly offset: number;
  /** `: f32[T, 4096]`; shapes that differ between layers are joined with ` | `. */
  readonly label: string;
}

export function inlayHints(doc: Analysis, range?: { from: number; to: number }): InlayHint[] {
  const ast = doc.check.ast;
  if (!ast) return [];
  const hints: InlayHint[] = [];
  walkFile(ast, {
    statement(s) {
      if (s.kind !== 'Assign' && s.kind !== 'Output') return;
      const end = s.span.offset + s.span.length;
      if (range && (end < range.from || end > range.to)) return;
      // A statement with an error in it shows the error, not the shape lowering recovered with.
      if (errorsIn(doc, s.span)) return;
      const shapes = shapesBoundAt(doc, s.kind === 'Assign' ? s.target.span : s.name.span);
      if (shapes.length) hints.push({ offset: end, label: `: ${shapes.join(' | ')}` });
    },
  });
  return hints;
}

/** The distinct types recorded for a bound name (one per layer inside a repeat), in order. */
function shapesBoundAt(doc: Analysis, span: Span): string[] {
  const out: string[] = [];
  for (const v of doc.check.valueSpans) {
    if (v.span.offset !== span.offset || v.span.length !== span.length || !v.type) continue;
    const t = typeToString(v.type);
    if (!out.includes(t)) out.push(t);
  }
  return out;
}

function errorsIn(doc: Analysis, span: Span): boolean {
  return doc.check.diagnostics.some((d) => d.severity === 'error' && d.span.file === doc.name && d.span.offset >= span.offset && d.span.offset < span.offset + span.length);
}
