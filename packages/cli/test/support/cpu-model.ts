// Builds a CPU executor straight from model source text, as the CLI does, for tests.
import { checkSource, generateCpuModule, transpileCpuModule, type Graph } from '@tdl/compiler';
import { initWeights } from '@tdl/runtime';
import * as cpu from '@tdl/runtime-cpu';

export interface TestModel {
  readonly graph: Graph;
  readonly module: cpu.GeneratedModule;
  executor(seed?: number): cpu.CpuExecutor;
}

export function compileForCpu(source: string, kernels: Record<string, unknown> = cpu as unknown as Record<string, unknown>): TestModel {
  const result = checkSource({ name: 'test.tdl', text: source });
  if (!result.ok || !result.graph) {
    throw new Error(`model does not check:\n${result.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.column} ${d.message}`).join('\n')}\n${source}`);
  }
  const module = cpu.loadGeneratedModule(transpileCpuModule(generateCpuModule(result.graph).typescript), kernels);
  return {
    graph: result.graph,
    module,
    executor: (seed = 1) => new cpu.CpuExecutor(module, initWeights(module.MODEL.params, seed)),
  };
}

/** Deterministic pseudo-random floats in (-1, 1). */
export function floats(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 91.7 + i * 12.345));
}
