// --weight-dtype q8_0|q4_0 on the CPU against its stated reference, for every family's shrunk golden:
// the f32 model run on the dequantized weights. The blocks are the ones the runtime's quantizer makes
// (checked bit for bit against llama.cpp's gguf package in packages/runtime/test); the reference
// decodes them here with its own few lines, written from the block formats, not with the runtime's
// decoder, and runs the f32 WebAssembly kernels on the result. Logits must agree within 1e-4.
// TDL_PRINT_DRIFT=1 prints each case's distance from the f32 model, as docs/quantization.md quotes.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { quantizeQ4_0, quantizeQ8_0, type QuantFormat } from '@tdl/runtime';
import { openExecutor, type CliIO } from '../src/index.js';
import { loadCpuModule, loadModel } from '../src/model.js';
import { loadCheckpoint, loadMemory } from '../src/weights.js';
import { maxAbsDiff, readManifest, ROOT, type GoldenCase } from './support/pytorch-goldens.js';

const TOLERANCE = 1e-4;
const DIRS = ['./fixtures/pytorch/', './fixtures/pytorch/families/', './fixtures/hf/'].map((d) => new URL(d, import.meta.url).pathname);
const CASES = DIRS.flatMap((dir) => readManifest(dir).cases.map((c) => [c.name, dir, c] as const));
const quiet: CliIO = { stdout: { write: () => {} }, stderr: { write: () => {} } };

/** A half (IEEE binary16, as stored) as a number. */
function half(h: number): number {
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  const magnitude = e === 0 ? f * 2 ** -24 : (1 + f / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -magnitude : magnitude;
}

/** Values of blocks as the formats define them: Q8_0 q·d; Q4_0 (nibble − 8)·d, byte j holding values j and j + 16. */
function decode(blocks: Uint8Array, count: number, format: QuantFormat): Float32Array {
  const out = new Float32Array(count);
  const size = format === 'q8_0' ? 34 : 18;
  for (let b = 0; b < count / 32; b++) {
    const at = b * size;
    const d = half(blocks[at]! | (blocks[at + 1]! << 8));
    for (let j = 0; j < 32; j++) {
      if (format === 'q8_0') out[b * 32 + j] = ((blocks[at + 2 + j]! << 24) >> 24) * d;
      else out[b * 32 + j] = (j < 16 ? (blocks[at + 2 + j]! & 15) : blocks[at + 2 + j - 16]! >> 4) * d - 8 * d;
    }
  }
  return out;
}

/** The weights the quantized model computes with: each packed matrix of whole blocks, quantized and decoded. */
function dequantized(weights: Map<string, Float32Array>, packed: readonly string[], shapes: Map<string, readonly number[]>, format: QuantFormat): Map<string, Float32Array> {
  const out = new Map(weights);
  for (const name of packed) {
    if (shapes.get(name)![1]! % 32 !== 0) continue; // kept f32, as the runtime keeps it
    const w = weights.get(name)!;
    out.set(name, decode(format === 'q8_0' ? quantizeQ8_0(w) : quantizeQ4_0(w), w.length, format));
  }
  return out;
}

async function prefill(c: GoldenCase, dir: string, graph: ReturnType<typeof loadModel>['graph'], module: ReturnType<typeof loadCpuModule>, weights: Map<string, Float32Array>, weightDtype: 'f32' | QuantFormat) {
  const executor = await openExecutor('cpu', graph, weights, { module, weightDtype });
  try {
    if (c.memory) {
      const memory = await loadMemory(join(dir, c.memory), module.MODEL.memory!.width);
      await executor.setMemory(memory.data, memory.length);
    }
    return await executor.prefill(Int32Array.from(c.prompt), { allLogits: true });
  } finally {
    executor.dispose();
  }
}

const drift: string[] = [];

describe('q8_0 and q4_0 weights on the CPU', () => {
  it.each(CASES)('%s: logits within 1e-4 of the f32 model on the dequantized weights', async (name, dir, c) => {
    const { graph, namings } = loadModel(quiet, join(ROOT, c.model), c.set);
    const module = loadCpuModule(graph);
    const { weights } = await loadCheckpoint(join(dir, c.checkpoints.f32!), module.MODEL.params, namings, { model: graph.name });
    const shapes = new Map(module.MODEL.params.map((p) => [p.name, p.shape] as const));
    const quantized = module.MODEL.packed.filter((p) => shapes.get(p)![1]! % 32 === 0);
    const f32 = await prefill(c, dir, graph, module, weights, 'f32');
    const row = [name];
    for (const format of ['q8_0', 'q4_0'] as const) {
      const got = await prefill(c, dir, graph, module, weights, format);
      const reference = await prefill(c, dir, graph, module, dequantized(weights, module.MODEL.packed, shapes, format), 'f32');
      expect(maxAbsDiff(got, reference)).toBeLessThanOrEqual(TOLERANCE);
      // With a matrix in blocks quantizing must change something, or the comparison above proves nothing;
      // with none (widths not a multiple of 32, whisper-decoder's) every matrix stays f32, bit for bit.
      if (quantized.length > 0) expect(maxAbsDiff(got, f32)).toBeGreaterThan(0);
      else expect(got).toEqual(f32);
      row.push(maxAbsDiff(got, f32).toPrecision(2));
    }
    row.push(f32.reduce((m, v) => Math.max(m, Math.abs(v)), 0).toPrecision(2));
    drift.push(`| ${row.join(' | ')} |`);
  });

  afterAll(() => {
    if (process.env['TDL_PRINT_DRIFT']) console.log(['| case | q8_0 − f32 | q4_0 − f32 | max abs f32 logit |', '| --- | --- | --- | --- |', ...drift.sort()].join('\n'));
  });
});
