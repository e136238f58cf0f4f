// What a plan accumulates while the schedule is walked: buffers (named, deduplicated), uniform parameter
// sets, kernels, and the scopes steps are emitted into.
import type { ValueId } from '../../ir/nodes.js';
import { LAYER_INDEX } from '../../lower/lowerer.js';
import type { Phase, WeightRef } from '../schedule/index.js';
import { times } from './expr.js';
import { KernelSet } from './kernel-set.js';
import type { WeightFormat } from '@tdl/runtime/contract';
import type { DispatchStep, PlanBuffer, PlanExpr, PlanStep, PlanUniform, PlanWorkgroups } from '@tdl/runtime/contract/webgpu';

/** Where steps go and how values are found: the forward pass, the tail, the memory pass, or a layer of one. */
export interface Scope {
  readonly phase: Phase;
  /** The symbol for this scope's row count: R, tail or S. */
  rows: 'R' | 'tail' | 'S';
  /** The uniform set of plain kernels here. */
  uniform: number;
  readonly names: Map<ValueId, string>;
  readonly parent?: Scope;
  /** Prefix of activation buffer names (`h.` inside region h). */
  readonly prefix: string;
  /** Prefix of step names for nodes without a label (`h.{i}.`). */
  readonly stepPrefix: string;
  steps: PlanStep[];
  /** Inside a layer body: the layers that run it (for per-layer buffers). */
  readonly layers?: readonly number[];
}

export const UNIFORMS = {
  stream: { rows: 'R', start: 'past', keys: 'past + R', inputs: '0', outputs: '0' },
  cross: { rows: 'R', start: 'past', keys: 'S', inputs: '0', outputs: '0' },
  tail: { rows: 'tail', start: 'past + R - tail', keys: '0', inputs: '0', outputs: '0' },
  memory: { rows: 'S', start: '0', keys: '0', inputs: '0', outputs: '0' },
} as const satisfies Record<string, PlanUniform>;

export class PlanState {
  readonly kernels = new KernelSet();
  readonly buffers = new Map<string, PlanBuffer>();
  readonly uniforms: PlanUniform[] = [];
  private readonly constants = new Map<string, string>();

  constructor(readonly weights: WeightFormat) {}

  uniform(u: PlanUniform): number {
    const i = this.uniforms.findIndex((v) => v.rows === u.rows && v.start === u.start && v.keys === u.keys && v.inputs === u.inputs && v.outputs === u.outputs);
    if (i >= 0) return i;
    this.uniforms.push(u);
    return this.uniforms.length - 1;
  }

  /** A new buffer under a unique name made from `wanted`. */
  addBuffer(wanted: string, buffer: Omit<PlanBuffer, 'name'>): string {
    let name = wanted;
    for (let n = 2; this.buffers.has(name); n++) name = `${wanted}_${n}`;
    this.buffers.set(name, { name, ...buffer });
    return name;
  }

  /** An intermediate value's buffer: [rows, width]. */
  activation(wanted: string, dtype: 'f32' | 'i32', rows: Scope['rows'], width: number): string {
    return this.addBuffer(wanted, { role: 'activation', dtype, elements: times(rows, width), shape: width === 1 && dtype === 'i32' ? `[${rows}]` : `[${rows}, ${width}]` });
  }

  /** A parameter's buffer, per layer when its name has `{i}`. */
  weight(ref: WeightRef, scope: Scope): string {
    const { param, shape } = ref;
    const perLayer = param.includes(LAYER_INDEX);
    if (perLayer && !scope.layers) throw new Error(`internal compiler error: per-layer parameter ${param} outside a layer`);
    const known = this.buffers.get(param);
    if (known && known.role !== 'weight') throw new Error(`internal compiler error: parameter ${param} has the name of another buffer`);
    if (known) {
      if (perLayer) this.buffers.set(param, { ...known, layers: [...new Set([...(known.layers ?? []), ...scope.layers!])].sort((a, b) => a - b) });
      return param;
    }
    this.buffers.set(param, {
      name: param,
      role: 'weight',
      dtype: this.weightType(ref),
      elements: String(shape.reduce((a, b) => a * b, 1)),
      shape: `[${shape.join(', ')}]`,
      ...(perLayer ? { layers: [...scope.layers!] } : {}),
    });
    return param;
  }

  /** Matrices (linear weights, embedding tables) are stored as `weights` says (f16 or bf16 when asked for); the rest in f32. */
  weightType(ref: WeightRef): WeightFormat {
    return ref.linear || ref.embedding ? this.weights : 'f32';
  }

  /** A table of numbers the compiler worked out (one buffer per distinct table). */
  constant(wanted: string, data: readonly number[], shape: string): string {
    const key = JSON.stringify(data);
    const known = this.constants.get(key);
    if (known) return known;
    const name = this.addBuffer(wanted, { role: 'constant', dtype: 'f32', elements: String(data.length), shape, data });
    this.constants.set(key, name);
    return name;
  }

  /** The buffer holding a value, looked up through the enclosing scopes. */
  lookup(id: ValueId, scope: Scope): string {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const name = s.names.get(id);
      if (name) return name;
    }
    throw new Error(`internal compiler error: value %${id} has no buffer in this scope`);
  }

  dispatch(
    scope: Scope,
    name: string,
    kernel: string,
    bindings: readonly string[],
    workgroups: PlanWorkgroups,
    extra: { uniform?: number; single?: DispatchStep['single'] } = {},
  ): void {
    scope.steps.push({
      op: 'dispatch',
      name,
      kernel,
      uniform: extra.uniform ?? scope.uniform,
      bindings,
      workgroups,
      ...(extra.single ? { single: extra.single } : {}),
    });
  }

  copy(scope: Scope, name: string, from: string, to: string, elements: PlanExpr, offsets: { from?: PlanExpr; to?: PlanExpr } = {}): void {
    scope.steps.push({ op: 'copy', name, from, to, fromOffset: offsets.from ?? '0', toOffset: offsets.to ?? '0', elements });
  }
}
