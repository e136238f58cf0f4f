// A CPU run that cannot fit the machine's memory is refused before anything is allocated, in one line
// with both figures (TDL_MEMORY_BYTES stands for the machine's memory, so the test means the same anywhere).
import { afterEach, describe, expect, it } from 'vitest';
import { checkSource, countParams } from '@tdl/compiler';
import { readFileSync } from 'node:fs';
import { memoryNeed } from '../src/memory.js';
import { tdl } from './support/run-cli.js';

const GIB = 1024 ** 3;
afterEach(() => void delete process.env['TDL_MEMORY_BYTES']);

describe('the memory check', () => {
  it('refuses Llama-2-7B in f32 on a 24 GiB machine, naming what it needs and what there is', async () => {
    process.env['TDL_MEMORY_BYTES'] = String(24 * GIB);
    const r = await tdl('run', 'models/llama.tdl');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      "tdl: error: model 'llama' needs 29.59 GiB (weights 25.10 GiB f32, KV cache 4.00 GiB at 4,096 tokens, workspace 500.00 MiB), but this machine has 24.00 GiB of memory (--weight-dtype bf16 halves the weights)\n",
    );
  });

  it('adds up the weights, the whole-context KV cache and a whole prompt of logits', () => {
    const graph = checkSource({ name: 'models/llama.tdl', text: readFileSync('models/llama.tdl', 'utf8') }).graph!;
    const need = memoryNeed(graph, 'f32');
    expect(need.weights).toBe(countParams(graph).total * 4);
    // 32 layers × keys and values × 4096 wide × 4 bytes, for each of 4096 positions.
    expect(need.kvCache).toBe(32 * 2 * 4096 * 4 * 4096);
    expect(need.workspace).toBe(4096 * 32000 * 4);
    expect(memoryNeed(graph, 'bf16').weights).toBe(countParams(graph).total * 2);
  });

  it('lets a run that fits go on, and says when TDL_MEMORY_BYTES is no number', async () => {
    process.env['TDL_MEMORY_BYTES'] = String(GIB);
    expect((await tdl('run', 'packages/cli/test/fixtures/hf/llama', '--max-tokens', '2')).code).toBe(0);
    process.env['TDL_MEMORY_BYTES'] = 'lots';
    expect((await tdl('run', 'packages/cli/test/fixtures/hf/llama')).stderr).toBe("tdl: error: TDL_MEMORY_BYTES must be a whole number of bytes, got 'lots'\n");
  });
});
