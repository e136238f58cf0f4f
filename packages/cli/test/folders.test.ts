// "The folder is the model": commands given a Hugging Face folder choose the model file by the folder's
// config.json, read its constants through the file's config section (with --set over them), refuse a
// folder no file claims or a config the file cannot compute, and treat tie_word_embeddings as a fact.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '@tdl/runtime';
import { readTensors } from './support/pytorch-goldens.js';
import { tdl } from './support/run-cli.js';

const HF = new URL('./fixtures/hf/', import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), 'tdl-folders-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A copy of a fixture folder, its config.json edited and its tensors replaced when asked. */
async function variant(family: string, name: string, edit: (config: Record<string, unknown>) => void, tensors?: (t: Map<string, Float32Array>) => void) {
  const dir = join(temp, name);
  mkdirSync(dir, { recursive: true });
  for (const f of ['generation_config.json', 'tokenizer.json', 'model.safetensors']) copyFileSync(join(HF, family, f), join(dir, f));
  const config = JSON.parse(readFileSync(join(HF, family, 'config.json'), 'utf8')) as Record<string, unknown>;
  edit(config);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  if (tensors) {
    const t = await readTensors(join(HF, family, 'model.safetensors'));
    const shapes = shapesOf(join(HF, family, 'model.safetensors'));
    tensors(t);
    // A tensor whose length changed is stored as a vector.
    const shapeOf = (n: string, data: Float32Array) => {
      const shape = shapes.get(n);
      return shape && shape.reduce((a, b) => a * b, 1) === data.length ? shape : [data.length];
    };
    const chunks = encodeSafetensors([...t].map(([n, data]) => ({ name: n, shape: shapeOf(n, data), data })));
    writeFileSync(join(dir, 'model.safetensors'), Buffer.concat(chunks));
  }
  return dir;
}

function shapesOf(path: string): Map<string, number[]> {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { shape: number[] }>;
  return new Map(Object.entries(header).filter(([k]) => k !== '__metadata__').map(([k, v]) => [k, v.shape]));
}

const PRESETS: readonly [string, string, number][] = [
  ['llama', 'llama-2-7b', 6_738_415_616],
  ['llama', 'tinyllama-1.1b', 1_100_048_384],
  ['llama', 'llama-3-8b', 8_030_261_248],
  ['mistral', 'mistral-7b-v0.1', 7_241_732_096],
  ['qwen2', 'qwen2-0.5b', 494_032_768],
  ['qwen2', 'qwen2-1.5b', 1_543_714_304],
  ['gpt2', 'gpt2', 124_439_808],
  ['gpt2', 'gpt2-medium', 354_823_168],
  ['gpt2', 'gpt2-large', 774_030_080],
  ['gpt2', 'gpt2-xl', 1_557_611_200],
  ['gemma', 'gemma-2b', 2_506_172_416],
  ['gemma', 'gemma-7b', 8_537_680_896],
  ['gemma2', 'gemma-2-2b', 2_614_341_888],
  ['gemma2', 'gemma-2-9b', 9_241_705_984],
  ['gemma2', 'gemma-2-27b', 27_227_128_320],
  ['opt', 'opt-125m', 125_239_296],
  ['opt', 'opt-1.3b', 1_315_758_080],
  ['bloom', 'bloom-560m', 559_214_592],
  ['bloom', 'bloom-1b7', 1_722_408_960],
  ['bloom', 'bloom-7b1', 7_069_016_064],
  ['falcon', 'falcon-7b', 6_921_720_704],
  ['phi2', 'phi-2', 2_779_683_840],
  ['pythia', 'pythia-160m', 162_322_944],
  ['pythia', 'pythia-410m', 405_334_016],
  ['pythia', 'pythia-1b', 1_011_781_632],
  // The 2024–2025 families: transformers' own count of a meta-device model built from each published
  // config (scripts/fixtures/published_counts.py).
  ['qwen3', 'qwen3-8b', 8_190_735_360],
  ['qwen3', 'qwen3-0.6b', 596_049_920],
  ['olmo2', 'olmo-2-1124-7b', 7_298_617_344],
  ['gemma3', 'gemma-3-1b', 999_885_952],
  ['gemma3', 'gemma-3-4b-text', 3_880_263_168],
  ['phi3', 'phi-3-mini-4k', 3_821_079_552],
  ['llama', 'llama-3.1-8b', 8_030_261_248],
  ['llama', 'llama-3.2-1b', 1_235_814_400],
  ['llama', 'llama-3.2-3b', 3_212_749_824],
];

describe('presets', () => {
  it.for(PRESETS)('tdl info models/%s.tdl --preset %s gives the published count', async ([file, preset, total]) => {
    const r = await tdl('info', `models/${file}.tdl`, '--preset', preset, '--json');
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as { params: { total: number } }).params.total).toBe(total);
  });

  it('tdl info FILE --presets lists every preset with its count', async () => {
    const r = await tdl('info', 'models/gpt2.tdl', '--presets');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['gpt2', '124,439,808'],
      ['gpt2-medium', '354,823,168'],
      ['gpt2-large', '774,030,080'],
      ['gpt2-xl', '1,557,611,200'],
    ]);
  });

  it('--set wins over a preset, and an unknown preset lists those there are', async () => {
    const r = await tdl('info', 'models/gpt2.tdl', '--preset', 'gpt2-xl', '--set', 'layers=1', '--json');
    expect((JSON.parse(r.stdout) as { params: { total: number } }).params.total).toBeLessThan(124_439_808);
    expect((await tdl('info', 'models/gpt2.tdl', '--preset', 'gpt2-xxl')).stderr).toBe(
      "tdl: error: models/gpt2.tdl has no preset 'gpt2-xxl' (its presets: gpt2, gpt2-medium, gpt2-large, gpt2-xl)\n",
    );
  });
});

describe('folders', () => {
  it('tdl check and tdl info read the sizes from config.json', async () => {
    const check = await tdl('check', join(HF, 'llama'));
    expect(check.stdout).toBe(`${join(HF, 'llama')}: ok, model llama, 24,736 parameters\n`);
    const info = JSON.parse((await tdl('info', join(HF, 'gpt2'), '--json')).stdout) as { file: string; vocab: number; context: number };
    expect([info.file, info.vocab, info.context]).toEqual(['models/gpt2.tdl', 96, 128]);
  });

  it('--set wins over config.json', async () => {
    const info = JSON.parse((await tdl('info', join(HF, 'llama'), '--set', 'vocab=100', '--json')).stdout) as { vocab: number };
    expect(info.vocab).toBe(100);
  });

  it('an explicit model file with --weights DIR reads the config.json there too', async () => {
    const ids = '3,17,42,5';
    const a = join(temp, 'a.safetensors');
    const b = join(temp, 'b.safetensors');
    expect((await tdl('logits', join(HF, 'mistral'), '--ids', ids, '--out', a)).code).toBe(0);
    const r = await tdl('logits', 'models/mistral.tdl', '--weights', join(HF, 'mistral'), '--ids', ids, '--out', b);
    expect(r.stderr).toBe('');
    expect([...(await readTensors(b)).get('logits')!]).toEqual([...(await readTensors(a)).get('logits')!]);
  });

  it('a sharded folder (model.safetensors.index.json) gives the logits of the single file', async () => {
    const dir = join(temp, 'llama-sharded');
    mkdirSync(dir, { recursive: true });
    for (const f of ['config.json', 'generation_config.json', 'tokenizer.json']) copyFileSync(join(HF, 'llama', f), join(dir, f));
    const tensors = [...(await readTensors(join(HF, 'llama', 'model.safetensors')))];
    const shapes = shapesOf(join(HF, 'llama', 'model.safetensors'));
    const halves = [tensors.slice(0, 5), tensors.slice(5)];
    const weightMap: Record<string, string> = {};
    halves.forEach((part, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      for (const [n] of part) weightMap[n] = file;
      writeFileSync(join(dir, file), Buffer.concat(encodeSafetensors(part.map(([n, data]) => ({ name: n, shape: shapes.get(n)!, data })))));
    });
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const [a, b] = [join(temp, 'single.safetensors'), join(temp, 'sharded.safetensors')];
    expect((await tdl('logits', join(HF, 'llama'), '--ids', '3,4,5', '--out', a)).code).toBe(0);
    const r = await tdl('logits', dir, '--ids', '3,4,5', '--out', b);
    expect(r.code, r.stderr).toBe(0);
    expect([...(await readTensors(b)).get('logits')!]).toEqual([...(await readTensors(a)).get('logits')!]);
  });

  it('a folder without tokenizer.json starts from generation_config.json\'s bos token', async () => {
    const dir = join(temp, 'llama-no-tokenizer');
    mkdirSync(dir, { recursive: true });
    for (const f of ['config.json', 'generation_config.json', 'model.safetensors']) copyFileSync(join(HF, 'llama', f), join(dir, f));
    writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ bos_token_id: 7, eos_token_id: 2 }));
    const r = await tdl('run', dir, '--json', '--max-tokens', '3');
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { promptIds: number[] }).promptIds).toEqual([7]);
  });

  it('a folder no model file claims is one line naming its model_type and the families there are', async () => {
    const dir = await variant('llama', 'mamba', (c) => {
      c['model_type'] = 'mamba';
      c['architectures'] = ['MambaForCausalLM'];
    });
    const r = await tdl('run', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tdl: error: no model file in .*models claims .*mamba \(model_type 'mamba'\); the families there: bloom, falcon, gemma, gemma2, gemma3_text, gpt2, gpt_neox, llama, mistral, mixtral, olmo2, opt, phi, phi3, qwen2, qwen3, qwen3_moe\n$/);
  });

  it('a setting the model file does not compute is refused with both values', async () => {
    const dir = await variant('llama', 'gelu', (c) => void (c['hidden_act'] = 'gelu'));
    expect((await tdl('run', dir)).stderr).toBe(`tdl: error: ${dir}/config.json does not fit models/llama.tdl: config.json sets hidden_act = "gelu", but the model file computes "silu"\n`);
    const untied = await variant('qwen2', 'qwen2-untied', (c) => void (c['tie_word_embeddings'] = false));
    expect((await tdl('info', untied)).stderr).toBe(
      `tdl: error: ${untied}/config.json does not fit models/qwen2.tdl: config.json sets tie_word_embeddings = false, but the model file computes true\n`,
    );
  });

  it('a model file given with the folder of another family is refused', async () => {
    const r = await tdl('logits', 'models/llama.tdl', '--weights', join(HF, 'gpt2'), '--ids', '1', '--out', join(temp, 'f.safetensors'));
    expect(r.stderr).toBe(`tdl: error: ${join(HF, 'gpt2')}/config.json is for another family (model_type 'gpt2'); models/llama.tdl claims llama: give the folder alone to choose its model file\n`);
  });

  it('a folder without config.json is refused', async () => {
    const dir = join(temp, 'empty');
    mkdirSync(dir, { recursive: true });
    expect((await tdl('info', dir)).stderr).toBe(`tdl: error: ${dir} is a folder without config.json: give a model file, or a Hugging Face folder\n`);
  });

  it('tdl export and tdl compile --target onnx take a folder', async () => {
    const out = join(temp, 'internal.safetensors');
    expect((await tdl('export', join(HF, 'gpt2'), '--naming', 'internal', '--out', out)).code).toBe(0);
    expect((await readTensors(out)).get('wte.weight')!.length).toBe(96 * 32);
    const onnx = await tdl('compile', join(HF, 'qwen2'), '--target', 'onnx', '--out', join(temp, 'onnx'));
    expect(onnx.code, onnx.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(temp, 'onnx', 'config.json'), 'utf8')).vocab_size).toBe(96);
  });
});

describe('ties are facts', () => {
  it('a tied model with a stored head that is not the embedding is an error naming both tensors', async () => {
    const dir = await variant('qwen2', 'qwen2-stray-head', () => {}, (t) => {
      t.set('lm_head.weight', t.get('model.embed_tokens.weight')!.map((v) => v + 1));
    });
    expect((await tdl('logits', dir, '--ids', '1,2', '--out', join(temp, 'x.safetensors'))).stderr).toMatch(
      /^tdl: error: .*model\.safetensors: lm_head\.weight differs from model\.embed_tokens\.weight, but the model ties its head to the embedding/,
    );
    // An exact copy is fine.
    const copy = await variant('qwen2', 'qwen2-copied-head', () => {}, (t) => void t.set('lm_head.weight', t.get('model.embed_tokens.weight')!.slice()));
    expect((await tdl('logits', copy, '--ids', '1,2', '--out', join(temp, 'y.safetensors'))).code).toBe(0);
  });

  it('an untied config with no head stored names the missing tensor', async () => {
    const dir = await variant('llama', 'llama-headless', () => {}, (t) => void t.delete('lm_head.weight'));
    const r = await tdl('logits', dir, '--ids', '1,2', '--out', join(temp, 'z.safetensors'));
    expect(r.stderr).toMatch(/missing 1 tensor: lm_head\.weight \[96, 32\]\n/);
  });

  it('a tied config reads the embedding, and refuses a stored head that differs', async () => {
    const tied = await variant('llama', 'llama-tied', (c) => void (c['tie_word_embeddings'] = true), (t) => void t.delete('lm_head.weight'));
    const out = join(temp, 'tied.safetensors');
    expect((await tdl('logits', tied, '--ids', '1,2', '--out', out)).code).toBe(0);
    const stray = await variant('llama', 'llama-tied-stray', (c) => void (c['tie_word_embeddings'] = true));
    expect((await tdl('logits', stray, '--ids', '1,2', '--out', out)).stderr).toMatch(/lm_head\.weight differs from model\.embed_tokens\.weight/);
  });
});

describe('sizes first', () => {
  it('a checkpoint of other sizes names the constants, not hundreds of tensors', async () => {
    const r = await tdl('logits', 'models/llama.tdl', '--weights', join(HF, 'llama', 'model.safetensors'), '--ids', '1,2', '--out', join(temp, 's.safetensors'));
    expect(r.stderr).toBe(
      `tdl: error: ${join(HF, 'llama', 'model.safetensors')} is a checkpoint of other sizes: it has vocab = 96, d = 32, d_ff = 64, layers = 2, ` +
        'where models/llama.tdl has vocab = 32000, d = 4096, d_ff = 11008, layers = 32: pass --set vocab=96 --set d=32 --set d_ff=64 --set layers=2 ' +
        'with its head counts (which shapes do not show), or give config.json\n',
    );
    // With the head counts right, the sizes found are all that is missing, and the message says so.
    const g = await tdl('logits', 'models/gpt2.tdl', '--weights', join(HF, 'gpt2', 'model.safetensors'), '--set', 'heads=4', '--ids', '1,2', '--out', join(temp, 's.safetensors'));
    expect(g.stderr).toMatch(/it has vocab = 96, d = 32, context = 128, layers = 2, where models\/gpt2\.tdl has vocab = 50257, d = 768, context = 1024, layers = 12: pass --set vocab=96 --set d=32 --set context=128 --set layers=2, or give config.json\n$/);
  });

  it('one tensor of a wrong shape is listed as it is, not read as other sizes', async () => {
    const dir = await variant('llama', 'llama-bad-norm', () => {}, (t) => void t.set('model.norm.weight', new Float32Array(31)));
    const r = await tdl('logits', dir, '--ids', '1,2', '--out', join(temp, 'n.safetensors'));
    expect(r.stderr).toMatch(/wrong shape for 1 tensor: model\.norm\.weight: expected \[32\], found \[31\]/);
  });
});
