// Model parameters as a backend receives them: names, shapes, how to initialise them, and a store.
import { UsageError } from './executor.js';
import { NormalStream } from './init/normal.js';
import type { ParamSpec } from './contract/model.js';

export function numelOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Weights by parameter name, each float32 in the parameter's shape (row-major). */
export type WeightMap = ReadonlyMap<string, Float32Array>;

/** Seeded random weights: normal(0, std) matrices, ones and zeros for norms and biases. */
export function initWeights(params: readonly ParamSpec[], seed: number, onParam?: (name: string, data: Float32Array) => void): Map<string, Float32Array> {
  const rng = new NormalStream(seed);
  const out = new Map<string, Float32Array>();
  for (const p of params) {
    const data = new Float32Array(numelOf(p.shape));
    if (p.init.kind === 'ones') data.fill(1);
    else if (p.init.kind === 'normal') rng.fill(data, p.init.std);
    // With onParam each array goes there as it is made (and the map stays empty).
    if (onParam) onParam(p.name, data);
    else out.set(p.name, data);
  }
  return out;
}

/** Checks that `weights` has exactly the parameters of `params`, in their shapes, naming every problem. */
export function validateWeights(
  params: readonly ParamSpec[],
  weights: ReadonlyMap<string, { readonly shape: readonly number[] }>,
  source: string,
): void {
  const problems: string[] = [];
  const expected = new Map(params.map((p) => [p.name, p.shape]));
  const missing = params.filter((p) => !weights.has(p.name)).map((p) => `${p.name} [${p.shape.join(', ')}]`);
  const extra = [...weights.keys()].filter((n) => !expected.has(n));
  const misshaped = params.flatMap((p) => {
    const w = weights.get(p.name);
    if (!w || (w.shape.length === p.shape.length && w.shape.every((d, i) => d === p.shape[i]))) return [];
    return [`${p.name}: expected [${p.shape.join(', ')}], found [${w.shape.join(', ')}]`];
  });
  if (missing.length) problems.push(`missing ${missing.length} tensor${missing.length > 1 ? 's' : ''}: ${listSome(missing)}`);
  if (extra.length) problems.push(`unexpected ${extra.length} tensor${extra.length > 1 ? 's' : ''}: ${listSome(extra)}`);
  if (misshaped.length) problems.push(`wrong shape for ${misshaped.length} tensor${misshaped.length > 1 ? 's' : ''}: ${listSome(misshaped)}`);
  if (problems.length) throw new UsageError(`${source} does not fit this model:\n  ${problems.join('\n  ')}`);
}

function listSome(items: readonly string[], max = 12): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} … and ${items.length - max} more` : shown;
}
