// Every check, run in one pass over a lowered graph: node rules in dataflow order, then graph rules.
import { hasErrors, sortDiagnostics, type Diagnostic } from '@tdl/dsl';
import type { Graph, ValueId } from '../ir/nodes.js';
import { operands, type NodeSite } from '../ir/walk.js';
import { attentionLengths } from './attention-lengths.js';
import { attentionMasks } from './attention-masks.js';
import { attentionPositions } from './attention-positions.js';
import { attentionSources } from './attention-sources.js';
import { elementwiseShapes } from './elementwise-shapes.js';
import { floatOperands } from './float-operands.js';
import { headsDivideWidth } from './heads-divide-width.js';
import { kvHeadsDivideHeads } from './kv-heads-divide-heads.js';
import { linearInput } from './linear-input.js';
import { logitsOutput } from './logits-output.js';
import { paramCount } from './param-count.js';
import { positionTable } from './position-table.js';
import { rotaryDim } from './rotary-dim.js';
import { checkContext, type CheckRule } from './rule.js';
import { slidingWindow } from './sliding-window.js';
import { tiedEmbedding } from './tied-embedding.js';
import { tiedHead } from './tied-head.js';
import { unused } from './unused.js';
import { valueRanges } from './value-ranges.js';
import { vocabSize } from './vocab-size.js';

/**
 * In order: at one node the first rule that fails is the one reported, so the more basic mistakes
 * come first (a size out of range before the shapes it produces; lengths before wiring).
 */
export const CHECKS: readonly CheckRule[] = [
  valueRanges,
  paramCount,
  floatOperands,
  elementwiseShapes,
  tiedEmbedding,
  tiedHead,
  linearInput,
  headsDivideWidth,
  kvHeadsDivideHeads,
  rotaryDim,
  attentionLengths,
  attentionSources,
  attentionMasks,
  attentionPositions,
  slidingWindow,
  positionTable,
  logitsOutput,
  vocabSize,
  unused,
];

/**
 * Runs the rules. One root mistake gives one error: a node gets at most one report, and rules that
 * read operand shapes skip every value computed from a node already reported (its shapes only follow
 * from the mistake). Warnings do not blame a node.
 */
export function runChecks(graph: Graph, rules: readonly CheckRule[] = CHECKS): Diagnostic[] {
  const tainted = new Set<ValueId>();
  const ctx = checkContext(graph, tainted);
  const nodeRules = rules.filter((r) => r.node);
  const out: Diagnostic[] = [];

  /** Calls already blamed: a call that several layer bodies share gets one report, the first. */
  const blamedCalls = new Set<string>();
  const callKey = (site: NodeSite) => `${site.node.span.file}:${site.node.span.offset}:${site.node.span.length}:${site.node.op}`;

  const visit = (site: NodeSite) => {
    const { node } = site;
    if (blamedCalls.has(callKey(site))) {
      tainted.add(node.id);
      return;
    }
    const upstream = operands(node).some((id) => tainted.has(id));
    if (upstream) tainted.add(node.id);
    for (const rule of nodeRules) {
      if (rule.readsShapes && upstream) continue;
      const found = rule.node!(site, ctx);
      if (!found) continue;
      out.push(found);
      if (found.severity === 'error') {
        tainted.add(node.id);
        blamedCalls.add(callKey(site));
        return;
      }
    }
  };

  for (const item of graph.items) {
    if (item.op !== 'repeat') {
      visit({ node: item });
      continue;
    }
    // A layer starts from the value before the region or from an earlier layer's result.
    const carriedTainted = item.carried.map((c) => tainted.has(c.init));
    for (const body of item.bodies) {
      for (const node of body.nodes) {
        if (node.op === 'carried') {
          if (carriedTainted[node.index]) tainted.add(node.id);
        } else visit({ node, region: item, body });
      }
      body.results.forEach((id, i) => {
        if (tainted.has(id)) carriedTainted[i] = true;
      });
    }
    item.results.forEach((id, i) => {
      if (carriedTainted[i]) tainted.add(id);
    });
  }
  for (const rule of rules) {
    if (!rule.graph || (rule.quietAfterErrors && hasErrors(out))) continue; // see quiet.ts
    out.push(...rule.graph(ctx));
  }
  return sortDiagnostics(dedupe(out));
}

/** Layer bodies that share a source line report its mistake once. */
function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}:${d.span.file}:${d.span.offset}:${d.span.length}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type { CheckRule, CheckContext } from './rule.js';
