// "Sizes first": when a checkpoint misfits the model because the model's constants are not the
// checkpoint's (a Llama-2-7B file read with a tiny checkpoint), finds the constants that make it fit
// and says so, instead of listing hundreds of missing and mis-shaped tensors.
import { parse, type IfStmt, type Repeat } from '@tdl/dsl';
import { checkSource, compileCheckpoints, type ConstantValue, type Graph } from '@tdl/compiler';
import { fitNaming } from '@tdl/runtime';
import type { NamingFit, TensorStore } from '@tdl/runtime';
import { namingsOf } from './weights.js';

export interface SizesContext {
  readonly file: string;
  readonly text: string;
  /** The constants the model was checked with (--set, a preset, config.json). */
  readonly overrides: Readonly<Record<string, ConstantValue>>;
  /** Whether the file has a config section (so config.json would give the sizes). */
  readonly hasConfig: boolean;
  readonly tied?: boolean;
}

const fmt = (s: readonly number[]) => s.join(',');

/** How many tensors misfit: missing, unexpected or mis-shaped. */
function misfits(fit: NamingFit): number {
  return fit.missing.length + fit.unexpected.length + fit.misshaped.length + fit.mistyped.length;
}

/**
 * The fewest misfits of any naming of the model checked with `overrides` (0: it fits); undefined when
 * the model does not lower with them. A model whose checks fail (heads not dividing d) still counts.
 */
function misfitsWith(ctx: SizesContext, overrides: Readonly<Record<string, ConstantValue>>, store: TensorStore): { count: number; ok: boolean } | undefined {
  const result = checkSource({ name: ctx.file, text: ctx.text }, { overrides });
  if (!result.graph) return undefined;
  // With check errors (a head count no longer dividing d) the sections are still compiled, to count.
  const plans = result.ok ? result.checkpointPlans : compileCheckpoints(result.graph, result.checkpoints).plans;
  const count = Math.min(...namingsOf(result.graph.params, plans).map((p) => misfits(fitNaming(p, store, ctx.tied))));
  return { count, ok: result.ok && count === 0 };
}

/**
 * The constants some parameter's shape depends on: each doubled in turn, those that change a shape.
 * (A context without a position table, a head count when head_dim is d / heads, a rotary base: none.)
 */
function shapeConstants(ctx: SizesContext, graph: Graph, candidates: readonly string[]): Set<string> {
  const shapes = (g: Graph) => g.params.map((p) => `${p.name}:${p.shape.join(',')}`).join(';');
  const base = shapes(graph);
  const out = new Set<string>();
  for (const c of candidates) {
    const doubled = checkSource({ name: ctx.file, text: ctx.text }, { overrides: { ...ctx.overrides, [c]: graph.consts[c]! * 2 } }).graph;
    if (doubled && shapes(doubled) !== base) out.add(c);
  }
  return out;
}

/** The constants that count the layers of a `repeat` (`repeat layers as i`). */
function repeatConstants(text: string): Set<string> {
  const out = new Set<string>();
  const visit = (items: readonly { kind: string }[]) => {
    for (const item of items) {
      if (item.kind === 'Repeat') {
        const r = item as Repeat;
        if (r.count.kind === 'Name') out.add(r.count.name);
        visit(r.body);
      } else if (item.kind === 'If') visit([...(item as IfStmt).then, ...((item as IfStmt).else ?? [])]);
    }
  };
  for (const m of parse({ name: 'model', text }).ast.items) if (m.kind === 'Model') visit(m.items);
  return out;
}

/**
 * Reads sizes off the closest naming's misfit: where a stored axis of size s stands for an expected
 * axis of size e, each constant whose value is e votes for s (d = 4096 → d = 64), and the constant that
 * counts a repeat's layers gets the highest layer index of the stored names, plus one. Each constant
 * takes the value most votes give. Head counts do not show in shapes (only heads × head_dim does), so
 * when the checkpoint still misfits with the sizes found, the message says the head counts are left.
 */
export function sizesHint(ctx: SizesContext, graph: Graph, best: NamingFit, store: TensorStore): string | undefined {
  const consts = graph.consts;
  const votes = new Map<string, Map<number, number>>();
  const vote = (c: string, v: number, n = 1) => {
    const m = votes.get(c) ?? new Map<number, number>();
    m.set(v, (m.get(v) ?? 0) + n);
    votes.set(c, m);
  };
  const misfit = new Set<number>();
  for (const [t, name] of best.resolved) {
    const stored = store.tensors.get(name)!.entry.shape;
    if (stored.length === t.shape.length) t.shape.forEach((e, axis) => stored[axis] !== e && misfit.add(e));
  }
  // Only constants with a value some axis misfits, and that shape a parameter, can vote.
  const voters = Object.keys(consts).filter((c) => Number.isSafeInteger(consts[c]) && consts[c]! > 0 && misfit.has(consts[c]!));
  const shaping = shapeConstants(ctx, graph, voters);
  const integers = Object.entries(consts).filter(([c]) => shaping.has(c));
  for (const [t, name] of best.resolved) {
    const stored = store.tensors.get(name)!.entry.shape;
    if (stored.length !== t.shape.length) continue;
    t.shape.forEach((e, axis) => {
      const s = stored[axis]!;
      if (s !== e) for (const [c, v] of integers) if (v === e) vote(c, s);
    });
  }
  const indices = [...store.tensors.keys()].flatMap((n) => [...n.matchAll(/\.(\d+)\./g)].map((m) => Number(m[1])));
  if (indices.length) {
    const layers = Math.max(...indices) + 1;
    for (const c of repeatConstants(ctx.text)) if (consts[c] !== undefined && consts[c] !== layers) vote(c, layers, Infinity);
  }
  if (!votes.size) return undefined;
  const found: Record<string, number> = {};
  for (const [c, m] of votes) found[c] = [...m].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  // Kept only when the checkpoint fits with them, or when they leave few of its misfits (the head counts).
  const after = misfitsWith(ctx, { ...ctx.overrides, ...found }, store);
  if (!after || (!after.ok && after.count * 10 > misfits(best))) return undefined;
  const fits = after.ok;
  const names = Object.keys(found);
  const has = names.map((c) => `${c} = ${found[c]}`).join(', ');
  const file = names.map((c) => `${c} = ${consts[c]}`).join(', ');
  const sets = names.map((c) => `--set ${c}=${found[c]}`).join(' ');
  const config = ctx.hasConfig ? ', or give config.json' : '';
  const rest = fits ? '' : ' with its head counts (which shapes do not show)';
  return `${store.label} is a checkpoint of other sizes: it has ${has}, where ${ctx.file} has ${file}: pass ${sets}${rest}${config}`;
}
