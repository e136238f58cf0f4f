// Every check, run in one pass over a lowered graph.
import { sortDiagnostics, type Diagnostic } from '@tdl/dsl';
import type { Graph } from '../ir/nodes.js';
import { attentionLengths } from './attention-lengths.js';
import { attentionMasks } from './attention-masks.js';
import { attentionSources } from './attention-sources.js';
import { elementwiseShapes } from './elementwise-shapes.js';
import { headsDivideWidth } from './heads-divide-width.js';
import { kvHeadsDivideHeads } from './kv-heads-divide-heads.js';
import { linearInput } from './linear-input.js';
import { logitsOutput } from './logits-output.js';
import { positionTable } from './position-table.js';
import { rotaryDim } from './rotary-dim.js';
import { checkContext, type CheckRule } from './rule.js';
import { tiedHead } from './tied-head.js';
import { unused } from './unused.js';

export const CHECKS: readonly CheckRule[] = [
  elementwiseShapes,
  linearInput,
  tiedHead,
  headsDivideWidth,
  kvHeadsDivideHeads,
  rotaryDim,
  attentionLengths,
  attentionSources,
  attentionMasks,
  logitsOutput,
  positionTable,
  unused,
];

export function runChecks(graph: Graph, rules: readonly CheckRule[] = CHECKS): Diagnostic[] {
  const ctx = checkContext(graph);
  return sortDiagnostics(rules.flatMap((r) => r.run(ctx)));
}

export type { CheckRule, CheckContext } from './rule.js';
