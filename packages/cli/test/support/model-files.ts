// The model files of models/, compiled for the CPU with constants overridden, and weights for them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource, generateCpuModule, transpileCpuModule, type CheckResult, type Graph } from '@tdl/compiler';
import { initWeights, Rng } from '@tdl/runtime';
import * as cpu from '@tdl/runtime-cpu';

export const ROOT = new URL('../../../..', import.meta.url).pathname;

/** Every `models/*.tdl`, by file name, sorted. */
export function modelFiles(): string[] {
  return readdirSync(join(ROOT, 'models'))
    .filter((f) => f.endsWith('.tdl'))
    .sort();
}

export function checkModelFile(file: string, set: Record<string, number> = {}): CheckResult {
  const name = `models/${file}`;
  return checkSource({ name, text: readFileSync(join(ROOT, name), 'utf8') }, { overrides: set });
}

export interface CompiledFile {
  readonly graph: Graph;
  readonly module: cpu.GeneratedModule;
}

/** A model file with `--set` overrides, compiled and loaded for the CPU (with these kernels). */
export function compileModelFile(file: string, set: Record<string, number>, kernels: Record<string, unknown> = cpu as unknown as Record<string, unknown>): CompiledFile {
  const result = checkModelFile(file, set);
  if (!result.ok || !result.graph) throw new Error(`${file} does not check with ${JSON.stringify(set)}: ${result.diagnostics.map((d) => d.message).join('; ')}`);
  return { graph: result.graph, module: cpu.loadGeneratedModule(transpileCpuModule(generateCpuModule(result.graph).typescript), kernels) };
}

/**
 * Seeded weights where nothing is left at zero: the file's own initialisation, then biases and gates
 * (which start at zero) drawn small and non-zero, so every path of the model carries signal.
 */
export function liveWeights(module: cpu.GeneratedModule, seed: number): Map<string, Float32Array> {
  const weights = initWeights(module.MODEL.params, seed);
  const rng = new Rng(seed + 1);
  for (const p of module.MODEL.params) {
    if (p.init.kind !== 'zeros') continue;
    const w = weights.get(p.name)!;
    for (let i = 0; i < w.length; i++) w[i] = 0.5 * rng.normal();
  }
  return weights;
}
