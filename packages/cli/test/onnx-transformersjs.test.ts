// The export as transformers.js loads it: DIR/model.onnx with its config.json, read from the folder by
// AutoModelForCausalLM (onnxruntime-node underneath), generates greedily the ids tdl's CPU backend does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { EXTERNAL_DATA_THRESHOLD, hfArchitecture } from '@tdl/compiler';
import { CpuExecutor } from '@tdl/runtime-cpu';
import { writeOnnx } from '../src/onnx.js';
import { compileModelFile, liveWeights, SHRUNK } from './support/model-files.js';
import { argmax } from './support/onnx.js';

const dir = mkdtempSync(join(tmpdir(), 'tdl-transformersjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROMPT = [3, 14, 15, 9, 2];
const NEW_TOKENS = 5;

describe('transformers.js', () => {
  it('loads the llama export from its folder and decodes greedily as the CPU backend does', async () => {
    const file = 'llama.tdl';
    const { graph, module } = compileModelFile(file, SHRUNK[file]!);
    const weights = liveWeights(module, 7);
    const hf = hfArchitecture(graph.doc ?? '');
    expect(hf?.modelType).toBe('llama');
    writeOnnx(join(dir, 'llama'), graph, weights, { ops: 'standard', weights: 'f32', externalThreshold: EXTERNAL_DATA_THRESHOLD, ...(hf ? { hf } : {}) });

    const cpu = new CpuExecutor(module, weights);
    const expected: number[] = [];
    let logits = await cpu.prefill(Int32Array.from(PROMPT));
    for (let i = 0; i < NEW_TOKENS; i++) {
      expected.push(argmax(logits));
      if (i + 1 < NEW_TOKENS) logits = await cpu.decode(expected[i]!);
    }
    cpu.dispose();

    env.allowRemoteModels = false;
    env.localModelPath = dir;
    // The graph sits in the folder itself, not in transformers.js's default onnx/ subfolder.
    const model = await AutoModelForCausalLM.from_pretrained('llama', { subfolder: '', dtype: 'fp32', device: 'cpu' });
    const ids = (values: readonly number[]) => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
    // config.json names no eos (the model file knows no special tokens): generation runs for all the new tokens.
    const out = (await model.generate({ input_ids: ids(PROMPT), attention_mask: ids(PROMPT.map(() => 1)), max_new_tokens: NEW_TOKENS, do_sample: false })) as Tensor;
    await model.dispose();
    expect(new Set(expected).size).toBeGreaterThan(1);
    expect(Array.from(out.data as BigInt64Array, Number)).toEqual([...PROMPT, ...expected]);
  });
});
