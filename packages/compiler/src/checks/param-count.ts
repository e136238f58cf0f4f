// Every parameter tensor, and the model in all, has at most 2^53 − 1 elements: no backend holds more,
// and past it counts stop being exact.
import { diagnostic, type Diagnostic, type Span } from '@tdl/dsl';
import { MAX_EXACT, MAX_EXACT_TEXT } from '../ir/limits.js';
import type { ParamInfo } from '../ir/nodes.js';
import type { CheckRule } from './rule.js';

const LIMIT = BigInt(MAX_EXACT);
const count = (n: bigint) => n.toLocaleString('en-US');
const spanKey = (s: Span) => `${s.file}:${s.offset}:${s.length}`;

/** Elements of a shape, exactly; undefined for a dimension that is no whole number (another check reports it). */
function elements(shape: readonly number[]): bigint | undefined {
  if (!shape.every(Number.isInteger)) return undefined;
  return shape.reduce((n, d) => n * BigInt(d), 1n);
}

export const paramCount: CheckRule = {
  name: 'param-count',
  readsShapes: false,
  graph(ctx) {
    // After an error the shapes of what it blames may only follow from it (heads that do not divide d).
    if (ctx.tainted.size) return [];
    // The parameters declared at each span (the layers of a repeat share theirs) that pass the limit.
    const tooLarge = new Map<string, { first: ParamInfo; size: bigint; tensors: number }>();
    const byComponent = new Map<string, { span: Span; size: bigint }>();
    let total = 0n;
    for (const p of ctx.graph.params) {
      const size = elements(p.shape);
      if (size === undefined) return [];
      total += size;
      const c = byComponent.get(p.component);
      byComponent.set(p.component, { span: c?.span ?? p.span, size: (c?.size ?? 0n) + size });
      if (size <= LIMIT) continue;
      const key = spanKey(p.span);
      const seen = tooLarge.get(key);
      if (seen) seen.tensors++;
      else tooLarge.set(key, { first: p, size, tensors: 1 });
    }
    const out: Diagnostic[] = [];
    for (const { first, size, tensors } of tooLarge.values()) {
      out.push(
        diagnostic('E0323', first.span, `parameter ${first.name} has ${count(size)} elements, more than ${MAX_EXACT_TEXT}`, {
          label: `its shape is [${first.shape.map((d) => d.toLocaleString('en-US')).join(', ')}]${tensors > 1 ? `; ${tensors - 1} more tensors declared here pass the limit too` : ''}`,
          notes: [{ message: 'no backend holds a tensor this large, and counts past 2^53 − 1 are not exact' }],
        }),
      );
    }
    if (out.length || total <= LIMIT) return out;
    const [component, largest] = [...byComponent].reduce((a, b) => (b[1].size > a[1].size ? b : a));
    return [
      diagnostic('E0323', largest.span, `the model has ${count(total)} parameters, more than ${MAX_EXACT_TEXT}`, {
        label: `${component} holds ${count(largest.size)} of them`,
        notes: [{ message: 'no backend holds a model this large, and counts past 2^53 − 1 are not exact' }],
      }),
    ];
  },
};
