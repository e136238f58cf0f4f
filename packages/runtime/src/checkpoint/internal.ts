// The naming every model has: stored tensors named by the parameter paths, in the parameters' shapes.
import type { ParamSpec } from '../contract/model.js';
import type { CheckpointPlan } from '../contract/checkpoint.js';

export const INTERNAL_NAMING = 'internal';

export function internalPlan(params: readonly ParamSpec[]): CheckpointPlan {
  return {
    naming: INTERNAL_NAMING,
    entries: params.map((p) => ({ targets: [p.name], source: { kind: 'tensor', tensor: { names: [p.name], shape: p.shape } }, steps: [], rule: 'parameter path' })),
    ignore: [],
  };
}
