// Checkpoint sections: compiles each `checkpoint NAME { … }` of a model into a plan for the runtime.
import { diagnostic, type CheckpointDecl, type Diagnostic } from '@tdl/dsl';
import type { Graph } from '../ir/nodes.js';
import type { PossibleParam } from './pattern.js';
import type { CheckpointPlan } from '@tdl/runtime/contract';
import { compileSection } from './section.js';

/** The naming every model has without a section: tensors named by the parameter paths. */
export const INTERNAL_NAMING = 'internal';

export interface CheckpointResult {
  /** Plans of the sections that compiled without errors, in file order. */
  readonly plans: readonly CheckpointPlan[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * `possibleLayerParams`: parameter paths a layer of a repeat could have (`h.{i}.attn.q.weight`), which
 * a mapping may name without error when the repeat's count leaves out every layer that has them.
 */
export function compileCheckpoints(graph: Graph, decls: readonly CheckpointDecl[], possibleLayerParams: readonly PossibleParam[] = []): CheckpointResult {
  const diagnostics: Diagnostic[] = [];
  const plans: CheckpointPlan[] = [];
  const seen = new Map<string, CheckpointDecl>();
  for (const decl of decls) {
    const name = decl.name.name;
    const prev = seen.get(name);
    if (prev) {
      diagnostics.push(
        diagnostic('E0508', decl.name.span, `checkpoint section '${name}' is declared twice`, { notes: [{ message: 'first declared here', span: prev.name.span }] }),
      );
      continue;
    }
    seen.set(name, decl);
    if (name === INTERNAL_NAMING) {
      diagnostics.push(
        diagnostic('E0508', decl.name.span, `'${INTERNAL_NAMING}' names the model's own parameter paths`, { label: 'choose another name for this section' }),
      );
      continue;
    }
    const plan = compileSection(decl, graph, diagnostics, possibleLayerParams);
    if (plan) plans.push(plan);
  }
  return { plans, diagnostics };
}

export { TRANSFORMS, type TransformDef } from './transforms.js';
export type { CheckpointPlan, PlanEntry, PlanSource, PlanStep, PlanOp, PlanTensor } from '@tdl/runtime/contract';
