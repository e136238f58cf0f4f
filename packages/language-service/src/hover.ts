// Hover: the symbolic shape of the value under the cursor, the parameters its expression declares and
// the FLOPs per token its nodes cost; on an operator's name, the registry's documentation.
import { modelContext, OPS, typeToString, valueAt } from '@tdl/compiler';
import type { Call } from '@tdl/dsl';
import { holds, rangeOf, type Analysis, type Range } from './document.js';
import { opMarkdown } from './ops-doc.js';
import { walkFile } from './walk.js';

export interface Hover {
  readonly range: Range;
  /** Markdown. */
  readonly contents: string;
  /** The value's type as the CLI prints it (`f32[T, 4096]`), when it is a tensor. */
  readonly shape?: string;
}

export function hover(doc: Analysis, offset: number): Hover | undefined {
  const call = calleeAt(doc, offset);
  const op = call ? OPS.get(call.callee.name) : undefined;
  if (call && op) return { range: rangeOf(call.callee.span), contents: opMarkdown(op) };
  const v = valueAt(doc.check, offset);
  if (!v) return undefined;
  const text = doc.text.slice(v.span.offset, v.span.offset + v.span.length).replace(/\s+/g, ' ');
  const head = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  if (!v.type) {
    if (v.number === undefined) return undefined;
    return { range: rangeOf(v.span), contents: `\`${head}\` = ${v.number}` };
  }
  const shape = typeToString(v.type);
  const per = v.layers > 1 ? ` (${v.layers} layers)` : '';
  const context = doc.check.graph ? modelContext(doc.check.graph) : undefined;
  const lines = [
    ['```tdl', `${head}: ${shape}`, '```'].join('\n'),
    `parameters: ${v.params.toLocaleString('en-US')}${v.params ? per : ''}`,
    `FLOPs/token: ${v.decodeFlops.toLocaleString('en-US')}${v.decodeFlops ? per : ''}${context ? `, decoding at context ${context}` : ''}`,
  ];
  return { range: rangeOf(v.span), contents: lines.join('\n\n'), shape };
}

/** The call whose operator name (not label, not arguments) holds the offset. */
export function calleeAt(doc: Analysis, offset: number): Call | undefined {
  let found: Call | undefined;
  if (!doc.check.ast) return undefined;
  walkFile(doc.check.ast, {
    expr(e) {
      if (e.kind === 'Call' && holds(e.callee.span, offset)) found = e;
    },
  });
  return found;
}
