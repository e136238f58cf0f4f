// Checkpoints through the tdl command: every naming of every model file round-trips (init or export
// in a naming, load it back by detection), sharded checkpoints load, and bad files get one clear message.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferSource, concatChunks, encodeSafetensors, initWeights, readHeader, readTensorF32 } from '@tdl/runtime';
import { type CliIO } from '../src/index.js';
import { tdl } from './support/run-cli.js';
import { loadModel } from '../src/model.js';
import { progressBar, PROGRESS_MIN_BYTES } from '../src/progress.js';
import { loadCheckpoint } from '../src/weights.js';

const ROOT = new URL('../../..', import.meta.url).pathname;
const temp = mkdtempIn();
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function mkdtempIn(): string {
  const dir = join(tmpdir(), `tdl-ckpt-${process.pid}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

const quiet: CliIO = { stdout: { write: () => {} }, stderr: { write: () => {} } };

async function readAll(path: string): Promise<Map<string, { shape: readonly number[]; data: Float32Array }>> {
  const src = bufferSource(new Uint8Array(readFileSync(path)));
  const header = await readHeader(src, path);
  const out = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [name, entry] of header.tensors) out.set(name, { shape: entry.shape, data: await readTensorF32(src, entry) });
  return out;
}

function write(path: string, tensors: Map<string, { shape: readonly number[]; data: Float32Array }>): void {
  writeFileSync(path, concatChunks(encodeSafetensors([...tensors].map(([name, t]) => ({ name, shape: t.shape, data: t.data })))));
}

const SMALL: Record<string, Record<string, number>> = {
  gpt2: { vocab: 64, context: 16, d: 16, layers: 2, heads: 2 },
  llama: { vocab: 64, context: 16, d: 16, layers: 2, heads: 4, kv_heads: 2, d_ff: 32 },
  transformer: { vocab: 64, context: 16, d: 16, heads: 2, d_ff: 32, layers: 2 },
  'transformer-prenorm': { vocab: 64, context: 16, d: 16, heads: 2, d_ff: 32, layers: 2 },
};
const setFlags = (set: Record<string, number>) => Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);

const namingRows = Object.entries(SMALL).flatMap(([file, set]) => {
  const { namings } = loadModel(quiet, join(ROOT, `models/${file}.tdl`), set);
  return ['internal', ...namings.map((n) => n.naming)].map((naming) => [file, naming, set] as const);
});

describe('checkpoints through the tdl command', () => {
  it.each(namingRows)('%s: init --naming %s, then load it back by detection', async (file, naming, set) => {
    const model = join(ROOT, `models/${file}.tdl`);
    const out = join(temp, `${file}-${naming}.safetensors`);
    const r = await tdl('init', model, ...setFlags(set), '--seed', '3', '--naming', naming, '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { graph, namings } = loadModel(quiet, model, set);
    const loaded = await loadCheckpoint(out, graph.params, namings, { model: graph.name });
    expect(loaded.naming).toBe(naming);
    const want = initWeights(graph.params, 3);
    for (const p of graph.params) expect(loaded.weights.get(p.name), p.name).toEqual(want.get(p.name));
  });

  it('export rewrites a checkpoint between namings: hf → internal → hf gives the same tensors', async () => {
    const model = join(ROOT, 'models/gpt2.tdl');
    const set = setFlags(SMALL.gpt2!);
    const hf = join(temp, 'g-hf.safetensors');
    const internal = join(temp, 'g-internal.safetensors');
    const back = join(temp, 'g-back.safetensors');
    expect((await tdl('init', model, ...set, '--seed', '9', '--naming', 'hf', '--out', hf)).code).toBe(0);
    expect((await tdl('export', model, ...set, '--weights', hf, '--naming', 'internal', '--out', internal)).code).toBe(0);
    expect((await tdl('export', model, ...set, '--weights', internal, '--from', 'internal', '--naming', 'hf', '--out', back)).code).toBe(0);
    const a = await readAll(hf);
    const b = await readAll(back);
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, t] of a) expect(b.get(name), name).toEqual(t);
    expect((await readAll(internal)).get('h.0.attn.q.weight')!.shape).toEqual([16, 16]);
    expect(a.get('transformer.h.0.attn.c_attn.weight')!.shape).toEqual([16, 48]);
    const runs = await Promise.all([hf, internal].map(async (w) => JSON.parse((await tdl('run', model, ...set, '--weights', w, '--ids', '1,2,3', '--max-tokens', '5', '--json')).stdout).generatedIds));
    expect(runs[0]).toEqual(runs[1]);
  });

  it('export in f16 and bf16 rounds each value once, to nearest', async () => {
    const model = join(ROOT, 'models/llama.tdl');
    const set = setFlags(SMALL.llama!);
    const f32 = join(temp, 'l32.safetensors');
    await tdl('init', model, ...set, '--naming', 'hf', '--out', f32);
    for (const [dtype, bits] of [['f16', 11], ['bf16', 8]] as const) {
      const out = join(temp, `l-${dtype}.safetensors`);
      expect((await tdl('export', model, ...set, '--weights', f32, '--naming', 'hf', '--dtype', dtype, '--out', out)).code).toBe(0);
      const a = (await readAll(f32)).get('model.layers.0.self_attn.q_proj.weight')!.data;
      const b = (await readAll(out)).get('model.layers.0.self_attn.q_proj.weight')!.data;
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(Math.abs(a[i]!) * 2 ** -bits + 1e-7);
    }
  });

  it('a bad checkpoint: one message naming missing, unexpected and mis-shaped tensors by stored name', async () => {
    const model = join(ROOT, 'models/gpt2.tdl');
    const set = setFlags(SMALL.gpt2!);
    const good = join(temp, 'good.safetensors');
    await tdl('init', model, ...set, '--naming', 'hf', '--out', good);
    const tensors = await readAll(good);
    tensors.delete('transformer.h.1.ln_2.bias');
    tensors.set('transformer.h.0.attn.c_attn.weight', { shape: [48, 16], data: tensors.get('transformer.h.0.attn.c_attn.weight')!.data });
    tensors.set('transformer.h.0.extra', { shape: [3], data: new Float32Array(3) });
    const bad = join(temp, 'bad.safetensors');
    write(bad, tensors);
    const r = await tdl('run', model, ...set, '--weights', bad, '--ids', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `tdl: error: ${bad} does not fit this model ('gpt2', naming 'hf'):\n` +
        '  missing 1 tensor: transformer.h.1.ln_2.bias [16]\n' +
        '  unexpected 1 tensor: transformer.h.0.extra [3]\n' +
        '  wrong shape for 1 tensor: transformer.h.0.attn.c_attn.weight: expected [16, 48], found [48, 16]\n' +
        "(no naming of the model fits the file; the closest is 'hf'. Its namings: internal, hf, hf_model; choose one with --naming)\n",
    );
    const named = await tdl('run', model, ...set, '--weights', good, '--naming', 'internal', '--ids', '1');
    expect(named.code).toBe(1);
    expect(named.stderr).toMatch(/does not fit this model \('gpt2', naming 'internal'\):\n {2}missing 36 tensors: wte.weight \[64, 16\], wpe.weight/);
    const unknown = await tdl('run', model, ...set, '--weights', good, '--naming', 'meta', '--ids', '1');
    expect(unknown.stderr).toBe("tdl: error: model 'gpt2' has no checkpoint naming 'meta' (its namings: internal, hf, hf_model)\n");
    expect((await tdl('run', model, ...set, '--naming', 'hf', '--ids', '1')).stderr).toBe('tdl: error: --naming says how a --weights file names its tensors: give --weights too\n');
  });

  it('a truncated checkpoint is refused in one line; nothing is written', async () => {
    const model = join(ROOT, 'models/gpt2.tdl');
    const set = setFlags(SMALL.gpt2!);
    const good = join(temp, 'whole.safetensors');
    await tdl('init', model, ...set, '--out', good);
    const bytes = readFileSync(good);
    const cut = join(temp, 'cut.safetensors');
    writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
    const out = join(temp, 'never.safetensors');
    const r = await tdl('logits', model, ...set, '--weights', cut, '--ids', '1,2', '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^tdl: error: ${cut}: tensor 'ln_f.weight' has data_offsets \\[\\d+, \\d+\\] outside the \\d+-byte data section\\n$`));
    expect(existsSync(out)).toBe(false);
    const exported = await tdl('export', model, ...set, '--weights', cut, '--naming', 'hf', '--out', out);
    expect(exported.code).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(temp).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('sharded: a folder with model.safetensors.index.json, or the index itself', async () => {
    const model = join(ROOT, 'models/llama.tdl');
    const set = setFlags(SMALL.llama!);
    const single = join(temp, 'one.safetensors');
    await tdl('init', model, ...set, '--seed', '4', '--naming', 'hf', '--out', single);
    const tensors = [...(await readAll(single))];
    const dir = join(temp, 'sharded');
    mkdirSync(dir, { recursive: true });
    const weightMap: Record<string, string> = {};
    [tensors.slice(0, 7), tensors.slice(7)].forEach((part, j) => {
      const shard = `model-0000${j + 1}-of-00002.safetensors`;
      write(join(dir, shard), new Map(part));
      for (const [name] of part) weightMap[name] = shard;
    });
    writeFileSync(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    const ids = ['--ids', '5,6,7', '--max-tokens', '4', '--json'];
    const want = JSON.parse((await tdl('run', model, ...set, '--weights', single, ...ids)).stdout).generatedIds;
    expect(JSON.parse((await tdl('run', model, ...set, '--weights', dir, ...ids)).stdout).generatedIds).toEqual(want);
    expect(JSON.parse((await tdl('run', model, ...set, '--weights', join(dir, 'model.safetensors.index.json'), ...ids)).stdout).generatedIds).toEqual(want);
    rmSync(join(dir, 'model-00002-of-00002.safetensors'));
    const r = await tdl('run', model, ...set, '--weights', dir, ...ids);
    expect(r.stderr).toBe(`tdl: error: cannot open ${join(dir, 'model-00002-of-00002.safetensors')}: no such file or folder\n`);
    const empty = join(temp, 'empty');
    mkdirSync(empty, { recursive: true });
    expect((await tdl('run', model, ...set, '--weights', empty, ...ids)).stderr).toBe(`tdl: error: ${empty} is a folder without model.safetensors.index.json or model.safetensors\n`);
  });

  it('a progress bar on a terminal, for large files only', () => {
    let text = '';
    const tty: CliIO = { stdout: { write: () => {} }, stderr: { isTTY: true, write: (s) => void (text += s) } };
    expect(progressBar(tty, 'loading x', PROGRESS_MIN_BYTES - 1)).toBeUndefined();
    expect(progressBar({ ...tty, stderr: { write: () => {} } }, 'loading x', 10 * PROGRESS_MIN_BYTES)).toBeUndefined();
    const total = 200 * 1024 * 1024;
    const bar = progressBar(tty, 'loading x', total)!;
    bar(total / 4, total);
    bar(total / 4 + 1, total);
    expect(text).toBe(`\rtdl: loading x [########----------------------]  25%  50/200 MB`);
    bar(total, total);
    expect(text.endsWith('\r')).toBe(true);
  });

  it('lists export in the help, with every flag', async () => {
    const r = await tdl('export', '--help');
    for (const flag of ['--weights FILE', '--from NAME', '--naming NAME', '--dtype f32|f16|bf16', '--out FILE']) expect(r.stdout).toContain(flag);
    expect((await tdl('export', join(ROOT, 'models/gpt2.tdl'))).stderr).toBe('tdl: error: tdl export needs --weights FILE (the checkpoint to rewrite), or a Hugging Face folder holding it\n');
  });
});
