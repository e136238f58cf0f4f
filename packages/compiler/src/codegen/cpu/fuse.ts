// Fusion the CPU generator picks: two linear maps of the same input become one `k.linear2` call, one
// pass for the kernels (a gate and its up projection, say). Outputs are bit for bit those of the
// separate calls; moving the second map up is safe because its input and weights are ready already.
import type { Stmt } from './view.js';

/** The statements with each first pair of linear maps that share an input and row count fused. */
export function fuseLinears(statements: readonly Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  const taken = new Set<Stmt>();
  for (let i = 0; i < statements.length; i++) {
    const a = statements[i]!;
    if (taken.has(a)) continue;
    if (a.partial !== 'linear') {
      out.push(a);
      continue;
    }
    const b = statements.slice(i + 1).find((s) => s.partial === 'linear' && !taken.has(s) && s['x'] === a['x'] && s['rows'] === a['rows'] && s['inDim'] === a['inDim']);
    if (!b) {
      out.push(a);
      continue;
    }
    taken.add(b);
    const biases = a['bias'] || b['bias'] ? `, ${a['bias'] || 'undefined'}, ${b['bias'] || 'undefined'}` : '';
    out.push({ partial: 'linear2', first: a, second: b, x: a['x'], rows: a['rows'], inDim: a['inDim'], biases });
  }
  return out;
}
