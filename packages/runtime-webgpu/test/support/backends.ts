// A model source compiled for both backends, with the same weights: the CPU executor is the reference.
import { checkSource, generateCpuModule, generateWebGpu, transpileCpuModule, type Graph, type WebGpuOptions } from '@tdl/compiler';
import { renderDiagnostics } from '@tdl/dsl';
import * as cpuKernels from '@tdl/runtime-cpu';
import { CpuExecutor, loadGeneratedModule } from '@tdl/runtime-cpu';
import type { Executor, WeightMap } from '@tdl/runtime';
import { WebGpuExecutor, type WebGpuDevice, type WebGpuExecutorOptions } from '../../src/index.js';

export function compileSource(text: string, name = 'model.tdl', overrides: Record<string, number> = {}): Graph {
  const result = checkSource({ name, text }, { overrides });
  if (!result.ok || !result.graph) throw new Error(`${name} does not check:\n${renderDiagnostics(result.diagnostics, () => text)}\n${text}`);
  return result.graph;
}

export function cpuExecutor(graph: Graph, weights: WeightMap): CpuExecutor {
  const module = loadGeneratedModule(transpileCpuModule(generateCpuModule(graph).typescript), cpuKernels as unknown as Record<string, unknown>);
  return new CpuExecutor(module, weights);
}

export function webgpuExecutor(
  device: WebGpuDevice,
  graph: Graph,
  weights: WeightMap,
  options: WebGpuExecutorOptions & WebGpuOptions = {},
): Promise<WebGpuExecutor> {
  return WebGpuExecutor.create(device, generateWebGpu(graph, options.weights ? { weights: options.weights } : {}), weights, options);
}

/** The largest absolute difference between two arrays of one length. */
export function maxDifference(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return Infinity;
    if (d > max) max = d;
  }
  return max;
}

/** Greedy decoding with an executor: the prompt, then `steps` argmax tokens. */
export async function greedy(executor: Executor, prompt: Int32Array, steps: number): Promise<number[]> {
  executor.reset();
  let logits = await executor.prefill(prompt);
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
    out.push(best);
    if (s + 1 < steps) logits = await executor.decode(best);
  }
  return out;
}
