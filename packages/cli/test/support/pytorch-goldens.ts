// Reads PyTorch golden fixtures (scripts/fixtures/make_goldens.py and make_family_goldens.py write
// them) and runs a case through the CLI's own loading path: model file, checkpoint naming, executor.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConstantValue } from '@tdl/compiler';
import { bufferSource, generate, readHeader, readTensorF32 } from '@tdl/runtime';
import { openExecutor, type Backend, type CliIO } from '../../src/index.js';
import { loadCpuModule, loadModel } from '../../src/model.js';
import { loadCheckpoint, loadMemory } from '../../src/weights.js';

export const ROOT = new URL('../../../..', import.meta.url).pathname;

export type DType = 'f32' | 'f16' | 'bf16';

/** One entry of a fixture folder's manifest.json. */
export interface GoldenCase {
  readonly name: string;
  readonly model: string;
  /** The constants that reproduce the case: sizes, and RoPE scaling as `rope_type` and its parameters. */
  readonly set: Record<string, ConstantValue>;
  readonly naming: string;
  readonly memory?: string;
  readonly goldens: string;
  readonly prompt: number[];
  readonly checkpoints: Partial<Record<DType, string>>;
  readonly greedy: Partial<Record<DType, number[]>>;
  readonly minGreedyMargin: Partial<Record<DType, number>>;
}

export function readManifest(dir: string): { generator: string; cases: GoldenCase[] } {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
}

export async function readTensors(path: string): Promise<Map<string, Float32Array>> {
  const src = bufferSource(new Uint8Array(readFileSync(path)));
  const header = await readHeader(src, path);
  const out = new Map<string, Float32Array>();
  for (const [name, entry] of header.tensors) out.set(name, await readTensorF32(src, entry));
  return out;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

const quiet: CliIO = { stdout: { write: () => {} }, stderr: { write: () => {} } };

/**
 * What `tdl logits` and `tdl run --temperature 0` do for one checkpoint of a case: logits of the prompt,
 * greedy tokens, on the CPU or on another backend.
 */
export async function runGoldenCase(dir: string, c: GoldenCase, dtype: DType = 'f32', backend: Backend = 'cpu') {
  const { graph, namings } = loadModel(quiet, join(ROOT, c.model), c.set);
  const module = loadCpuModule(graph);
  const { weights, naming } = await loadCheckpoint(join(dir, c.checkpoints[dtype]!), module.MODEL.params, namings, { model: graph.name });
  const executor = await openExecutor(backend, graph, weights, { module });
  const memory = c.memory ? await loadMemory(join(dir, c.memory), module.MODEL.memory!.width) : undefined;
  if (memory) await executor.setMemory(memory.data, memory.length);
  const logits = await executor.prefill(Int32Array.from(c.prompt), { allLogits: true });
  let tokens: readonly number[] = [];
  for await (const e of generate(executor, c.prompt, { maxTokens: c.greedy[dtype]!.length, temperature: 0, ...(memory ? { memory } : {}) })) {
    if (e.kind === 'done') tokens = e.tokens;
  }
  return { naming, logits, tokens };
}
