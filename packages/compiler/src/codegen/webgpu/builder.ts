// Walks a model's graph into a WebGPU dispatch plan: the memory pass, the forward pass (with one repeat
// step per region, its layer bodies written once), and the tail that runs on the last rows only.
import { dimValue } from '../../ir/dim.js';
import type { Graph, Item, LayerBody, RepeatRegion, ValueId } from '../../ir/nodes.js';
import { operands } from '../../ir/walk.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import { analyze } from '../../analysis/index.js';
import { NodeSteps } from './node-steps.js';
import type { PlanModel, PlanStep, WebGpuProgram, WeightType } from './plan.js';
import { PlanState, UNIFORMS, type Scope } from './state.js';
import { times } from './expr.js';

export interface WebGpuOptions {
  /** How to store matrix weights (linear layers, embedding tables): f32, or f16 or bf16 two to a 32-bit word (any adapter). */
  readonly weights?: WeightType;
}

export function buildWebGpuProgram(graph: Graph, options: WebGpuOptions = {}): WebGpuProgram {
  return new PlanBuilder(graph, options.weights ?? 'f32').build();
}

class PlanBuilder {
  private readonly st: PlanState;
  private readonly steps: NodeSteps;
  private readonly model: PlanModel;
  private readonly forward: Scope;
  private readonly memory: Scope;
  private readonly tailSteps: PlanStep[] = [];

  constructor(
    private readonly graph: Graph,
    weights: WeightType,
  ) {
    this.st = new PlanState(graph, weights);
    const info = analyze(graph);
    const out = graph.outputs[0];
    if (!out) throw new Error('internal compiler error: a model without an output reached code generation');
    this.steps = new NodeSteps(this.st, { context: info.context, vocab: info.vocab, output: out.value });
    const memoryInput = graph.items.find((i) => i.op === 'input' && i.role === 'memory');
    const memoryWidth = memoryInput && memoryInput.op === 'input' ? (dimValue(memoryInput.type.shape[1]!) ?? 0) : 0;
    const bound = memoryInput && memoryInput.op === 'input' ? graph.symbols.find((s) => memoryInput.type.shape[0]!.has(s.name))?.bound : undefined;
    this.model = {
      name: graph.name,
      vocab: info.vocab,
      context: info.context,
      memory: memoryInput && memoryInput.op === 'input' ? { name: memoryInput.name, width: memoryWidth, ...(bound !== undefined ? { maxLength: bound } : {}) } : null,
      params: graph.params.map((p) => ({ name: p.name, shape: p.shape, init: p.init })),
    };
    this.forward = { phase: 'stream', rows: 'R', uniform: this.st.uniform(UNIFORMS.stream), names: new Map(), prefix: '', stepPrefix: '', steps: [] };
    this.memory = { phase: 'memory', rows: 'S', uniform: this.model.memory ? this.st.uniform(UNIFORMS.memory) : -1, names: new Map(), prefix: '', stepPrefix: '', steps: [] };
  }

  build(): WebGpuProgram {
    const g = this.graph;
    const st = this.st;
    const tokens = st.addBuffer('tokens', { role: 'tokens', dtype: 'i32', elements: 'R', shape: '[R]' });
    let memoryBuffer: string | undefined;
    for (const item of g.items) {
      if (item.op !== 'input') continue;
      if (item.role === 'tokens') this.forward.names.set(item.id, tokens);
      else {
        memoryBuffer = st.addBuffer(item.name, { role: 'memory', dtype: 'f32', elements: times('S', this.model.memory!.width), shape: `[S, ${this.model.memory!.width}]` });
        this.memory.names.set(item.id, memoryBuffer);
      }
    }
    const tailStart = lastMixingIndex(g.items) + 1;
    g.items.forEach((item, index) => {
      if (index === tailStart) this.startTail(index);
      if (item.op === 'repeat') return this.region(item);
      if (st.phaseOf(item.id) === 'memory') this.steps.emit(item, this.memory, this.memory);
      else this.steps.emit(item, this.forward, this.memory);
    });
    if (tailStart >= g.items.length) this.startTail(g.items.length);
    const logits = this.forward.names.get(g.outputs[0]!.value);
    if (!logits || st.buffers.get(logits)?.role !== 'logits') throw new Error('internal compiler error: the output is not in the logits buffer');
    const forwardSteps = this.forwardSteps ?? this.forward.steps;
    return {
      plan: {
        format: 'tdl-webgpu-plan',
        version: 1,
        model: this.model,
        weights: st.weights,
        kernels: st.kernels.kernels,
        buffers: [...st.buffers.values()],
        uniforms: st.uniforms,
        inputs: { tokens, ...(memoryBuffer ? { memory: memoryBuffer } : {}) },
        logits,
        memory: this.memory.steps,
        forward: forwardSteps,
        tail: this.tailSteps,
      },
      kernels: st.kernels.sources,
    };
  }

  private forwardSteps?: PlanStep[];

  /**
   * From here on only the last `tail` rows matter (position-wise work after the last attention): the
   * values still needed are copied down to their last rows, and later steps run on those.
   */
  private startTail(index: number): void {
    const g = this.graph;
    const st = this.st;
    const before = new Set<ValueId>();
    for (const item of g.items.slice(0, index)) {
      if (item.op === 'repeat') item.results.forEach((id) => before.add(id));
      else before.add(item.id);
    }
    // Inputs are there from the start, wherever they are declared.
    for (const item of g.items) if (item.op === 'input') before.add(item.id);
    const usedAfter = new Set<ValueId>();
    for (const item of g.items.slice(index)) if (item.op !== 'repeat') operands(item).forEach((id) => usedAfter.add(id));
    g.outputs.forEach((o) => usedAfter.add(o.value));

    this.forwardSteps = this.forward.steps;
    this.forward.steps = this.tailSteps;
    this.forward.rows = 'tail';
    this.forward.uniform = st.uniform(UNIFORMS.tail);
    for (const id of before) {
      if (!usedAfter.has(id) || st.phaseOf(id) === 'memory') continue;
      const from = this.forward.names.get(id)!;
      const width = st.width(id);
      const to =
        id === g.outputs[0]!.value
          ? this.steps.logits(this.forward, width)
          : st.activation(`${from}.tail`, st.types.get(id)!.dtype, 'tail', width);
      st.copy(this.forward, `${from}.tail`, from, to, times('tail', width), { from: times('R - tail', width) });
      this.forward.names.set(id, to);
    }
  }

  /** A repeat region: carried values live in their own buffers; each layer's results are copied back into them. */
  private region(region: RepeatRegion): void {
    const st = this.st;
    for (const c of region.carried) {
      if (st.phaseOf(c.init) === 'memory') throw new Error(`internal compiler error: '${c.name}' is carried through ${region.label} but depends on the memory alone`);
    }
    const carried = region.carried.map((c) => {
      const width = c.type.shape.length > 1 ? (dimValue(c.type.shape[c.type.shape.length - 1]!) ?? 0) : 1;
      const name = st.activation(`${region.label}.${c.name}`, c.type.dtype, 'R', width);
      st.copy(this.forward, `${region.label}.${c.name}.init`, st.lookup(c.init, this.forward), name, times('R', width));
      return { name, width };
    });
    const bodies = region.bodies.map((body, index) => this.body(region, body, index, carried));
    this.forward.steps.push({ op: 'repeat', name: region.label, count: region.count, bodyOfLayer: region.bodyOfLayer, bodies: bodies.map((b) => b.stream) });
    if (bodies.some((b) => b.memory.length)) {
      this.memory.steps.push({ op: 'repeat', name: region.label, count: region.count, bodyOfLayer: region.bodyOfLayer, bodies: bodies.map((b) => b.memory) });
    }
    region.results.forEach((id, i) => this.forward.names.set(id, carried[i]!.name));
  }

  private body(region: RepeatRegion, body: LayerBody, index: number, carried: readonly { name: string; width: number }[]) {
    const prefix = region.bodies.length > 1 ? `${region.label}.body${index}.` : `${region.label}.`;
    const stepPrefix = `${region.label}.${LAYER_INDEX}.`;
    const scope = (phase: 'stream' | 'memory', parent: Scope): Scope => ({
      phase,
      rows: phase === 'stream' ? 'R' : 'S',
      uniform: parent.uniform,
      names: new Map(),
      parent,
      prefix,
      stepPrefix,
      steps: [],
      layers: body.layers,
    });
    const stream = scope('stream', this.forward);
    const memory = scope('memory', this.memory);
    for (const node of body.nodes) {
      if (node.op === 'carried') stream.names.set(node.id, carried[node.index]!.name);
      else if (this.st.phaseOf(node.id) === 'memory') this.steps.emit(node, memory, memory);
      else this.steps.emit(node, stream, memory);
    }
    this.layerResults(region, body, carried, stream);
    return { stream: stream.steps, memory: memory.steps };
  }

  /**
   * Copies each layer result into its carried buffer. A result that is itself a carried value (a
   * variable the layer passes along) goes through a spare buffer, so no copy reads a buffer already overwritten.
   */
  private layerResults(region: RepeatRegion, body: LayerBody, carried: readonly { name: string; width: number }[], scope: Scope): void {
    const st = this.st;
    const carriedIndex = new Map(body.nodes.filter((n) => n.op === 'carried').map((n) => [n.id, n.op === 'carried' ? n.index : -1]));
    const later: (() => void)[] = [];
    body.results.forEach((id, i) => {
      const target = carried[i]!;
      const from = carriedIndex.get(id);
      const elements = times('R', target.width);
      if (from === i) return;
      if (from === undefined) {
        later.push(() => st.copy(scope, `${region.label}.${LAYER_INDEX}.${region.carried[i]!.name}`, st.lookup(id, scope), target.name, elements));
        return;
      }
      const spare = st.activation(`${target.name}.next`, region.carried[i]!.type.dtype, 'R', target.width);
      st.copy(scope, `${region.label}.${LAYER_INDEX}.${region.carried[i]!.name}.next`, carried[from]!.name, spare, elements);
      later.push(() => st.copy(scope, `${region.label}.${LAYER_INDEX}.${region.carried[i]!.name}`, spare, target.name, elements));
    });
    later.forEach((f) => f());
  }
}

/** Index of the last top-level item that mixes positions (a region or an attention), or -1. */
function lastMixingIndex(items: readonly Item[]): number {
  for (let i = items.length - 1; i >= 0; i--) if (items[i]!.op === 'repeat' || items[i]!.op === 'attention') return i;
  return -1;
}
