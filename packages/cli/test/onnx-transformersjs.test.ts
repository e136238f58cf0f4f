// The export as transformers.js loads it: DIR/model.onnx with its config.json, read from the folder by
// AutoModelForCausalLM (onnxruntime-node underneath), generates greedily the ids tdl's CPU backend does,
// for a family whose config uses the generic names (LLaMA) and one with names of its own (GPT-2).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AutoModelForCausalLM, env, Tensor } from '@huggingface/transformers';
import { EXTERNAL_DATA_THRESHOLD, hfArchitecture } from '@tdl/compiler';
import { CpuExecutor } from '@tdl/runtime-cpu';
import { writeOnnx } from '../src/onnx.js';
import { compileModelFile, liveWeights, ROOT, SHRUNK } from './support/model-files.js';
import { argmax, maxAbsDiff } from './support/onnx.js';

const dir = mkdtempSync(join(tmpdir(), 'tdl-transformersjs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROMPT = [3, 14, 15, 9, 2];
const NEW_TOKENS = 5;
/** As onnx.test.ts: ONNX Runtime's logits against the CPU backend's (both f32). */
const TOLERANCE = 1e-4;

describe('transformers.js', () => {
  // LLaMA reads config.json's generic names; GPT-2's its own (n_layer, n_head, n_embd).
  for (const [file, type] of [['llama.tdl', 'llama'], ['gpt2.tdl', 'gpt2']] as const) {
    it(`loads the ${type} export from its folder: the prompt's logits and greedy decoding are the CPU backend's`, async () => {
      const { graph, module } = compileModelFile(file, SHRUNK[file]!);
      const weights = liveWeights(module, 7);
      const hf = hfArchitecture(graph.doc ?? '', readFileSync(join(ROOT, 'models', file), 'utf8'));
      expect(hf?.modelType).toBe(type);
      writeOnnx(join(dir, type), graph, weights, { ops: 'standard', weights: 'f32', externalThreshold: EXTERNAL_DATA_THRESHOLD, ...(hf ? { hf } : {}) });

      const cpu = new CpuExecutor(module, weights);
      const promptLogits = await cpu.prefill(Int32Array.from(PROMPT), { allLogits: true });
      cpu.reset();
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
      const model = await AutoModelForCausalLM.from_pretrained(type, { subfolder: '', dtype: 'fp32', device: 'cpu' });
      const ids = (values: readonly number[]) => new Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length]);
      // config.json names no eos (the model file knows no special tokens): generation runs for all the new tokens.
      // The prompt's logits through the model's forward (transformers.js supplies the empty past and the positions).
      const forward = (await model({ input_ids: ids(PROMPT), attention_mask: ids(PROMPT.map(() => 1)) })) as { logits: Tensor };
      expect(forward.logits.dims).toEqual([1, PROMPT.length, promptLogits.length / PROMPT.length]);
      expect(maxAbsDiff(forward.logits.data as Float32Array, promptLogits)).toBeLessThan(TOLERANCE);
      const out = (await model.generate({ input_ids: ids(PROMPT), attention_mask: ids(PROMPT.map(() => 1)), max_new_tokens: NEW_TOKENS, do_sample: false })) as Tensor;
      await model.dispose();
      expect(Array.from(out.data as BigInt64Array, Number)).toEqual([...PROMPT, ...expected]);
    });
  }
});
