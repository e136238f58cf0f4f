// tdl quantize: a LLaMA checkpoint in Hugging Face naming becomes a GGUF file in llama.cpp's names whose
// blocks are exactly the quantized Meta-layout tensors PyTorch wrote (llama-meta.f32.safetensors, made by
// scripts/fixtures/make_goldens.py, not by tdl), with the hyper-parameters as llama.cpp's keys.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferSource, quantizeQ4_0, quantizeQ8_0, readGgufHeader, readGgufTensorBytes, readGgufTensorF32, readHeader, readTensorF32 } from '@tdl/runtime';
import { tdl } from './support/run-cli.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const FIXTURES = join(ROOT, 'packages/cli/test/fixtures/pytorch');
const SET = ['vocab=128', 'context=32', 'd=32', 'layers=2', 'heads=4', 'kv_heads=2', 'd_ff=64', 'theta=500', 'eps=1e-6'].flatMap((s) => ['--set', s]);
const temp = join(tmpdir(), `tdl-quantize-${process.pid}-${Date.now()}`);
mkdirSync(temp, { recursive: true });
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function metaTensors(): Promise<Map<string, Float32Array>> {
  const src = bufferSource(new Uint8Array(readFileSync(join(FIXTURES, 'llama-meta.f32.safetensors'))));
  const header = await readHeader(src);
  const out = new Map<string, Float32Array>();
  for (const [name, entry] of header.tensors) out.set(name, await readTensorF32(src, entry));
  return out;
}

const GGUF_OF_META: Record<string, string> = {
  'tok_embeddings.weight': 'token_embd.weight',
  'norm.weight': 'output_norm.weight',
  'output.weight': 'output.weight',
};
for (const l of [0, 1]) {
  Object.assign(GGUF_OF_META, {
    [`layers.${l}.attention_norm.weight`]: `blk.${l}.attn_norm.weight`,
    [`layers.${l}.attention.wq.weight`]: `blk.${l}.attn_q.weight`,
    [`layers.${l}.attention.wk.weight`]: `blk.${l}.attn_k.weight`,
    [`layers.${l}.attention.wv.weight`]: `blk.${l}.attn_v.weight`,
    [`layers.${l}.attention.wo.weight`]: `blk.${l}.attn_output.weight`,
    [`layers.${l}.ffn_norm.weight`]: `blk.${l}.ffn_norm.weight`,
    [`layers.${l}.feed_forward.w1.weight`]: `blk.${l}.ffn_gate.weight`,
    [`layers.${l}.feed_forward.w2.weight`]: `blk.${l}.ffn_down.weight`,
    [`layers.${l}.feed_forward.w3.weight`]: `blk.${l}.ffn_up.weight`,
  });
}

describe('tdl quantize', () => {
  for (const [to, quantize] of [
    ['q8_0', quantizeQ8_0],
    ['q4_0', quantizeQ4_0],
  ] as const) {
    it(`--to ${to}: llama.cpp's names, Meta's layout, the blocks of each matrix, norms in f32`, async () => {
      const out = join(temp, `llama.${to}.gguf`);
      const r = await tdl('quantize', join(ROOT, 'models/llama.tdl'), ...SET, '--weights', join(FIXTURES, 'llama.f32.safetensors'), '--to', to, '--out', out);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const src = bufferSource(new Uint8Array(readFileSync(out)));
      const header = await readGgufHeader(src, out);
      const meta = await metaTensors();
      expect([...meta.keys()].sort()).toEqual(Object.keys(GGUF_OF_META).sort());
      expect([...header.tensors.keys()].sort()).toEqual(Object.values(GGUF_OF_META).sort());
      for (const [metaName, ggufName] of Object.entries(GGUF_OF_META)) {
        const entry = header.tensors.get(ggufName)!;
        const want = meta.get(metaName)!;
        if (entry.shape.length === 1) {
          expect(entry.type.name).toBe('F32');
          expect(Array.from(await readGgufTensorF32(src, entry))).toEqual(Array.from(want));
        } else {
          expect(entry.type.name).toBe(to.toUpperCase());
          expect(Buffer.from(await readGgufTensorBytes(src, entry)).equals(Buffer.from(quantize(want))), ggufName).toBe(true);
        }
      }
      const value = (k: string) => header.metadata.get(k);
      expect(value('general.architecture')).toEqual({ type: 'STRING', value: 'llama' });
      expect(value('general.file_type')).toEqual({ type: 'UINT32', value: to === 'q8_0' ? 7 : 2 });
      const u32 = Object.fromEntries(
        ['block_count', 'embedding_length', 'feed_forward_length', 'attention.head_count', 'attention.head_count_kv', 'context_length', 'rope.dimension_count'].map((k) => [k, value(`llama.${k}`)]),
      );
      expect(u32).toEqual(Object.fromEntries(Object.entries({ block_count: 2, embedding_length: 32, feed_forward_length: 64, 'attention.head_count': 4, 'attention.head_count_kv': 2, context_length: 32, 'rope.dimension_count': 8 }).map(([k, v]) => [k, { type: 'UINT32', value: v }])));
      expect(value('llama.rope.freq_base')).toEqual({ type: 'FLOAT32', value: 500 });
      expect(value('llama.attention.layer_norm_rms_epsilon')).toEqual({ type: 'FLOAT32', value: Math.fround(1e-6) });
    });
  }

  it('refuses a missing or unknown --to, a model without Meta naming, and leaves no file behind', async () => {
    const args = [join(ROOT, 'models/llama.tdl'), ...SET, '--weights', join(FIXTURES, 'llama.f32.safetensors'), '--out', join(temp, 'bad.gguf')];
    expect(await tdl('quantize', ...args)).toEqual({ code: 1, stdout: '', stderr: 'tdl: error: tdl quantize needs --to q8_0 or --to q4_0\n' });
    expect((await tdl('quantize', ...args, '--to', 'q5_k')).stderr).toBe("tdl: error: tdl quantize needs --to q8_0 or --to q4_0, not 'q5_k'\n");
    const gpt2 = await tdl('quantize', join(ROOT, 'models/gpt2.tdl'), '--weights', join(FIXTURES, 'gpt2.f32.safetensors'), '--to', 'q8_0', '--out', join(temp, 'bad.gguf'));
    expect(gpt2.stderr).toBe("tdl: error: tdl quantize writes llama.cpp's names for the LLaMA family, mapped from a model's 'meta' checkpoint section; model 'gpt2' has none\n");
    expect(existsSync(join(temp, 'bad.gguf'))).toBe(false);
    expect(readdirSync(temp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
