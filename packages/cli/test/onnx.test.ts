// Every family of models/, shrunk, exported to ONNX and run in ONNX Runtime (onnxruntime-node, CPU):
// a prompt's logits, then greedy decoding with the past fed back, against tdl's CPU backend.
import { describe, expect, it } from 'vitest';
import { CpuExecutor } from '@tdl/runtime-cpu';
import { compileModelFile, liveWeights, modelFiles, SHRUNK } from './support/model-files.js';
import { argmax, exportInMemory, maxAbsDiff, OrtDecoder, ortSession } from './support/onnx.js';
import { floats } from './support/cpu-model.js';

/** How far ONNX Runtime's logits may stray from the CPU backend's (both f32; seen: under 2e-7). */
const TOLERANCE = 1e-4;
const PROMPT = [3, 14, 15, 9, 2];
const STEPS = 4;

describe('ONNX export runs in ONNX Runtime like the CPU backend', () => {
  for (const file of modelFiles()) {
    it(file, async () => {
      const { graph, module } = compileModelFile(file, SHRUNK[file]!);
      const weights = liveWeights(module, 7);
      const { exported, bytes } = exportInMemory(graph, weights);
      const memory = exported.memory ? { data: floats(3 * exported.memory.width, 5), length: 3 } : undefined;
      const cpu = new CpuExecutor(module, weights);
      const ort = new OrtDecoder(await ortSession(bytes), exported, memory);
      if (memory) await cpu.setMemory(memory.data, memory.length);

      const vocab = exported.vocab;
      const expected = await cpu.prefill(Int32Array.from(PROMPT), { allLogits: true });
      const got = await ort.forward(PROMPT);
      let worst = maxAbsDiff(got, expected);
      expect(worst).toBeLessThan(TOLERANCE);

      let next = argmax(got, (PROMPT.length - 1) * vocab, PROMPT.length * vocab);
      for (let step = 0; step < STEPS; step++) {
        const cpuLogits = await cpu.decode(next);
        const ortLogits = await ort.forward([next]);
        worst = Math.max(worst, maxAbsDiff(ortLogits, cpuLogits));
        expect(worst).toBeLessThan(TOLERANCE);
        const greedy = argmax(ortLogits);
        expect(greedy).toBe(argmax(cpuLogits));
        next = greedy;
      }
      cpu.dispose();
      if (process.env["TDL_ONNX_REPORT"]) console.log(`${file}: worst ${worst.toExponential(2)}`);
    });
  }
});
