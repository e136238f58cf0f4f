// Fusion, for targets whose kernels take it: two linear maps of the same input become one `linear2`
// step, one pass over the input (a gate and its up projection, say). Outputs are bit for bit those of
// the separate maps; moving the second map up is safe because its input and weights are ready already.
// Only per-token steps are fused; the memory's run once and stay as they are.
import type { LinearStep, Step } from './types.js';

/** The steps with each first pair of linear maps that share an input and row count fused. */
export function fuseSteps(steps: readonly Step[]): Step[] {
  const out: Step[] = [];
  const taken = new Set<Step>();
  const fusable = (s: Step): s is LinearStep => s.kind === 'linear' && s.phase === 'stream';
  for (let i = 0; i < steps.length; i++) {
    const a = steps[i]!;
    if (taken.has(a)) continue;
    if (!fusable(a)) {
      out.push(a);
      continue;
    }
    const b = steps.slice(i + 1).find((s): s is LinearStep => fusable(s) && !taken.has(s) && s.x.name === a.x.name && s.out.rows === a.out.rows && s.x.width === a.x.width);
    if (!b) {
      out.push(a);
      continue;
    }
    taken.add(b);
    out.push({ phase: 'stream', kind: 'linear2', first: a, second: b });
  }
  return out;
}
