// `tdl logits FILE.gguf` and `tdl run FILE.gguf` on GGUF files written by llama.cpp's own gguf package
// (scripts/fixtures/make_gguf_models.py): the metadata picks models/llama.tdl and its constants, the
// tensors load through its `gguf` section, and the logits are those of the same values loaded from
// safetensors: PyTorch's checkpoint for the F32 file, the package's own decoding of the F16, Q8_0 and
// Q4_0 files. Bad GGUF files get one `tdl: error:` line.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferSource, concatChunks, ggufChunks, readGgufHeader, type GgufValue, type GgmlTypeName } from '@tdl/runtime';
import { maxAbsDiff, readManifest, readTensors } from './support/pytorch-goldens.js';
import { tdl } from './support/run-cli.js';

const GGUF = new URL('./fixtures/gguf/', import.meta.url).pathname;
const PYTORCH = new URL('./fixtures/pytorch/', import.meta.url).pathname;
const CASE = readManifest(PYTORCH).cases.find((c) => c.name === 'llama-meta')!;
const IDS = CASE.prompt.join(',');
const SET = Object.entries(CASE.set).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
const temp = mkdtempSync(join(tmpdir(), 'tdl-gguf-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

async function logits(...args: string[]): Promise<Float32Array> {
  const out = join(temp, `logits-${Math.random().toString(36).slice(2)}.safetensors`);
  const r = await tdl('logits', ...args, '--ids', IDS, '--out', out);
  expect(r.code, r.stderr).toBe(0);
  return (await readTensors(out)).get('logits')!;
}

describe('GGUF files as models', () => {
  it('an F32 file gives the logits of the same weights from safetensors, bit for bit, and PyTorch within 1e-4', async () => {
    const fromGguf = await logits(join(GGUF, 'llama.f32.gguf'));
    const fromSafetensors = await logits('models/llama.tdl', ...SET, '--weights', join(PYTORCH, CASE.checkpoints.f32!));
    expect(fromGguf).toEqual(fromSafetensors);
    const goldens = await readTensors(join(PYTORCH, `${CASE.goldens}.goldens.safetensors`));
    expect(maxAbsDiff(fromGguf, goldens.get('logits_f32')!)).toBeLessThanOrEqual(1e-4);
  });

  it.each(['f16', 'q8_0', 'q4_0'])('a file with %s matrices gives the logits of the values the gguf package decodes from it', async (type) => {
    const fromGguf = await logits(join(GGUF, `llama.${type}.gguf`));
    const reference = await logits('models/llama.tdl', ...SET, '--weights', join(GGUF, `llama.${type}.reference.safetensors`));
    expect(fromGguf).toEqual(reference);
  });

  it('loads as --weights of the model file too, and runs under --weight-dtype q8_0', async () => {
    const asWeights = await logits('models/llama.tdl', ...SET, '--weights', join(GGUF, 'llama.f32.gguf'));
    expect(asWeights).toEqual(await logits(join(GGUF, 'llama.f32.gguf')));
    const r = await tdl('run', join(GGUF, 'llama.q8_0.gguf'), '--ids', IDS, '--max-tokens', '4', '--json', '--weight-dtype', 'q8_0');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).generatedIds).toHaveLength(4);
  });

  it('refuses text for a file whose tokenizer it does not read, and runs the ids', async () => {
    const file = join(GGUF, 'llama.f32.gguf');
    const text = await tdl('run', file, '--prompt', 'Hello');
    expect([text.code, text.stderr]).toEqual([1, `tdl: error: ${file} carries a 'llama' tokenizer, which tdl does not read yet: give the prompt as --ids, or --tokenizer FILE\n`]);
    const ids = await tdl('run', file, '--ids', IDS, '--max-tokens', '3', '--json');
    expect(ids.code, ids.stderr).toBe(0);
  });
});

/** The F32 file rewritten with its metadata changed by `edit`, through tdl's GGUF writer. */
async function variant(name: string, edit: (m: Map<string, GgufValue>) => void): Promise<string> {
  const bytes = new Uint8Array(readFileSync(join(GGUF, 'llama.f32.gguf')));
  const header = await readGgufHeader(bufferSource(bytes), 'llama.f32.gguf');
  const metadata = new Map(header.metadata);
  edit(metadata);
  const tensors = [...header.tensors.values()].map((t) => ({ name: t.name, type: t.type.name as GgmlTypeName, shape: t.shape, data: () => bytes.subarray(t.begin, t.end) }));
  const path = join(temp, name);
  writeFileSync(path, concatChunks(ggufChunks(metadata, tensors)));
  return path;
}

describe('bad GGUF files', () => {
  it.each([
    ['cut short', async () => {
      const path = join(temp, 'cut.gguf');
      writeFileSync(path, readFileSync(join(GGUF, 'llama.f32.gguf')).subarray(0, 60_000));
      return path;
    }, /^tdl: error: .*cut\.gguf: .*(truncated|cut short|past the end)/],
    ['not GGUF at all', async () => {
      const path = join(temp, 'text.gguf');
      writeFileSync(path, 'this is not a GGUF file, only text that is long enough to be read as a header');
      return path;
    }, /^tdl: error: .*text\.gguf: /],
    ['an architecture without a model file', () => variant('qwen.gguf', (m) => m.set('general.architecture', { type: 'STRING', value: 'qwen2' })), /general\.architecture 'qwen2' has no model file/],
    ['a missing hyper-parameter', () => variant('no-layers.gguf', (m) => m.delete('llama.block_count')), /: no llama\.block_count$/m],
    ['a key the model has no constant for', () => variant('experts.gguf', (m) => m.set('llama.expert_count', { type: 'UINT32', value: 8 })), /llama\.expert_count is not a key tdl reads for 'llama'/],
    ['RoPE scaling', () => variant('scaled.gguf', (m) => m.set('llama.rope.scaling.type', { type: 'STRING', value: 'linear' })), /llama\.rope\.scaling\.type is 'linear'/],
    ['a head width the model does not have', () => variant('heads.gguf', (m) => m.set('llama.rope.dimension_count', { type: 'UINT32', value: 4 })), /llama\.rope\.dimension_count is 4, but the model's heads are 8 wide/],
  ] as const)('%s: one line', async (_what, make, message) => {
    const path = await make();
    const r = await tdl('logits', path, '--ids', IDS, '--out', join(temp, 'never.safetensors'));
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toMatch(/^tdl: error: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/internal error|    at /);
  });
});
