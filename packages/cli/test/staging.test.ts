// Staged weights (matrices packed into the arena as they load, what the CLI does) give the model the
// same bits as a weight map, in every format (bench/load-memory.mjs measures what it saves).
import { describe, expect, it } from 'vitest';
import { initWeights } from '@tdl/runtime';
import { CpuExecutor, type WeightFormat } from '@tdl/runtime-cpu';
import type { CliIO } from '../src/index.js';
import { loadCpuModule, loadModel } from '../src/model.js';

const quiet: CliIO = { stdout: { write: () => {} }, stderr: { write: () => {} } };
const ROOT = new URL('../../..', import.meta.url).pathname;

describe('staged weights', () => {
  it.each(['f32', 'bf16', 'f16'] as const)('give the logits of a weight map, bit for bit (%s)', async (weightFormat: WeightFormat) => {
    const module = loadCpuModule(loadModel(quiet, `${ROOT}models/gpt2.tdl`, { layers: 2, d: 64, heads: 4, vocab: 300, context: 32 }).graph);
    const fromMap = new CpuExecutor(module, initWeights(module.MODEL.params, 5), { weightFormat });
    const staged = CpuExecutor.stage(module, { weightFormat })!;
    initWeights(module.MODEL.params, 5, (name, data) => staged.put(name, data));
    // Only what is not packed stays among the weights; the matrices wait in the arena.
    expect([...staged.weights.values()].filter((w) => w.length === 0)).toHaveLength(module.MODEL.packed.length);
    const fromStage = new CpuExecutor(module, staged);
    const prompt = Int32Array.of(3, 14, 15, 92, 65);
    expect(Array.from(await fromStage.prefill(prompt, { allLogits: true }))).toEqual(Array.from(await fromMap.prefill(prompt, { allLogits: true })));
    expect(Array.from(await fromStage.decode(7))).toEqual(Array.from(await fromMap.decode(7)));
    fromMap.dispose();
    fromStage.dispose();
  });

  it('are refused by name when f16 cannot hold a value, and free their arena when given up', () => {
    const module = loadCpuModule(loadModel(quiet, `${ROOT}models/gpt2.tdl`, { layers: 1, d: 32, heads: 2, vocab: 50, context: 8 }).graph);
    const staged = CpuExecutor.stage(module, { weightFormat: 'f16' })!;
    const name = module.MODEL.packed[0]!;
    const spec = module.MODEL.params.find((p) => p.name === name)!;
    const data = new Float32Array(spec.shape[0]! * spec.shape[1]!).fill(70000);
    expect(() => staged.put(name, data)).toThrow(`weight '${name}' holds 70000, beyond f16's range (±65504): keep the weights in bf16 or f32`);
    staged.dispose();
    expect(() => staged.put('nothing', data)).toThrow("internal error: staging 'nothing', which the model does not have");
  });
});
