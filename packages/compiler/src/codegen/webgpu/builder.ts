// The WebGPU renderer: walks a model's schedule into a dispatch plan: the memory pass, the forward pass
// (with one repeat step per region, its layer bodies written once), and the tail that runs on the last
// rows only. Phases, the tail, bodies and carried values are the schedule's; buffers are this file's.
import type { Graph } from '../../ir/nodes.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import { schedule as scheduleOf, type Schedule, type ScheduledBody, type ScheduledRegion, type Step, type TailStep } from '../schedule/index.js';
import { NodeSteps } from './node-steps.js';
import type { WeightFormat } from '@tdl/runtime/contract';
import type { PlanStep, WebGpuProgram } from '@tdl/runtime/contract/webgpu';
import { PlanState, UNIFORMS, type Scope } from './state.js';
import { times } from './expr.js';

export interface WebGpuOptions {
  /** How to store matrix weights (linear layers, embedding tables): f32, or f16 or bf16 two to a 32-bit word (any adapter). */
  readonly weights?: WeightFormat;
}

export function buildWebGpuProgram(graph: Graph, options: WebGpuOptions = {}): WebGpuProgram {
  return renderWebGpu(scheduleOf(graph), options);
}

/** The plan and kernels of a schedule (unfused: each linear map is its own dispatch). */
export function renderWebGpu(schedule: Schedule, options: WebGpuOptions = {}): WebGpuProgram {
  return new PlanBuilder(schedule, options.weights ?? 'f32').build();
}

type Carried = readonly { readonly name: string; readonly width: number }[];

class PlanBuilder {
  private readonly st: PlanState;
  private readonly steps: NodeSteps;
  private readonly forward: Scope;
  private readonly memory: Scope;
  private readonly tailSteps: PlanStep[] = [];
  private forwardSteps?: PlanStep[];

  constructor(
    private readonly schedule: Schedule,
    weights: WeightFormat,
  ) {
    this.st = new PlanState(weights);
    this.steps = new NodeSteps(this.st, { context: schedule.manifest.context, output: schedule.output.id });
    this.forward = { phase: 'stream', rows: 'R', uniform: this.st.uniform(UNIFORMS.stream), names: new Map(), prefix: '', stepPrefix: '', steps: [] };
    this.memory = { phase: 'memory', rows: 'S', uniform: schedule.manifest.memory ? this.st.uniform(UNIFORMS.memory) : -1, names: new Map(), prefix: '', stepPrefix: '', steps: [] };
  }

  build(): WebGpuProgram {
    const s = this.schedule;
    const st = this.st;
    const tokens = st.addBuffer('tokens', { role: 'tokens', dtype: 'i32', elements: 'R', shape: '[R]' });
    for (const input of s.inputs) {
      if (input.role === 'tokens') this.forward.names.set(input.id, tokens);
      else this.memory.names.set(input.id, st.addBuffer(input.name, { role: 'memory', dtype: 'f32', elements: times('S', input.width), shape: `[S, ${input.width}]` }));
    }
    const memoryBuffer = s.inputs.find((i) => i.role === 'memory');
    for (const step of s.steps) this.step(step, this.forward, this.memory);
    const logits = this.forward.names.get(s.output.id);
    if (!logits || st.buffers.get(logits)?.role !== 'logits') throw new Error('internal compiler error: the output is not in the logits buffer');
    return {
      plan: {
        format: 'tdl-webgpu-plan',
        version: 1,
        model: s.manifest,
        weights: st.weights,
        kernels: st.kernels.kernels,
        buffers: [...st.buffers.values()],
        uniforms: st.uniforms,
        inputs: { tokens, ...(memoryBuffer ? { memory: this.memory.names.get(memoryBuffer.id)! } : {}) },
        logits,
        memory: this.memory.steps,
        forward: this.forwardSteps ?? this.forward.steps,
        tail: this.tailSteps,
      },
      kernels: st.kernels.sources,
    };
  }

  /** One step into its phase's scope. Cross-attention projects the memory's keys and values where it is rendered, so `cross_kv` adds nothing. */
  private step(step: Step, stream: Scope, memory: Scope): void {
    switch (step.kind) {
      case 'region':
        return this.region(step.region);
      case 'tail':
        return this.startTail(step);
      case 'cross_kv':
        return;
      case 'linear2':
        throw new Error('internal compiler error: a fused step reached the WebGPU renderer');
      default:
        this.steps.emit(step, step.phase === 'memory' ? memory : stream, memory);
    }
  }

  /**
   * From here on only the last `tail` rows matter (position-wise work after the last attention): the
   * values still needed are copied down to their last rows, and later steps run on those.
   */
  private startTail(tail: TailStep): void {
    const st = this.st;
    this.forwardSteps = this.forward.steps;
    this.forward.steps = this.tailSteps;
    this.forward.rows = 'tail';
    this.forward.uniform = st.uniform(UNIFORMS.tail);
    for (const { id, dtype, width } of tail.slices) {
      const from = this.forward.names.get(id)!;
      const to = id === this.schedule.output.id ? this.steps.logits(this.forward, width) : st.activation(`${from}.tail`, dtype, 'tail', width);
      st.copy(this.forward, `${from}.tail`, from, to, times('tail', width), { from: times('R - tail', width) });
      this.forward.names.set(id, to);
    }
  }

  /** A repeat region: carried values live in their own buffers; each layer's results are copied back into them. */
  private region(region: ScheduledRegion): void {
    const st = this.st;
    const carried = region.carried.map((c) => {
      const name = st.activation(`${region.label}.${c.variable}`, c.dtype, 'R', c.width);
      st.copy(this.forward, `${region.label}.${c.variable}.init`, st.lookup(c.init.id, this.forward), name, times('R', c.width));
      return { name, width: c.width };
    });
    const bodies = region.bodies.map((body) => this.body(region, body, carried));
    const repeat = (steps: (b: (typeof bodies)[number]) => PlanStep[]): PlanStep => ({ op: 'repeat', name: region.label, count: region.count, bodyOfLayer: region.bodyOfLayer, bodies: bodies.map(steps) });
    this.forward.steps.push(repeat((b) => b.stream));
    if (bodies.some((b) => b.memory.length)) this.memory.steps.push(repeat((b) => b.memory));
    region.carried.forEach((c, i) => this.forward.names.set(c.id, carried[i]!.name));
  }

  private body(region: ScheduledRegion, body: ScheduledBody, carried: Carried) {
    const prefix = region.bodies.length > 1 ? `${region.label}.body${body.index}.` : `${region.label}.`;
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
    body.carried.forEach((c, i) => c.id !== undefined && stream.names.set(c.id, carried[i]!.name));
    for (const step of body.steps) this.step(step, stream, memory);
    this.layerResults(region, body, carried, stream);
    return { stream: stream.steps, memory: memory.steps };
  }

  /**
   * Copies each layer result into its carried buffer. A result that is itself a carried value (a
   * variable the layer passes along) goes through a spare buffer, so no copy reads a buffer already overwritten.
   */
  private layerResults(region: ScheduledRegion, body: ScheduledBody, carried: Carried, scope: Scope): void {
    const st = this.st;
    const later: (() => void)[] = [];
    body.results.forEach(({ value, passes }, i) => {
      const target = carried[i]!;
      const variable = region.carried[i]!;
      const elements = times('R', target.width);
      const step = `${region.label}.${LAYER_INDEX}.${variable.variable}`;
      if (passes === i) return;
      if (passes === undefined) {
        later.push(() => st.copy(scope, step, st.lookup(value.id, scope), target.name, elements));
        return;
      }
      const spare = st.activation(`${target.name}.next`, variable.dtype, 'R', target.width);
      st.copy(scope, `${step}.next`, carried[passes]!.name, spare, elements);
      later.push(() => st.copy(scope, step, spare, target.name, elements));
    });
    later.forEach((f) => f());
  }
}
