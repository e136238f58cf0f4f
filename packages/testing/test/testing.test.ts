// @tdl/testing on the model library: shrinking keeps a file's structure, a property that does not
// apply says why, a planted fault fails its property with a command that reproduces the failure, and
// two files that differ are told apart by testEquivalence.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as cpu from '@tdl/runtime-cpu';
import { PROPERTY_NAMES } from '@tdl/compiler';
import { Checker, PROPERTIES, reportPassed, shrinkConfig, structureOf, testEquivalence, testModel } from '../src/index.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const model = (file: string) => ({ name: file, text: readFileSync(`${ROOT}${file}`, 'utf8') });

describe('@tdl/testing', () => {
  it('shrinks equal constants together and keeps grouped-query attention and the layer bodies', () => {
    const llama = new Checker(model('models/llama.tdl'));
    const { config } = shrinkConfig(llama);
    expect(config['heads']).toBe(config['kv_heads']); // MHA as written: they shrink together
    expect(config['d']).toBeLessThanOrEqual(32);
    const gemma2 = new Checker(model('models/gemma2.tdl'));
    const small = shrinkConfig(gemma2).config;
    expect(small['kv_heads']).toBeLessThan(small['heads']!);
    expect(structureOf(gemma2.check(small).graph!)).toBe(structureOf(gemma2.check({}).graph!));
  });

  it('says why a property does not apply: no sliding window, global layers, no memory', async () => {
    const reasons = async (file: string) =>
      Object.fromEntries((await testModel(model(file), { runs: 1, only: ['window', 'memory', 'threads', 'webgpu'] })).results.map((r) => [r.property, [r.status, r.reason]]));
    expect(await reasons('models/gpt2.tdl')).toEqual({
      window: ['skipped', 'no sliding-window attention'],
      memory: ['skipped', 'no memory input (no cross-attention)'],
      threads: ['skipped', 'no way to start worker threads was given'],
      webgpu: ['skipped', 'no WebGPU device was asked for'],
    });
    expect((await reasons('models/gemma2.tdl'))['window']).toEqual(['skipped', 'layers.{i}.self_attn attends globally (mask = causal), so every earlier token stays in reach']);
    expect((await reasons('models/whisper-decoder.tdl'))['memory']![0]).toBe('passed');
  });

  it('fails causality on kernels whose mask lets each position see the next, and the printed case fails again', async () => {
    // The JavaScript attention with a mask one position too wide: `rows` queries starting at `start`.
    const leaky = {
      ...cpu,
      attend: (out: Float32Array, q: Float32Array, rows: number, start: number, keys: Float32Array, values: Float32Array, keyCount: number, c: cpu.AttentionConfig, s?: Float32Array) =>
        cpu.attend(out, q, rows, start, keys, values, keyCount, { ...c, mask: 0 }, s),
    };
    const gpt2 = model('models/gpt2.tdl');
    const report = await testModel(gpt2, { runs: 5, only: ['causality'], kernels: leaky });
    const r = report.results[0]!;
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/^tokens after position \d+ changed the logits at position/);
    expect(r.command).toMatch(/^tdl test models\/gpt2\.tdl --only causality (--set \w+=\d+ )+--seed \d+ --ids [\d,]+$/);
    // The reproduction, as the command gives it: every constant pinned, the seed and ids of the case.
    const c = r.counterexample!;
    const again = await testModel(gpt2, { only: ['causality'], kernels: leaky, set: c.config, seed: c.seed, ids: c.ids });
    expect(again.results[0]).toMatchObject({ status: 'failed', reason: r.reason });
    const clean = await testModel(gpt2, { only: ['causality'], set: c.config, seed: c.seed, ids: c.ids });
    expect(clean.results[0]!.status).toBe('passed');
  });

  it('tells LLaMA from its interleaved-RoPE rewrite except through the naming that permutes', async () => {
    const a = model('models/llama.tdl');
    const b = model('packages/testing/test/fixtures/llama-interleaved.tdl');
    expect(await testEquivalence(a, b, { runs: 3 })).toMatchObject({ status: 'passed', naming: 'meta' });
    // Heads of 8 channels: at 2 (where shrinking may go) interleaved and half pairs are the same pair.
    const wrong = await testEquivalence(a, b, { runs: 3, naming: 'internal', set: { d: 32, heads: 4, kv_heads: 4 } });
    expect(wrong.status).toBe('failed');
    expect(wrong.reason).toMatch(/^the logits first differ at position \d+, logit \d+/);
    expect(wrong.command).toContain('--naming internal');
  });

  it('has one property for each name expectations may use, in their order', () => {
    expect(PROPERTIES.map((p) => p.name)).toEqual([...PROPERTY_NAMES]);
  });

  it("checks the file's expectations: wrong ones fail, an equiv without a way to read files is skipped", async () => {
    const gpt2 = model('models/gpt2.tdl');
    const claims = '  claim params(124439809)\n  claim holds(window)\n  claim not_applicable(memory)\n  claim equiv("llama.tdl")\n';
    const text = gpt2.text.replace(/\n}\s*$/, `\n${claims}}\n`);
    const report = await testModel({ name: 'models/gpt2.tdl', text }, { runs: 1, only: ['shapes'] });
    expect(report.expectations).toEqual([
      { expectation: 'params(124439808)', status: 'passed' },
      { expectation: 'params(1557611200, d = 1600, layers = 48, heads = 25)', status: 'passed' },
      { expectation: 'params(124439809)', status: 'failed', reason: 'the file has 124,439,808 parameters, it expects 124,439,809' },
      { expectation: 'holds(window)', status: 'failed', reason: 'window skipped (no sliding-window attention)' },
      { expectation: 'not_applicable(memory)', status: 'passed' },
      { expectation: 'equiv("llama.tdl")', status: 'skipped', reason: 'no way to read other model files was given' },
    ]);
    expect(reportPassed(report)).toBe(false);
  });
});
