// A plan's steps made concrete: repeat regions unrolled into one instance per layer and step, with
// buffers named per layer, kernels compiled and expressions parsed, ready to encode call after call.
import { layerName } from './buffers.js';
import { compileExpr, type CompiledExpr } from './expr.js';
import type { CompiledKernel } from './pipelines.js';
import type { PlanStep, PlanWorkgroups } from '@tdl/runtime/contract/webgpu';

export interface DispatchInstance {
  readonly op: 'dispatch';
  /** The step's name with the layer filled in: labels GPU objects, so WebGPU's errors name it. */
  readonly label: string;
  readonly kernel: CompiledKernel;
  readonly workgroups: Workgroups;
  /** The kernel for one row, if the step has one. */
  readonly single?: { readonly kernel: CompiledKernel; readonly workgroups: Workgroups };
  readonly uniform: number;
  /** Buffers of bindings 1, 2, … */
  readonly buffers: readonly string[];
  bindGroup?: GPUBindGroup;
}

export interface Workgroups {
  readonly x: CompiledExpr;
  readonly y: CompiledExpr;
  /** True when y is 1: the kernel indexes its work in one dimension, so x may be folded into y. */
  readonly flat: boolean;
}

export interface CopyInstance {
  readonly op: 'copy';
  readonly label: string;
  readonly from: string;
  readonly to: string;
  readonly fromOffset: CompiledExpr;
  readonly toOffset: CompiledExpr;
  readonly elements: CompiledExpr;
}

export type Instance = DispatchInstance | CopyInstance;

export class Instantiator {
  private readonly exprs = new Map<string, CompiledExpr>();

  constructor(private readonly kernels: ReadonlyMap<string, CompiledKernel>) {}

  expr(text: string): CompiledExpr {
    let e = this.exprs.get(text);
    if (!e) this.exprs.set(text, (e = compileExpr(text)));
    return e;
  }

  steps(steps: readonly PlanStep[], layer?: number): Instance[] {
    return steps.flatMap((s) => this.step(s, layer));
  }

  private step(s: PlanStep, layer: number | undefined): Instance[] {
    const name = (text: string) => {
      if (layer === undefined && text.includes('{i}')) throw new Error(`internal error: plan step '${s.name}' names per-layer '${text}' outside a layer`);
      return layerName(text, layer);
    };
    switch (s.op) {
      case 'repeat':
        return Array.from({ length: s.count }, (_, i) => this.steps(s.bodies[s.bodyOfLayer[i]!]!, i)).flat();
      case 'copy':
        return [
          {
            op: 'copy',
            label: name(s.name),
            from: name(s.from),
            to: name(s.to),
            fromOffset: this.expr(s.fromOffset),
            toOffset: this.expr(s.toOffset),
            elements: this.expr(s.elements),
          },
        ];
      case 'dispatch':
        return [
          {
            op: 'dispatch',
            label: name(s.name),
            kernel: this.kernel(s.kernel),
            workgroups: this.workgroups(s.workgroups),
            ...(s.single ? { single: { kernel: this.kernel(s.single.kernel), workgroups: this.workgroups(s.single.workgroups) } } : {}),
            uniform: s.uniform,
            buffers: s.bindings.map(name),
          },
        ];
    }
  }

  private kernel(name: string): CompiledKernel {
    const k = this.kernels.get(name);
    if (!k) throw new Error(`internal error: the plan uses a kernel '${name}' it does not declare`);
    return k;
  }

  private workgroups(w: PlanWorkgroups): Workgroups {
    return { x: this.expr(w[0]), y: this.expr(w[1]), flat: w[1] === '1' };
  }
}
