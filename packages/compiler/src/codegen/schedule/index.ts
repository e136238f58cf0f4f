// The schedule pass: a model's graph → the backend-neutral step list every renderer prints (types.ts).
// Top-level work and each layer body are walked once, in dataflow order; each value gets its phase,
// its rows, an identifier unique in its scope and a workspace slot; weights get their fields.
import { dimValue } from '../../ir/dim.js';
import type { AttentionNode, Graph, LayerBody, Node, RepeatRegion, TensorType, ValueId } from '../../ir/nodes.js';
import { allNodes, operands, valueTypes } from '../../ir/walk.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import { analyze } from '../../analysis/index.js';
import { NameTable } from '../names.js';
import { alibiSlopes } from './alibi.js';
import { fuseSteps } from './fuse.js';
import { modelManifest } from './manifest.js';
import { valuePhases, type Phase as ValuePhase } from './phases.js';
import { tailStart, tailValues } from './tail.js';
import type {
  CacheRef,
  CrossKvStep,
  OuterArg,
  Phase,
  Ref,
  Rows,
  Schedule,
  ScheduledBody,
  ScheduledRegion,
  ScheduleOptions,
  Step,
  WeightRef,
  WeightUse,
} from './types.js';

export type * from './types.js';
export { modelManifest } from './manifest.js';

/** The schedule of `graph`; `fuse` where the target's kernels allow it. */
export function schedule(graph: Graph, options: ScheduleOptions = {}): Schedule {
  return new Scheduler(graph, options.fuse ?? false).run();
}

/** Naming for one function body (the model's top level, or a layer) and one phase of it. */
interface Scope {
  readonly phase: Phase;
  readonly names: Map<ValueId, string>;
  readonly table: NameTable;
  readonly weight: (param: string) => WeightRef;
  readonly cache: (node: AttentionNode, kind: 'self' | 'cross') => CacheRef;
  rows: Rows;
}

/** Slots of the workspace: a node's output has its id; scratch and layer results live above these. */
const ATTENTION_SLOTS = 1_000_000;
const RESULT_SLOTS = 2_000_000;

class Scheduler {
  private readonly types: Map<ValueId, TensorType>;
  private readonly phases: Map<ValueId, ValuePhase>;
  private readonly uses: Map<string, WeightUse>;
  private readonly shapes = new Map<string, readonly number[]>();
  private readonly modelWeights = new Map<string, WeightRef>();
  private readonly inputs: Map<ValueId, 'tokens' | 'memory'>;
  private readonly info: ReturnType<typeof analyze>;

  constructor(
    private readonly graph: Graph,
    private readonly fuse: boolean,
  ) {
    this.types = valueTypes(graph);
    this.phases = valuePhases(graph);
    this.uses = weightUses(graph);
    for (const p of graph.params) this.shapes.set(p.name, p.shape);
    for (const item of graph.items) if (item.op === 'repeat') for (const body of item.bodies) for (const p of body.params) this.shapes.set(p.name, p.shape);
    this.info = analyze(graph);
    this.inputs = new Map(graph.items.flatMap((i) => (i.op === 'input' ? [[i.id, i.role] as const] : [])));
  }

  run(): Schedule {
    const g = this.graph;
    const top = new NameTable();
    const weights = g.params
      .filter((p) => !g.items.some((i) => i.op === 'repeat' && p.name.startsWith(i.label + '.') && /^\d+$/.test(p.name.slice(i.label.length + 1).split('.')[0]!)))
      .map((p) => {
        const ref = this.weightRef(p.name, top.take(p.name), 'model');
        this.modelWeights.set(p.name, ref);
        return ref;
      });
    // Attention outside any repeat keeps its caches beside the model's weights.
    const caches = new Map<string, CacheRef>();
    for (const item of g.items) {
      if (item.op !== 'attention') continue;
      const kind = this.phaseOf(item.k) === 'memory' ? 'cross' : 'self';
      const field = top.take(`${item.label ?? 'attention'}_${kind === 'self' ? 'cache' : 'cross'}`);
      caches.set(`${item.id}:${kind}`, { field, placement: 'model', kind, width: item.kvHeads * item.headDim });
    }
    const modelWeight = (p: string) => this.modelWeights.get(p)!;
    const modelCache = (n: AttentionNode, kind: 'self' | 'cross') => caches.get(`${n.id}:${kind}`)!;
    const forward = scope('stream', top, modelWeight, modelCache, 'R');
    const memory = scope('memory', top, modelWeight, modelCache, 'S');
    const steps: Step[] = [];
    const start = tailStart(g);
    g.items.forEach((item, index) => {
      if (index === start) steps.push(this.tail(forward, index));
      if (item.op === 'repeat') {
        steps.push({ phase: 'stream', kind: 'region', region: this.region(item, forward, memory) });
        return;
      }
      steps.push(...this.node(item, this.phaseOf(item.id) === 'memory' ? memory : forward));
    });
    if (start >= g.items.length) steps.push(this.tail(forward, g.items.length));
    const out = g.outputs[0];
    if (!out) throw new Error('internal compiler error: a model without an output reached code generation');
    const info = this.info;
    return {
      name: g.name,
      file: g.file,
      doc: (g.doc ?? '').split('\n').filter(Boolean),
      manifest: modelManifest(g, info),
      inputs: g.items.flatMap((i) => (i.op === 'input' ? [{ id: i.id, role: i.role, name: i.name, width: widthOf(i.type) }] : [])),
      paramCount: info.params.total,
      fields: { weights, caches: [...caches.values()] },
      steps: this.fuse ? fuseSteps(steps) : steps,
      output: this.ref(out.value, forward),
    };
  }

  private phaseOf(id: ValueId): ValuePhase {
    return this.phases.get(id) ?? 'stream';
  }

  private width(id: ValueId): number {
    return widthOf(this.types.get(id)!);
  }

  private weightRef(param: string, field: string, placement: WeightRef['placement']): WeightRef {
    const shape = this.shapes.get(param);
    if (!shape) throw new Error(`internal compiler error: no parameter ${param}`);
    return { param, field, placement, shape, ...(this.uses.get(param) ?? NO_USE) };
  }

  /** A value as `scope` names it; inputs have fixed names. */
  private ref(id: ValueId, scope: Scope): Ref {
    const t = this.types.get(id)!;
    const input = this.inputs.get(id);
    const name = scope.names.get(id) ?? (input ?? `undefined /* %${id} */`);
    return { id, name, dtype: t.dtype, width: widthOf(t) };
  }

  /** The last rows of every value still needed after the tail starts, under new names. */
  private tail(scope: Scope, index: number): Step {
    const slices = tailValues(this.graph, index, this.phases).map((id) => {
      const t = this.types.get(id)!;
      const from = scope.names.get(id) ?? 'tokens';
      const to = scope.table.take(`${from}_rows`);
      scope.names.set(id, to);
      return { id, dtype: t.dtype, from, to, width: t.shape.length > 1 ? (dimValue(t.shape[t.shape.length - 1]!) ?? 1) : 1 };
    });
    scope.rows = 'tail';
    return { phase: 'stream', kind: 'tail', slices };
  }

  private region(region: RepeatRegion, forward: Scope, memory: Scope): ScheduledRegion {
    for (const c of region.carried) {
      if (this.phaseOf(c.init) === 'memory') throw new Error(`internal compiler error: '${c.name}' is carried through ${region.label} but depends on the memory alone`);
    }
    const bodies = region.bodies.map((body, index) => this.body(region, body, index, forward, memory));
    const inits = region.carried.map((c) => this.ref(c.init, forward));
    const carried = region.results.map((id, i) => {
      const c = region.carried[i]!;
      const name = forward.table.take(`${region.label}_${c.name}`);
      forward.names.set(id, name);
      return { variable: c.name, id, name, init: inits[i]!, width: widthOf(c.type), dtype: c.type.dtype };
    });
    return {
      node: region,
      label: region.label,
      count: region.count,
      bodyOfLayer: region.bodyOfLayer,
      carried,
      bodies,
      hasMemory: bodies.some((b) => b.steps.some((s) => s.phase === 'memory')),
    };
  }

  private body(region: RepeatRegion, body: LayerBody, index: number, forward: Scope, memory: Scope): ScheduledBody {
    const fields = new NameTable();
    const layerPrefix = `${region.label}.${LAYER_INDEX}.`;
    const weights = body.params.map((p) => this.weightRef(p.name, fields.take(p.name.slice(layerPrefix.length)), 'layer'));
    const byParam = new Map(weights.map((w) => [w.param, w]));
    const caches = new Map<string, CacheRef>();
    for (const node of body.nodes) {
      if (node.op !== 'attention') continue;
      const kind = this.phaseOf(node.k) === 'memory' ? 'cross' : 'self';
      const field = fields.take(`${(node.label ?? 'attention').slice(layerPrefix.length)}_${kind === 'self' ? 'cache' : 'cross'}`);
      caches.set(`${node.id}:${kind}`, { field, placement: 'layer', kind, width: node.kvHeads * node.headDim });
    }
    const weight = (p: string) => byParam.get(p) ?? this.modelWeights.get(p)!;
    const cache = (n: AttentionNode, kind: 'self' | 'cross') => caches.get(`${n.id}:${kind}`)!;
    const stream = scope('stream', new NameTable(), weight, cache, 'R');
    const mem = scope('memory', new NameTable(), weight, cache, 'S');
    const carriedNames = region.carried.map((c) => stream.table.take(c.name));
    const carried = carriedNames.map((name, i) => {
      const node = body.nodes.find((n) => n.op === 'carried' && n.index === i);
      return { name, ...(node ? { id: node.id } : {}) };
    });
    for (const node of body.nodes) if (node.op === 'carried') stream.names.set(node.id, carriedNames[node.index]!);

    // Values from outside the layer (positions, a memory) come in as arguments.
    const inBody = new Set(body.nodes.map((n) => n.id));
    const outer = (phase: ValuePhase) => {
      const ids = new Set<ValueId>();
      for (const node of body.nodes) {
        const reads = node.op === 'attention' && phase === 'memory' && this.phaseOf(node.k) === 'memory' ? [node.k, node.v] : this.phaseOf(node.id) === phase ? operands(node) : [];
        for (const id of reads) if (!inBody.has(id) && this.phaseOf(id) === phase) ids.add(id);
      }
      return [...ids];
    };
    const args = (ids: readonly ValueId[], from: Scope, to: Scope): OuterArg[] =>
      ids.map((id) => {
        const outerRef = this.ref(id, from);
        const outerName = from.names.get(id) ?? (this.inputs.get(id) ?? `v${id}`);
        const name = to.table.take(outerName);
        to.names.set(id, name);
        return { outer: { ...outerRef, name: outerName }, name };
      });
    const streamArgs = args(outer('stream'), forward, stream);
    const memoryArgs = args(outer('memory'), memory, mem);

    const steps: Step[] = [];
    for (const node of body.nodes) {
      if (node.op === 'carried') continue;
      steps.push(...this.node(node, this.phaseOf(node.id) === 'memory' ? mem : stream));
      if (node.op === 'attention' && this.phaseOf(node.k) === 'memory') steps.push(this.crossKv(node, mem));
    }
    const carriedIndex = new Map(body.nodes.flatMap((n) => (n.op === 'carried' ? [[n.id, n.index] as const] : [])));
    const results = body.results.map((id, i) => {
      const passes = carriedIndex.get(id);
      // Two slots a result, by layer parity: a layer reads the last one's results while writing its own
      // (a layer that swaps two carried values would otherwise overwrite one before copying it).
      return { value: this.ref(id, stream), slot: RESULT_SLOTS + region.id * 100 + 2 * i, ...(passes !== undefined ? { passes } : {}) };
    });
    return {
      index,
      layers: body.layers,
      weights,
      caches: [...caches.values()],
      carried,
      streamArgs,
      memoryArgs,
      steps: this.fuse ? fuseSteps(steps) : steps,
      results,
    };
  }

  /** The step computing one node (none for inputs and carried values). */
  private node(node: Node, scope: Scope): Step[] {
    if (node.op === 'input') {
      // The tail may have named the input's last rows already (a model in which nothing mixes positions).
      if (!scope.names.has(node.id)) scope.names.set(node.id, node.role);
      return [];
    }
    if (node.op === 'carried') return [];
    const label = node.label ? node.label.split('.').pop()! : node.op;
    const name = scope.table.take(label);
    const ref = (id: ValueId) => this.ref(id, scope);
    const out = { ...ref(node.id), name, rows: scope.rows, slot: node.id, label };
    scope.names.set(node.id, name);
    const phase = scope.phase;
    const w = scope.weight;
    const opt = (p: string | undefined) => (p ? w(p) : undefined);
    switch (node.op) {
      case 'positions':
        return [{ phase, kind: 'positions', node, out }];
      case 'embedding':
        return [{ phase, kind: 'embedding', node, out, ids: ref(node.ids), table: w(node.weight) }];
      case 'sinusoidal':
        return [{ phase, kind: 'sinusoidal', node, out, positions: ref(node.positions), maxPosition: this.maxValue(node.positions) }];
      case 'linear':
        return [{ phase, kind: 'linear', node, out, x: ref(node.x), weight: w(node.weight), ...optional('bias', opt(node.bias)) }];
      case 'layer_norm':
        return [{ phase, kind: 'layer_norm', node, out, x: ref(node.x), ...optional('weight', opt(node.weight)), ...optional('bias', opt(node.bias)) }];
      case 'rms_norm':
        return [{ phase, kind: 'rms_norm', node, out, x: ref(node.x), ...optional('weight', opt(node.weight)) }];
      case 'activation':
      case 'scale':
      case 'softcap':
        return [{ phase, kind: 'unary', node, out, x: ref(node.x) }];
      case 'tanh_gate':
        return [{ phase, kind: 'tanh_gate', node, out, x: ref(node.x), weight: w(node.weight) }];
      case 'moe':
        return [{ phase, kind: 'moe', node, out, x: ref(node.x), router: w(node.router), experts: node.experts.map((e) => ({ gate: w(e.gate), up: w(e.up), down: w(e.down) })) }];
      case 'add':
      case 'sub':
      case 'mul':
        return [{ phase, kind: 'binary', node, out, a: ref(node.a), b: ref(node.b) }];
      case 'attention': {
        const cross = this.phaseOf(node.k) === 'memory';
        const p = node.params;
        return [
          {
            phase,
            kind: 'attention',
            node,
            out,
            q: ref(node.q),
            k: ref(node.k),
            v: ref(node.v),
            cross,
            ...optional('slopes', node.alibi ? alibiSlopes(node.heads) : undefined),
            weights: { q: w(p.q), k: w(p.k), v: w(p.v), o: w(p.o) },
            biases: { ...optional('q', opt(p.qBias)), ...optional('k', opt(p.kBias)), ...optional('v', opt(p.vBias)), ...optional('o', opt(p.oBias)) },
            ...optional('norms', p.qNorm && p.kNorm ? { q: w(p.qNorm), k: w(p.kNorm) } : undefined),
            cache: scope.cache(node, cross ? 'cross' : 'self'),
            // Self-attention projecting one input three times: one pass, where the target fuses.
            fusedQkv: this.fuse && !cross && node.q === node.k && node.q === node.v,
            queries: { name: scope.table.take(`${name}_q`), slot: node.id * 4 + ATTENTION_SLOTS },
            context: { name: scope.table.take(`${name}_ctx`), slot: node.id * 4 + ATTENTION_SLOTS + 1 },
            scoresSlot: node.id * 4 + ATTENTION_SLOTS + 2,
          },
        ];
      }
    }
  }

  /** Cross-attention keys and values, computed once per memory. */
  private crossKv(node: AttentionNode, scope: Scope): CrossKvStep {
    const p = node.params;
    const w = scope.weight;
    return {
      phase: 'memory',
      kind: 'cross_kv',
      node,
      k: this.ref(node.k, scope),
      v: this.ref(node.v, scope),
      weights: { k: w(p.k), v: w(p.v) },
      biases: { ...optional('k', p.kBias ? w(p.kBias) : undefined), ...optional('v', p.vBias ? w(p.vBias) : undefined) },
      cache: scope.cache(node, 'cross'),
    };
  }

  /** The largest value an integer tensor can hold (for the accuracy of angles computed from it). */
  private maxValue(id: ValueId): number {
    const info = this.info;
    for (const item of this.graph.items) {
      if (item.op === 'positions' && item.id === id) return info.context - 1 + item.offset;
      if (item.op === 'input' && item.id === id) return info.vocab - 1;
    }
    return 2 ** 16;
  }
}

const NO_USE: WeightUse = { linear: false, embedding: false, bias: false };

function scope(phase: Phase, table: NameTable, weight: Scope['weight'], cache: Scope['cache'], rows: Rows): Scope {
  return { phase, names: new Map(), table, weight, cache, rows };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** The last dimension of a value (1 for a vector). */
function widthOf(t: TensorType): number {
  return t.shape.length > 1 ? (dimValue(t.shape[t.shape.length - 1]!) ?? 0) : 1;
}

/** How each parameter is used by the kernels, over all its uses (a tied embedding is a linear weight too). */
function weightUses(graph: Graph): Map<string, WeightUse> {
  const uses = new Map<string, { linear: boolean; embedding: boolean; bias: boolean }>();
  const mark = (param: string | undefined, use: keyof WeightUse) => {
    if (!param) return;
    const u = uses.get(param) ?? { linear: false, embedding: false, bias: false };
    u[use] = true;
    uses.set(param, u);
  };
  for (const { node } of allNodes(graph)) {
    if (node.op === 'linear') {
      mark(node.weight, 'linear');
      mark(node.bias, 'bias');
    }
    if (node.op === 'embedding') mark(node.weight, 'embedding');
    if (node.op === 'moe') {
      mark(node.router, 'linear');
      for (const e of node.experts) [e.gate, e.up, e.down].forEach((w) => mark(w, 'linear'));
    }
    if (node.op === 'attention') {
      const p = node.params;
      [p.q, p.k, p.v, p.o].forEach((w) => mark(w, 'linear'));
      [p.qBias, p.kBias, p.vBias, p.oBias].forEach((b) => mark(b, 'bias'));
    }
  }
  return uses;
}
