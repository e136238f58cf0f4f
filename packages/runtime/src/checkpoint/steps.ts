// Runs a plan entry's transforms forwards (loading) and backwards (exporting).
import type { PlanEntry, PlanSource, PlanStep } from '../contract/checkpoint.js';
import { concat, ropePermute, split, transpose, type Tensor } from './tensor-ops.js';

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function checkShapes(step: PlanStep, tensors: readonly Tensor[], entry: PlanEntry): void {
  const ok = tensors.length === step.shapes.length && tensors.every((t, j) => sameShape(t.shape, step.shapes[j]!));
  if (!ok) throw new Error(`internal error: step ${step.op} of the mapping at ${entry.rule} made [${tensors.map((t) => `[${t.shape.join(', ')}]`).join(', ')}]`);
}

/** Applies one step to every tensor in hand (a split turns one into several). */
function forward(step: PlanStep, tensors: readonly Tensor[]): Tensor[] {
  switch (step.op) {
    case 'transpose':
      return tensors.map((t) => transpose(t, step.axes[0], step.axes[1]));
    case 'split':
      return tensors.flatMap((t) => split(t, step.axis, step.sizes, step.groups));
    case 'reshape':
      return tensors.map((t, j) => ({ data: t.data, shape: step.shapes[j]! }));
    case 'rope':
      return tensors.map((t) => ropePermute(t, step.heads, step.to));
  }
}

/** The source tensor (before the steps) from the stored tensors it reads, in `storedTensors` order. */
export function joinSource(source: PlanSource, stored: readonly Tensor[]): Tensor {
  return source.kind === 'tensor' ? stored[0]! : concat(stored, source.axis, source.groups);
}

/** The parameters an entry fills, in `entry.targets` order, from its source tensor. */
export function runForward(entry: PlanEntry, input: Tensor): Tensor[] {
  let tensors: Tensor[] = [input];
  for (const step of entry.steps) {
    tensors = forward(step, tensors);
    checkShapes(step, tensors, entry);
  }
  return tensors;
}

/** The shape of the tensor a source produces (before the steps). */
export function sourceShape(source: PlanSource): readonly number[] {
  if (source.kind === 'tensor') return source.tensor.shape;
  const total = source.parts.reduce((n, p) => n + p.shape[source.axis]!, 0);
  return source.parts[0]!.shape.map((d, k) => (k === source.axis ? total : d));
}

/** Undoes one step: from the tensors after it to the tensors before it (of `before` shapes). */
function backward(step: PlanStep, tensors: readonly Tensor[], before: readonly (readonly number[])[]): Tensor[] {
  switch (step.op) {
    case 'transpose':
      return tensors.map((t) => transpose(t, step.axes[0], step.axes[1]));
    case 'split':
      return [concat(tensors, step.axis, step.groups)];
    case 'reshape':
      return tensors.map((t, j) => ({ data: t.data, shape: before[j]! }));
    case 'rope':
      return tensors.map((t) => ropePermute(t, step.heads, step.to === 'half' ? 'interleaved' : 'half'));
  }
}

/** The source tensor that loads as `targets` (the parameters' values, in `entry.targets` order). */
export function runBackward(entry: PlanEntry, targets: readonly Tensor[]): Tensor {
  let tensors: Tensor[] = [...targets];
  for (let k = entry.steps.length - 1; k >= 0; k--) {
    const before = k > 0 ? entry.steps[k - 1]!.shapes : [sourceShape(entry.source)];
    tensors = backward(entry.steps[k]!, tensors, before);
  }
  return tensors[0]!;
}

/** Cuts a source tensor back into the stored tensors it was read from. */
export function splitSource(source: PlanSource, joined: Tensor): Tensor[] {
  if (source.kind === 'tensor') return [joined];
  return split(joined, source.axis, source.parts.map((p) => p.shape[source.axis]!), source.groups);
}
