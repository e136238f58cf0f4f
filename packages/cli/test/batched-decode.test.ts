// Batched decoding on the CPU gives, bit for bit, the logits and tokens of decoding each sequence alone.
import { describe, expect, it } from 'vitest';
import { Batcher, generate, type BatchEvent } from '@tdl/runtime';
import * as cpu from '@tdl/runtime-cpu';
import { compileModelFile, liveWeights, modelFiles, SHRUNK } from './support/model-files.js';

/** Prompts of different lengths, so the sequences of one step sit at different positions. */
const PROMPTS = [[1, 2, 3], [7], [4, 9, 2, 8, 5], [11, 3], [60, 61, 62, 63, 0, 1]];

function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

const files = modelFiles().filter((f) => !compileModelFile(f, SHRUNK[f]!).module.MODEL.memory);

describe.each([true, false])('batched decode (wasm kernels: %s)', (wasm) => {
  it.each(files)('%s: each row of a step equals its sequence decoded alone', async (file) => {
    const { module } = compileModelFile(file, SHRUNK[file]!);
    const weights = liveWeights(module, 3);
    const alone = new cpu.CpuExecutor(module, weights, { wasm });
    const shared = new cpu.CpuExecutor(module, weights, { wasm });
    const seqs = shared.sequences({ maxSequences: PROMPTS.length });
    const ids = PROMPTS.map(() => seqs.open());
    await Promise.all(PROMPTS.map((p, i) => seqs.prefill(ids[i]!, Int32Array.from(p))));
    // Four steps of all sequences, each fed a fixed token stream; compared with each decoded alone.
    const fed = (i: number, step: number) => (i * 13 + step * 7) % 64;
    const batched: number[][][] = PROMPTS.map(() => []);
    for (let step = 0; step < 4; step++) {
      const rows = await seqs.decode(ids, Int32Array.from(ids, (_, i) => fed(i, step)));
      rows.forEach((r, i) => batched[i]!.push(bits(r)));
    }
    for (let i = 0; i < PROMPTS.length; i++) {
      alone.reset();
      await alone.prefill(Int32Array.from(PROMPTS[i]!));
      for (let step = 0; step < 4; step++) expect(bits(await alone.decode(fed(i, step)))).toEqual(batched[i]![step]);
    }
    alone.dispose();
    shared.dispose();
  });
});

describe('Batcher', () => {
  it('streams every request the tokens generate gives it alone, requests joining and leaving between steps', async () => {
    const file = 'llama.tdl';
    const { module } = compileModelFile(file, SHRUNK[file]!);
    const weights = liveWeights(module, 5);
    const alone = new cpu.CpuExecutor(module, weights);
    const shared = new cpu.CpuExecutor(module, weights);
    const batcher = new Batcher(shared.sequences({ maxSequences: 3 }), { maxQueue: 16 });
    const requests = PROMPTS.map((prompt, i) => ({ prompt, options: { maxTokens: 3 + i * 2, temperature: 0.9, topK: 20, seed: 100 + i, stopTokens: [5] } }));
    const expected = [];
    for (const r of requests) {
      const events = [];
      for await (const e of generate(alone, r.prompt, r.options)) events.push(e);
      expected.push(events.map(strip));
    }
    const got = await Promise.all(requests.map(async (r) => {
      const events: BatchEvent[] = [];
      for await (const e of batcher.submit(r.prompt, r.options)) events.push(e);
      return events.map(strip);
    }));
    expect(got).toEqual(expected);
    expect(batcher.stats.steps).toBeLessThan(requests.reduce((n, r) => n + r.options.maxTokens, 0));
    await batcher.idle();
    expect(batcher.stats).toMatchObject({ active: 0, waiting: 0 });
    alone.dispose();
    shared.dispose();
  });
});

/** An event without its timings (which differ run to run). */
function strip(e: BatchEvent) {
  return e.kind === 'done' ? { kind: e.kind, reason: e.reason, tokens: [...e.tokens], stopToken: e.stopToken } : e;
}
