// `tdl compile --target onnx` on disk: f16 weights, the external data file, and bad flags.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportOnnx, initializerBytes } from '@tdl/compiler';
import { fromFloat32, toFloat32 } from '@tdl/runtime';
import { CpuExecutor } from '@tdl/runtime-cpu';
import { compileModelFile, liveWeights, ROOT, SHRUNK } from './support/model-files.js';
import { exportInMemory, maxAbsDiff, OrtDecoder, ortSession } from './support/onnx.js';
import { tdl } from './support/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tdl-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROMPT = [3, 14, 15, 9, 2];
const setFlags = (file: string) => Object.entries(SHRUNK[file]!).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

describe('f16 weights', () => {
  // Weights of rank 2 are stored f16 and cast to f32 in the graph: the model computes what the CPU
  // backend computes with those weights rounded to f16 (the arithmetic stays f32).
  for (const file of ['llama.tdl', 'gpt2.tdl']) {
    it(`${file}: logits of the f16 export equal the CPU's with f16-rounded weights`, async () => {
      const { graph, module } = compileModelFile(file, SHRUNK[file]!);
      const weights = liveWeights(module, 3);
      const rounded = new Map(
        [...weights].map(([name, data]) => {
          const rank = graph.params.find((p) => p.name === name)!.shape.length;
          return [name, rank >= 2 ? toFloat32(fromFloat32(data, 'F16'), 'F16', data.length) : data];
        }),
      );
      const { exported, bytes } = exportInMemory(graph, weights, { weights: 'f16' });
      // Every parameter of rank 2 is an f16 initializer, the rest f32.
      for (const init of exported.model.initializers) {
        if (init.kind === 'param') expect(init.dtype).toBe(graph.params.find((p) => p.name === init.param)!.shape.length >= 2 ? 'f16' : 'f32');
      }
      const cpu = new CpuExecutor(module, rounded);
      const got = await new OrtDecoder(await ortSession(bytes), exported).forward(PROMPT);
      expect(maxAbsDiff(got, await cpu.prefill(Int32Array.from(PROMPT), { allLogits: true }))).toBeLessThan(1e-4);
      cpu.dispose();
    });
  }
});

describe('external data', () => {
  it('a threshold below the weights writes model.onnx_data beside model.onnx, which ONNX Runtime loads', async () => {
    const file = 'qwen2.tdl';
    const small = join(dir, 'inline');
    const split = join(dir, 'external');
    const args = ['compile', join(ROOT, 'models', file), '--target', 'onnx', ...setFlags(file), '--init-seed', '4'];
    expect((await tdl(...args, '--out', small)).code).toBe(0);
    const result = await tdl(...args, '--out', split, '--external-data-threshold', '1024');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(join(split, 'model.onnx'));
    expect(readdirSync(small).sort()).toEqual(['config.json', 'genai_config.json', 'model.onnx']);
    expect(readdirSync(split).sort()).toEqual(['config.json', 'genai_config.json', 'model.onnx', 'model.onnx_data']);
    const { graph } = compileModelFile(file, SHRUNK[file]!);
    const exported = exportOnnx(graph);
    // The layout: every initializer of 1 KiB or more, in order, each at the next multiple of 4 KiB.
    let end = 0;
    let moved = 0;
    for (const init of exported.model.initializers) {
      const bytes = initializerBytes(init);
      if (bytes < 1024) continue;
      end = Math.ceil(end / 4096) * 4096 + bytes;
      moved += bytes;
    }
    expect(moved).toBeGreaterThan(0);
    expect(statSync(join(split, 'model.onnx_data')).size).toBe(end);
    expect(statSync(join(small, 'model.onnx')).size - statSync(join(split, 'model.onnx')).size).toBeGreaterThan(0.9 * moved);
    const inline = await new OrtDecoder(await ortSession(join(small, 'model.onnx')), exported).forward(PROMPT);
    const external = await new OrtDecoder(await ortSession(join(split, 'model.onnx')), exported).forward(PROMPT);
    expect(maxAbsDiff(external, inline)).toBe(0);
  });
});

describe('config.json and genai_config.json', () => {
  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

  it('name the Hugging Face architecture and the sizes the graph has, in both files', async () => {
    const file = 'mistral.tdl';
    const out = join(dir, 'configs');
    const r = await tdl('compile', join(ROOT, 'models', file), '--target', 'onnx', ...setFlags(file), '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/config\.json \(model_type mistral\); genai_config\.json/);
    const { graph } = compileModelFile(file, SHRUNK[file]!);
    const exported = exportOnnx(graph);
    const c = exported.caches[0]!;
    const config = read(join(out, 'config.json'));
    expect(config).toMatchObject({
      architectures: ['MistralForCausalLM'],
      model_type: 'mistral',
      num_hidden_layers: exported.caches.length,
      num_attention_heads: exported.heads,
      num_key_value_heads: c.kvHeads,
      head_dim: c.headDim,
      hidden_size: exported.hidden,
      vocab_size: exported.vocab,
      max_position_embeddings: exported.context,
    });
    expect(exported.heads).toBeGreaterThan(c.kvHeads);
    const genai = read(join(out, 'genai_config.json')) as { model: Record<string, unknown> & { decoder: Record<string, Record<string, string>> }; search: Record<string, unknown> };
    expect(genai.model).toMatchObject({ type: 'mistral', context_length: exported.context, vocab_size: exported.vocab });
    expect(genai.model.decoder).toMatchObject({ filename: 'model.onnx', head_size: c.headDim, hidden_size: exported.hidden, num_attention_heads: exported.heads, num_key_value_heads: c.kvHeads, num_hidden_layers: exported.caches.length });
    // Every name genai_config.json gives is one of the graph's inputs or outputs.
    const names = new Set([...exported.model.inputs, ...exported.model.outputs].map((v) => v.name));
    for (const [key, pattern] of [...Object.entries(genai.model.decoder['inputs']!), ...Object.entries(genai.model.decoder['outputs']!)]) {
      expect(names.has(pattern.replace('%d', '0')), key).toBe(true);
    }
    expect(genai.search).toMatchObject({ do_sample: false, past_present_share_buffer: false });
  });

  it('GPT-2 takes its architecture from its checkpoint section; a model with a memory gets config.json only', async () => {
    const gpt2 = join(dir, 'configs-gpt2');
    expect((await tdl('compile', join(ROOT, 'models', 'gpt2.tdl'), '--target', 'onnx', ...setFlags('gpt2.tdl'), '--out', gpt2)).code).toBe(0);
    expect(read(join(gpt2, 'config.json'))).toMatchObject({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], n_layer: SHRUNK['gpt2.tdl']!['layers'], n_embd: SHRUNK['gpt2.tdl']!['d'] });
    const flamingo = join(dir, 'configs-flamingo');
    const r = await tdl('compile', join(ROOT, 'models', 'flamingo.tdl'), '--target', 'onnx', ...setFlags('flamingo.tdl'), '--out', flamingo);
    expect(r.code).toBe(0);
    expect(readdirSync(flamingo).sort()).toEqual(['config.json', 'model.onnx']);
    expect(read(join(flamingo, 'config.json'))['model_type']).toBeUndefined();
    expect(r.stderr).toMatch(/no genai_config\.json: onnxruntime-genai has no decoder type for a model with no Hugging Face counterpart/);
  });
});

describe('bad input', () => {
  const model = join(ROOT, 'models', 'gpt2.tdl');
  const cases: [string, string[], RegExp][] = [
    ['an unknown op set', ['--target', 'onnx', '--onnx-ops', 'fused'], /unknown --onnx-ops 'fused': use standard or contrib/],
    ['bf16 weights', ['--target', 'onnx', '--weight-dtype', 'bf16'], /--weight-dtype bf16 is not an ONNX export type/],
    ['an ONNX flag for another target', ['--target', 'cpu', '--init-seed', '3'], /--init-seed is for --target onnx/],
    ['a negative threshold', ['--target', 'onnx', '--external-data-threshold', '-1'], /--external-data-threshold must be a whole number of at least 0/],
  ];
  for (const [what, flags, message] of cases) {
    it(what, async () => {
      const r = await tdl('compile', model, '--out', join(dir, 'bad'), ...setFlags('gpt2.tdl'), ...flags);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});
