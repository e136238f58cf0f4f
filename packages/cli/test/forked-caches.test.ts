// Forked sequences (beam search's KV caches) give the logits of running each forked history alone: bit
// for bit on the CPU, copying caches (CpuSequences.fork) or replaying them (Replaying); within 1e-4 on
// WebGPU, which swaps caches in and out on the GPU (WebGpuSequences).
import { describe, expect, it } from 'vitest';
import { Replaying, type ForkingSequences } from '@tdl/runtime';
import * as cpu from '@tdl/runtime-cpu';
import { WebGpuExecutor } from '@tdl/runtime-webgpu';
import { openExecutor } from '../src/index.js';
import { compileModelFile, liveWeights, SHRUNK } from './support/model-files.js';

/** Plain attention, sliding windows (ring-buffer caches), learned positions, and a mid-sequence rescaling. */
const FILES = ['llama.tdl', 'mistral.tdl', 'gemma2.tdl', 'gpt2.tdl', 'phi3.tdl'];
const PROMPT = [5, 9, 2, 8, 5, 1, 7];

function bits(a: Float32Array): number[] {
  return Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
}

/** Prefills one sequence, forks it twice, and decodes the three apart for a few steps; returns each history and its logits. */
async function forkAndDecode(seqs: ForkingSequences): Promise<{ history: number[]; logits: number[] }[]> {
  const root = seqs.open();
  await seqs.prefill(root, Int32Array.from(PROMPT));
  await seqs.decode([root], Int32Array.of(3));
  const kids = [seqs.fork(root), seqs.fork(root)];
  const ids = [root, ...kids];
  const histories = ids.map(() => [...PROMPT, 3]);
  let last: Float32Array[] = [];
  for (let step = 0; step < 5; step++) {
    // After two steps the first child forks again from the root, replacing its own history.
    if (step === 2) {
      seqs.release(ids[1]!);
      ids[1] = seqs.fork(root);
      histories[1] = [...histories[0]!];
    }
    const tokens = ids.map((_, i) => (i * 17 + step * 5 + 1) % 60);
    last = await seqs.decode(ids, Int32Array.from(tokens));
    tokens.forEach((t, i) => histories[i]!.push(t));
  }
  return ids.map((_, i) => ({ history: histories[i]!, logits: bits(last[i]!) }));
}

describe.each([true, false])('forked caches (wasm kernels: %s)', (wasm) => {
  it.each(FILES)('%s: a forked sequence continues as its history run alone', async (file) => {
    const { module } = compileModelFile(file, SHRUNK[file]!);
    const weights = liveWeights(module, 5);
    const alone = new cpu.CpuExecutor(module, weights, { wasm });
    const shared = new cpu.CpuExecutor(module, weights, { wasm });
    const replayed = new cpu.CpuExecutor(module, weights, { wasm });
    const forked = await forkAndDecode(shared.sequences({ maxSequences: 4 }));
    const replays = await forkAndDecode(new Replaying(replayed, 4));
    for (let i = 0; i < forked.length; i++) {
      alone.reset();
      const want = bits(await alone.prefill(Int32Array.from(forked[i]!.history)));
      expect(forked[i]!.logits, `forked sequence ${i}`).toEqual(want);
      expect(replays[i]!.history).toEqual(forked[i]!.history);
      expect(replays[i]!.logits, `replayed sequence ${i}`).toEqual(want);
    }
    for (const e of [alone, shared, replayed]) e.dispose();
  });
});

describe('forked caches on WebGPU', () => {
  it.for(['llama.tdl', 'mistral.tdl'])('%s: a forked sequence continues as its history run alone', async (file, ctx) => {
    const { graph, module } = compileModelFile(file, SHRUNK[file]!);
    const weights = liveWeights(module, 5);
    const open = () =>
      openExecutor('webgpu', graph, weights).catch((e: Error) => {
        if (/no WebGPU adapter/.test(e.message) && process.env['TDL_REQUIRE_WEBGPU'] !== '1') ctx.skip(e.message);
        throw e;
      });
    const [shared, alone] = [await open(), await open()];
    try {
      if (!(shared instanceof WebGpuExecutor)) throw new Error('openExecutor gave no WebGPU executor');
      const forked = await forkAndDecode(shared.sequences(4));
      for (let i = 0; i < forked.length; i++) {
        alone.reset();
        const want = await alone.prefill(Int32Array.from(forked[i]!.history));
        const got = new Float32Array(Uint32Array.from(forked[i]!.logits).buffer);
        expect(Math.max(...got.map((x, j) => Math.abs(x - want[j]!))), `forked sequence ${i}`).toBeLessThanOrEqual(1e-4);
      }
    } finally {
      shared.dispose();
      alone.dispose();
    }
  });
});
