// tdl test and tdl equiv as a user runs them: a model file written in a temporary folder, outside the
// repository, is tested with no setup; a folder is its .tdl files; --json is one array of reports; a
// failed file exits 1; equiv tells two files apart and prints the command that shows it again.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tdl } from './support/run-cli.js';

const temp = mkdtempSync(join(tmpdir(), 'tdl-test-command-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** A model written from scratch: parallel attention and MLP, ALiBi, a sliding window on every layer. */
const FRESH = `model fresh {
  const vocab = 100, context = 64, d = 48, heads = 6, layers = 3, window = 5
  input tokens: i32[T <= context]
  x = emb: embedding(tokens, vocab, d)
  blocks: repeat layers as i {
    h = ln: layer_norm(x)
    x = x + attn: attention(h, heads, mask = sliding(window), pos = alibi) + ffn: mlp(h, 2 * d, act = gelu)
  }
  output logits = head: linear(ln_f: layer_norm(x), vocab, bias = false)
}
`;

describe('tdl test', () => {
  it('tests a model file written outside the repository, with every property that applies', async () => {
    const file = join(temp, 'fresh.tdl');
    writeFileSync(file, FRESH);
    const r = await tdl('test', file, '--runs', '3', '--no-webgpu');
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\S+fresh\.tdl \(from vocab=32 context=16 d=\d+ heads=\d+ layers=\d+ window=\d+\)$/);
    const status = Object.fromEntries(lines.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2).reverse()));
    expect(status).toEqual({ shapes: 'passed', causality: 'passed', 'kv-cache': 'passed', window: 'passed', memory: 'skipped', threads: 'passed', kernels: 'passed', namings: 'passed', params: 'passed', webgpu: 'skipped' });
  });

  it('takes a folder as its .tdl files, prints JSON, and exits 1 when a file does not check', async () => {
    const dir = join(temp, 'folder');
    mkdirSync(dir);
    writeFileSync(join(dir, 'a.tdl'), FRESH);
    writeFileSync(join(dir, 'b.tdl'), FRESH.replace('heads = 6', 'heads = 7'));
    const r = await tdl('test', dir, '--runs', '1', '--only', 'shapes', '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/b\.tdl:\d+:\d+ error\[E0303\]: 7 heads do not divide the width 48/);
    const reports = JSON.parse(r.stdout);
    expect(reports.map((x: { file: string }) => x.file)).toEqual([join(dir, 'a.tdl')]);
    expect(reports[0].results).toMatchObject([{ property: 'shapes', status: 'passed', runs: 1 }]);
  });
});

describe('tdl equiv', () => {
  it('finds two files equal through their shared naming, and apart where they are not', async () => {
    const fixture = new URL('../../testing/test/fixtures/llama-interleaved.tdl', import.meta.url).pathname;
    const llama = new URL('../../../models/llama.tdl', import.meta.url).pathname;
    const same = await tdl('equiv', llama, fixture, '--runs', '2');
    expect(same.stdout).toMatch(/≡ .* through naming 'meta' \(2 cases\)/);
    expect(same.code).toBe(0);
    // Heads of 8 channels: at 2 (where shrinking may go) interleaved and half pairs are the same pair.
    const apart = await tdl('equiv', llama, fixture, '--runs', '2', '--naming', 'internal', '--set', 'd=32', '--set', 'heads=4', '--set', 'kv_heads=4');
    expect(apart.code).toBe(1);
    const command = /reproduce: tdl (equiv .*)$/m.exec(apart.stdout)![1]!;
    const again = await tdl(...command.split(' '));
    expect(again.code).toBe(1);
    expect(again.stdout).toContain('the logits first differ at position');
  });
});
