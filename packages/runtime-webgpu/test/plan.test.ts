// The plans the compiler writes for random architectures are well-formed for this runtime: every
// name resolves, bindings match the kernels, no dispatch aliases a buffer it writes, copies stay in
// bounds, and the weights allocated are exactly the model's parameters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateWebGpu } from '@tdl/compiler';
import { compileExpr } from '../src/expr.js';
import { concreteBuffers, layerName } from '../src/buffers.js';
import type { PlanStep, WebGpuPlan } from '@tdl/runtime/contract/webgpu';
import { modelConfig, modelSource } from './support/arbitrary-model.js';
import { compileSource } from './support/backends.js';

/** Each step with the layer it runs in (undefined at top level). */
function* flatten(steps: readonly PlanStep[], layer?: number): Generator<{ step: Exclude<PlanStep, { op: 'repeat' }>; layer?: number }> {
  for (const s of steps) {
    if (s.op === 'repeat') for (let i = 0; i < s.count; i++) yield* flatten(s.bodies[s.bodyOfLayer[i]!]!, i);
    else yield layer === undefined ? { step: s } : { step: s, layer };
  }
}

function checkPlan(plan: WebGpuPlan, kernels: Readonly<Record<string, string>>, rows: { R: number; past: number; S: number; tail: number }): void {
  const concrete = new Map(concreteBuffers(plan.buffers).map((b) => [b.name, b]));
  const capacity = { R: rows.R, tail: rows.R, past: 0, S: rows.S };
  const elements = (name: string) => compileExpr(concrete.get(name)!.plan.elements)(capacity);
  const kernel = (name: string) => {
    const k = plan.kernels.find((x) => x.name === name);
    expect(k, `kernel ${name}`).toBeDefined();
    const source = kernels[name]!;
    for (let i = 0; i < k!.bindings.length; i++) expect(source).toContain(`@group(0) @binding(${i})`);
    expect(source).not.toContain(`@group(0) @binding(${k!.bindings.length})`);
    return k!;
  };
  for (const u of plan.uniforms) for (const e of [u.rows, u.start, u.keys, u.inputs, u.outputs]) expect(compileExpr(e)(rows)).toBeGreaterThanOrEqual(0);
  for (const phase of [plan.memory, plan.forward, plan.tail]) {
    for (const { step, layer } of flatten(phase)) {
      const name = (n: string) => {
        const concreteName = layerName(n, layer);
        expect(concrete.has(concreteName), `step ${step.name} names buffer ${concreteName}`).toBe(true);
        return concreteName;
      };
      if (step.op === 'copy') {
        const [from, to] = [name(step.from), name(step.to)];
        expect(from).not.toBe(to);
        const count = compileExpr(step.elements)(rows);
        expect(compileExpr(step.fromOffset)(rows) + count).toBeLessThanOrEqual(elements(from));
        expect(compileExpr(step.toOffset)(rows) + count).toBeLessThanOrEqual(elements(to));
        continue;
      }
      expect(step.uniform).toBeGreaterThanOrEqual(0);
      expect(step.uniform).toBeLessThan(plan.uniforms.length);
      for (const variant of [step.kernel, ...(step.single ? [step.single.kernel] : [])]) {
        const k = kernel(variant);
        expect(k.bindings.length, `${step.name}: bindings of ${variant}`).toBe(step.bindings.length + 1);
        const names = step.bindings.map(name);
        names.forEach((n, i) => {
          if (k.bindings[i + 1] === 'read-write') expect(names.filter((m) => m === n), `${step.name} writes ${n} and binds it again`).toHaveLength(1);
        });
      }
      for (const w of [step.workgroups, ...(step.single ? [step.single.workgroups] : [])]) for (const e of w) expect(compileExpr(e)(rows)).toBeGreaterThanOrEqual(0);
    }
  }
}

describe('WebGPU plans of random architectures', () => {
  it('are well-formed and allocate exactly the parameters', () => {
    fc.assert(
      fc.property(modelConfig, fc.constantFrom('f32' as const, 'f16' as const, 'bf16' as const), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 6 }), (config, weightType, R, past, S) => {
        const graph = compileSource(modelSource(config), 'random.tdl');
        const { plan, kernels } = generateWebGpu(graph, { weights: weightType });
        expect(Object.keys(kernels).sort()).toEqual(plan.kernels.map((k) => k.name).sort());
        for (const tail of [1, R]) checkPlan(plan, kernels, { R, past: Math.min(past, config.context - R), S, tail });

        const weights = concreteBuffers(plan.buffers).filter((b) => b.plan.role === 'weight');
        expect(weights.map((b) => b.name).sort()).toEqual(graph.params.map((p) => p.name).sort());
        for (const b of weights) {
          const p = graph.params.find((q) => q.name === b.name)!;
          expect(Number(b.plan.elements)).toBe(p.shape.reduce((a, c) => a * c, 1));
          expect(b.plan.dtype).toBe(p.shape.length === 2 ? weightType : 'f32');
        }
        expect(plan.model.params).toEqual(graph.params.map((p) => ({ name: p.name, shape: p.shape, init: p.init })));
        const logits = plan.buffers.find((b) => b.name === plan.logits)!;
        expect(logits.role).toBe('logits');
        expect(logits.elements).toBe(`tail * ${config.vocab}`);
      }),
      { numRuns: 150 },
    );
  });
});
