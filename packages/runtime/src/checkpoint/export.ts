// Writes parameters in a naming's stored layout: each plan entry run backwards, lazily, so a large
// checkpoint streams to disk one tensor at a time.
import { UsageError } from '../executor.js';
import type { WeightMap } from '../weights.js';
import type { CheckpointPlan, PlanEntry } from '../contract/checkpoint.js';
import { runBackward, splitSource } from './steps.js';
import type { Tensor } from './tensor-ops.js';

/** A tensor to write whose data is computed when asked for. */
export interface LazyTensor {
  readonly name: string;
  readonly shape: readonly number[];
  data(): Float32Array;
}

function storedOf(entry: PlanEntry) {
  return entry.source.kind === 'tensor' ? [entry.source.tensor] : entry.source.parts;
}

function invert(entry: PlanEntry, weights: WeightMap): Tensor[] {
  const targets = entry.targets.map((name, j) => {
    const data = weights.get(name);
    if (!data) throw new UsageError(`no value for parameter ${name} to export`);
    const shape = entry.steps.length ? entry.steps[entry.steps.length - 1]!.shapes[j]! : storedOf(entry)[0]!.shape;
    return { data, shape };
  });
  return splitSource(entry.source, runBackward(entry, targets));
}

/**
 * The stored tensors of `plan` holding `weights`, in plan order. A stored tensor read by several
 * entries (a tied weight) is written once, and only if every entry gives it the same value.
 */
export function exportNamed(plan: CheckpointPlan, weights: WeightMap): LazyTensor[] {
  const out: LazyTensor[] = [];
  const firstEntry = new Map<string, { entry: PlanEntry; index: number }>();
  for (const entry of plan.entries) {
    let cache: Tensor[] | undefined;
    let taken = 0;
    const parts = storedOf(entry);
    const compute = (j: number): Float32Array => {
      cache ??= invert(entry, weights);
      const data = cache[j]!.data;
      if (++taken === parts.length) cache = undefined;
      return data;
    };
    parts.forEach((t, j) => {
      const name = t.names[0]!;
      const prev = firstEntry.get(name);
      if (!prev) {
        firstEntry.set(name, { entry, index: j });
        out.push({ name, shape: t.shape, data: () => compute(j) });
        return;
      }
      const a = invert(prev.entry, weights)[prev.index]!.data;
      const b = invert(entry, weights)[j]!.data;
      if (a.length !== b.length || a.some((v, i) => v !== b[i])) {
        throw new UsageError(
          `naming '${plan.naming}' stores ${prev.entry.targets.join(', ')} and ${entry.targets.join(', ')} as one tensor '${name}', but their values differ`,
        );
      }
      taken++;
    });
  }
  return out;
}
