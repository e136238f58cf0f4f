// End to end through the CLI's own entry point: a small model file to streamed tokens and back.
import { mkdtempSync, readFileSync, rmSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferSource, concatChunks, encodeSafetensors, readHeader, readTensorF32 } from '@tdl/runtime';
import { tdl } from './support/run-cli.js';

const TINY = new URL('./fixtures/tiny.tdl', import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), 'tdl-e2e-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('tdl end to end', () => {
  it('runs a model file to generated tokens, repeatably', async () => {
    const a = await tdl('run', TINY, '--ids', '1,2,3', '--max-tokens', '6', '--json');
    expect(a.code).toBe(0);
    const out = JSON.parse(a.stdout);
    expect(out.promptIds).toEqual([1, 2, 3]);
    expect(out.generatedIds).toHaveLength(6);
    expect(out.generatedIds.every((id: number) => Number.isInteger(id) && id >= 0 && id < 256)).toBe(true);
    expect(out.timings.prefillTokensPerSecond).toBeGreaterThan(0);
    const b = await tdl('run', TINY, '--ids', '1,2,3', '--max-tokens', '6', '--json');
    expect(JSON.parse(b.stdout).generatedIds).toEqual(out.generatedIds);
    const c = await tdl('run', TINY, '--ids', '1,2,3', '--max-tokens', '6', '--json', '--init-seed', '7');
    expect(JSON.parse(c.stdout).generatedIds).not.toEqual(out.generatedIds);
  });

  it('streams text and reports speeds on stderr', async () => {
    const r = await tdl('run', TINY, '--prompt', 'hi', '--max-tokens', '4', '--temperature', '0.8', '--seed', '3');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('hi')).toBe(true);
    expect(r.stderr).toMatch(/prefill: 2 tokens at [\d.]+ tokens\/s; decode: 4 tokens at [\d.]+ tokens\/s \(length\)/);
  });

  it('writes weights with init and reads them back in run and logits', async () => {
    const weights = join(temp, 'tiny.safetensors');
    expect((await tdl('init', TINY, '--seed', '5', '--out', weights)).code).toBe(0);
    const fromFile = JSON.parse((await tdl('run', TINY, '--weights', weights, '--ids', '4,5', '--max-tokens', '5', '--json')).stdout);
    const fromSeed = JSON.parse((await tdl('run', TINY, '--init-seed', '5', '--ids', '4,5', '--max-tokens', '5', '--json')).stdout);
    expect(fromFile.generatedIds).toEqual(fromSeed.generatedIds);

    const logitsPath = join(temp, 'logits.safetensors');
    expect((await tdl('logits', TINY, '--weights', weights, '--ids', '4,5,6', '--out', logitsPath)).code).toBe(0);
    const bytes = readFileSync(logitsPath);
    const src = bufferSource(new Uint8Array(bytes));
    const header = await readHeader(src);
    const entry = header.tensors.get('logits')!;
    expect(entry.shape).toEqual([3, 256]);
    const logits = await readTensorF32(src, entry);
    // The greedy first token after "4,5" is the argmax of the second row.
    const row = Array.from(logits.subarray(256, 512));
    expect(row.indexOf(Math.max(...row))).toBe(fromFile.generatedIds[0]);
  });

  it('refuses bad input with one clear line and no partial output', async () => {
    const out = join(temp, 'never.safetensors');
    const r1 = await tdl('logits', TINY, '--ids', '1,300', '--out', out);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toBe("tdl: error: token id 300 at position 1 is out of range for model 'tiny' (vocabulary 256: ids 0 to 255)\n");
    const long = Array.from({ length: 40 }, () => '1').join(',');
    const r2 = await tdl('logits', TINY, '--ids', long, '--out', out);
    expect(r2.stderr).toBe("tdl: error: 40 tokens do not fit the context of model 'tiny' (32 tokens)\n");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(temp).filter((f) => f.startsWith('.'))).toEqual([]);
    const r3 = await tdl('run', TINY, '--max-tokens', 'many');
    expect(r3.stderr).toBe("tdl: error: --max-tokens must be a whole number of at least 0, got 'many'\n");
    const r4 = await tdl('run', join(temp, 'missing.tdl'));
    expect(r4.stderr).toMatch(/^tdl: error: cannot read .*missing\.tdl: no such file or folder\n$/);
  });

  it('echoes the prompt only once generation accepts it, and counts tokens in words', async () => {
    const long = 'x'.repeat(40);
    const refused = await tdl('run', TINY, '--prompt', long);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe("tdl: error: 40 tokens do not fit the context of model 'tiny' (32 tokens)\n");
    const one = await tdl('run', TINY, '--prompt', 'h', '--max-tokens', '1');
    expect(one.stdout.startsWith('h')).toBe(true);
    expect(one.stderr).toMatch(/^prefill: 1 token at [\d.]+ tokens\/s; decode: 1 token \(length\)\n$/);
  });

  it('refuses binary and non-UTF-8 model files in one line', async () => {
    const binary = join(temp, 'binary.tdl');
    writeFileSync(binary, Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0x1b, 0x5b]));
    const b = await tdl('check', binary);
    expect(b.code).toBe(1);
    expect(b.stderr).toBe(`tdl: error: ${binary} is not a text file: it holds binary data (a zero byte at offset 7)\n`);
    const latin1 = join(temp, 'latin1.tdl');
    writeFileSync(latin1, Uint8Array.from([...Buffer.from('## caf'), 0xe9, 0x0a]));
    const l = await tdl('info', latin1);
    expect(l.stderr).toBe(`tdl: error: ${latin1} is not UTF-8 text: byte 0xe9 at offset 6 starts no UTF-8 character\n`);
  });

  it('refuses a memory of the wrong width, a missing memory, and a memory for a model without one', async () => {
    const transformer = new URL('../../../models/transformer.tdl', import.meta.url).pathname;
    const shrink = ['--set', 'd=16', '--set', 'vocab=40', '--set', 'heads=2', '--set', 'd_ff=32', '--set', 'layers=1'];
    const memory = (width: number) => {
      const path = join(temp, `memory-${width}.safetensors`);
      writeFileSync(path, concatChunks(encodeSafetensors([{ name: 'memory', shape: [3, width], data: new Float32Array(3 * width).fill(0.5) }])));
      return path;
    };
    const ok = await tdl('run', transformer, ...shrink, '--ids', '1,2', '--max-tokens', '2', '--memory', memory(16), '--json');
    expect(ok.code).toBe(0);
    const wrong = await tdl('run', transformer, ...shrink, '--ids', '1,2', '--memory', memory(12));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^tdl: error: .*memory-12\.safetensors: 'memory' must be \[S, 16\], found \[3, 12\]\n$/);
    const missing = await tdl('run', transformer, ...shrink, '--ids', '1,2');
    expect(missing.stderr).toBe("tdl: error: model 'transformer' attends to a memory 'memory' [S, 16]: give it with --memory FILE\n");
    const extra = await tdl('run', TINY, '--ids', '1,2', '--memory', memory(16));
    expect(extra.stderr).toBe("tdl: error: model 'tiny' has no memory input; drop --memory\n");
  });

  it('names the constant when a checkpoint is of another size of the model', async () => {
    const weights = join(temp, 'small.safetensors');
    await tdl('init', TINY, '--set', 'd=8', '--out', weights);
    const r = await tdl('run', TINY, '--weights', weights, '--ids', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tdl: error: ${weights} is a checkpoint of other sizes: it has d = 8, where ${TINY} has d = 16: pass --set d=8\n`);
  });

  it('names missing, unexpected and mis-shaped tensors of a checkpoint for another model', async () => {
    const weights = join(temp, 'other.safetensors');
    await tdl('init', TINY, '--out', weights);
    // One tensor of another shape, one renamed: no constant explains that.
    const src = bufferSource(readFileSync(weights));
    const header = await readHeader(src, weights);
    const tensors = [];
    for (const [name, entry] of header.tensors) {
      const data = await readTensorF32(src, entry);
      if (name === 'embed.weight') tensors.push({ name, shape: [128, 32], data });
      else tensors.push({ name: name === 'head.weight' ? 'head.w' : name, shape: [...entry.shape], data });
    }
    writeFileSync(weights, concatChunks(encodeSafetensors(tensors)));
    const r = await tdl('run', TINY, '--weights', weights, '--ids', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not fit this model');
    expect(r.stderr).toContain('embed.weight: expected [256, 16], found [128, 32]');
    expect(r.stderr).toContain('missing 1 tensor: head.weight');
    expect(r.stderr).toContain('unexpected 1 tensor: head.w');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('prints every command and flag with its default in --help', async () => {
    const r = await tdl('--help');
    for (const c of ['check', 'info', 'fmt', 'graph', 'compile', 'init', 'run', 'logits']) expect(r.stdout).toContain(`tdl ${c} `);
    expect(r.stdout).toContain('--max-tokens N');
    expect(r.stdout).toContain('(default: 64)');
    expect(r.stdout).toContain('--set NAME=VALUE');
  });

  it('checks files and points at errors with exit code 1', async () => {
    const ok = await tdl('check', TINY);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/tiny\.tdl: ok, model tiny, [\d,]+ parameters/);
    const bad = await tdl('check', TINY, '--set', 'heads=3');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error[E0303]: 3 heads do not divide the width 16');
  });

  it('compiles a model to a TypeScript module', async () => {
    const r = await tdl('compile', TINY, '--out', join(temp, 'gen'));
    expect(r.code).toBe(0);
    const text = readFileSync(join(temp, 'gen', 'tiny.ts'), 'utf8');
    expect(text).toContain('// Generated by tdl from');
    expect(text).toContain("import * as k from '@tdl/runtime-cpu';");
  });
});
