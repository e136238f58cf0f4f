// The model files of models/, compiled for the CPU with constants overridden, and weights for them.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource, generateCpuModule, transpileCpuModule, type CheckResult, type Graph } from '@tdl/compiler';
import * as cpu from '@tdl/runtime-cpu';
import { Checker, liveWeights as testingLiveWeights, shrinkConfig } from '@tdl/testing';

export const ROOT = new URL('../../../..', import.meta.url).pathname;

/**
 * Configurations some tests were written against (the ONNX exports' head sizes, the window tests'
 * reach); a file without a row gets the one @tdl/testing's shrinking finds, so a file added to models/
 * needs no row here.
 */
const HAND_PICKED: Record<string, Record<string, number>> = {
  'bloom.tdl': { vocab: 64, context: 16, d: 18, layers: 2, heads: 3 },
  'deepnorm.tdl': { vocab: 64, context: 16, d: 16, layers: 3, heads: 2, d_ff: 32 },
  'falcon.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 4 },
  'flamingo.tdl': { vocab: 64, context: 16, d: 16, layers: 4, heads: 2, d_visual: 6, xattn_heads: 2, xattn_head_dim: 4 },
  'gemma.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 4, kv_heads: 1, head_dim: 8, d_ff: 32 },
  'gemma2.tdl': { vocab: 64, context: 16, d: 16, layers: 3, heads: 4, kv_heads: 2, head_dim: 8, d_ff: 32, window: 3, query_pre_attn_scalar: 8, attn_softcap: 5, final_softcap: 10 },
  'gemma3.tdl': { vocab: 64, context: 16, d: 16, layers: 7, heads: 4, kv_heads: 2, head_dim: 8, d_ff: 32, window: 3, query_pre_attn_scalar: 8, rope_factor: 2 },
  'gpt2.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 2 },
  'llama.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 4, kv_heads: 2, d_ff: 32 },
  'mixtral.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 4, kv_heads: 2, d_ff: 32, experts: 4, top_k: 2 },
  'qwen3-moe.tdl': { vocab: 64, context: 16, d: 16, layers: 3, heads: 4, kv_heads: 2, head_dim: 8, d_ff: 32, expert_ff: 24, experts: 4, top_k: 2, sparse_step: 2 },
  'mistral.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 4, kv_heads: 2, d_ff: 32, window: 3 },
  'olmo2.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 4, kv_heads: 2, d_ff: 32 },
  'opt.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 2, d_ff: 32 },
  'phi2.tdl': { vocab: 64, context: 16, d: 20, layers: 2, heads: 2, d_ff: 32 },
  'phi3.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 4, kv_heads: 2, d_ff: 32, window: 3 },
  'pythia.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 2, d_ff: 32 },
  'qwen2.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 4, kv_heads: 2, d_ff: 32 },
  'qwen3.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 4, kv_heads: 2, head_dim: 8, d_ff: 32 },
  'sandwich.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 2 },
  'transformer-prenorm.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 2, d_ff: 32 },
  'transformer.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 2, d_ff: 32 },
  'whisper-decoder.tdl': { vocab: 64, context: 16, d: 16, layers: 2, heads: 2, d_ff: 32, audio_frames: 5 },
};

/** Each model file's constants, shrunk so it runs in milliseconds: every file of models/ has one. */
export const SHRUNK: Record<string, Record<string, number>> = Object.fromEntries(
  modelFiles().map((f) => [f, HAND_PICKED[f] ?? { ...shrinkConfig(new Checker({ name: `models/${f}`, text: readFileSync(join(ROOT, 'models', f), 'utf8') })).config }]),
);

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

/** Seeded weights where nothing is left at zero (@tdl/testing's, which its properties run on). */
export function liveWeights(module: cpu.GeneratedModule, seed: number): Map<string, Float32Array> {
  return testingLiveWeights(module.MODEL, seed);
}
