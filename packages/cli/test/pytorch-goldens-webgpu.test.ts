// The PyTorch goldens on the WebGPU backend: every case of the fixture folders (GPT-2, LLaMA and the
// classic decoders in every storage type, every model family, and the transformers references of the
// 2024–2025 families) gives the reference logits within 1e-4 and its greedy continuation, through the
// same loading path as the CPU tests (runGoldenCase).
import { describe, expect, it } from 'vitest';
import { maxAbsDiff, readManifest, readTensors, runGoldenCase, type DType } from './support/pytorch-goldens.js';
import { join } from 'node:path';

const FOLDERS = [
  new URL('./fixtures/pytorch/', import.meta.url).pathname,
  new URL('./fixtures/pytorch/families/', import.meta.url).pathname,
  // transformers' own classes: the 2024–2025 families and RoPE scaling (hf-families.test.ts on the CPU)
  new URL('./fixtures/hf/', import.meta.url).pathname,
];
const LOGITS_TOLERANCE = 1e-4;

const rows = FOLDERS.flatMap((dir) =>
  readManifest(dir).cases.flatMap((c) => (Object.keys(c.checkpoints) as DType[]).map((dtype) => [`${c.name} (${dtype})`, dir, c, dtype] as const)),
);

describe('PyTorch goldens on WebGPU', () => {
  it.for(rows)('%s: logits within 1e-4, same greedy continuation', async ([, dir, c, dtype], ctx) => {
    const run = await runGoldenCase(dir, c, dtype, 'webgpu').catch((e: Error) => {
      if (/no WebGPU adapter/.test(e.message) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(e.message);
      throw e;
    });
    const goldens = await readTensors(join(dir, `${c.goldens}.goldens.safetensors`));
    expect(run.naming).toBe(c.naming);
    expect(maxAbsDiff(run.logits, goldens.get(`logits_${dtype}`)!)).toBeLessThanOrEqual(LOGITS_TOLERANCE);
    expect(run.tokens).toEqual(c.greedy[dtype]);
  });
});
